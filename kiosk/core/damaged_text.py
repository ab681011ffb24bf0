"""Names damaged on their way to us: letters lost to "?" or "�", or garbled by a wrong
character set ("Å‚" for "ł"), told apart from the letters of real names in any script."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Damage(StrEnum):
    """How a text was damaged."""

    LOST_LETTER = "lost_letter"  # a letter became "?" or U+FFFD
    GARBLED = "garbled"  # UTF-8 read as Windows-1252 (or Latin-1): "Ã©" for "é"


@dataclass(frozen=True)
class TextDamage:
    """What looks wrong in one text, in words an organiser can act on, and (for garbled
    letters) what it probably said."""

    damage: Damage
    problem: str
    suggestion: str = ""


# The fields checked: what is printed on a badge or shown at the desk as a person's name.
NAME_FIELDS: tuple[str, ...] = ("first_name", "last_name", "badge_name", "organisation")

_REPLACEMENT = "\ufffd"


def _continuation_bytes() -> dict[str, int]:
    """The character each UTF-8 continuation byte (0x80–0xBF) becomes when read as
    Windows-1252; its five undefined bytes are read as Latin-1 control characters."""
    table = {}
    for byte in range(0x80, 0xC0):
        try:
            table[bytes([byte]).decode("cp1252")] = byte
        except UnicodeDecodeError:
            table[chr(byte)] = byte
    for byte in range(0x80, 0xA0):
        table.setdefault(chr(byte), byte)  # the same bytes read as Latin-1
    return table


_CONTINUATION = _continuation_bytes()
_CONT = "[" + re.escape("".join(_CONTINUATION)) + "]"
# A UTF-8 lead byte read as Windows-1252 (U+00C2–U+00F4, the same in both), then the
# number of continuation bytes it needs.
_GARBLED = re.compile(
    f"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}}")
# "Ã" to "È": the lead bytes of accented Latin letters (é, ł, ś, ż, č, ğ, ǎ, ș…), by far the
# commonest damage in names. Any continuation after them is damage: no language writes
# "Ã" or "Å" before "º", "ª" or "š", nor "Ç" before "Ž" or "µ".
_LATIN_LEADS = frozenset("ÃÄÅÆÇÈ")
# Some second bytes are invisible once misread: a C1 control (every byte 0x80–0x9F read as
# Latin-1; 0x81, 0x8D, 0x8F, 0x90 and 0x9D read as Windows-1252), the no-break space (0xA0)
# or the soft hyphen (0xAD). Tidying a cell turns them into a space, or drops them at its
# end: "García" becomes "GarcÃ\u00ada", then "GarcÃ a"; "Martí" becomes "MartÃ".
_GAP_BYTES = (0xAD, 0xA0, 0x81, 0x8D, 0x8F, 0x90, 0x9D, *range(0x80, 0xA0))
# A Latin lead, or the first two bytes of a Vietnamese letter ("á»" of "ễ"), then the gap.
_GAPPED = re.compile("([\u00c3-\u00c8]|\u00e1[\u00b8-\u00bb])(?: |$)")


def _decoded(run: str) -> str | None:
    """The character a garbled run stood for, or None when it is not one."""
    data = bytes([ord(run[0]), *(_CONTINUATION[ch] for ch in run[1:])])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _is_garbled(run: str) -> bool:
    if _decoded(run) is None:
        return False
    if len(run) > 2 or run[0] in _LATIN_LEADS:
        return True
    # Another two-character run is damage only when its second character is no letter:
    # an all-capitals "KRÍŽ" is a real Slovak name, "Ð°" (а read wrongly) is not.
    return not run[1].isalpha()


def _repaired(text: str) -> str:
    return _GARBLED.sub(lambda m: (_decoded(m[0]) or m[0]) if _is_garbled(m[0]) else m[0],
                        text)


def _garbled_runs(text: str) -> list[str]:
    return [m[0] for m in _GARBLED.finditer(text) if _is_garbled(m[0])]


def _gapped_runs(text: str) -> list[str]:
    """Leads whose second byte became a gap. A capital "Ã", "Ä" or "Å" may end a real word
    ("IRMÃ DULCE", "KYLÄ RY"), so a gap counts only beside a small letter: "GarcÃ a",
    "Ã lvaro", "MartÃ". (A name in capitals, "GARCÃ A", cannot be told from a real one.)"""
    runs = []
    for found in _GAPPED.finditer(text):
        before = text[found.start() - 1] if found.start() else ""
        after = text[found.end()] if found.end() < len(text) else ""
        if len(found[1]) == 2 and not after and "«" in text:
            continue  # "«Olá»": a quotation closed, not a Vietnamese letter cut short
        if before.islower() or after.islower():
            runs.append(found[1])
    return runs


def _gap_letters(lead: str) -> str:
    """The letters a lead and a gap may have been, the likeliest first: “í”, “à” or “Á”."""
    letters: list[str] = []
    for byte in _GAP_BYTES:
        letter = _decoded(lead + bytes([byte]).decode("latin-1"))
        if letter and letter.isalpha() and letter not in letters:
            letters.append(letter)
    shown = [f"“{letter}”" for letter in letters[:3]]
    return ", ".join(shown[:-1]) + f" or {shown[-1]}" if len(shown) > 1 else "".join(shown)


def _lost_letter(text: str, question_mark_may_end: bool) -> bool:
    if _REPLACEMENT in text:
        return True
    if "?" not in text:
        return False
    # An organisation may be a question ("What Next?"); a person's name never is.
    return not (question_mark_may_end and text.count("?") == 1 and text.endswith("?")
                and len(text) > 1 and text[-2].isalpha())


def damage_in(text: str, *, question_mark_may_end: bool = False) -> TextDamage | None:
    """What looks damaged in ``text``, or None. Letters of any script (Ł, é, ễ, ش, 王, ሀ)
    are never damage; a "?" is, as no name is spelt with one (``question_mark_may_end``:
    unless it ends the text after a letter, as a question does)."""
    if not text or (text.isascii() and "?" not in text):
        return None
    runs = _garbled_runs(text)
    gaps = _gapped_runs(text)
    if runs:
        suggestion = _repaired(text)
        again = _repaired(suggestion)  # written out twice: "Ã…â€š" for "ł"
        suggestion = again if again != suggestion else suggestion
        example = runs[0]
        return TextDamage(
            Damage.GARBLED,
            f"letters garbled by the wrong character set (“{example}” is probably "
            f"“{_decoded(example)}”)",
            "" if gaps else suggestion)  # half repaired is no suggestion
    if gaps:
        return TextDamage(
            Damage.GARBLED,
            f"letters garbled by the wrong character set (“{gaps[0]}” and a gap was a letter"
            f" such as {_gap_letters(gaps[0])}, its second half lost)")
    if _lost_letter(text, question_mark_may_end):
        shown = "�" if _REPLACEMENT in text else "?"
        return TextDamage(
            Damage.LOST_LETTER,
            f"a letter was lost and shows as “{shown}” (the file was saved in a format "
            "without it)")
    return None


def damaged_names(values: Mapping[str, object]) -> list[tuple[str, TextDamage]]:
    """(field, damage) for each name field of a person that looks damaged."""
    found = []
    for name in NAME_FIELDS:
        value = values.get(name)
        if isinstance(value, str):
            damage = damage_in(value, question_mark_may_end=name == "organisation")
            if damage is not None:
                found.append((name, damage))
    return found
