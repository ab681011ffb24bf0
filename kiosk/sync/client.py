"""A desk's connection to its hub: the ``/v1`` calls, over a pinned TLS certificate."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from kiosk.core.changes import Change, ChangeKind, LeftOut
from kiosk.core.refusal import Refusal
from kiosk.sync.protocol import (
    API,
    BundleReply,
    DeviceInfo,
    EnrolReply,
    WipedReply,
    WireChange,
    change_json,
)
from kiosk.sync.tls import pinned_context


class HubUnreachable(Refusal):
    """No answer from the hub (no network, hub down): try again later; nothing is lost."""


class HubBusy(HubUnreachable):
    """The hub is slowing this desk down (429): wait, then send the rest."""

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


IMPOSTOR = ("This is not the hub this desk enrolled with (its certificate changed). Nothing "
            "was sent to it, not even this desk's key. Ask the organisers: if the hub was "
            "set up again, connect this desk with a new token.")


class HubRefused(Refusal):
    """The hub answered with a refusal; ``str()`` is its reason, in plain words."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class WipeOrdered(HubRefused):
    """The answer is a wipe order (410). ``order`` is as received: check it before acting
    on it (kiosk.sync.wipe_orders.verify). Code that does not know orders sees a refusal."""

    def __init__(self, message: str, order: Any) -> None:
        super().__init__(410, message)
        self.order = order


@dataclass(frozen=True)
class PushResult:
    acks: list[tuple[str, int]]
    hub_time_ms: int
    high_water: int
    wipe: Any = None  # a wipe order (unverified) when the hub has one for this desk
    refused: list[tuple[str, str]] = field(default_factory=list)  # (change id, why)
    clock_offset_ms: int | None = None  # this desk's clock minus the hub's, as it measured


@dataclass(frozen=True)
class Page:
    changes: list[Change]
    next: int
    high_water: int
    left_out: tuple[LeftOut, ...] = ()  # changes of kinds this version does not know
    hub_time_ms: int | None = None
    clock_offset_ms: int | None = None  # this desk's clock minus the hub's, as it measured


@dataclass(frozen=True)
class Batch:
    """A snapshot's batch: the changes, what was left out of it, and the last hub number."""

    changes: list[Change]
    left_out: tuple[LeftOut, ...]
    last: int


_KINDS = frozenset(kind.value for kind in ChangeKind)
UNKNOWN_KIND = ("a kind of change this version of the app does not know: update the app on "
                "this desk, then sync again")


def _changes(items: Sequence[Any]) -> tuple[list[Change], tuple[LeftOut, ...]]:
    """The changes of a page, and those of kinds a newer app made (well-formed otherwise):
    left out and noted rather than failing the page, so an old desk keeps syncing."""
    changes: list[Change] = []
    left_out: list[LeftOut] = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("kind"), str) \
                and item["kind"] not in _KINDS:
            left_out.append(LeftOut(str(item["change_id"]), str(item["device_id"]),
                                    item["kind"], UNKNOWN_KIND))
            continue
        changes.append(WireChange.model_validate(item).change())
    return changes, tuple(left_out)


