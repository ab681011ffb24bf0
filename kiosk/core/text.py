"""Text normalisation for matching people: accent folding, name and email keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that Unicode does not decompose into base + mark but that people type without
# the stroke: "Łukasz" must be found by "Lukasz", "Đặng" by "Dang".
_FOLD_EXTRA = str.maketrans(
    {
        "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ß": "ss",
        "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "ħ": "h", "Ħ": "h",
        "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ŧ": "t", "Ŧ": "t",
        "ё": "е", "Ё": "е", "й": "и", "Й": "и",
        "’": "'", "‘": "'", "ʼ": "'",
    }
)
_KEPT_FORMAT = {" ", "\u200c", "\u200d"}
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


@lru_cache(maxsize=32_768)
def fold(text: str) -> str:
    """Lower-case, strip accents and compatibility forms: the key for "Dũng" is "dung"."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).translate(_FOLD_EXTRA)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()


def clean(text: object) -> str:
    """A cell value as tidy text: NFC, no control characters, single spaces, trimmed."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFC", str(text))
    # Zero-width (non-)joiners are part of Persian and Indic spellings: keep them.
    value = "".join(ch if ch.isprintable() or ch in _KEPT_FORMAT else " " for ch in value)
    return _SPACES.sub(" ", value).strip()


def words(text: str) -> list[str]:
    """Folded search words of a text: "Smith-Jones, Jo" -> ["smith", "jones", "jo"]."""
    return list(_words(text))


@lru_cache(maxsize=32_768)
def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _NON_WORD.split(fold(text)) if w)


def name_key(first_name: str, last_name: str) -> str:
    """A key under which two spellings of the same name meet (case, accents, spacing)."""
    return " ".join(words(f"{first_name} {last_name}"))


def email_key(email: str) -> str:
    """Emails compare case-insensitively and without surrounding space."""
    return email.strip().casefold()


def count_people(n: int) -> str:
    """'1 person', '1,234 people': a count of people in a sentence."""
    return "1 person" if n == 1 else f"{n:,} people"


def has(n: int) -> str:
    """The verb that goes with :func:`count_people`: '1 person has', '3 people have'."""
    return "has" if n == 1 else "have"
