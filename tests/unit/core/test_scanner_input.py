"""Cleaning up scanner input: trimming, AIM prefixes, Caps Lock, UK, German and French layouts."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.scanner_input import (
    DEAD_KEY_MARKS,
    DEAD_KEYS,
    LAYOUTS_TO_US,
    candidate_readings,
    normalise_scan,
)
from kiosk.core.tickets import (
    ALPHABET,
    TicketVerdict,
    public_key_of,
    read_ticket,
    read_walkin_code,
    sign_ticket,
    walkin_code,
)
from tests import xkb_keymaps

PRIVATE_KEY = bytes(range(32))
PUBLIC_KEY = public_key_of(PRIVATE_KEY)
CODE = sign_ticket(PRIVATE_KEY, "7QH23M0XW5R8", 3)
WALKIN = walkin_code("7QH23M0XW5R8")


def first_valid_ticket(raw: str) -> str | None:
    """What the check-in engine would accept: the first reading that verifies."""
    for reading in candidate_readings(raw):
        if read_ticket(reading, PUBLIC_KEY).verdict is TicketVerdict.VALID:
            return reading
    return None


@pytest.mark.parametrize(
    "raw",
    [
        CODE,
        f"{CODE}\r\n",
        f"{CODE}\n",
        f"\t{CODE}\r",
        f"\x00{CODE}\x00",
        f"  {CODE}  ",
        f"\ufeff{CODE}\u200b",
    ],
)
def test_surrounding_whitespace_and_control_characters_are_removed(raw: str) -> None:
    assert normalise_scan(raw) == CODE
    assert candidate_readings(raw)[0] == CODE


@pytest.mark.parametrize("aim", ["]Q1", "]Q3", "]C0", "]E0", "]d2", "]e0", "]z0"])
def test_an_aim_symbology_identifier_is_removed(aim: str) -> None:
    assert normalise_scan(f"{aim}{CODE}\r\n") == CODE
    assert first_valid_ticket(f"{aim}{CODE}") == CODE


@pytest.mark.parametrize("text", ["]QAB12", "]12345", "AB]Q1", "Q1AB"])
def test_text_that_is_not_an_aim_identifier_is_kept(text: str) -> None:
    assert normalise_scan(text) == text


def test_a_code_typed_in_lower_case_is_upper_cased() -> None:
    assert normalise_scan(CODE.lower()) == CODE
    assert normalise_scan(WALKIN.lower()) == WALKIN
    assert first_valid_ticket(CODE.lower()) == CODE


def test_readings_keep_the_exact_text_first_then_upper_then_inverted_case() -> None:
    assert candidate_readings("]Q1aB3x\r")[:3] == ["aB3x", "AB3X", "Ab3X"]


def test_an_external_barcode_read_with_caps_lock_is_recovered_by_inverting_case() -> None:
    secret = "hq2pxk7sebwanmc4"
    typed_with_caps_lock = secret.upper()

    assert candidate_readings(typed_with_caps_lock)[:2] == [secret.upper(), secret]


def test_the_y_and_z_of_an_external_barcode_are_swapped_back_after_the_exact_text() -> None:
    # A US-configured scanner on a German layout types "y" as "z" and "z" as "y".
    readings = candidate_readings("zebra8Yak")

    assert readings[0] == "zebra8Yak"
    assert readings.index("yebra8Zak") > readings.index("zebra8Yak".upper())


def test_german_layout_symbols_are_reversed_together_with_y_and_z() -> None:
    # "ab-yz_9[" typed by a US-configured scanner on a German layout.
    assert "ab-yz_9[" in candidate_readings("abßzy?9ü")


def test_german_layout_and_caps_lock_together_are_undone_in_that_order() -> None:
    # "ab;yz" on a German layout is "abözy"; Caps Lock then makes it "ABÖZY".
    assert "ab;yz" in candidate_readings("ABÖZY")


def test_an_aim_identifier_typed_on_a_german_layout_is_removed() -> None:
    # "]" is typed as "+" and the Aztec letter "z" as "y" on a German layout.
    assert first_valid_ticket(f"+Q1{CODE}\r\n") == CODE
    assert first_valid_ticket(f"+y0{CODE.lower()}") == CODE
    readings = candidate_readings(f"+d2{WALKIN}")
    walkins = [read_walkin_code(reading) for reading in readings]
    assert set(walkins) == {None, "7QH23M0XW5R8"}
    assert readings[walkins.index("7QH23M0XW5R8")] == WALKIN


@pytest.mark.parametrize("raw", ["", " \r\n", "\x00", "]Q1", "]Q1 \r\n"])
def test_an_empty_scan_has_no_readings(raw: str) -> None:
    assert normalise_scan(raw) == ""
    assert candidate_readings(raw) == []


def test_a_sharp_s_is_not_turned_into_two_letters_when_case_is_inverted() -> None:
    readings = candidate_readings("maß1")
    assert readings[:3] == ["maß1", "MASS1", "MAß1"]
    assert "ma-1" in readings and "MA-1" in readings


@given(text=st.text())
def test_any_text_gives_distinct_non_empty_readings(text: str) -> None:
    readings = candidate_readings(text)

    assert len(readings) == len(set(readings)) <= 3 * (1 + len(LAYOUTS_TO_US))
    assert "" not in readings
    assert normalise_scan(text) in [*readings, ""]


@given(
    before=st.sampled_from(["", " ", "\t", "\x00", "]Q1", " ]Q1", "+Q1"]),
    after=st.sampled_from(["", "\r", "\n", "\r\n", "\t", "\x00 "]),
    lower=st.booleans(),
    serial=st.integers(min_value=0, max_value=1023),
)
def test_our_codes_are_recovered_from_any_usual_decoration(
    before: str, after: str, lower: bool, serial: int
) -> None:
    code = sign_ticket(PRIVATE_KEY, "7QH23M0XW5R8", serial)
    typed = code.lower() if lower else code

    assert first_valid_ticket(before + typed + after) == code


@given(secret=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1))
def test_a_printable_external_barcode_is_first_read_exactly_as_typed(secret: str) -> None:
    if re.match(r"\][A-Za-z][0-9]", secret):
        return

    assert candidate_readings(secret)[0] == secret


# The real keyboard mappings, from the XKB files X11 and Wayland desktops use, compiled by
# libxkbcommon as the desktop compiles them.

XKB_NAMES = {"UK": "gb", "German": "de", "French": "fr"}
needs_xkb = pytest.mark.skipif(not xkb_keymaps.available(),
                               reason="no libxkbcommon or XKB keyboard data here")


def received(layout: str, sent: str) -> str:
    """What ``layout`` shows for ``sent`` typed by a US-configured scanner, a dead key as the
    mark the desk's scanner listener writes for it."""
    typed = xkb_keymaps.typed_by_us_scanner(XKB_NAMES[layout])
    return "".join(DEAD_KEY_MARKS[typed[c]][0] if typed[c] in DEAD_KEY_MARKS else typed[c]
                   for c in sent)


