"""The attendee fields a column can fill, and how several columns for one field combine."""

from __future__ import annotations

# One value wins: the first non-empty column in preference order (the others go to extra).
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
EXTRA = "extra"
IGNORE = "ignore"

MAPPABLE_FIELDS: tuple[str, ...] = (
    *SINGLE_FIELDS,
    *JOINED_FIELDS,
    STATUS,
    CANCELLED,
    SESSIONS,
    EXTRA,
    IGNORE,
)

# Fields that tell who a person is; a file needs a column for at least one of them.
NAME_FIELDS: tuple[str, ...] = ("first_name", "last_name", "badge_name", NAME)
