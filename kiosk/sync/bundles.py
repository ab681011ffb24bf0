"""Offline bundles: a device's changes in one file, signed by the device and encrypted.

Signed with the device's Ed25519 key (the hub learns the public half at enrolment), so a
bundle cannot be altered or forged in someone else's name. Encrypted with AES-256-GCM
under a key derived (HKDF) from the event's own data that every device holding the event
has: the id of the change that created the event and the event's public key. A lost USB
stick is unreadable to anyone who does not already hold the event — and those people
already hold every name in it. No extra secret has to be handed round on the day.
"""

from __future__ import annotations

import base64
import json
import os
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk.core.changes import Change, ChangeKind, payload_problem
from kiosk.core.refusal import Refusal
from kiosk.core.signing_keys import new_signing_key, public_key_hex
from kiosk.sync.protocol import WireChange, change_json

__all__ = ["FORMAT", "BundleRefused", "EventKey", "event_key", "new_signing_key",
           "public_key_hex", "read_bundle", "write_bundle"]

FORMAT = "kiosk-bundle/1"


class BundleRefused(Refusal):
    """The bundle cannot be taken in; the message says why and what to do."""


@dataclass(frozen=True)
class EventKey:
    """What the bundle key is derived from, as found in the event's log."""

    event_tag: str
    creation_id: str
    public_key: str

    def cipher(self) -> AESGCM:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=self.event_tag.encode(),
                    info=b"kiosk offline bundle v1")
        return AESGCM(hkdf.derive(self.creation_id.encode() + bytes.fromhex(self.public_key)))


def event_key(event_updates: Iterable[Change]) -> EventKey:
    """The key material from the event's log: the earliest change that set its public key."""
    for change in sorted(event_updates, key=lambda c: c.hlc):
        fields = change.payload.get("fields", {})
        if change.kind is ChangeKind.EVENT_UPDATE and fields.get("public_key"):
            return EventKey(str(fields.get("event_tag", "")), change.change_id,
                            str(fields["public_key"]))
    raise BundleRefused("This copy has no event in it yet, so it cannot read or write "
                        "bundles. Load the event first (connect to the hub, or use a desk copy).")


def _canonical(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def write_bundle(changes: Sequence[Change], device_id: str, signing_key: bytes,
                 key: EventKey) -> bytes:
    """The bundle file's bytes for these changes, all made by ``device_id``."""
    if any(c.device_id != device_id for c in changes):
        raise ValueError("a bundle holds only its own device's changes")
    header = {
        "format": FORMAT, "device_id": device_id, "public_key": public_key_hex(signing_key),
        "event_tag": key.event_tag, "count": len(changes),
        "first_seq": changes[0].device_seq if changes else 0,
        "last_seq": changes[-1].device_seq if changes else 0,
        "created_ms": time.time_ns() // 1_000_000, "nonce": os.urandom(12).hex(),
    }
    plain = zlib.compress(json.dumps([change_json(c) | {"hub_seq": None} for c in changes],
                                     ensure_ascii=False, separators=(",", ":")).encode())
    sealed = key.cipher().encrypt(bytes.fromhex(str(header["nonce"])), plain, _canonical(header))
    signer = Ed25519PrivateKey.from_private_bytes(signing_key)
    signature = signer.sign(_canonical(header) + sealed)
    return json.dumps({"header": header, "sealed": base64.b64encode(sealed).decode(),
                       "signature": signature.hex()}, indent=1).encode()


# Says whether a device (id, Ed25519 public key hex) may bring changes; raises BundleRefused.
TrustCheck = Callable[[str, str], None]


def read_bundle(data: bytes, key: EventKey, trust: TrustCheck) -> tuple[str, list[Change]]:
    """(device id, changes) from a bundle that is intact, for this event, from a trusted device."""
    try:
        outer = json.loads(data)
        header, sealed = outer["header"], base64.b64decode(outer["sealed"], validate=True)
        signature = bytes.fromhex(outer["signature"])
        if header["format"] != FORMAT:
            raise BundleRefused("This bundle was written by a newer kiosk. Update this one.")
        device_id, public = str(header["device_id"]), str(header["public_key"])
    except BundleRefused:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise BundleRefused("This file is not a kiosk bundle, or it is damaged.") from exc
    if header.get("event_tag") != key.event_tag:
        raise BundleRefused("This bundle is from another event. Import it into that event.")
    trust(device_id, public)
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public)).verify(
            signature, _canonical(header) + sealed)
        plain = key.cipher().decrypt(bytes.fromhex(header["nonce"]), sealed, _canonical(header))
    except (InvalidSignature, InvalidTag, ValueError) as exc:
        raise BundleRefused("This bundle has been altered or damaged since it was written; "
                            "nothing was imported. Export it again from its desk.") from exc
    try:
        changes = [WireChange.model_validate(item).change()
                   for item in json.loads(zlib.decompress(plain))]
    except ValueError as exc:
        raise BundleRefused("This bundle's contents are not valid; nothing was imported.") from exc
    if len(changes) != header["count"] or any(c.device_id != device_id for c in changes):
        raise BundleRefused("This bundle holds changes its device did not make; refused.")
    for change in changes:
        problem = payload_problem(change.kind, change.payload)
        if problem is not None:
            raise BundleRefused(f"This bundle holds a change that cannot be read ({change.kind}: "
                                f"{problem}); nothing was imported. Its desk may run an old "
                                "or damaged copy of the app.")
    return device_id, changes
