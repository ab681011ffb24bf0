"""The hub's wire format (``/v1``): request and response bodies, validated, with their limits."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kiosk.core.change_signatures import SIGNATURE_PATTERN
from kiosk.core.changes import Change, ChangeKind
from kiosk.store.hub_records import DeviceRole, HubDevice

API = "/v1"
PROTOCOL = 2  # 2: changes are signed by their authors; the hub serves a signed registry
MAX_BODY_BYTES = 16 * 1024 * 1024  # a bundle
MAX_PUSH_BYTES = 4 * 1024 * 1024  # a push: 2,000 changes take about 1 MB
MAX_PUSH = 2_000
MAX_PAGE = 5_000
MAX_WAIT_S = 30.0
MAX_NUMBER = 2**53  # sequence numbers, hub numbers and times: whole numbers JSON keeps exact

_ID = r"^[0-9A-Za-z_-]{1,64}$"
_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_HLC = r"^\d{13,}\.\d{5,}\.[0-9A-Za-z_-]{1,64}$"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WireChange(_Body):
    change_id: str = Field(pattern=_UUID)
    device_id: str = Field(pattern=_ID)
    device_seq: int = Field(ge=1, le=MAX_NUMBER)
    hlc: str = Field(pattern=_HLC, max_length=100)
    kind: ChangeKind
    payload: dict[str, Any]
    hub_seq: int | None = Field(default=None, ge=1, le=MAX_NUMBER)
    signature: str = Field(default="", pattern=SIGNATURE_PATTERN)

    def change(self) -> Change:
        return Change(self.change_id, self.device_id, self.device_seq, self.hlc, self.kind,
                      self.payload, self.hub_seq, self.signature)


def change_json(change: Change) -> dict[str, Any]:
    """A change as the wire carries it (fast path: no model for each one)."""
    return {"change_id": change.change_id, "device_id": change.device_id,
            "device_seq": change.device_seq, "hlc": change.hlc, "kind": change.kind.value,
            "payload": change.payload, "hub_seq": change.hub_seq,
            "signature": change.signature}


class AuthorInfo(_Body):
    """A device id and the key its changes are signed with (hex), as a push introduces it."""

    author_id: str = Field(pattern=_ID)
    public_key: str = Field(pattern=r"^[0-9a-f]{64}$")
    name: str = Field(default="", max_length=200)


class EnrolRequest(_Body):
    token: str = Field(min_length=8, max_length=200)
    device_id: str = Field(pattern=_ID)
    public_key: str = Field(pattern=r"^[0-9a-f]{64}$")


class EnrolReply(_Body):
    device_key: str
    hub_id: str
    name: str
    role: DeviceRole


class PushRequest(_Body):
    changes: list[WireChange]  # at most MAX_PUSH: more is answered 413, with a message
    sent_at_ms: int = Field(ge=0, le=MAX_NUMBER)
    # The event the desk holds ("tag creation-change-id"): the hub refuses another event's.
    event: str | None = Field(default=None, max_length=200)
    # Device ids whose changes are in this push, with their keys (its own incarnations; the
    # organisers' devices may also vouch for others).
    authors: list[AuthorInfo] = Field(default_factory=list, max_length=200)


class Ack(_Body):
    change_id: str
    hub_seq: int


class Refused(_Body):
    """One change the hub did not take, and why (the rest of the push was stored)."""

    change_id: str
    reason: str


class PushReply(_Body):
    acks: list[Ack]
    hub_time_ms: int
    high_water: int
    refused: list[Refused] = Field(default_factory=list)
    # The caller's clock minus the hub's when the push arrived (ms): the hub's measure.
    clock_offset_ms: int | None = None
    # A signed wipe order (see kiosk/sync/wipe_orders.py) when this desk is to be wiped:
    # its changes are stored first, so nothing it recorded is lost.
    wipe: dict[str, Any] | None = None


class WipedRequest(_Body):
    """A desk reporting that it carried out its wipe order."""

    ordered_ms: int = Field(ge=1, le=MAX_NUMBER)
    unsent: int = Field(default=0, ge=0, le=MAX_NUMBER)  # changes it could not send first


class WipedReply(_Body):
    wiped_ms: int


class DeviceInfo(_Body):
    device_id: str
    name: str
    role: DeviceRole
    public_key: str
    revoked: bool

    @classmethod
    def of(cls, device: HubDevice) -> DeviceInfo:
        return cls(device_id=device.device_id, name=device.name, role=device.role,
                   public_key=device.public_key, revoked=device.revoked)


class BundleReply(_Body):
    received: int
    new: int


class Health(_Body):
    status: str
    hub_id: str
    high_water: int
    hub_key: str = ""  # Ed25519 public key, hex: signs wipe orders and the device registry
    protocol: int = PROTOCOL
