"""Signed ticket codes and walk-in codes: round trips, shape, QR fit, tampering, misreads."""

from __future__ import annotations

import hashlib
import string

import pytest
import qrcode
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import given
from hypothesis import strategies as st
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import MODE_ALPHA_NUM

from kiosk.core.tickets import (
    ALPHABET,
    MAX_SERIAL,
    TICKET_LENGTH,
    WALKIN_LENGTH,
    TicketCode,
    TicketReading,
    TicketVerdict,
    event_tag_of,
    looks_like_ticket,
    looks_like_walkin,
    new_attendee_id,
    new_signing_key,
    public_key_of,
    read_ticket,
    read_walkin_code,
    sign_ticket,
    walkin_code,
)

# Fixed keys keep every code in these tests the same from run to run; any 32 bytes are a
# valid Ed25519 private key.
PRIVATE_KEY = bytes(range(32))
PUBLIC_KEY = public_key_of(PRIVATE_KEY)
OTHER_PRIVATE_KEY = bytes(range(100, 132))
OTHER_PUBLIC_KEY = public_key_of(OTHER_PRIVATE_KEY)
ATTENDEE_ID = "7QH23M0XW5R8"
CODE = sign_ticket(PRIVATE_KEY, ATTENDEE_ID, 3)

ED25519_GROUP_ORDER = 2**252 + 27742317777372353535851937790883648493

attendee_ids = st.text(alphabet=ALPHABET, min_size=12, max_size=12)
serials = st.integers(min_value=0, max_value=MAX_SERIAL)

# Data codewords of QR versions 1 to 9 at error-correction level M (ISO/IEC 18004, table 7).
QR_M_DATA_CODEWORDS = (16, 28, 44, 64, 86, 108, 124, 154, 182)


