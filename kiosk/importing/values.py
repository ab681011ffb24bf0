"""Cell values into attendee field values: tidy text, status, consent, category, names."""

from __future__ import annotations

import unicodedata

from kiosk.core.models import DEFAULT_CATEGORIES, Status
from kiosk.core.text import clean

ACTIVE = Status.ACTIVE.value
CANCELLED = Status.CANCELLED.value


def tidy(raw: str) -> str:
    """``clean(raw)``, skipping the work for the common cell that is already tidy.

    Once stripped, a printable, NFC-normalised cell without double spaces is exactly what
    ``clean`` would return; most cells are like that, and these checks run in C.
    """
    text = raw.strip()
    if (
        text.isprintable()
        and "  " not in text
        and (text.isascii() or unicodedata.is_normalized("NFC", text))
    ):
        return text
    return clean(raw)


def _key(value: str) -> str:
    return " ".join(value.casefold().replace("_", " ").split())


_STATUS_WORDS: dict[str, str] = {
    # Eventbrite attendee and order statuses
    "attending": ACTIVE,
    "checked in": ACTIVE,
    "checked-in": ACTIVE,
    "not checked in": ACTIVE,
    "completed": ACTIVE,
    "complete": ACTIVE,
    "manual": ACTIVE,
    "offline": ACTIVE,
    "free order": ACTIVE,
    "partially refunded": ACTIVE,
    "partially transferred": ACTIVE,
    "pending": ACTIVE,
    "unpaid": ACTIVE,
    "not attending": CANCELLED,
    "deleted": CANCELLED,
    "refunded": CANCELLED,
    "refunded/canceled": CANCELLED,
    "refunded/cancelled": CANCELLED,
    "transferred": CANCELLED,
    "abandoned": CANCELLED,
    # pretix display statuses and the order status codes of its API and JSON export
    "paid": ACTIVE,
    "p": ACTIVE,
    "n": ACTIVE,
    "c": CANCELLED,
    "e": CANCELLED,
    "expired": CANCELLED,
    # Ticket Tailor, Hi.Events, and words people type
    "valid": ACTIVE,
    "voided": CANCELLED,
    "void": CANCELLED,
    "active": ACTIVE,
    "awaiting payment": ACTIVE,
    "confirmed": ACTIVE,
    "registered": ACTIVE,
    "booked": ACTIVE,
    "attended": ACTIVE,
    "waitlisted": ACTIVE,
    "cancelled": CANCELLED,
    "canceled": CANCELLED,
    "declined": CANCELLED,
    "rejected": CANCELLED,
    "withdrawn": CANCELLED,
    "no show": ACTIVE,
}
_CANCELLED_PARTS = ("cancel", "refunded", "void", "not attending", "deleted")


def status_of(value: str) -> str | None:
    """The status a text means ("active" or "cancelled"), or None when we do not know it."""
    key = _key(value)
    known = _STATUS_WORDS.get(key)
    if known is not None:
        return known
    if any(part in key for part in _CANCELLED_PARTS):
        return CANCELLED
    return None


_FALSE_WORDS = frozenset({"", "0", "no", "n", "false", "not cancelled", "not canceled", "-"})


def flags_cancelled(value: str) -> bool:
    """Whether a "Void Status" / "Order cancelled" style cell says the ticket is cancelled."""
    return _key(value) not in _FALSE_WORDS


_YES_WORDS = frozenset(
    {
        "yes",
        "y",
        "true",
        "1",
        "x",
        "✓",
        "✔",
        "agree",
        "i agree",
        "i consent",
        "consent",
        "ok",
        "okay",
        "happy to be photographed",
        "granted",
    }
)
_NO_WORDS = frozenset(
    {
        "no",
        "n",
        "false",
        "0",
        "do not consent",
        "i do not consent",
        "don't",
        "do not",
        "refused",
        "declined",
        "not granted",
    }
)


def is_yes(value: str) -> bool:
    """A tick, "Yes", "TRUE", "1": how spreadsheets and forms say yes."""
    return _key(value) in _YES_WORDS


def is_no(value: str) -> bool:
    return _key(value) in _NO_WORDS


def consent_of(value: str) -> str | None:
    """The consent an answer gives ("yes" or "no"), or None when it is neither."""
    key = _key(value)
    if key in _YES_WORDS or key.startswith(("yes", "i agree", "i consent", "i am happy")):
        return "yes"
    if key in _NO_WORDS or key.startswith(("no", "i do not", "i don't", "please do not")):
        return "no"
    return None


_CATEGORIES: dict[str, str] = {c.casefold(): c for c in DEFAULT_CATEGORIES}


def category_of(value: str) -> str:
    """A default category in its own spelling ("Partner NGO" -> "partner NGO"), else as given."""
    return _CATEGORIES.get(value.casefold(), value)


_EMAIL_PLACEHOLDERS = frozenset({"anonymous", "n/a", "none", "-"})


def email_of(value: str) -> str:
    """The address in an email cell: without "mailto:", empty for Forms' "anonymous"."""
    if value[:7].casefold() == "mailto:":
        value = value[7:].strip()
    if value.casefold() in _EMAIL_PLACEHOLDERS:
        return ""
    return value


# Lower-case words that belong to the family name that follows them.
_PARTICLES = frozenset(
    {
        "van",
        "von",
        "de",
        "da",
        "di",
        "del",
        "della",
        "der",
        "den",
        "du",
        "la",
        "le",
        "dos",
        "das",
        "bin",
        "binti",
        "ibn",
        "al",
        "el",
        "ter",
        "ten",
    }
)


def split_name(full_name: str) -> tuple[str, str]:
    """First and last name of a full name: the last word is the last name.

    "Ana Maria Popescu" -> ("Ana Maria", "Popescu"); one word stays a first name
    ("王芳" -> ("王芳", "")); "Popescu, Ana" -> ("Ana", "Popescu"); a lower-case particle
    stays with the family name ("Ludwig van Beethoven" -> ("Ludwig", "van Beethoven")).
    """
    if "," in full_name:
        last, _, first = full_name.partition(",")
        if first.strip() and last.strip():
            return first.strip(), last.strip()
        full_name = full_name.replace(",", " ")
    words = full_name.split()
    if len(words) < 2:
        return (words[0] if words else ""), ""
    cut = len(words) - 1
    while cut > 1 and words[cut - 1] in _PARTICLES:
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])
