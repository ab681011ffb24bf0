"""Ticket codes: Ed25519-signed tickets the organisers issue, and check-summed walk-in codes.

Character set
    Every code uses only the 32 symbols ``0123456789ABCDEFGHJKLMNPQRSTUVWX`` (digits and
    upper-case letters without I, O, Y and Z). A keyboard-wedge scanner types these the
    same on US, UK and German layouts (QWERTZ swaps Y and Z; I and O look like 1 and 0),
    and a QR code holds them in alphanumeric mode. A "base32 digit" below is one of these
    symbols standing for its index 0..31; numbers are written most significant digit first.

Signed ticket code, format version 1 (123 characters)::

    offset  length  field
         0       1  "K"            marks a signed kiosk ticket
         1       1  "1"            format version
         2       4  event tag      first 20 bits of SHA-256(raw 32-byte public key), 4 digits
         6      12  attendee id    60 random bits, 12 digits
        18       2  serial         0..1023, 2 digits; re-issuing a ticket increments it
        20     103  signature      the 64-byte Ed25519 signature as RFC 4648 base32 in the
                                   alphabet above, without "=" padding: 512 bits followed by
                                   3 zero bits, 5 bits a digit

    Example shape: K1 7QH2 3M0XW5R8KD1A 0C <103 signature digits>

    The signature is made with the event's Ed25519 private key over the bytes
    ``b"kiosk ticket\\x00"`` followed by the ASCII of characters 0..19 (prefix, version,
    event tag, attendee id, serial). The fixed context string keeps a ticket signature from
    being mistaken for anything else the same key might ever sign. Ed25519 signatures are
    deterministic and verification rejects non-canonical ones, and a code with non-zero
    padding bits is refused, so each (event, attendee, serial) has exactly one valid code.

    123 alphanumeric characters take 4 + 9 + 61 * 11 + 6 = 690 data bits, which fits a QR
    code of version 6 at error-correction level M (capacity 154 characters; version 5-M
    holds 122). The ceiling set in the design, version 8-M, holds 221.

    A reading is one of: VALID; NOT_A_TICKET (not this format: wrong prefix, unknown
    version, wrong length or a character outside the alphabet, including lower case -- see
    ``kiosk.core.scanner_input`` for cleaning up what a scanner typed); OTHER_EVENT (the
    format is right but the event tag is another event's: that event's key is not here, so
    the signature cannot be checked, and a code whose tag was damaged looks the same);
    FORGED (right format and event, but the signature does not verify: forged, or damaged
    anywhere outside the event tag). Revocation (a serial below the attendee's current one)
    is the check-in rules' business, not this module's.

Walk-in code, format version 1 (16 characters)::

    offset  length  field
         0       1  "W"            marks a walk-in code issued at a desk
         1       1  "1"            format version
         2      12  attendee id
        14       2  check          Reed-Solomon check digits over GF(32), see below

    The check digits are the remainder of m(x) * x^2 divided by g(x) = (x - a)(x - a^2),
    where m(x) has the values of the 14 characters before them ("W1" included) as its
    coefficients, first character highest; GF(32) is built on x^5 + x^2 + 1 and a = 2.
    The x^1 coefficient of the remainder comes first.

    Desks hold only the event's public key, so they cannot sign; a walk-in code is not a
    signature but a checksum. It catches misreads -- any one or two wrong characters and
    any swap of two characters -- and nothing more: anyone can write a well-formed walk-in
    code for any id. A walk-in code therefore admits someone only by lookup, on desks that
    have synced that walk-in's registration (elsewhere it is unknown until sync catches
    up), and inventing one that admits anybody means guessing a registered walk-in's
    60-bit random id. Copying someone's walk-in code is possible, as with any barcode; the
    duplicate check-in rule catches the second use. 16 characters fit QR version 1-M.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.exceptions import CryptoError
from nacl.signing import VerifyKey

ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWX"
_DIGIT_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
# int(text, 32) reads the digits 0-9a-v; this table turns our alphabet into those.
_AS_INT_DIGITS = str.maketrans(ALPHABET, "0123456789abcdefghijklmnopqrstuv")
_SYMBOL = "[" + re.escape(ALPHABET) + "]"

FORMAT_VERSION = 1
TICKET_PREFIX = "K1"
WALKIN_PREFIX = "W1"
EVENT_TAG_LENGTH = 4
ATTENDEE_ID_LENGTH = 12
SERIAL_LENGTH = 2
SIGNATURE_LENGTH = 103
MAX_SERIAL = 32**SERIAL_LENGTH - 1
TICKET_LENGTH = (
    len(TICKET_PREFIX) + EVENT_TAG_LENGTH + ATTENDEE_ID_LENGTH + SERIAL_LENGTH + SIGNATURE_LENGTH
)
WALKIN_LENGTH = len(WALKIN_PREFIX) + ATTENDEE_ID_LENGTH + 2

_SIGNED_PART_LENGTH = TICKET_LENGTH - SIGNATURE_LENGTH
_TAG_AT = slice(2, 2 + EVENT_TAG_LENGTH)
_ID_AT = slice(_TAG_AT.stop, _TAG_AT.stop + ATTENDEE_ID_LENGTH)
_SERIAL_AT = slice(_ID_AT.stop, _ID_AT.stop + SERIAL_LENGTH)
_SIGNATURE_CONTEXT = b"kiosk ticket\x00"
_SIGNATURE_PAD_BITS = SIGNATURE_LENGTH * 5 - 64 * 8

_TICKET_SHAPE = re.compile(f"{re.escape(TICKET_PREFIX)}{_SYMBOL}{{{TICKET_LENGTH - 2}}}")
_WALKIN_SHAPE = re.compile(f"{re.escape(WALKIN_PREFIX)}{_SYMBOL}{{{WALKIN_LENGTH - 2}}}")
_ATTENDEE_ID_SHAPE = re.compile(f"{_SYMBOL}{{{ATTENDEE_ID_LENGTH}}}")


class TicketVerdict(StrEnum):
    """What a code turned out to be when read against this event's public key."""

    VALID = "valid"
    NOT_A_TICKET = "not_a_ticket"
    FORGED = "forged"
    OTHER_EVENT = "other_event"


