"""pretix's signed ticket secrets (``pretix_sig1``), verified offline with the event's public key.

Format (pretix ``base/secrets.py``, ``Sig1TicketSecretGenerator``): the secret is the
standard base64 of the bytes below, written backwards (so that secrets do not all start
alike)::

    1 byte    version, 0x01
    2 bytes   payload length n (big-endian)
    2 bytes   signature length m (big-endian)
    n bytes   payload: a protobuf ``Ticket`` (1 seed: string, 2 item, 3 variation,
              4 subevent, 5 valid from, 6 valid until: int64, times in Unix seconds)
    m bytes   Ed25519 signature of the payload

pretix publishes the public key in the event's ``valid_keys`` (``pretix_sig1``: base64 of a
PEM SubjectPublicKeyInfo). A secret that verifies is a genuine ticket for that product; it
may still have been revoked (re-issued, cancelled) or blocked, which the revocation lists
say — the desk checks those first.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass
from enum import StrEnum

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)
from nacl.exceptions import CryptoError
from nacl.signing import VerifyKey

SIG1 = "pretix_sig1"
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_HEADER = 5
# A signed secret is some 110 characters; anything far longer is not one.
_LONGEST = 1_000


class SecretVerdict(StrEnum):
    VALID = "valid"
    NOT_SIGNED = "not_signed"  # not a pretix_sig1 secret (a random one, or another code)
    FORGED = "forged"  # the shape of one, but no key of the event signed it


@dataclass(frozen=True)
class SignedTicket:
    """What a verified secret says: pretix's product (item), variation and date ids."""

    seed: str
    item: int
    variation: int
    subevent: int
    valid_from: int | None
    valid_until: int | None


@dataclass(frozen=True)
class SecretReading:
    verdict: SecretVerdict
    ticket: SignedTicket | None = None


def raw_key_from_pretix(published: str) -> str:
    """The event's key as pretix publishes it (base64 of a PEM) as 64 hexadecimal characters
    (how the event file keeps keys). Raises ValueError for anything else."""
    try:
        pem = base64.b64decode(published, validate=True)
        key = load_pem_public_key(pem)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise ValueError("not a public key as pretix publishes one") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("pretix_sig1 keys are Ed25519 keys")
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def _parts(secret: str) -> tuple[bytes, bytes] | None:
    """(payload, signature) of a secret in the sig1 layout, unverified; None otherwise."""
    if not isinstance(secret, str) or len(secret) > _LONGEST:
        return None
    text = secret[::-1]
    if not _BASE64.fullmatch(text) or len(text) % 4:
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        return None
    if len(raw) < _HEADER or raw[0] != 1:
        return None
    payload_length, signature_length = struct.unpack(">HH", raw[1:_HEADER])
    if len(raw) != _HEADER + payload_length + signature_length or signature_length != 64:
        return None
    return raw[_HEADER:_HEADER + payload_length], raw[_HEADER + payload_length:]


def looks_signed(secret: str) -> bool:
    """Whether ``secret`` has the layout of a pretix_sig1 secret, signature unchecked."""
    return _parts(secret) is not None


def read_signed_secret(secret: str, hex_keys: list[str] | tuple[str, ...]) -> SecretReading:
    """Verify a secret against the event's pretix keys; never raises for a secret."""
    parts = _parts(secret)
    if parts is None:
        return SecretReading(SecretVerdict.NOT_SIGNED)
    payload, signature = parts
    for hex_key in hex_keys:
        try:
            VerifyKey(bytes.fromhex(hex_key)).verify(payload, signature)
        except (CryptoError, ValueError, TypeError):
            continue
        ticket = _ticket(payload)
        if ticket is None:  # signed, yet not a ticket: not ours to admit
            return SecretReading(SecretVerdict.FORGED)
        return SecretReading(SecretVerdict.VALID, ticket)
    return SecretReading(SecretVerdict.FORGED)


def _ticket(payload: bytes) -> SignedTicket | None:
    """The protobuf ``Ticket`` message, read by hand (six fields need no library)."""
    values: dict[int, int | str] = {}
    at = 0
    try:
        while at < len(payload):
            key, at = _varint(payload, at)
            number, wire = key >> 3, key & 7
            if wire == 0:
                value, at = _varint(payload, at)
                values[number] = value
            elif wire == 2:
                length, at = _varint(payload, at)
                values[number] = payload[at:at + length].decode("utf-8")
                at += length
            else:
                return None
    except (IndexError, UnicodeDecodeError):
        return None

    def whole(field: int) -> int:
        value = values.get(field, 0)
        return value if isinstance(value, int) else 0
    return SignedTicket(
        seed=str(values.get(1, "")), item=whole(2), variation=whole(3), subevent=whole(4),
        valid_from=whole(5) or None, valid_until=whole(6) or None)


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7
        if shift > 63:
            raise IndexError("varint too long")