@needs_xkb
def test_the_code_alphabet_is_typed_alike_on_us_uk_and_german_layouts() -> None:
    for layout in ("UK", "German"):
        assert received(layout, ALPHABET) == ALPHABET


@needs_xkb
@pytest.mark.parametrize("layout", sorted(LAYOUTS_TO_US))
def test_each_table_is_exactly_what_its_layout_changes(layout: str) -> None:
    typed = xkb_keymaps.typed_by_us_scanner(XKB_NAMES[layout])
    changed = {received(layout, sent): sent for sent, got in typed.items()
               if received(layout, sent) != sent}
    assert changed == LAYOUTS_TO_US[layout]
    assert {got for got in typed.values() if got.startswith("dead_")} == set(DEAD_KEYS[layout])


EVERY_PRINTABLE = xkb_keymaps.PRINTABLE_ASCII.strip()
# Dead keys before a letter they accent, another dead key, a space and the end of the code.
DEAD_KEY_CORNERS = "x[e{e[[{[ [a=e+e`a=`+=y`"


@needs_xkb
@pytest.mark.parametrize("layout", sorted(LAYOUTS_TO_US))
@pytest.mark.parametrize("code", [EVERY_PRINTABLE, EVERY_PRINTABLE[::-1], DEAD_KEY_CORNERS,
                                  "https://tickets.example.org/t/Ab3#x?q=\"1\"&r=@me",
                                  "nadia.smith@example.org", "]Q1" + CODE])
def test_every_printable_character_typed_on_the_layout_is_recovered(layout, code) -> None:
    # Found on main: a US-layout scanner on a UK layout turned "@", "#" and '"' into other
    # characters and nothing recovered them; only the German layout was undone.
    assert code.removeprefix("]Q1") in candidate_readings(received(layout, code))


@needs_xkb
@pytest.mark.parametrize("layout", ["German", "French"])
def test_accented_letters_a_system_composed_from_a_dead_key_are_recovered(layout) -> None:
    # Windows and macOS hand over "ê" for a French dead "^" followed by "e".
    typed = xkb_keymaps.typed_by_us_scanner(XKB_NAMES[layout])
    for dead_sent in (c for c, got in typed.items() if got in DEAD_KEYS[layout]):
        _mark, combining = DEAD_KEY_MARKS[typed[dead_sent]]
        for letter in "aeiouAEIOU":
            base = received(layout, letter)
            composed = unicodedata.normalize("NFC", base + combining)
            if len(composed) != 1:
                continue
            code = f"ab{dead_sent}{letter}cd"
            shown = received(layout, "ab") + composed + received(layout, "cd")
            assert code in candidate_readings(shown), (dead_sent, letter, shown)


@needs_xkb
def test_a_french_layout_does_not_hide_our_codes() -> None:
    assert first_valid_ticket(received("French", f"]Q1{CODE}") + "\r\n") == CODE
    assert read_walkin_code(next(r for r in candidate_readings(received("French", WALKIN))
                                 if read_walkin_code(r))) == "7QH23M0XW5R8"
