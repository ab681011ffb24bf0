"""A desk's connection to its hub: the ``/v1`` calls, over a pinned TLS certificate."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Page:
    changes: list[Change]
    next: int
    high_water: int
    left_out: tuple[LeftOut, ...] = ()  # changes of kinds this version does not know


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

    def push(self, changes: Sequence[Change], sent_at_ms: int) -> PushResult:
        body = json.dumps({"changes": [change_json(c) for c in changes],
                           "sent_at_ms": sent_at_ms}, ensure_ascii=False).encode()
        response = self._call("POST", "/push", content=body,
                              headers={"Content-Type": "application/json"})
        with _readable("a push"):
            data = response.json()
            return PushResult([(a["change_id"], int(a["hub_seq"])) for a in data["acks"]],
                              int(data["hub_time_ms"]), int(data["high_water"]),
                              data.get("wipe"))

    def confirm_wiped(self, ordered_ms: int, unsent: int) -> int:
        """Tell the hub this desk carried out its wipe order; the hub's time of record."""
        reply = self._call("POST", "/wiped", json={"ordered_ms": ordered_ms, "unsent": unsent})
        with _readable("a wipe confirmation"):
            return WipedReply.model_validate(reply.json()).wiped_ms

    def pull(self, after: int, limit: int = 1000, wait: float = 0) -> Page:
        response = self._call("GET", "/changes", params={"after": after, "limit": limit,
                                                         "wait": wait},
                              timeout=self._timeout + wait)
        with _readable("a pull"):
            data = response.json()
            changes, left_out = _changes(data["changes"])
            return Page(changes, int(data["next"]), int(data["high_water"]), left_out)

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