def _certificate_refused(exc: BaseException) -> bool:
    """Whether a connection failed because the server's certificate is not the pinned one."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        if isinstance(seen, ssl.SSLError) and "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(exc)


@contextmanager
def _readable(what: str) -> Iterator[None]:
    """An answer that is not what a kiosk hub sends (a captive portal, a broken proxy, another
    server at that address) is a hub we cannot use now: the desk keeps its changes and retries."""
    try:
        yield
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, StopIteration) as exc:
        raise HubUnreachable(f"The hub's answer to {what} could not be read (is something else "
                             "answering at the hub's address?). The desk keeps working and "
                             "will try again; nothing is lost.") from exc


class HubClient:
    """Calls to one hub. ``certificate`` is the pinned PEM (None for a plain-HTTP hub)."""

    def __init__(self, url: str, device_key: str | None, certificate: str | None,
                 timeout: float = 15.0, transport: httpx.BaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {device_key}"} if device_key else {}
        verify: Any = pinned_context(certificate) if certificate else True
        self._timeout = timeout
        self._http = httpx.Client(base_url=url.rstrip("/") + API, headers=headers,
                                  verify=verify, timeout=timeout, transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            if _certificate_refused(exc):
                # The TLS handshake failed on the pin: no request (and no key) went out.
                raise HubRefused(495, IMPOSTOR) from exc
            raise HubUnreachable(f"The hub cannot be reached ({type(exc).__name__}). The desk "
                                 "keeps working and will sync when the network is back.") from exc
        if response.status_code >= 400:
            try:
                body = response.json()
                detail = body.get("detail")
            except (ValueError, AttributeError):
                body, detail = None, None
            if not isinstance(detail, str):
                detail = f"The hub refused the request (HTTP {response.status_code})."
            if response.status_code == 410 and isinstance(body, dict) and "wipe" in body:
                raise WipeOrdered(detail, body["wipe"])
            if response.status_code >= 500:
                raise HubUnreachable(detail)
            if response.status_code == 429:
                wait = response.headers.get("retry-after", "")
                raise HubBusy(detail, float(wait) if wait.isdigit() else 60.0)
            raise HubRefused(response.status_code, detail)
        return response

    def health(self) -> dict[str, Any]:
        with _readable("a health check"):
            return dict(self._call("GET", "/health").json())

    def enrol(self, token_secret: str, device_id: str, public_key: str) -> EnrolReply:
        reply = self._call("POST", "/enrol", json={
            "token": token_secret, "device_id": device_id, "public_key": public_key})
        with _readable("enrolment"):
            return EnrolReply.model_validate(reply.json())

    def push(self, changes: Sequence[Change], sent_at_ms: int,
             authors: Sequence[dict[str, str]] = (), event: str | None = None) -> PushResult:
        """Send changes; ``authors`` introduces the device ids they name (id, key, name),
        ``event`` says which event this desk holds."""
        message: dict[str, Any] = {"changes": [change_json(c) for c in changes],
                                   "sent_at_ms": sent_at_ms}
        if authors:
            message["authors"] = list(authors)
        if event:
            message["event"] = event
        body = json.dumps(message, ensure_ascii=False).encode()
        response = self._call("POST", "/push", content=body,
                              headers={"Content-Type": "application/json"})
        with _readable("a push"):
            data = response.json()
            offset = data.get("clock_offset_ms")
            return PushResult([(a["change_id"], int(a["hub_seq"])) for a in data["acks"]],
                              int(data["hub_time_ms"]), int(data["high_water"]),
                              data.get("wipe"),
                              [(str(r["change_id"]), str(r["reason"]))
                               for r in data.get("refused", [])],
                              None if offset is None else int(offset))

    def confirm_wiped(self, ordered_ms: int, unsent: int) -> int:
        """Tell the hub this desk carried out its wipe order; the hub's time of record."""
        reply = self._call("POST", "/wiped", json={"ordered_ms": ordered_ms, "unsent": unsent})
        with _readable("a wipe confirmation"):
            return WipedReply.model_validate(reply.json()).wiped_ms

    def pull(self, after: int, limit: int = 1000, wait: float = 0,
             clock_ms: int | None = None) -> Page:
        params: dict[str, Any] = {"after": after, "limit": limit, "wait": wait}
        if clock_ms:
            params["clock"] = clock_ms
        response = self._call("GET", "/changes", params=params, timeout=self._timeout + wait)
        with _readable("a pull"):
            data = response.json()
            changes, left_out = _changes(data["changes"])
            hub_time, offset = data.get("hub_time_ms"), data.get("clock_offset_ms")
            return Page(changes, int(data["next"]), int(data["high_water"]), left_out,
                        None if hub_time is None else int(hub_time),
                        None if offset is None else int(offset))

    def registry(self) -> Any:
        """The hub's signed registry of device keys, as received (check it before use)."""
        response = self._call("GET", "/registry")
        with _readable("the list of devices"):
            return response.json()

    def snapshot(self) -> tuple[int, Iterator[Batch]]:
        """(high-water mark, batches of changes) of everything the hub holds."""
        response = self._call("GET", "/snapshot")
        lines = iter(response.text.splitlines())
        with _readable("a snapshot"):
            high = int(json.loads(next(lines))["high_water"])

        def batch_of(items: list[Any]) -> Batch:
            changes, left_out = _changes(items)
            last = max((int(i.get("hub_seq") or 0) for i in items if isinstance(i, dict)),
                       default=0)
            return Batch(changes, left_out, last)

        def pages() -> Iterator[Batch]:
            batch: list[Any] = []
            with _readable("a snapshot"):
                for line in lines:
                    batch.append(json.loads(line))
                    if len(batch) == 2000:
                        yield batch_of(batch)
                        batch = []
                if batch:
                    yield batch_of(batch)
        return high, pages()

    def devices(self) -> list[DeviceInfo]:
        response = self._call("GET", "/devices")
        with _readable("the device list"):
            return [DeviceInfo.model_validate(d) for d in response.json()]

    def revoke(self, device_id: str) -> DeviceInfo:
        response = self._call("POST", f"/devices/{device_id}/revoke")
        with _readable("a revocation"):
            return DeviceInfo.model_validate(response.json())

    def upload_bundle(self, data: bytes) -> BundleReply:
        reply = self._call("POST", "/bundles", content=data,
                           headers={"Content-Type": "application/octet-stream"})
        with _readable("a bundle upload"):
            return BundleReply.model_validate(reply.json())
