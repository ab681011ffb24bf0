"""Identifiers made where a change happens: UUIDv7 for changes, ids for devices.

A device id is bound to the key its changes are signed with: a random nonce followed by a
hash of the public key and that nonce. Anyone can check that an id belongs to a key, and
nobody can make an id of theirs that belongs to another device's key (the nonce is part of
the id, so there is nothing left to try). So a hub registers such an id only with the key
it is made from, and whoever registers first can never take a device's id away from it.
Files made before this version have short random ids (10 hex digits), bound to nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import time


def uuid7(unix_ms: int | None = None) -> str:
    """A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits; sorts by time."""
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # variant
    value |= rand & ((1 << 62) - 1)  # rand_b
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


_INCARNATION = b"kiosk device id/1\n"
_NONCE_HEX = 8
_TAG_HEX = 24  # 96 bits: making an id of another key's is out of reach
_BOUND = re.compile(rf"^[0-9a-f]{{{_NONCE_HEX + _TAG_HEX}}}$")


def _tag(public_key_hex: str, nonce: str) -> str:
    digest = hashlib.sha256(_INCARNATION + public_key_hex.encode() + b"\n" + nonce.encode())
    return digest.hexdigest()[:_TAG_HEX]


def new_device_id(public_key_hex: str) -> str:
    """A new device id (a new file, or a new incarnation of one) for the device whose
    changes are signed with ``public_key_hex``: 32 lower-case hex characters."""
    nonce = secrets.token_hex(_NONCE_HEX // 2)
    return nonce + _tag(public_key_hex, nonce)


def is_bound_id(device_id: str) -> bool:
    """Whether ``device_id`` has the form of an id bound to a key (made by this version)."""
    return _BOUND.match(device_id) is not None


def belongs_to(device_id: str, public_key_hex: str) -> bool:
    """Whether ``device_id`` was made from ``public_key_hex``: the proof that a device id
    is that key's holder's own (False for ids from before ids were bound to keys)."""
    if not is_bound_id(device_id):
        return False
    nonce, tag = device_id[:_NONCE_HEX], device_id[_NONCE_HEX:]
    return hmac.compare_digest(tag, _tag(public_key_hex.lower(), nonce))


def claims_another_keys_id(device_id: str, public_key_hex: str) -> bool:
    """Whether registering ``device_id`` with ``public_key_hex`` would take another
    device's id: true for an id bound to another key."""
    return is_bound_id(device_id) and not belongs_to(device_id, public_key_hex)