def smallest_qr_version_at_m(alphanumeric_characters: int) -> int:
    """The smallest QR version whose level-M data capacity holds the characters."""
    length = alphanumeric_characters
    # Mode indicator, 9-bit character count (versions 1-9), 11 bits a pair, 6 for a single.
    bits = 4 + 9 + 11 * (length // 2) + 6 * (length % 2)
    for version, codewords in enumerate(QR_M_DATA_CODEWORDS, start=1):
        if bits <= 8 * codewords:
            return version
    raise AssertionError(f"{length} characters need a version above 9")


def test_the_alphabet_is_32_digits_and_capitals_without_i_o_y_z() -> None:
    assert len(set(ALPHABET)) == 32
    assert set(ALPHABET) <= set(string.digits + string.ascii_uppercase)
    assert not set(ALPHABET) & set("IOYZ")


@given(attendee_id=attendee_ids, serial=serials)
def test_a_signed_code_reads_back_as_valid(attendee_id: str, serial: int) -> None:
    code = sign_ticket(PRIVATE_KEY, attendee_id, serial)

    reading = read_ticket(code, PUBLIC_KEY)

    assert reading == TicketReading(
        TicketVerdict.VALID, TicketCode(1, event_tag_of(PUBLIC_KEY), attendee_id, serial)
    )
    assert looks_like_ticket(code)


def test_a_fresh_key_pair_signs_and_verifies() -> None:
    private_key = new_signing_key()
    attendee_id = new_attendee_id()

    code = sign_ticket(private_key, attendee_id, 0)

    assert len(private_key) == 32
    assert len(public_key_of(private_key)) == 32
    assert new_signing_key() != private_key
    assert read_ticket(code, public_key_of(private_key)).verdict is TicketVerdict.VALID


@given(attendee_id=attendee_ids, serial=serials)
def test_a_code_is_the_documented_layout_in_the_alphabet(attendee_id: str, serial: int) -> None:
    code = sign_ticket(PRIVATE_KEY, attendee_id, serial)

    assert len(code) == TICKET_LENGTH == 123
    assert set(code) <= set(ALPHABET)
    assert code[:2] == "K1"
    assert code[2:6] == event_tag_of(PUBLIC_KEY)
    assert code[6:18] == attendee_id
    assert ALPHABET.index(code[18]) * 32 + ALPHABET.index(code[19]) == serial


@pytest.mark.parametrize(("serial", "digits"), [(0, "00"), (33, "11"), (1023, "XX")])
def test_the_serial_is_two_base32_digits(serial: int, digits: str) -> None:
    assert sign_ticket(PRIVATE_KEY, ATTENDEE_ID, serial)[18:20] == digits


def test_the_event_tag_is_the_first_20_bits_of_the_public_keys_sha256() -> None:
    bits = int.from_bytes(hashlib.sha256(PUBLIC_KEY).digest()[:3], "big") >> 4
    expected = "".join(ALPHABET[(bits >> shift) & 31] for shift in (15, 10, 5, 0))

    assert event_tag_of(PUBLIC_KEY) == expected
    assert event_tag_of(OTHER_PUBLIC_KEY) != expected


def test_signing_is_deterministic_and_the_serial_changes_the_signature() -> None:
    assert sign_ticket(PRIVATE_KEY, ATTENDEE_ID, 3) == CODE
    assert sign_ticket(PRIVATE_KEY, ATTENDEE_ID, 4)[20:] != CODE[20:]


def test_a_code_fits_a_version_6_qr_code_at_level_m_in_alphanumeric_mode() -> None:
    qr = qrcode.QRCode(version=None, error_correction=ERROR_CORRECT_M)
    qr.add_data(CODE)
    qr.make(fit=True)

    assert [segment.mode for segment in qr.data_list] == [MODE_ALPHA_NUM]
    assert qr.version == smallest_qr_version_at_m(len(CODE)) == 6
    assert smallest_qr_version_at_m(WALKIN_LENGTH) == 1


def test_every_single_character_substitution_is_refused() -> None:
    for position in range(TICKET_LENGTH):
        if position < 2:
            expected = TicketVerdict.NOT_A_TICKET
        elif position < 6:
            expected = TicketVerdict.OTHER_EVENT
        else:
            expected = TicketVerdict.FORGED
        for symbol in ALPHABET.replace(CODE[position], ""):
            damaged = CODE[:position] + symbol + CODE[position + 1 :]
            assert read_ticket(damaged, PUBLIC_KEY) == TicketReading(expected), (position, symbol)


@pytest.mark.parametrize("symbol", ["I", "O", "Y", "Z", "k", " ", "-", "é"])
def test_a_character_outside_the_alphabet_is_not_a_ticket(symbol: str) -> None:
    damaged = CODE[:50] + symbol + CODE[51:]

    assert read_ticket(damaged, PUBLIC_KEY).verdict is TicketVerdict.NOT_A_TICKET
    assert not looks_like_ticket(damaged)


def test_non_zero_padding_bits_make_a_signature_forged() -> None:
    last = ALPHABET.index(CODE[-1])
    assert last & 0b111 == 0

    padded = CODE[:-1] + ALPHABET[last | 0b001]

    assert read_ticket(padded, PUBLIC_KEY).verdict is TicketVerdict.FORGED


def signature_of(code: str) -> bytes:
    """The 64 signature bytes in a code, decoded as the module docstring describes."""
    number = 0
    for symbol in code[20:]:
        number = number * 32 + ALPHABET.index(symbol)
    return (number >> 3).to_bytes(64, "big")


def with_signature(code: str, signature: bytes) -> str:
    number = int.from_bytes(signature, "big") << 3
    return code[:20] + "".join(ALPHABET[(number >> 5 * i) & 31] for i in reversed(range(103)))


def test_the_signature_is_over_the_documented_bytes() -> None:
    key = Ed25519PublicKey.from_public_bytes(PUBLIC_KEY)

    key.verify(signature_of(CODE), b"kiosk ticket\x00" + CODE[:20].encode("ascii"))
    assert with_signature(CODE, signature_of(CODE)) == CODE


def test_adding_the_group_order_to_the_signature_is_refused_so_a_ticket_has_one_code() -> None:
    signature = signature_of(CODE)
    s = int.from_bytes(signature[32:], "little") + ED25519_GROUP_ORDER

    malleated = with_signature(CODE, signature[:32] + s.to_bytes(32, "little"))

    assert malleated != CODE
    assert read_ticket(malleated, PUBLIC_KEY).verdict is TicketVerdict.FORGED


def test_raising_the_serial_of_an_old_code_does_not_make_it_current() -> None:
    newer = sign_ticket(PRIVATE_KEY, ATTENDEE_ID, 4)

    spliced = newer[:20] + CODE[20:]

    assert read_ticket(spliced, PUBLIC_KEY).verdict is TicketVerdict.FORGED


@pytest.mark.parametrize(
    "damaged",
    [
        CODE[:-1],
        CODE[1:],
        CODE + "0",
        "0" + CODE,
        CODE[:60],
        CODE + CODE,
        " " + CODE,
        CODE + "\r",
        CODE.lower(),
        "K2" + CODE[2:],
        "",
    ],
)
def test_truncated_padded_or_unclean_codes_are_not_tickets(damaged: str) -> None:
    assert read_ticket(damaged, PUBLIC_KEY) == TicketReading(TicketVerdict.NOT_A_TICKET)


@given(cut=st.integers(min_value=0, max_value=TICKET_LENGTH - 1))
def test_any_truncation_is_not_a_ticket(cut: int) -> None:
    assert read_ticket(CODE[:cut], PUBLIC_KEY).verdict is TicketVerdict.NOT_A_TICKET


def test_another_events_code_is_other_event_without_a_ticket() -> None:
    code = sign_ticket(OTHER_PRIVATE_KEY, ATTENDEE_ID, 3)

    assert read_ticket(code, PUBLIC_KEY) == TicketReading(TicketVerdict.OTHER_EVENT, None)
    assert read_ticket(code, OTHER_PUBLIC_KEY).verdict is TicketVerdict.VALID


def test_a_code_with_our_tag_but_another_events_signature_is_forged() -> None:
    code = sign_ticket(OTHER_PRIVATE_KEY, ATTENDEE_ID, 3)

    relabelled = code[:2] + event_tag_of(PUBLIC_KEY) + code[6:]

    assert read_ticket(relabelled, PUBLIC_KEY).verdict is TicketVerdict.FORGED


@given(text=st.text())
def test_any_text_reads_without_raising_and_is_never_valid(text: str) -> None:
    assert read_ticket(text, PUBLIC_KEY).verdict is not TicketVerdict.VALID


@given(data=st.binary(max_size=300))
def test_any_bytes_read_without_raising_and_are_never_valid(data: bytes) -> None:
    for text in (data.decode("latin-1"), data.decode("utf-8", errors="surrogateescape")):
        assert read_ticket(text, PUBLIC_KEY).verdict is not TicketVerdict.VALID


@given(body=st.text(alphabet=ALPHABET, min_size=TICKET_LENGTH - 6, max_size=TICKET_LENGTH - 6))
def test_a_made_up_code_in_our_format_is_forged(body: str) -> None:
    made_up = "K1" + event_tag_of(PUBLIC_KEY) + body

    assert read_ticket(made_up, PUBLIC_KEY) == TicketReading(TicketVerdict.FORGED)
    assert looks_like_ticket(made_up)


def test_a_malformed_public_key_is_a_fault() -> None:
    with pytest.raises(ValueError):
        read_ticket(CODE, b"too short")


@pytest.mark.parametrize("serial", [-1, MAX_SERIAL + 1, True, 1.0])
def test_signing_refuses_a_serial_out_of_range(serial: int) -> None:
    with pytest.raises(ValueError, match="serial"):
        sign_ticket(PRIVATE_KEY, ATTENDEE_ID, serial)


@pytest.mark.parametrize(
    "attendee_id", ["7QH23M0XW5R", "7QH23M0XW5R8A", "7qh23m0xw5r8", "IQH23M0XW5R8"]
)
def test_signing_and_walkin_codes_refuse_a_malformed_attendee_id(attendee_id: str) -> None:
    with pytest.raises(ValueError, match="attendee id"):
        sign_ticket(PRIVATE_KEY, attendee_id, 0)
    with pytest.raises(ValueError, match="attendee id"):
        walkin_code(attendee_id)


def test_new_attendee_ids_are_12_random_symbols_of_the_alphabet() -> None:
    ids = {new_attendee_id() for _ in range(500)}

    assert len(ids) == 500
    assert all(len(i) == 12 and set(i) <= set(ALPHABET) for i in ids)
    assert set("".join(ids)) == set(ALPHABET)


@given(attendee_id=attendee_ids)
def test_a_walkin_code_reads_back_as_its_attendee_id(attendee_id: str) -> None:
    code = walkin_code(attendee_id)

    assert len(code) == WALKIN_LENGTH == 16
    assert code[:2] == "W1"
    assert code[2:14] == attendee_id
    assert set(code) <= set(ALPHABET)
    assert read_walkin_code(code) == attendee_id
    assert looks_like_walkin(code)


@given(attendee_id=attendee_ids)
def test_every_single_character_misread_of_a_walkin_code_is_caught(attendee_id: str) -> None:
    code = walkin_code(attendee_id)
    for position in range(WALKIN_LENGTH):
        for symbol in ALPHABET.replace(code[position], ""):
            assert read_walkin_code(code[:position] + symbol + code[position + 1 :]) is None


@given(attendee_id=attendee_ids, data=st.data())
def test_two_misread_or_swapped_characters_in_a_walkin_code_are_caught(
    attendee_id: str, data: st.DataObject
) -> None:
    code = list(walkin_code(attendee_id))
    first, second = data.draw(
        st.lists(
            st.integers(min_value=0, max_value=WALKIN_LENGTH - 1),
            min_size=2,
            max_size=2,
            unique=True,
        )
    )
    swapped = code.copy()
    swapped[first], swapped[second] = code[second], code[first]
    misread = code.copy()
    misread[first] = data.draw(st.sampled_from(ALPHABET.replace(code[first], "")))
    misread[second] = data.draw(st.sampled_from(ALPHABET.replace(code[second], "")))

    if swapped != code:
        assert read_walkin_code("".join(swapped)) is None
    assert read_walkin_code("".join(misread)) is None


@given(text=st.text())
def test_any_text_reads_as_a_walkin_code_without_raising(text: str) -> None:
    attendee_id = read_walkin_code(text)

    assert attendee_id is None or text == walkin_code(attendee_id)


def test_walkin_codes_and_ticket_codes_are_not_mistaken_for_each_other() -> None:
    walkin = walkin_code(ATTENDEE_ID)

    assert read_ticket(walkin, PUBLIC_KEY).verdict is TicketVerdict.NOT_A_TICKET
    assert read_walkin_code(CODE) is None
    assert not looks_like_ticket(walkin)
    assert not looks_like_walkin(CODE)
    assert read_walkin_code(walkin.lower()) is None
