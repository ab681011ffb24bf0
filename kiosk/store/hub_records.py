"""What a hub keeps besides the log: enrolled devices and enrolment tokens (both back ends)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.core.refusal import Refusal


class DeviceRole(StrEnum):
    DESK = "desk"
    ORGANISER = "organiser"  # may also list and revoke devices
    HUB = "hub"  # a venue hub pushing to a central one


@dataclass(frozen=True)
class HubDevice:
    """A device enrolled with the hub. Its key is kept only as a hash, elsewhere."""

    device_id: str
    name: str
    role: DeviceRole
    public_key: str  # Ed25519, hex: verifies the device's offline bundles
    enrolled_ms: int
    revoked: bool = False
    wipe_ordered_ms: int | None = None  # the organisers asked for its data to be wiped
    wiped_ms: int | None = None  # the desk confirmed the wipe (its key is revoked then)
    wipe_unsent: int = 0  # changes the desk could not send before it wiped (lost)

    @property
    def wipe_pending(self) -> bool:
        """Ordered and not confirmed yet: every call it makes is answered with the order."""
        return self.wipe_ordered_ms is not None and self.wiped_ms is None

    def state(self) -> str:
        """Where it stands, for the organisers' lists (`hub-devices`, the console)."""
        if self.wiped_ms is not None:
            lost = (f", {self.wipe_unsent} change(s) it could not send first"
                    if self.wipe_unsent else "")
            return f"WIPED (confirmed {_when(self.wiped_ms)}{lost})"
        if self.wipe_ordered_ms is not None:
            return f"WIPE ORDERED {_when(self.wipe_ordered_ms)}, waits for it to connect"
        return "REMOVED" if self.revoked else "active"


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000).strftime("%d %b %H:%M")


@dataclass(frozen=True)
class EnrolGrant:
    """What a single-use enrolment token allows: one device, with this name and role."""

    name: str
    role: DeviceRole


class WipeNotAllowed(Refusal):
    """Only desks and organisers' devices can be told to wipe themselves (not a hub)."""


class DuplicateSequence(Exception):
    """A pushed change reuses another change's (device, sequence number): refused."""


# Hub settings keys shared by both storage back ends and the server.
HUB_ID = "hub_id"
TLS_CERT = "tls_cert_pem"
TLS_KEY = "tls_key_pem"
PUBLIC_URL = "public_url"
HUB_SIGNING_KEY = "hub_signing_key"  # Ed25519, hex: signs wipe orders
