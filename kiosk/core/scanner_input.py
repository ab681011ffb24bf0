"""What a keyboard-wedge scanner typed, cleaned up into the readings check-in should try.

A keyboard-wedge scanner types a code as key presses for the keyboard layout it is
configured for (almost always US), and the computer turns them back into characters with
its own layout. Our own codes (``kiosk.core.tickets``) use only digits and the upper-case
letters that sit on the same keys on US, UK and German layouts, so they survive any of
these pairings; what can still happen to them is surrounding whitespace or control
characters, an AIM symbology identifier in front ("]Q1" for a QR code, "]d2" for Data
Matrix...), and Caps Lock turning them to lower case. Barcodes that came with imported
registrations (a pretix secret, an Eventbrite barcode) may hold any character, and their
case matters, so for them this module offers the text as typed and a few guesses at what
a misconfigured keyboard did to it.

``candidate_readings`` lists the readings for check-in to try in this order, without
repeats and without empty strings:

1. as typed: surrounding whitespace/control characters and an AIM prefix removed, case
   kept -- an imported barcode exactly as printed, and our codes read normally;
2. the same, upper-cased (``normalise_scan``) -- our codes read with Caps Lock on;
3. the same with the case of every letter inverted -- an imported barcode read with Caps
   Lock on under Windows or Linux, where Shift then gives lower case (macOS gives upper
   case either way, and then mixed case cannot be recovered);
4. to 6. as 1 to 3, after undoing what a German layout makes of a US-configured scanner's
   key presses (``GERMAN_LAYOUT_TO_US``: Y and Z swapped, "ß" back to "-", "+" to "]" and
   so on). This also recovers an AIM prefix, which a German layout types as "+Q1". Caps
   Lock is undone before the layout, in the order the keyboard applied them.

Exact readings come before transformed ones so that an imported barcode that is printed
in mixed case is never mistaken for one that differs from it only in case. The check-in
engine should take the first reading that is a valid code of ours or a known barcode,
and, when none is, report the verdict of the first reading in our format (damaged,
forged, other event) before falling back to "not a ticket".

Not recovered: keys that are dead keys on the German layout (US "`", "=" and "+" type a
pending accent that merges with the next character), a German-configured scanner on a US
or UK layout (for codes of letters and digits the Y/Z swap covers it), and the UK
layout's differences from US, which touch only ``@ " # \\ | ~``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# What a German (QWERTZ, T1) layout types for each key press a US-configured scanner sends:
# received character -> the character the scanner meant. Taken key by key from the XKB
# "us" and "de" symbol files; the Windows German (T1) layout has the same characters on
# these keys. A test checks the table against those files where they are installed.
GERMAN_LAYOUT_TO_US: dict[str, str] = {
    "z": "y", "Z": "Y", "y": "z", "Y": "Z",
    "ß": "-", "?": "_",
    "ü": "[", "Ü": "{", "+": "]", "*": "}",
    "ö": ";", "Ö": ":", "ä": "'", "Ä": '"',
    "#": "\\", "'": "|",
    "-": "/", "_": "?", ";": "<", ":": ">",
    "°": "~", '"': "@", "§": "#", "&": "^", "/": "&", "(": "*", ")": "(", "=": ")",
}  # fmt: skip
_GERMAN_TO_US = str.maketrans(GERMAN_LAYOUT_TO_US)
# Translation tables to try, in order: the layout as it is, then the German layout undone.
_LAYOUTS_UNDONE: tuple[dict[int, str], ...] = ({}, _GERMAN_TO_US)

# "]" + symbology letter + modifier digit, e.g. "]Q1" QR, "]C0" Code 128, "]E0" EAN-13.
_AIM_IDENTIFIER = re.compile(r"\][A-Za-z][0-9]")


def normalise_scan(raw: str) -> str:
    """What a scanner typed as one of our codes: trimmed, AIM prefix removed, upper case."""
    return _without_aim_identifier(_trimmed(raw)).upper()


def candidate_readings(raw: str) -> list[str]:
    """The readings of a scan for check-in to try, most likely first (see the module doc)."""
    return list(iter_readings(raw))


def iter_readings(raw: str) -> Iterator[str]:
    """The same readings, made one at a time: the first usually decides the scan."""
    typed = _trimmed(raw)
    seen: set[str] = set()
    for layout in _LAYOUTS_UNDONE:
        as_typed = _without_aim_identifier(typed.translate(layout) if layout else typed)
        for reading in (as_typed, as_typed.upper()):
            if reading and reading not in seen:
                seen.add(reading)
                yield reading
        caps_lock_undone = _without_aim_identifier(_swap_case(typed).translate(layout))
        if caps_lock_undone and caps_lock_undone not in seen:
            seen.add(caps_lock_undone)
            yield caps_lock_undone


def _trimmed(raw: str) -> str:
    start, end = 0, len(raw)
    while start < end and _is_padding(raw[start]):
        start += 1
    while end > start and _is_padding(raw[end - 1]):
        end -= 1
    return raw[start:end]


def _is_padding(character: str) -> bool:
    # Whitespace, control characters (CR, LF, tab, NUL...) and invisible format characters
    # such as a byte-order mark or zero-width space that some scanners and tools add.
    return character.isspace() or unicodedata.category(character) in ("Cc", "Cf")


def _without_aim_identifier(text: str) -> str:
    return text[3:] if _AIM_IDENTIFIER.match(text) else text


def _swap_case(text: str) -> str:
    # str.swapcase would turn "ß" into "SS"; Caps Lock changes one key into one character.
    return "".join(
        swapped if len(swapped := character.swapcase()) == 1 else character for character in text
    )
