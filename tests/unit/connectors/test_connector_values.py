"""The connectors' pure parts: desk times with their offset, pretix's signed secrets."""

from __future__ import annotations

import base64
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kiosk.connectors.base import with_offset
from kiosk.core import pretix_codes
from kiosk.core.pretix_codes import SecretVerdict

# 2026-12-08 09:12:30 UTC in milliseconds
NINE_TWELVE_UTC = 1_796_721_150_000


@pytest.mark.parametrize(("at", "expected"), [
    ("2026-12-08T09:12:30", "2026-12-08T09:12:30+00:00"),  # London in winter
    ("2026-12-08T10:12:30", "2026-12-08T10:12:30+01:00"),  # Warsaw
    ("2026-12-08T14:42:30", "2026-12-08T14:42:30+05:30"),  # India
    ("2026-12-08T10:15:00", "2026-12-08T10:15:00+01:00"),  # a desk clock 2½ minutes ahead
    ("2026-12-08T04:12:30", "2026-12-08T04:12:30-05:00"),  # New York
])
def test_a_desk_time_gets_the_desk_s_offset_from_its_own_clock_stamp(at: str, expected: str
                                                                     ) -> None:
    assert with_offset(at, NINE_TWELVE_UTC) == expected


def test_a_time_with_an_offset_is_kept_and_an_absurd_one_is_taken_as_utc() -> None:
    assert with_offset("2026-12-08T09:12:30+02:00", NINE_TWELVE_UTC) == \
        "2026-12-08T09:12:30+02:00"
    assert with_offset("2026-12-10T09:12:30", NINE_TWELVE_UTC) == "2026-12-10T09:12:30+00:00"


def _varint(value: int) -> bytes:
    out = b""
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def _sig1(key: Ed25519PrivateKey, item: int = 7) -> str:
    """A secret laid out as pretix's Sig1TicketSecretGenerator makes one."""
    seed = b"Ab3dE6gH9"
    payload = b"\x0a" + _varint(len(seed)) + seed + b"\x10" + _varint(item) + b"\x18\x00" \
        + b"\x20\x00"
    signature = key.sign(payload)
    raw = bytes([1]) + struct.pack(">HH", len(payload), len(signature)) + payload + signature
    return base64.b64encode(raw).decode()[::-1]


def _published(key: Ed25519PrivateKey) -> str:
    pem = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(pem).decode()


def test_a_signed_secret_verifies_with_the_published_key_and_nothing_else() -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    hex_key = pretix_codes.raw_key_from_pretix(_published(key))
    secret = _sig1(key, item=4242)
    reading = pretix_codes.read_signed_secret(secret, [hex_key])
    assert reading.verdict is SecretVerdict.VALID
    assert (reading.ticket.item, reading.ticket.seed) == (4242, "Ab3dE6gH9")
    other_key = pretix_codes.raw_key_from_pretix(_published(other))
    assert pretix_codes.read_signed_secret(secret, [other_key]).verdict is SecretVerdict.FORGED
    assert pretix_codes.read_signed_secret(secret, [other_key, hex_key]).verdict is \
        SecretVerdict.VALID  # pretix may publish several keys
    flipped = secret[:-20] + ("A" if secret[-20] != "A" else "B") + secret[-19:]
    assert pretix_codes.read_signed_secret(flipped, [hex_key]).verdict is not \
        SecretVerdict.VALID


@pytest.mark.parametrize("code", ["k3jnjv9vgn4nkecxkrqtpmy6sebmuh9k", "", "=" * 200, "x" * 5000,
                                  "K1" + "0" * 121, "\u202e" * 10])
def test_other_codes_are_not_taken_for_signed_secrets(code: str) -> None:
    assert not pretix_codes.looks_signed(code)
    assert pretix_codes.read_signed_secret(code, ["00" * 32]).verdict is \
        SecretVerdict.NOT_SIGNED


def test_a_key_that_is_not_pretix_s_is_refused() -> None:
    with pytest.raises(ValueError):
        pretix_codes.raw_key_from_pretix("bm90IGEga2V5")
