"""HTTP for the connectors: one client each, faults in plain words, nothing personal logged."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from kiosk.connectors.base import ConnectorProblem

log = logging.getLogger("kiosk.connectors")
# httpx logs every request's address at INFO: a published sheet's address is itself a secret
# link, and a log must never hold one.
logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger("httpx").level))

TIMEOUT_S = 30.0
# Said of a passing fault while the link runs (not when connecting: nothing is kept then).
TRIES_AGAIN = ("Nothing is lost: check-ins wait here and kiosk tries again, waiting longer "
               "each time.")


def client(base_url: str, headers: dict[str, str] | None = None,
           transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """A client for one system. TLS is checked as a browser would (a published sheet, a
    pretix in the cloud); redirects are followed only for a sheet (see ``fetch``)."""
    return httpx.Client(base_url=base_url, headers=headers or {}, timeout=TIMEOUT_S,
                        transport=transport, follow_redirects=False)


def where(url: str) -> str:
    """The server of an address, for messages and logs (never its path: a published sheet's
    address is itself a secret link)."""
    parts = urlsplit(url)
    return parts.netloc or url


LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def check_address(url: str, what: str) -> str:
    """``url`` tidied, or ConnectorProblem when it is no web address — or a plain http one
    to another computer: a token or a sheet's secret link never crosses a network in the
    clear (http:// is for a server on this computer only)."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConnectorProblem(f"“{text}” is not a web address. Give {what}, starting with "
                               "https://.", lasting=True)
    if parts.scheme == "http" and (parts.hostname or "") not in LOOPBACK:
        raise ConnectorProblem(f"{where(text)} was given with http://, which anyone on the "
                               f"network could read (the token, the registrations). Give "
                               f"{what}, starting with https://.", lasting=True)
    return text


def sent(request: Callable[[], httpx.Response], system: str, server: str) -> httpx.Response:
    """The answer to a request, or ConnectorProblem when the server could not be asked or
    is unwell (each said plainly; the caller decides about 4xx answers)."""
    try:
        answer = request()
    except httpx.TimeoutException:
        log.warning("%s at %s did not answer in time", system, server)
        raise ConnectorProblem(f"{system} at {server} did not answer in time.",
                               later=TRIES_AGAIN) from None
    except httpx.TransportError as exc:
        log.warning("%s at %s cannot be reached (%s)", system, server, type(exc).__name__)
        raise ConnectorProblem(f"{system} at {server} cannot be reached (no network, or the "
                               "server is down).", later=TRIES_AGAIN) from None
    if answer.status_code == 429 or answer.status_code >= 500:
        log.warning("%s at %s answered %d", system, server, answer.status_code)
        raise ConnectorProblem(f"{system} at {server} is busy or unwell (it answered "
                               f"{answer.status_code}).", later=TRIES_AGAIN)
    return answer
