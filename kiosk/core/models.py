"""Domain values of an event: attendees, workshops (sessions), checkpoints, and their fields."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """Whether a registration stands."""

    ACTIVE = "active"
    CANCELLED = "cancelled"


DEFAULT_CATEGORIES: tuple[str, ...] = (
    "delegate",
    "speaker",
    "volunteer",
    "press",
    "partner NGO",
    "staff",
)

# Attendee fields an organiser's file or a desk may set. Each is merged field by field
# (see kiosk.core.merge), so two desks editing different fields never overwrite each other.
ATTENDEE_FIELDS: tuple[str, ...] = (
    "external_ref",
    "external_barcode",
    "first_name",
    "last_name",
    "badge_name",
    "pronouns",
    "organisation",
    "email",
    "category",
    "status",
    "desk_note",
    "access_needs",
    "photo_consent",
    "first_name_only",
    "sessions",
)

# Fields a front-desk volunteer may correct.
DESK_EDITABLE_FIELDS: tuple[str, ...] = (
    "badge_name",
    "pronouns",
    "organisation",
    "category",
    "first_name",
    "last_name",
    "desk_note",
)

TEXT_DEFAULTS: dict[str, object] = {
    "external_ref": "",
    "external_barcode": "",
    "first_name": "",
    "last_name": "",
    "badge_name": "",
    "pronouns": "",
    "organisation": "",
    "email": "",
    "category": "delegate",
    "status": Status.ACTIVE.value,
    "desk_note": "",
    "access_needs": "",
    "photo_consent": None,
    "first_name_only": False,
    "sessions": [],
}


@dataclass(frozen=True)
class Attendee:
    """One registered (or walked-in) person, as the derived tables hold them now."""

    id: str
    first_name: str = ""
    last_name: str = ""
    badge_name: str = ""
    pronouns: str = ""
    organisation: str = ""
    email: str = ""
    category: str = "delegate"
    status: Status = Status.ACTIVE
    external_ref: str = ""
    external_barcode: str = ""
    desk_note: str = ""
    access_needs: str = ""
    photo_consent: bool | None = None
    first_name_only: bool = False
    sessions: tuple[str, ...] = ()
    ticket_serial: int = 0
    merged_into: str | None = None
    checked_in: bool = False

    @property
    def display_name(self) -> str:
        """The name to show and print: the badge name when given, else first and last name."""
        if self.badge_name:
            return self.badge_name
        if self.first_name_only:
            return self.first_name
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class Session:
    """A workshop (or any part of the programme that has a capacity)."""

    id: str
    name: str
    room: str = ""
    starts: str = ""
    ends: str = ""
    capacity: int | None = None


@dataclass(frozen=True)
class Checkpoint:
    """Where people are checked in: the main desk, or the door of one workshop."""

    id: str
    name: str
    session_id: str | None = None


MAIN_CHECKPOINT_ID = "main"


@dataclass(frozen=True)
class Event:
    """The event a database belongs to."""

    name: str
    date: str = ""
    venue: str = ""
    event_tag: str = ""
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    # Set in the console's Event setup; shared with every desk through event.update.
    category_colours: tuple[tuple[str, str], ...] = ()  # (category, "#rrggbb")
    logo: bytes = b""  # PNG or JPEG, for badges and tickets

    def colour_of(self, category: str, default: str = "") -> str:
        """The badge colour the organisers chose for a category (compared case-blind)."""
        wanted = category.casefold()
        return next((c for name, c in self.category_colours if name.casefold() == wanted),
                    default)
