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
    clock_offset_ms: int | None = None  # its clock minus the hub's, when it last called
    clock_checked_ms: int | None = None  # when that was (the hub's time)

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
        if self.revoked:
            return "REMOVED"
        clock = self.clock_problem()
        return f"active; {clock}" if clock else "active"

    def clock_problem(self) -> str:
        """Its clock, in words, when the hub found it off by more than a few minutes."""
        off = self.clock_offset_ms
        if off is None or abs(off) <= CLOCK_WARNING_MS:
            return ""
        way = "ahead of" if off > 0 else "behind"
        return (f"its clock was {clock_words(off)} {way} the hub's "
                f"({_when(self.clock_checked_ms or 0)})")


# A device's clock this far off the hub's is told to it and to the organisers.
CLOCK_WARNING_MS = 5 * 60 * 1000


def clock_words(ms: int) -> str:
    hours = abs(ms) / 3_600_000
    return f"{hours:.0f} hours" if hours >= 2 else f"{abs(ms) // 60_000} minutes"


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000).strftime("%d %b %H:%M")


@dataclass(frozen=True)
class EnrolGrant:
    """What a single-use enrolment token allows: one device, with this name and role."""

    name: str
    role: DeviceRole


@dataclass(frozen=True)
class HubAuthor:
    """A device id whose changes the hub takes, and the Ed25519 key (hex) they are signed
    with: an enrolled device, one of its incarnations (a restored or copied event file), or
    one the organisers vouched for (their own file, an offline desk copy)."""

    author_id: str
    public_key: str
    device_id: str  # the enrolled device it belongs to; "" when the organisers vouched
    name: str = ""


class AuthorTaken(Refusal):
    """That device id is registered with another key: it cannot be taken over."""


class WipeNotAllowed(Refusal):
    """Only desks and organisers' devices can be told to wipe themselves (not a hub)."""


class DuplicateSequence(Exception):
    """A pushed change reuses another change's (device, sequence number): refused."""


# The hub's numbers for what it took of a batch: None for a change refused because it reuses
# another's (device, sequence number).
Numbers = list[int | None]


# Hub settings keys shared by both storage back ends and the server.
HUB_ID = "hub_id"
TLS_CERT = "tls_cert_pem"
TLS_KEY = "tls_key_pem"
PUBLIC_URL = "public_url"
HUB_SIGNING_KEY = "hub_signing_key"  # Ed25519, hex: signs wipe orders and the registry
EVENT_IDENTITY = "event_identity"  # "tag creation-change-id" of the one event it serves
LEGACY_UNTIL = "legacy_until"  # changes up to this number came before signatures
