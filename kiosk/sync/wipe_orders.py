"""Wipe orders: the hub's signed word that one lost desk must remove its personal data.

An order is only ever sent on the desk's own authenticated calls, and it is signed with
the hub's Ed25519 key, which the desk learnt when it enrolled (over the pinned TLS
channel). It names the hub, the device and the SHA-256 of that device's key, so it is
worthless to any other desk, and to this one once it has enrolled again with a new key.
A desk wipes only on an order that passes every check here; anything else does nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.core.refusal import Refusal
from kiosk.store.hub_records import HUB_SIGNING_KEY
from kiosk.sync.credentials import secret_hash
from kiosk.sync.hub_storage import HubLog

FORMAT = "kiosk-wipe-order/1"
# Signatures over orders can never be mistaken for signatures over anything else.
_DOMAIN = b"kiosk wipe order\n"

_NOT_VERIFIED = ("An answer claiming to be the organisers' order to wipe this desk could not "
                 "be verified ({why}), so nothing was wiped. If this keeps happening the desk "
                 "may be on the wrong network: tell the organisers.")


class ForgedWipeOrder(Refusal):
    """A wipe order that is not from this desk's hub, or not for this desk: ignored."""


@dataclass(frozen=True)
class WipeOrder:
    """What the hub orders: this device (holding this key) wipes; ordered at ``ordered_ms``."""

    hub_id: str
    device_id: str
    key_sha256: str
    ordered_ms: int
    format: str = FORMAT
    action: str = "wipe"

    def signed_bytes(self) -> bytes:
        return _DOMAIN + json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class HubKeys:
    """What a desk checks an order against: its pinned hub and its own enrolment."""

    hub_id: str
    hub_public_key: str  # hex; '' for a desk enrolled before hubs signed orders
    pinned_tls: bool  # answers come over TLS pinned to the hub's certificate
    device_id: str
    device_key: str


def new_hub_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes_raw()


def hub_public_key(private: bytes) -> str:
    return Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw().hex()


def hub_signing_key(hub: HubLog) -> bytes:
    """The hub's own Ed25519 key (made on first use, kept in the hub's settings)."""
    stored = hub.setting(HUB_SIGNING_KEY)
    if stored is None:
        hub.set_setting(HUB_SIGNING_KEY, new_hub_key().hex())
        # Read it back: two hubs on one PostgreSQL database starting together keep one key.
        stored = hub.setting(HUB_SIGNING_KEY)
        assert stored is not None
    return bytes.fromhex(stored)


def signed_order(order: WipeOrder, private: bytes) -> dict[str, Any]:
    """The order as the hub sends it: the order, its signature and the hub's public key."""
    signature = Ed25519PrivateKey.from_private_bytes(private).sign(order.signed_bytes())
    return {"order": asdict(order), "signature": signature.hex(),
            "hub_key": hub_public_key(private)}


def _order(raw: Any) -> tuple[WipeOrder, bytes, str]:
    if not isinstance(raw, dict) or not isinstance(raw.get("order"), dict):
        raise ForgedWipeOrder(_NOT_VERIFIED.format(why="it is not an order"))
    body = raw["order"]
    try:
        order = WipeOrder(hub_id=str(body["hub_id"]), device_id=str(body["device_id"]),
                          key_sha256=str(body["key_sha256"]),
                          ordered_ms=int(body["ordered_ms"]), format=str(body["format"]),
                          action=str(body["action"]))
        signature = bytes.fromhex(str(raw["signature"]))
        offered = str(raw.get("hub_key", ""))
    except (KeyError, TypeError, ValueError) as exc:
        raise ForgedWipeOrder(_NOT_VERIFIED.format(why="it is damaged")) from exc
    if set(body) != set(asdict(order)):
        raise ForgedWipeOrder(_NOT_VERIFIED.format(why="it is damaged"))
    return order, signature, offered


def verify(raw: Any, keys: HubKeys) -> WipeOrder:
    """The order in ``raw`` if it is signed by this desk's hub and meant for this desk."""
    order, signature, offered = _order(raw)
    public = keys.hub_public_key
    if not public:
        # Enrolled before hubs signed orders: trust the key only as far as the channel,
        # i.e. only over TLS pinned to the hub's certificate.
        if not keys.pinned_tls:
            raise ForgedWipeOrder(_NOT_VERIFIED.format(
                why="this desk does not know its hub's signing key"))
        public = offered
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public)).verify(
            signature, order.signed_bytes())
    except (InvalidSignature, ValueError) as exc:
        raise ForgedWipeOrder(_NOT_VERIFIED.format(
            why="it is not signed by this desk's hub")) from exc
    if order.format != FORMAT or order.action != "wipe":
        raise ForgedWipeOrder(_NOT_VERIFIED.format(why="it is not a wipe order this desk knows"))
    if order.hub_id != keys.hub_id:
        raise ForgedWipeOrder(_NOT_VERIFIED.format(why="it is from another hub"))
    if order.device_id != keys.device_id or order.key_sha256 != secret_hash(keys.device_key):
        raise ForgedWipeOrder(_NOT_VERIFIED.format(why="it is for another desk"))
    if order.ordered_ms <= 0:
        raise ForgedWipeOrder(_NOT_VERIFIED.format(why="it is damaged"))
    return order
