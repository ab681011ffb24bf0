"""The hub's HTTP API (``/v1``): enrolment, push, long-poll pull, snapshot, bundles, devices."""


import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse

from kiosk.core.ids import claims_another_keys_id
from kiosk.store.hub_records import HUB_ID, AuthorTaken, DeviceRole, HubAuthor, HubDevice
from kiosk.sync.bell import ChangeBell
from kiosk.sync.body_limit import BodyLimit
from kiosk.sync.bundles import BundleRefused, event_key, read_bundle
from kiosk.sync.credentials import new_secret, secret_hash
from kiosk.sync.hub_intake import IllFormed, OtherEvent, take_in
from kiosk.sync.hub_storage import HubLog
from kiosk.sync.protocol import (
    API,
    MAX_BODY_BYTES,
    MAX_NUMBER,
    MAX_PAGE,
    MAX_PUSH,
    MAX_PUSH_BYTES,
    MAX_WAIT_S,
    Ack,
    BundleReply,
    DeviceInfo,
    EnrolReply,
    EnrolRequest,
    Health,
    PushReply,
    PushRequest,
    Refused,
    WipedReply,
    WipedRequest,
    change_json,
)
from kiosk.sync.rate_limits import PushAllowance, PushLimits
from kiosk.sync.registry import signed_registry
from kiosk.sync.wipe_orders import WipeOrder, hub_public_key, hub_signing_key, signed_order

log = logging.getLogger("kiosk.hub")

_ANOTHER_DEVICES_ID = ("Another device is registered with this desk's id. Make a new desk "
                       "file (`kiosk connect NEW.db TOKEN`) and ask the organisers for a new "
                       "token.")

# Another process (a second hub on PostgreSQL, `kiosk hub-import`) can add changes without
# ringing our bell: a waiting pull looks again this often.
RECHECK_S = 1.0

_UNKNOWN_KEY = ("The hub does not know this desk. Connect it again with a new token "
                "from `kiosk hub-enrol`.")
_REVOKED = ("This desk was removed from the hub by the organisers. Ask them for a new "
            "token if it should sync again.")
_WIPE = ("The organisers have asked for this desk's data to be wiped. It removes its "
         "personal data now and stops syncing.")


@dataclass(frozen=True)
class _Caller:
    """Who made a request: the device its key belongs to, and that key's hash."""

    device: HubDevice
    key_hash: str


class _WipeDue(Exception):
    """The caller is a device with a wipe order: answered 410 with the signed order."""

    def __init__(self, order: dict[str, Any]) -> None:
        super().__init__("wipe due")
        self.order = order


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