@dataclass(frozen=True)
class TicketCode:
    """The content of a signed ticket code."""

    version: int
    event_tag: str
    attendee_id: str
    serial: int


@dataclass(frozen=True)
class TicketReading:
    """The verdict on a code; ``ticket`` is set only when the signature verified."""

    verdict: TicketVerdict
    ticket: TicketCode | None = None


def new_signing_key() -> bytes:
    """A fresh Ed25519 private key for an event, as its raw 32 bytes."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def public_key_of(private_key: bytes) -> bytes:
    """The raw 32-byte public key that desks hold for a raw private key."""
    return (
        Ed25519PrivateKey.from_private_bytes(private_key)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def event_tag_of(public_key: bytes) -> str:
    """The 4-character tag naming an event in its codes: 20 bits of SHA-256 of its key."""
    return _verifier(public_key).event_tag


def new_attendee_id() -> str:
    """A new random attendee id: 12 characters of the code alphabet, 60 random bits."""
    return _digits(secrets.randbits(5 * ATTENDEE_ID_LENGTH), ATTENDEE_ID_LENGTH)


def sign_ticket(private_key: bytes, attendee_id: str, serial: int) -> str:
    """The signed ticket code for an attendee's ticket number ``serial`` (0..1023)."""
    _require_attendee_id(attendee_id)
    if isinstance(serial, bool) or not isinstance(serial, int) or not 0 <= serial <= MAX_SERIAL:
        raise ValueError(f"ticket serial must be an integer from 0 to {MAX_SERIAL}: {serial!r}")
    key = Ed25519PrivateKey.from_private_bytes(private_key)
    public_key = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    signed_part = (
        TICKET_PREFIX + event_tag_of(public_key) + attendee_id + _digits(serial, SERIAL_LENGTH)
    )
    signature = key.sign(_SIGNATURE_CONTEXT + signed_part.encode("ascii"))
    number = int.from_bytes(signature, "big") << _SIGNATURE_PAD_BITS
    return signed_part + _digits(number, SIGNATURE_LENGTH)


def looks_like_ticket(code: str) -> bool:
    """Whether ``code`` has the shape of a signed ticket code, signature unchecked."""
    return isinstance(code, str) and _TICKET_SHAPE.fullmatch(code) is not None


