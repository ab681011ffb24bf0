"""What a keyboard-wedge scanner typed, cleaned up into the readings check-in should try.

A keyboard-wedge scanner types a code as key presses for the keyboard layout it is
configured for (almost always US), and the computer turns them back into characters with
its own layout. Our own codes (``kiosk.core.tickets``) use only digits and the upper-case
letters that sit on the same keys on US, UK and German layouts, so they survive those
pairings; what can still happen to them is surrounding whitespace or control characters,
an AIM symbology identifier in front ("]Q1" for a QR code, "]d2" for Data Matrix...), Caps
Lock turning them to lower case, and a French (AZERTY) layout, which moves letters and puts
symbols where the digits were. Barcodes that came with imported registrations (a pretix
secret, an Eventbrite barcode, a URL or an e-mail-style code) may hold any character, and
their case matters, so for them this module offers the text as typed and what each
misconfigured layout did to it, undone.

``candidate_readings`` lists the readings for check-in to try in this order, without
repeats and without empty strings:

1. as typed: surrounding whitespace/control characters and an AIM prefix removed, case
   kept -- an imported barcode exactly as printed, and our codes read normally;
2. the same, upper-cased (``normalise_scan``) -- our codes read with Caps Lock on;
3. the same with the case of every letter inverted -- an imported barcode read with Caps
   Lock on under Windows or Linux, where Shift then gives lower case (macOS gives upper
   case either way, and then mixed case cannot be recovered);
4. and on: as 1 to 3, after undoing what a UK, a German and a French layout make of a
   US-configured scanner's key presses (``LAYOUTS_TO_US``). This also recovers an AIM
   prefix, which a German layout types as "+Q1" and a French one as "$A&". Caps Lock is
   undone before the layout, in the order the keyboard applied them.

Exact readings come before transformed ones so that an imported barcode that is printed
in mixed case is never mistaken for one that differs from it only in case. The check-in
engine should take the first reading that is a valid code of ours or a known barcode,
and, when none is, report the verdict of the first reading in our format (damaged,
forged, other event) before falling back to "not a ticket".

Dead keys. Some keys a US scanner presses are dead keys on the other layout (German "`",
"=" and "+"; French "[" and "{"): they type nothing until the next key, then an accented
letter, or nothing at all. The desk's scanner listener (``kiosk.ui.scanner_filter``)
writes such a key as its mark (``DEAD_KEY_MARKS``: "^" for a circumflex, "¨", "´", "`"),
followed by the key after it, so every key press is one character and the tables undo it;
a system that composes them first ("ê" for "[" then "e" on a French layout) is undone too,
letter by letter.

Not recovered: a German- or French-configured scanner on another layout (for codes of
letters and digits the German Y/Z swap is covered), Caps Lock on a French layout's number
row, and layouts other than UK, German and French (the Test your scanner page in the
desk's settings says when a scanner's layout is not one of these).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# The character the desk writes for a dead key (its keysym name in XKB files), and the
# combining mark it puts on the next letter.
DEAD_KEY_MARKS: dict[str, tuple[str, str]] = {
    "dead_grave": ("`", "\u0300"),
    "dead_acute": ("´", "\u0301"),
    "dead_circumflex": ("^", "\u0302"),
    "dead_tilde": ("~", "\u0303"),
    "dead_diaeresis": ("¨", "\u0308"),
}

# What each layout types for each key press a US-configured scanner sends: received
# character -> the character the scanner meant (a dead key by its mark). Taken key by key,
# plain and with Shift, from the XKB "us", "gb", "de" and "fr" layouts, as libxkbcommon
# compiles them; the Windows layouts of those names have the same characters on those keys.
# Characters a layout types as the US one does are left out. A test checks each table
# against the XKB files where they are installed, for every printable ASCII character.
UK_LAYOUT_TO_US: dict[str, str] = {
    '"': "@", "@": '"', "£": "#", "#": "\\", "~": "|", "¬": "~",
}  # fmt: skip
GERMAN_LAYOUT_TO_US: dict[str, str] = {
    "z": "y", "Z": "Y", "y": "z", "Y": "Z",
    "ß": "-", "?": "_",
    "ü": "[", "Ü": "{", "+": "]", "*": "}",
    "ö": ";", "Ö": ":", "ä": "'", "Ä": '"',
    "#": "\\", "'": "|",
    "-": "/", "_": "?", ";": "<", ":": ">",
    "°": "~", '"': "@", "§": "#", "&": "^", "/": "&", "(": "*", ")": "(", "=": ")",
    "^": "`", "´": "=", "`": "+",
}  # fmt: skip
FRENCH_LAYOUT_TO_US: dict[str, str] = {
    "&": "1", "é": "2", '"': "3", "'": "4", "(": "5", "-": "6", "è": "7", "_": "8",
    "ç": "9", "à": "0", ")": "-",
    "1": "!", "2": "@", "3": "#", "4": "$", "5": "%", "6": "^", "7": "&", "8": "*",
    "9": "(", "0": ")", "°": "_",
    "a": "q", "A": "Q", "q": "a", "Q": "A", "z": "w", "Z": "W", "w": "z", "W": "Z",
    "m": ";", "M": ":", ",": "m", "?": "M",
    "^": "[", "¨": "{", "$": "]", "£": "}", "*": "\\", "µ": "|",
    "ù": "'", "%": '"', ";": ",", ".": "<", ":": ".", "/": ">", "!": "/", "§": "?",
    "²": "`",
}  # fmt: skip
LAYOUTS_TO_US: dict[str, dict[str, str]] = {
    "UK": UK_LAYOUT_TO_US, "German": GERMAN_LAYOUT_TO_US, "French": FRENCH_LAYOUT_TO_US,
}
# The dead keys among those key presses, by their keysym names.
DEAD_KEYS: dict[str, tuple[str, ...]] = {
    "UK": (), "German": ("dead_circumflex", "dead_acute", "dead_grave"),
    "French": ("dead_circumflex", "dead_diaeresis"),
}


def _with_composed_letters(table: dict[str, str], dead_keys: tuple[str, ...]) -> dict[int, str]:
    """The table for ``str.translate``, plus each accented letter a system may compose from
    a dead key and the letter after it ("ê" -> "[e" on a French layout)."""
    translation = {ord(received): sent for received, sent in table.items()}
    for mark, combining in (DEAD_KEY_MARKS[name] for name in dead_keys):
        for received, sent in [*table.items(), *((c, c) for c in _LETTERS if c not in table)]:
            if len(received) != 1 or not received.isalpha():
                continue
            composed = unicodedata.normalize("NFC", received + combining)
            if len(composed) == 1 and composed != received and ord(composed) not in translation:
                translation[ord(composed)] = table[mark] + sent
    return translation


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TRANSLATIONS: dict[str, dict[int, str]] = {
    name: _with_composed_letters(table, DEAD_KEYS[name]) for name, table in LAYOUTS_TO_US.items()}
# Translation tables to try, in order: the layout as it is, then each other layout undone.
_LAYOUTS_UNDONE: tuple[dict[int, str], ...] = ({}, *_TRANSLATIONS.values())


def layout_undone(text: str, layout: str) -> str:
    """``text`` as a US-configured scanner meant it, typed on ``layout`` (a LAYOUTS_TO_US key)."""
    return text.translate(_TRANSLATIONS[layout])

# "]" + symbology letter + modifier digit, e.g. "]Q1" QR, "]C0" Code 128, "]E0" EAN-13.
_AIM_IDENTIFIER = re.compile(r"\][A-Za-z][0-9]")


def normalise_scan(raw: str) -> str:
    """What a scanner typed as one of our codes: trimmed, AIM prefix removed, upper case."""
    return without_aim_identifier(_trimmed(raw)).upper()


def candidate_readings(raw: str) -> list[str]:
    """The readings of a scan for check-in to try, most likely first (see the module doc)."""
    return list(iter_readings(raw))


def iter_readings(raw: str) -> Iterator[str]:
    """The same readings, made one at a time: the first usually decides the scan."""
    # An AIM prefix that came through as such was typed on a layout that keeps "]": it goes
    # before any layout is undone (a French layout would make "]Q1" into "]A!").
    typed = without_aim_identifier(_trimmed(raw))
    seen: set[str] = set()
    for layout in _LAYOUTS_UNDONE:
        as_typed = without_aim_identifier(typed.translate(layout) if layout else typed)
        for reading in (as_typed, as_typed.upper()):
            if reading and reading not in seen:
                seen.add(reading)
                yield reading
        caps_lock_undone = without_aim_identifier(swap_case(typed).translate(layout))
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


def without_aim_identifier(text: str) -> str:
    """``text`` without an AIM symbology identifier in front ("]Q1")."""
    return text[3:] if _AIM_IDENTIFIER.match(text) else text


def swap_case(text: str) -> str:
    """Every letter's case inverted, as Caps Lock does, one character for one."""
    # str.swapcase would turn "ß" into "SS"; Caps Lock changes one key into one character.
    return "".join(
        swapped if len(swapped := character.swapcase()) == 1 else character for character in text
    )
