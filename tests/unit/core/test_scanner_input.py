"""Cleaning up scanner input: trimming, AIM prefixes, Caps Lock and the German layout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.scanner_input import GERMAN_LAYOUT_TO_US, candidate_readings, normalise_scan
from kiosk.core.tickets import (
    ALPHABET,
    TicketVerdict,
    public_key_of,
    read_ticket,
    read_walkin_code,
    sign_ticket,
    walkin_code,
)

PRIVATE_KEY = bytes(range(32))
PUBLIC_KEY = public_key_of(PRIVATE_KEY)
CODE = sign_ticket(PRIVATE_KEY, "7QH23M0XW5R8", 3)
WALKIN = walkin_code("7QH23M0XW5R8")
XKB_SYMBOLS = Path("/usr/share/X11/xkb/symbols")


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
    assert candidate_readings("]Q1aB3x\r") == ["aB3x", "AB3X", "Ab3X"]


def test_an_external_barcode_read_with_caps_lock_is_recovered_by_inverting_case() -> None:
    secret = "hq2pxk7sebwanmc4"
    typed_with_caps_lock = secret.upper()

    assert candidate_readings(typed_with_caps_lock)[:3] == [secret.upper(), secret]


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
    assert [read_walkin_code(reading) for reading in readings] == [
        None,
        None,
        None,
        "7QH23M0XW5R8",
        None,
    ]


@pytest.mark.parametrize("raw", ["", " \r\n", "\x00", "]Q1", "]Q1 \r\n"])
def test_an_empty_scan_has_no_readings(raw: str) -> None:
    assert normalise_scan(raw) == ""
    assert candidate_readings(raw) == []


def test_a_sharp_s_is_not_turned_into_two_letters_when_case_is_inverted() -> None:
    assert candidate_readings("maß1") == ["maß1", "MASS1", "MAß1", "ma-1", "MA-1"]


@given(text=st.text())
def test_any_text_gives_distinct_non_empty_readings(text: str) -> None:
    readings = candidate_readings(text)

    assert len(readings) == len(set(readings)) <= 6
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


# The real keyboard mappings, from the XKB symbol files that X11 and Wayland desktops use.

KEYSYM_CHARACTERS = {
    "grave": "`", "asciitilde": "~", "exclam": "!", "at": "@", "numbersign": "#",
    "dollar": "$", "percent": "%", "asciicircum": "^", "ampersand": "&", "asterisk": "*",
    "parenleft": "(", "parenright": ")", "minus": "-", "underscore": "_", "equal": "=",
    "plus": "+", "bracketleft": "[", "braceleft": "{", "bracketright": "]",
    "braceright": "}", "semicolon": ";", "colon": ":", "apostrophe": "'",
    "quotedbl": '"', "comma": ",", "less": "<", "period": ".", "greater": ">",
    "slash": "/", "question": "?", "backslash": "\\", "bar": "|", "ssharp": "ß",
    "udiaeresis": "ü", "Udiaeresis": "Ü", "odiaeresis": "ö", "Odiaeresis": "Ö",
    "adiaeresis": "ä", "Adiaeresis": "Ä", "section": "§", "degree": "°",
    "sterling": "£", "notsign": "¬",
}  # fmt: skip


def xkb_layout(file: str, section: str | None = None) -> dict[str, list[str]]:
    """Key name -> keysyms of levels 1 and 2 (plain, Shift), following includes."""
    text = (XKB_SYMBOLS / file).read_text()
    if section is None:
        default = re.search(r'default(?:\s+\w+)*\s+xkb_symbols\s+"(\w+)"', text)
        assert default is not None
        section = default.group(1)
    body = re.search(rf'xkb_symbols\s+"{section}"\s*\{{(.*?)\n\}};', text, re.DOTALL)
    assert body is not None
    keys: dict[str, list[str]] = {}
    statements = r'include\s+"(?P<include>[^"]+)"|key\s+<(?P<key>\w+)>\s*\{(?P<symbols>[^}]*)\}'
    for statement in re.finditer(statements, body.group(1)):
        if statement["include"]:
            included = re.fullmatch(r"(\w+)(?:\((\w+)\))?", statement["include"])
            assert included is not None
            keys.update(xkb_layout(included[1], included[2]))
            continue
        levels = re.search(r"\[([^\]]*,[^\]]*)\]", statement["symbols"])
        if levels:
            keys[statement["key"]] = [name.strip() for name in levels[1].split(",")][:2]
    return keys


def character(keysym: str) -> str | None:
    """The character a keysym types, or None for a dead key."""
    if keysym.startswith("dead_"):
        return None
    if len(keysym) == 1:
        return keysym
    return KEYSYM_CHARACTERS[keysym]


def typed_on(
    layout: dict[str, list[str]], us: dict[str, list[str]]
) -> dict[str | None, str | None]:
    """US character the scanner sends -> what the other layout types for the same key."""
    return {
        character(sym): character(layout[key][level])
        for key, syms in us.items()
        for level, sym in enumerate(syms)
        if key in layout
    }


needs_xkb = pytest.mark.skipif(
    not (XKB_SYMBOLS / "de").exists(), reason="no XKB keyboard data in /usr/share/X11/xkb"
)


@needs_xkb
def test_the_code_alphabet_is_typed_alike_on_us_uk_and_german_layouts() -> None:
    us = xkb_layout("us", "basic")
    for other in (xkb_layout("gb", "basic"), xkb_layout("de", "basic")):
        typed = typed_on(other, us)
        assert all(typed[symbol] == symbol for symbol in ALPHABET)


@needs_xkb
def test_the_german_table_is_exactly_what_the_german_layout_changes() -> None:
    typed = typed_on(xkb_layout("de", "basic"), xkb_layout("us", "basic"))

    changed = {
        received: sent
        for sent, received in typed.items()
        if received is not None and received != sent
    }

    assert changed == GERMAN_LAYOUT_TO_US
