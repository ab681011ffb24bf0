"""Proof of who made a change: each change is signed with its author's Ed25519 key.

The signature covers everything that says what the change is and who made it (id, author,
sequence number, stamp, kind, payload) but not ``hub_seq``, which the hub adds. It travels
with the change wherever it goes (pushes, pulls, bundles, a hub forwarding to another), so
every device can check it against the author's registered key, whoever relays it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import replace
from functools import lru_cache
from typing import Any

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import SigningKey, VerifyKey

from kiosk.core.changes.record import Change, ChangeKind

_PREFIX = b"kiosk change/1\n"
# An Ed25519 signature (64 bytes) in base64url without padding.
SIGNATURE_PATTERN = r"^([A-Za-z0-9_-]{86})?$"

UNSIGNED = "it is not signed (made by an older version of the app, or altered)"
FORGED = "its signature does not match its device's key (forged or altered on the way)"
UNKNOWN_AUTHOR = "it names a device the organisers' hub has not registered"


# One encoder, made once: json.dumps with options builds a new one for every call.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def signed_bytes(change: Change) -> bytes:
    """The exact bytes an author signs: canonical JSON of what the change is."""
    return _signed(change.change_id, change.device_id, change.device_seq, change.hlc,
                   change.kind, change.payload)


def _signed(change_id: str, device_id: str, device_seq: int, hlc: str, kind: ChangeKind,
            payload: dict[str, Any]) -> bytes:
    return _PREFIX + _CANONICAL.encode(
        [change_id, device_id, device_seq, hlc, str(kind), payload]).encode()


class ChangeSigner:
    """Signs this device's changes with its key (loaded once). libsodium signs in about half
    the time OpenSSL takes here (an import signs 100,000 changes); Ed25519 signatures are
    deterministic, so both make the very same bytes."""

    def __init__(self, private_key: bytes) -> None:
        self._key = SigningKey(private_key)
        self.public_key = self._key.verify_key.encode().hex()

    def sign(self, change: Change) -> Change:
        return replace(change, signature=self.signature(change))

    def signature(self, change: Change) -> str:
        """``change``'s signature by this device (base64url, no padding)."""
        return self._signature(signed_bytes(change))

    def new_change(self, change_id: str, device_id: str, device_seq: int, hlc: str,
                   kind: ChangeKind, payload: dict[str, Any]) -> Change:
        """A change of this device's, made signed (no unsigned copy made first: an import
        makes 100,000 of them)."""
        return Change(change_id, device_id, device_seq, hlc, kind, payload,
                      signature=self._signature(_signed(change_id, device_id, device_seq,
                                                        hlc, kind, payload)))

    def _signature(self, signed: bytes) -> str:
        return base64.urlsafe_b64encode(self._key.sign(signed).signature).decode().rstrip("=")


@lru_cache(maxsize=256)
def _public(public_key_hex: str) -> VerifyKey | None:
    try:
        return VerifyKey(bytes.fromhex(public_key_hex))
    except (ValueError, TypeError, CryptoError):
        return None


def signature_problem(change: Change, public_key_hex: str | None) -> str | None:
    """Why this change cannot be taken as its author's (None when its signature checks out
    under ``public_key_hex``, the key registered for ``change.device_id``)."""
    if not change.signature:
        return UNSIGNED
    if not public_key_hex:
        return UNKNOWN_AUTHOR
    key = _public(public_key_hex)
    if key is None:
        return FORGED
    try:
        raw = base64.urlsafe_b64decode(change.signature + "==")
        key.verify(signed_bytes(change), raw)
    except (BadSignatureError, CryptoError, ValueError, TypeError, binascii.Error):
        return FORGED
    return None