def create_app(hub: HubLog, wall_ms: Callable[[], int] = _wall_ms,
               max_body: int = MAX_BODY_BYTES, limits: PushLimits | None = None) -> Any:
    """The hub's ASGI application over its storage."""
    app = FastAPI(title="kiosk hub", version="2",
                  description="Sync for kiosk check-in desks: push, pull, enrol, bundles.")
    allowance = PushAllowance(limits or PushLimits())
    bell = ChangeBell()
    app.state.bell = bell
    hub_id = hub.setting(HUB_ID) or ""
    signing_key = hub_signing_key(hub)

    @app.exception_handler(RequestValidationError)
    async def unreadable(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Where the request is wrong, never what it held (it may not even be valid JSON
        # to send back: NaN, Infinity), and never a person's data in a log.
        where = sorted({".".join(str(part) for part in error.get("loc", ()))
                        for error in exc.errors()})[:10]
        return JSONResponse({"detail": "The hub could not read this request (" +
                             ", ".join(where) + "). Nothing was stored."}, status_code=422)

    @app.exception_handler(_WipeDue)
    async def wipe_due(_request: Request, exc: _WipeDue) -> JSONResponse:
        return JSONResponse({"detail": _WIPE, "wipe": exc.order}, status_code=410)

    def known_caller(authorization: str | None) -> _Caller | None:
        scheme, _, key = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not key:
            return None
        key_hash = secret_hash(key.strip())
        device = hub.device_by_key_hash(key_hash)
        return None if device is None else _Caller(device, key_hash)

    def caller(authorization: Annotated[str | None, Header()] = None) -> _Caller:
        who = known_caller(authorization)
        if who is None:
            raise HTTPException(401, _UNKNOWN_KEY)
        return who

    Caller = Annotated[_Caller, Depends(caller)]

    def order_for(who: _Caller) -> dict[str, Any]:
        ordered = who.device.wipe_ordered_ms
        assert ordered is not None
        log.info("wipe order sent to device %s", who.device.device_id)
        return signed_order(WipeOrder(hub_id, who.device.device_id, who.key_hash, ordered),
                            signing_key)

    def device_of(who: Caller) -> HubDevice:
        # A pending wipe is answered even to a removed desk: removing it must not stop it
        # hearing that its data is to go.
        if who.device.wipe_pending:
            raise _WipeDue(order_for(who))
        if who.device.revoked:
            raise HTTPException(403, _REVOKED)
        return who.device

    Device = Annotated[HubDevice, Depends(device_of)]

    def pusher(who: Caller) -> _Caller:
        # A desk to be wiped may still send what it recorded (unless it was also removed):
        # its check-ins are real, and they are lost if the wipe comes first.
        if who.device.wipe_pending and who.device.revoked:
            raise _WipeDue(order_for(who))
        if who.device.revoked:
            raise HTTPException(403, _REVOKED)
        return who

    def organiser(device: Device) -> HubDevice:
        if device.role is not DeviceRole.ORGANISER:
            raise HTTPException(403, "Only the organisers' console can manage devices.")
        return device

    @app.get(f"{API}/health", response_model=Health)
    def health(authorization: Annotated[str | None, Header()] = None) -> Health:
        # No key needed; but a desk with a wipe order that asks is told, like everywhere.
        who = known_caller(authorization)
        if who is not None and who.device.wipe_pending:
            raise _WipeDue(order_for(who))
        return Health(status="ok", hub_id=hub_id, high_water=hub.high_water(),
                      hub_key=hub_public_key(signing_key))

    @app.post(f"{API}/enrol", response_model=EnrolReply)
    def enrol(body: EnrolRequest) -> EnrolReply:
        if claims_another_keys_id(body.device_id, body.public_key):
            raise HTTPException(409, _ANOTHER_DEVICES_ID)
        key = new_secret()
        candidate = HubDevice(body.device_id, "", DeviceRole.DESK, body.public_key, 0)
        try:
            device = hub.enrol(secret_hash(body.token), wall_ms(), candidate, secret_hash(key))
        except AuthorTaken as exc:
            raise HTTPException(409, _ANOTHER_DEVICES_ID) from exc
        if device is None:
            raise HTTPException(403, "This token has been used already or has expired. Ask "
                                     "the organisers for a new one (`kiosk hub-enrol`).")
        log.info("device %s enrolled as %s", device.device_id, device.role.value)
        return EnrolReply(device_key=key, hub_id=hub_id, name=device.name, role=device.role)

    def note_clock(device: HubDevice, their_ms: int | None) -> int | None:
        """The caller's clock minus ours (kept for the organisers), when it told us its time."""
        if not their_ms:
            return None
        now = wall_ms()
        offset = their_ms - now
        before = device.clock_offset_ms
        # Written when it moves by a second or more: a pull every few seconds is not a write.
        if before is None or abs(before - offset) >= 1000:
            hub.note_clock(device.device_id, offset, now)
        return offset

    @app.post(f"{API}/push", response_model=PushReply)
    def push(body: PushRequest, request: Request,
             who: Annotated[_Caller, Depends(pusher)]) -> PushReply:
        device = who.device
        if len(body.changes) > MAX_PUSH:
            raise HTTPException(413, f"The desk sent {len(body.changes)} changes at once; the "
                                     f"hub takes at most {MAX_PUSH:,} a push. Nothing was "
                                     "stored; the desk sends them in smaller batches.")
        declared = request.headers.get("content-length", "")
        size = int(declared) if declared.isdigit() else len(body.model_dump_json())
        wait = allowance.take(device.device_id, device.role, len(body.changes), size,
                              time.monotonic())
        if wait is not None:
            log.warning("push from %s slowed down (%d changes)", device.device_id,
                        len(body.changes))
            raise HTTPException(429, "This desk is sending far more than a desk checking "
                                     "people in does, so the hub is slowing it down. Nothing "
                                     "is lost: it sends the rest in a few minutes. If this "
                                     "keeps happening, tell the organisers.",
                                headers={"Retry-After": str(int(wait) + 1)})
        offset = note_clock(device, body.sent_at_ms)
        changes = [c.change() for c in body.changes]
        authors = [HubAuthor(a.author_id, a.public_key, "", a.name) for a in body.authors]
        try:
            intake = take_in(hub, changes, device.device_id, by=device, authors=authors,
                             event=body.event)
        except OtherEvent as exc:
            if device.role is DeviceRole.HUB:
                raise HTTPException(409, "The forwarding hub holds another event than the one "
                                         "this hub serves. Nothing was stored. Forward it to "
                                         "its own event's central hub.") from exc
            raise HTTPException(409, "This desk holds another event than the one this hub "
                                     "serves. Nothing was stored. Connect it to that event's "
                                     "hub, or make a new desk file for this event.") from exc
        except IllFormed as exc:
            log.warning("push from %s refused: %s", device.device_id, exc)
            raise HTTPException(422, f"{exc} Nothing was stored; the desk keeps its "
                                     "changes. Tell the organisers.") from exc
        if intake.new:
            bell.ring()
        if intake.refused:
            log.warning("push from %s: %d changes refused", device.device_id,
                        len(intake.refused))
        log.info("push from %s: %d changes", device.device_id, len(changes))
        return PushReply(acks=[Ack(change_id=c, hub_seq=n) for c, n in intake.acks],
                         refused=[Refused(change_id=c, reason=r) for c, r in intake.refused],
                         hub_time_ms=wall_ms(), high_water=hub.high_water(),
                         clock_offset_ms=offset,
                         wipe=order_for(who) if device.wipe_pending else None)

    @app.post(f"{API}/wiped", response_model=WipedReply)
    def wiped(body: WipedRequest, who: Caller) -> WipedReply:
        """The desk carried out its wipe order: note it, and its key stops working."""
        device = who.device
        if not device.wipe_pending:
            if device.revoked:
                raise HTTPException(403, _REVOKED)
            raise HTTPException(409, "No wipe was ordered for this desk.")
        done = hub.confirm_wipe(device.device_id, body.ordered_ms, wall_ms(), body.unsent)
        if done is None or done.wiped_ms is None:
            raise HTTPException(409, "That is not the wipe the organisers ordered.")
        log.info("device %s confirmed its wipe (%d changes unsent)", device.device_id,
                 body.unsent)
        return WipedReply(wiped_ms=done.wiped_ms)

    @app.get(f"{API}/changes")
    async def pull(
        device: Device,
        who: Caller,
        after: Annotated[int, Query(ge=0, le=MAX_NUMBER)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1000,
        wait: Annotated[float, Query(ge=0, le=MAX_WAIT_S, allow_inf_nan=False)] = 0,
        clock: Annotated[int | None, Query(ge=0, le=MAX_NUMBER)] = None,
    ) -> JSONResponse:
        """Changes after ``after`` in hub order; waits up to ``wait`` s for the first one.
        ``clock``: the desk's time (ms), so the hub can tell it when its clock is off."""
        offset = await run_in_threadpool(note_clock, device, clock)
        deadline = asyncio.get_running_loop().time() + wait
        while True:
            ticket = bell.listen()
            page = await run_in_threadpool(hub.read, after, limit)
            left = deadline - asyncio.get_running_loop().time()
            if page or left <= 0:
                bell.forget(ticket)
                break
            await bell.wait(ticket, min(left, RECHECK_S))
            # A wipe ordered while this desk waits reaches it now, not after the wait.
            now = await run_in_threadpool(hub.device_by_key_hash, who.key_hash)
            if now is not None and now.wipe_pending:
                raise _WipeDue(order_for(_Caller(now, who.key_hash)))
        high = page[-1].hub_seq if page else after
        return JSONResponse({"changes": [change_json(c) for c in page], "next": high,
                             "high_water": max(high or 0, hub.high_water()),
                             "hub_time_ms": wall_ms(), "clock_offset_ms": offset})

    @app.get(f"{API}/registry")
    def registry(device: Device) -> dict[str, Any]:
        """The devices whose changes desks take, with their keys, signed by this hub."""
        return signed_registry(hub, signing_key)

    @app.get(f"{API}/snapshot")
    def snapshot(device: Device) -> StreamingResponse:
        """Everything the hub holds, for a new desk: a first line with the high-water mark,
        then one change per line."""
        high = hub.high_water()

        def lines() -> Iterator[bytes]:
            yield json.dumps({"high_water": high}).encode() + b"\n"
            after = 0
            while after < high:
                page = hub.read(after, MAX_PAGE)
                page = [c for c in page if c.hub_seq is not None and c.hub_seq <= high]
                if not page:
                    break
                for change in page:
                    yield json.dumps(change_json(change), ensure_ascii=False).encode() + b"\n"
                after = page[-1].hub_seq or high
        return StreamingResponse(lines(), media_type="application/x-ndjson")

    @app.post(f"{API}/bundles", response_model=BundleReply)
    async def upload_bundle(request: Request, device: Device) -> BundleReply:
        data = await request.body()
        wait = allowance.take(device.device_id, device.role, 1, len(data), time.monotonic())
        if wait is not None:
            raise HTTPException(429, "The hub is taking a lot from this device just now; "
                                     "send the bundle again in a few minutes.",
                                headers={"Retry-After": str(int(wait) + 1)})
        try:
            return await run_in_threadpool(import_bundle_into_hub, hub, data, device.device_id,
                                           bell.ring)
        except BundleRefused as exc:
            raise HTTPException(422, str(exc)) from exc

    @app.get(f"{API}/devices", response_model=list[DeviceInfo])
    def devices(device: Device) -> list[DeviceInfo]:
        return [DeviceInfo.of(d) for d in hub.devices()]

    @app.post(f"{API}/devices/{{device_id}}/revoke", response_model=DeviceInfo)
    def revoke(device_id: Annotated[str, Path(pattern=r"^[0-9A-Za-z_-]{1,64}$")],
               by: Annotated[HubDevice, Depends(organiser)]) -> DeviceInfo:
        if not hub.revoke(device_id):
            raise HTTPException(404, f"No device {device_id} is enrolled with this hub.")
        log.info("device %s revoked by %s", device_id, by.device_id)
        revoked = hub.device(device_id)
        assert revoked is not None
        return DeviceInfo.of(revoked)

    return BodyLimit(app, max_body, {f"{API}/push": min(max_body, MAX_PUSH_BYTES)})


def import_bundle_into_hub(hub: HubLog, data: bytes, by: str,
                           ring: Callable[[], None] = lambda: None) -> BundleReply:
    """Verify a bundle against the hub's device registry, then take it in as a push is."""
    def trust(device_id: str, public_key: str) -> None:
        known = hub.author(device_id)
        if known is None or known.public_key != public_key:
            raise BundleRefused("This bundle comes from a device the hub does not know. Enrol "
                                "that desk first, or import the bundle at a desk.")
        owner = hub.device(known.device_id) if known.device_id else None
        if owner is not None and owner.revoked:
            raise BundleRefused("This bundle comes from a desk the organisers removed; "
                                "it was not imported.")

    _, changes = read_bundle(data, event_key(hub.event_updates()), trust)
    try:
        intake = take_in(hub, changes, by)
    except (OtherEvent, IllFormed) as exc:
        raise BundleRefused(f"{exc} Nothing was imported.") from exc
    if intake.new:
        ring()
    return BundleReply(received=len(changes), new=intake.new)