def read_ticket(code: str, public_key: bytes) -> TicketReading:
    """Read and verify a ticket code against the event's public key; never raises for a code.

    ``code`` must already be cleaned up (``kiosk.core.scanner_input``): lower case, spaces
    or a scanner's prefix make it NOT_A_TICKET. A malformed ``public_key`` is a fault and
    raises ``ValueError``.
    """
    verifier = _verifier(public_key)
    if not looks_like_ticket(code):
        return _NOT_A_TICKET
    if code[_TAG_AT] != verifier.event_tag:
        return _OTHER_EVENT
    number = int(code[_SIGNED_PART_LENGTH:].translate(_AS_INT_DIGITS), 32)
    if number & ((1 << _SIGNATURE_PAD_BITS) - 1):
        return _FORGED
    signature = (number >> _SIGNATURE_PAD_BITS).to_bytes(64, "big")
    try:
        verifier.key.verify(
            _SIGNATURE_CONTEXT + code[:_SIGNED_PART_LENGTH].encode("ascii"), signature
        )
    except CryptoError:
        return _FORGED
    ticket = TicketCode(
        version=FORMAT_VERSION,
        event_tag=code[_TAG_AT],
        attendee_id=code[_ID_AT],
        serial=_value(code[_SERIAL_AT]),
    )
    return TicketReading(TicketVerdict.VALID, ticket)


def walkin_code(attendee_id: str) -> str:
    """The walk-in code a desk prints for a walk-in's attendee id (a checksum, no signature)."""
    _require_attendee_id(attendee_id)
    body = WALKIN_PREFIX + attendee_id
    return body + _check_digits(body)


def looks_like_walkin(code: str) -> bool:
    """Whether ``code`` has the shape of a walk-in code, check digits unchecked."""
    return isinstance(code, str) and _WALKIN_SHAPE.fullmatch(code) is not None


def read_walkin_code(code: str) -> str | None:
    """The attendee id in a walk-in code, or None if it is not one or was misread."""
    if not looks_like_walkin(code):
        return None
    body, check = code[:-2], code[-2:]
    if _check_digits(body) != check:
        return None
    return body[len(WALKIN_PREFIX) :]


_NOT_A_TICKET = TicketReading(TicketVerdict.NOT_A_TICKET)
_OTHER_EVENT = TicketReading(TicketVerdict.OTHER_EVENT)
_FORGED = TicketReading(TicketVerdict.FORGED)


@dataclass(frozen=True)
class _Verifier:
    # Verifying is libsodium's (PyNaCl): on the scan path it takes about 60% of the time
    # OpenSSL's Ed25519 does, and both refuse non-canonical signatures. Signing stays with
    # `cryptography`, which also reads and writes the keys.
    key: VerifyKey
    event_tag: str


@lru_cache(maxsize=8)
def _verifier(public_key: bytes) -> _Verifier:
    # Loading the key costs about as much as a verification; a desk reads with one key.
    if not isinstance(public_key, bytes) or len(public_key) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    key = VerifyKey(public_key)
    tag_bits = int.from_bytes(hashlib.sha256(public_key).digest()[:3], "big") >> 4
    return _Verifier(key, _digits(tag_bits, EVENT_TAG_LENGTH))


def _require_attendee_id(attendee_id: str) -> None:
    if not isinstance(attendee_id, str) or not _ATTENDEE_ID_SHAPE.fullmatch(attendee_id):
        raise ValueError(
            f"an attendee id is {ATTENDEE_ID_LENGTH} characters of {ALPHABET}: {attendee_id!r}"
        )


def _digits(number: int, length: int) -> str:
    # Base 32 by way of hexadecimal would be wrong; build the digits five bits at a time.
    symbols = [ALPHABET[(number >> shift) & 31] for shift in range(5 * (length - 1), -1, -5)]
    return "".join(symbols)


def _value(digits: str) -> int:
    return int(digits.translate(_AS_INT_DIGITS), 32)


def _gf32_tables() -> tuple[list[int], list[int]]:
    # GF(32) built on x^5 + x^2 + 1, whose root a = 2 generates all 31 non-zero elements;
    # exp is doubled in length so a product needs no modulo.
    exp, log = [0] * 62, [0] * 32
    element = 1
    for power in range(31):
        exp[power] = exp[power + 31] = element
        log[element] = power
        element <<= 1
        if element & 0b100000:
            element ^= 0b100101
    return exp, log


_EXP, _LOG = _gf32_tables()

# g(x) = (x - a)(x - a^2) = x^2 + (a + a^2) x + a^3: two check digits give distance 3.
_G1 = _EXP[1] ^ _EXP[2]
_G0 = _EXP[3]


def _gf_mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return _EXP[_LOG[a] + _LOG[b]]


def _check_digits(body: str) -> str:
    high = low = 0
    for symbol in body:
        feedback = _DIGIT_VALUE[symbol] ^ high
        high = low ^ _gf_mul(feedback, _G1)
        low = _gf_mul(feedback, _G0)
    return ALPHABET[high] + ALPHABET[low]
