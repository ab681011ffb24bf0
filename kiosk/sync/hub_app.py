"""The hub's HTTP API (``/v1``): enrolment, push, long-poll pull, snapshot, bundles, devices."""


import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse

from kiosk.store.hub_records import HUB_ID, DeviceRole, DuplicateSequence, HubDevice
from kiosk.sync.bell import ChangeBell
from kiosk.sync.body_limit import BodyLimit
from kiosk.sync.bundles import BundleRefused, event_key, read_bundle
from kiosk.sync.credentials import new_secret, secret_hash
from kiosk.sync.hub_storage import HubLog
from kiosk.sync.protocol import (
    API,
    MAX_BODY_BYTES,
    MAX_PAGE,
    MAX_WAIT_S,
    Ack,
    BundleReply,
    DeviceInfo,
    EnrolReply,
    EnrolRequest,
    Health,
    PushReply,
    PushRequest,
    change_json,
)

log = logging.getLogger("kiosk.hub")

# Another process (a second hub on PostgreSQL, `kiosk hub-import`) can add changes without
# ringing our bell: a waiting pull looks again this often.
RECHECK_S = 1.0

_UNKNOWN_KEY = ("The hub does not know this desk. Connect it again with a new token "
                "from `kiosk hub-enrol`.")
_REVOKED = ("This desk was removed from the hub by the organisers. Ask them for a new "
            "token if it should sync again.")


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


def create_app(hub: HubLog, wall_ms: Callable[[], int] = _wall_ms,
               max_body: int = MAX_BODY_BYTES) -> Any:
    """The hub's ASGI application over its storage."""
    app = FastAPI(title="kiosk hub", version="1",
                  description="Sync for kiosk check-in desks: push, pull, enrol, bundles.")
    bell = ChangeBell()
    app.state.bell = bell
    hub_id = hub.setting(HUB_ID) or ""

    def device_of(authorization: Annotated[str | None, Header()] = None) -> HubDevice:
        scheme, _, key = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not key:
            raise HTTPException(401, _UNKNOWN_KEY)
        device = hub.device_by_key_hash(secret_hash(key.strip()))
        if device is None:
            raise HTTPException(401, _UNKNOWN_KEY)
        if device.revoked:
            raise HTTPException(403, _REVOKED)
        return device

    Device = Annotated[HubDevice, Depends(device_of)]

    def organiser(device: Device) -> HubDevice:
        if device.role is not DeviceRole.ORGANISER:
            raise HTTPException(403, "Only the organisers' console can manage devices.")
        return device

    @app.get(f"{API}/health", response_model=Health)
    def health() -> Health:
        return Health(status="ok", hub_id=hub_id, high_water=hub.high_water())

    @app.post(f"{API}/enrol", response_model=EnrolReply)
    def enrol(body: EnrolRequest) -> EnrolReply:
        key = new_secret()
        candidate = HubDevice(body.device_id, "", DeviceRole.DESK, body.public_key, 0)
        device = hub.enrol(secret_hash(body.token), wall_ms(), candidate, secret_hash(key))
        if device is None:
            raise HTTPException(403, "This token has been used already or has expired. Ask "
                                     "the organisers for a new one (`kiosk hub-enrol`).")
        log.info("device %s enrolled as %s", device.device_id, device.role.value)
        return EnrolReply(device_key=key, hub_id=hub_id, name=device.name, role=device.role)

    @app.post(f"{API}/push", response_model=PushReply)
    def push(body: PushRequest, device: Device) -> PushReply:
        changes = [c.change() for c in body.changes]
        try:
            numbers = hub.append(changes, device.device_id)
        except DuplicateSequence as exc:
            raise HTTPException(409, "Some of these changes clash with changes the hub already "
                                     "holds (same device and number). Nothing was stored; "
                                     "tell the organisers.") from exc
        bell.ring()
        log.info("push from %s: %d changes", device.device_id, len(changes))
        return PushReply(acks=[Ack(change_id=c.change_id, hub_seq=n)
                               for c, n in zip(changes, numbers, strict=True)],
                         hub_time_ms=wall_ms(), high_water=hub.high_water())

    @app.get(f"{API}/changes")
    async def pull(
        device: Device,
        after: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1000,
        wait: Annotated[float, Query(ge=0, le=MAX_WAIT_S)] = 0,
    ) -> JSONResponse:
        """Changes after ``after`` in hub order; waits up to ``wait`` s for the first one."""
        deadline = asyncio.get_running_loop().time() + wait
        while True:
            ticket = bell.listen()
            page = await run_in_threadpool(hub.read, after, limit)
            left = deadline - asyncio.get_running_loop().time()
            if page or left <= 0:
                bell.forget(ticket)
                break
            await bell.wait(ticket, min(left, RECHECK_S))
        high = page[-1].hub_seq if page else after
        return JSONResponse({"changes": [change_json(c) for c in page], "next": high,
                             "high_water": max(high or 0, hub.high_water())})

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
        try:
            return await run_in_threadpool(import_bundle_into_hub, hub, data, device.device_id,
                                           bell.ring)
        except BundleRefused as exc:
            raise HTTPException(422, str(exc)) from exc

    @app.get(f"{API}/devices", response_model=list[DeviceInfo])
    def devices(device: Device) -> list[DeviceInfo]:
        return [DeviceInfo.of(d) for d in hub.devices()]

    @app.post(f"{API}/devices/{{device_id}}/revoke", response_model=DeviceInfo)
    def revoke(device_id: str, by: Annotated[HubDevice, Depends(organiser)]) -> DeviceInfo:
        if not hub.revoke(device_id):
            raise HTTPException(404, f"No device {device_id} is enrolled with this hub.")
        log.info("device %s revoked by %s", device_id, by.device_id)
        revoked = hub.device(device_id)
        assert revoked is not None
        return DeviceInfo.of(revoked)

    return BodyLimit(app, max_body)


def import_bundle_into_hub(hub: HubLog, data: bytes, by: str,
                           ring: Callable[[], None] = lambda: None) -> BundleReply:
    """Verify a bundle against the hub's device registry, then store it as a push would."""
    def trust(device_id: str, public_key: str) -> None:
        known = hub.device(device_id)
        if known is None or known.public_key != public_key:
            raise BundleRefused("This bundle comes from a device the hub does not know. Enrol "
                                "that desk first, or import the bundle at a desk.")
        if known.revoked:
            raise BundleRefused("This bundle comes from a desk the organisers removed; "
                                "it was not imported.")

    _, changes = read_bundle(data, event_key(hub.event_updates()), trust)
    before = hub.high_water()
    numbers = hub.append(changes, by)
    ring()
    return BundleReply(received=len(changes), new=sum(n > before for n in numbers))
