"""The attendee fields a column can fill, and how several columns for one field combine."""

from __future__ import annotations

from enum import StrEnum

# One value wins: the first non-empty column in preference order (the others are dropped).
SINGLE_FIELDS: tuple[str, ...] = (
    "external_ref",
    "external_barcode",
    "first_name",
    "last_name",
    "badge_name",
    "pronouns",
    "organisation",
    "email",
    "category",
    "photo_consent",
    "name",
)
# Every non-empty column adds to the field: "Dietary needs" and "Access needs" both count.
JOINED_FIELDS: tuple[str, ...] = ("access_needs", "desk_note")

STATUS = "status"
# A column that, when filled in ("1", "void", a date), means the registration is cancelled:
# Tito's "Void Status", Ticket Tailor's "Order cancelled".
CANCELLED = "cancelled"
SESSIONS = "sessions"
# A full name in one column, split into first and last name when those are not given.
NAME = "name"
# A column the organisers chose to keep: in their own copy only (never synced, never in a
# desk copy, the hub or a bundle), removed by wipe and anonymise.
KEEP = "keep"
# A column that is not read: what becomes of every column nobody mapped or kept.
IGNORE = "ignore"
# Older words for the same choices ("extra" was kept in the change log before).
ALIASES: dict[str, str] = {"extra": KEEP, "drop": IGNORE, "dropped": IGNORE, "kept": KEEP}

MAPPABLE_FIELDS: tuple[str, ...] = (
    *SINGLE_FIELDS,
    *JOINED_FIELDS,
    STATUS,
    CANCELLED,
    SESSIONS,
    KEEP,
    IGNORE,
)


class Fate(StrEnum):
    """What becomes of a column's values."""

    MAPPED = "mapped"  # read into a field every desk gets
    KEPT = "kept"  # kept in the organisers' copy only
    DROPPED = "dropped"  # not read at all


def fate_of(field: str) -> Fate:
    """A column's fate by the field it was given."""
    if field == KEEP:
        return Fate.KEPT
    if field == IGNORE:
        return Fate.DROPPED
    return Fate.MAPPED

# Fields that tell who a person is; a file needs a column for at least one of them.
NAME_FIELDS: tuple[str, ...] = ("first_name", "last_name", "badge_name", NAME)
