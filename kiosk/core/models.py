"""Domain values of an event: attendees, workshops (sessions), checkpoints, and their fields."""

from __future__ import annotations

from collections.abc import Iterable
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
    category_labels: tuple[tuple[str, str], ...] = ()  # (category, what its badges print)
    discreet_categories: tuple[str, ...] = ()  # never named at desks or to others
    ticket_types: tuple[tuple[str, str], ...] = ()  # (ticket type, the category it goes to)
    logo: bytes = b""  # PNG or JPEG, for badges and tickets

    def colour_of(self, category: str, default: str = "") -> str:
        """The badge colour the organisers chose for a category (compared case-blind)."""
        wanted = category.casefold()
        return next((c for name, c in self.category_colours if name.casefold() == wanted),
                    default)

    def label_of(self, category: str) -> str:
        """What a badge prints for a category: the label the organisers gave it. Until they
        give one, a default category prints its own name and any other prints nothing, so
        a ticket type ("Survivor leaders, free") never reaches a badge unless chosen."""
        wanted = same_category_key(category)
        label = next((text for name, text in self.category_labels
                      if same_category_key(name) == wanted), None)
        if label is not None:
            return label
        return category if wanted in _DEFAULT_KEYS else ""

    def is_discreet(self, category: str) -> bool:
        """Whether a category's name is kept from desks, self check-in and others' files."""
        wanted = same_category_key(category)
        return any(same_category_key(name) == wanted for name in self.discreet_categories)

    def category_for_ticket_type(self, ticket_type: str) -> str:
        """The category an imported ticket type goes to: the one it was renamed or merged
        into in Event setup, else a category of that name (the event's spelling), else the
        ticket type itself (a new category)."""
        wanted = same_category_key(ticket_type)
        target = next((c for t, c in self.ticket_types if same_category_key(t) == wanted),
                      ticket_type)
        key = same_category_key(target)
        return next((name for name in self.categories if same_category_key(name) == key),
                    target)

    def desk_choices(self, current: str = "") -> tuple[tuple[str, str], ...]:
        """(what a desk shows, category) for each of the event's categories, and ``current``
        (a person's own) when it is not one of them. A discreet category is shown by its
        badge label, never by its name; two that would look alike are numbered."""
        names = list(self.categories)
        if current.strip() and all(same_category_key(n) != same_category_key(current)
                                   for n in names):
            names.append(current)
        seen: dict[str, int] = {}
        choices = []
        for name in names:
            shown = (self.label_of(name) or "No badge label") if self.is_discreet(name) else name
            key = same_category_key(shown)
            seen[key] = seen.get(key, 0) + 1
            choices.append((shown if seen[key] == 1 else f"{shown} ({seen[key]})", name))
        return tuple(choices)


    def desk_name_of(self, category: str) -> str:
        """How a desk names a category in its forms: its name, or a discreet one's badge
        label (numbered, or "No badge label"), as in ``desk_choices``."""
        wanted = same_category_key(category)
        return next((shown for shown, name in self.desk_choices(category)
                     if same_category_key(name) == wanted), category)

    def names_for_others(self, categories: Iterable[str]) -> dict[str, str]:
        """What a file for others (the event report) calls each of ``categories``: its name,
        or for a discreet one its badge label, else "Discreet category" (numbered when
        several have no label); two that would read alike are numbered, so no row merges."""
        names = list(dict.fromkeys(categories))
        unlabelled = [n for n in names if self.is_discreet(n) and not self.label_of(n)]
        shown: dict[str, str] = {}
        seen: dict[str, int] = {}
        for name in names:
            if not self.is_discreet(name):
                text = name
            elif self.label_of(name):
                text = self.label_of(name)
            elif len(unlabelled) > 1:
                text = f"Discreet category {unlabelled.index(name) + 1}"
            else:
                text = "Discreet category"
            key = same_category_key(text)
            seen[key] = seen.get(key, 0) + 1
            shown[name] = text if seen[key] == 1 else f"{text} ({seen[key]})"
        return shown


def same_category_key(name: str) -> str:
    """Two category names that differ only in case or spacing are the same category."""
    return " ".join(name.split()).casefold()


_DEFAULT_KEYS = frozenset(same_category_key(name) for name in DEFAULT_CATEGORIES)
