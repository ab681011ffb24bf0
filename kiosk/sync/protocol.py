"""The hub's wire format (``/v1``): request and response bodies, validated, with their limits."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kiosk.core.changes import Change, ChangeKind
from kiosk.store.hub_records import DeviceRole, HubDevice

API = "/v1"
MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_PUSH = 5_000
MAX_PAGE = 5_000
MAX_WAIT_S = 30.0

_ID = r"^[0-9A-Za-z_-]{1,64}$"
_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_HLC = r"^\d{13,}\.\d{5,}\.[0-9A-Za-z_-]{1,64}$"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WireChange(_Body):
    change_id: str = Field(pattern=_UUID)
    device_id: str = Field(pattern=_ID)
    device_seq: int = Field(ge=1, le=2**53)
    hlc: str = Field(pattern=_HLC, max_length=100)
    kind: ChangeKind
    payload: dict[str, Any]
    hub_seq: int | None = Field(default=None, ge=1)

    @classmethod
    def of(cls, change: Change) -> WireChange:
        return cls.model_construct(
            change_id=change.change_id, device_id=change.device_id,
            device_seq=change.device_seq, hlc=change.hlc, kind=change.kind,
            payload=change.payload, hub_seq=change.hub_seq)

    def change(self) -> Change:
        return Change(self.change_id, self.device_id, self.device_seq, self.hlc, self.kind,
                      self.payload, self.hub_seq)


def change_json(change: Change) -> dict[str, Any]:
    """A change as the wire carries it (fast path: no model for each one)."""
    return {"change_id": change.change_id, "device_id": change.device_id,
            "device_seq": change.device_seq, "hlc": change.hlc, "kind": change.kind.value,
            "payload": change.payload, "hub_seq": change.hub_seq}


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
    changes: list[WireChange] = Field(max_length=MAX_PUSH)
    sent_at_ms: int = Field(ge=0)


class Ack(_Body):
    change_id: str
    hub_seq: int


class PushReply(_Body):
    acks: list[Ack]
    hub_time_ms: int
    high_water: int
    # A signed wipe order (see kiosk/sync/wipe_orders.py) when this desk is to be wiped:
    # its changes are stored first, so nothing it recorded is lost.
    wipe: dict[str, Any] | None = None


class WipedRequest(_Body):
    """A desk reporting that it carried out its wipe order."""

    ordered_ms: int = Field(ge=1)
    unsent: int = Field(default=0, ge=0)  # changes it could not send first (lost)


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
    hub_key: str = ""  # Ed25519 public key, hex: what the hub's wipe orders are signed with
