"""How long an attendee's text may be: the same limits at import, at the desk and in the console."""

from __future__ import annotations

# A name, badge name, organisation or category is read on a badge and a desk's screen: 200
# characters is four lines of a long badge and far beyond any real name (the longest names
# in use run to some 60 characters). A desk note or access need is a sentence or two.
LONGEST_TEXT = 200
LONGEST_NOTE = 2_000
_LONGEST = {"desk_note": LONGEST_NOTE, "access_needs": LONGEST_NOTE}

# How the limits read in a sentence: "the last name", "the desk note".
_CALLED = {"external_ref": "booking reference", "external_barcode": "barcode",
           "email": "email address"}


def longest(field: str) -> int:
    """The most characters ``field`` may hold."""
    return _LONGEST.get(field, LONGEST_TEXT)


def called(field: str) -> str:
    """A field as a sentence names it: "last name", "email address"."""
    return _CALLED.get(field, field.replace("_", " "))


_PLURAL = frozenset({"pronouns", "access_needs"})


def refused_as_too_long(field: str) -> str:
    """The refusal of an edit or a walk-in whose ``field`` is longer than it may be."""
    verb = "are" if field in _PLURAL else "is"
    return f"The {called(field)} {verb} too long (at most {longest(field):,} characters)."


def too_long(field: str, value: str) -> str:
    """What is wrong with ``value`` for ``field`` if it is too long, else ""."""
    limit = longest(field)
    if len(value) <= limit:
        return ""
    verb = "are" if field in _PLURAL else "is"
    return (f"the {called(field)} {verb} {len(value):,} characters long; at most {limit:,} fit "
            "on a badge and a desk's screen")
