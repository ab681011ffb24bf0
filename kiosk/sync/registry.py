"""The registry of device keys, signed by the organisers' hub: whose changes desks take in.

The hub lists every device id it takes changes from (enrolled desks, their incarnations,
the organisers' own file, offline desk copies the organisers vouched for) with the key its
changes are signed with, whether the organisers removed it, and how far its clock was off.
It signs the list with its own Ed25519 key, which a desk learnt when it enrolled, over the
channel pinned to the hub's certificate; so a desk checks each change it receives against
keys its hub vouches for, whoever relays the change. A desk does not take the hub's word
where it can check it: an entry pairing a device id made from a key (kiosk.core.ids) with
another key is left out, so not even a compromised hub can hand a desk's id to another key.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.core.ids import claims_another_keys_id
from kiosk.core.refusal import Refusal
from kiosk.store.hub_records import HUB_ID, LEGACY_UNTIL
from kiosk.store.sync_state import KnownDevice
from kiosk.sync.hub_intake import served_event
from kiosk.sync.hub_storage import HubLog

FORMAT = "kiosk-registry/1"
_DOMAIN = b"kiosk device registry\n"


class RegistryRefused(Refusal):
    """The registry is not signed by this desk's hub, or is for another event."""


@dataclass(frozen=True)
class Registry:
    """What a desk takes from the hub's signed registry."""

    hub_id: str
    event: str  # "tag creation-change-id", "" before the hub holds an event
    legacy_until: int
    devices: list[KnownDevice]
    # Entries left out: a device id made from one key, listed with another.
    misbound: tuple[str, ...] = ()


def _canonical(body: dict[str, Any]) -> bytes:
    return _DOMAIN + json.dumps(body, sort_keys=True, separators=(",", ":"),
                                ensure_ascii=False).encode()


def hub_registry(hub: HubLog) -> Registry:
    """The registry as the hub holds it (for the organisers' file beside the hub)."""
    body = _body(hub)
    return Registry(body["hub_id"], body["event"], body["legacy_until"], [
        KnownDevice(a["author_id"], a["name"], a["public_key"], a["revoked"], a["device_id"],
                    a["clock_offset_ms"]) for a in body["authors"]])


def signed_registry(hub: HubLog, private: bytes) -> dict[str, Any]:
    """The hub's current registry and its signature."""
    body = _body(hub)
    signature = Ed25519PrivateKey.from_private_bytes(private).sign(_canonical(body))
    return {"registry": body, "signature": signature.hex()}


def _body(hub: HubLog) -> dict[str, Any]:
    devices = {d.device_id: d for d in hub.devices()}
    entries = []
    for author in hub.authors():
        owner = devices.get(author.device_id)
        entries.append({
            "author_id": author.author_id, "public_key": author.public_key,
            "name": owner.name if owner else author.name, "device_id": author.device_id,
            "revoked": bool(owner and owner.revoked),
            "clock_offset_ms": (owner.clock_offset_ms or 0) if owner else 0})
    return {"format": FORMAT, "hub_id": hub.setting(HUB_ID) or "",
            "event": served_event(hub) or "", "issued_ms": time.time_ns() // 1_000_000,
            "legacy_until": int(hub.setting(LEGACY_UNTIL) or 0), "authors": entries}


def verify_registry(raw: Any, hub_id: str, hub_key: str, pinned_tls: bool,
                    offered_key: str = "") -> Registry:
    """The registry in ``raw`` if this desk's hub signed it. A desk enrolled before hubs
    had keys (``hub_key`` '') takes the key offered with it only over pinned TLS."""
    try:
        body, signature = raw["registry"], bytes.fromhex(raw["signature"])
        public = hub_key or (offered_key if pinned_tls else "")
        if not public:
            raise RegistryRefused("This desk does not know its hub's key, so it cannot check "
                                  "the hub's list of devices. Connect it again.")
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public)).verify(
            signature, _canonical(body))
        if body["format"] != FORMAT or body["hub_id"] != hub_id:
            raise RegistryRefused("The list of devices is not from this desk's hub.")
        listed = [KnownDevice(str(a["author_id"]), str(a["name"]), str(a["public_key"]),
                              bool(a["revoked"]), str(a["device_id"]),
                              int(a["clock_offset_ms"])) for a in body["authors"]]
        misbound = tuple(d.device_id for d in listed
                         if claims_another_keys_id(d.device_id, d.public_key))
        devices = [d for d in listed if d.device_id not in misbound]
        return Registry(str(body["hub_id"]), str(body["event"]), int(body["legacy_until"]),
                        devices, misbound)
    except RegistryRefused:
        raise
    except (KeyError, TypeError, ValueError, InvalidSignature) as exc:
        raise RegistryRefused("The hub's list of devices could not be checked (it is not "
                              "signed by this desk's hub). Nothing was taken from it.") from exc
