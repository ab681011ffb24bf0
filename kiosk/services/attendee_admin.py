"""Organisers' corrections in the console: edit a record, merge two records, cancel or restore.

Every write is a change in the log, made in the desk lane (``attendee.edit``, ``attendee.merge``):
field by field, the latest wins, and a re-import of the organisers' file never overwrites it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from kiosk.core import changes
from kiosk.core.field_limits import longest, refused_as_too_long
from kiosk.core.hlc import Stamp
from kiosk.core.models import MAIN_CHECKPOINT_ID, Attendee, Status
from kiosk.core.refusal import Refusal
from kiosk.core.text import clean
from kiosk.store import checkins, console_queries, kept_columns, queries
from kiosk.store.event_store import EventReader, EventStore

# Recorded as the desk of every console change (the audit trail shows where a change was made).
CONSOLE_DESK = "Organisers' console"

# What an organiser may change in the console; status goes through cancel and restore.
TEXT_FIELDS: tuple[str, ...] = (
    "first_name", "last_name", "badge_name", "pronouns", "organisation", "email", "category",
    "desk_note", "access_needs",
)
EDITABLE_FIELDS: tuple[str, ...] = (*TEXT_FIELDS, "first_name_only", "photo_consent",
                                    "sessions")

# Fields a merge fills in on the kept record when it has none and the other record has one.
FILLED_BY_MERGE: tuple[str, ...] = (
    "first_name", "last_name", "badge_name", "pronouns", "organisation", "email", "desk_note",
    "access_needs", "photo_consent", "sessions",
)

class AdminError(Refusal):
    """A correction that cannot be made; the message says why and what to do instead."""


@dataclass(frozen=True)
class EditResult:
    """The record after a correction, and the fields that changed (none: nothing to save)."""

    attendee: Attendee
    changed: tuple[str, ...]


@dataclass(frozen=True)
class RecordSummary:
    """One of two records an organiser is about to merge, as the confirmation shows it."""

    attendee: Attendee
    walk_in: bool
    imported: bool
    prints: int
    checked_in_at: str  # "" or when and where the check-in that counts was made
    created_hlc: str

    @property
    def source(self) -> str:
        if self.walk_in:
            return "walk-in at a desk"
        return "registration file" if self.imported else "added by hand"


@dataclass(frozen=True)
class MergePlan:
    """Two records side by side, and the one the console suggests keeping."""

    first: RecordSummary
    second: RecordSummary
    suggested: str  # attendee id

    def other(self, kept_id: str) -> RecordSummary:
        return self.second if kept_id == self.first.attendee.id else self.first

    def kept(self, kept_id: str) -> RecordSummary:
        return self.first if kept_id == self.first.attendee.id else self.second

    def filled(self, kept_id: str) -> tuple[str, ...]:
        """Fields the kept record lacks and takes from the other one."""
        return tuple(_fills(self.kept(kept_id).attendee, self.other(kept_id).attendee))


@dataclass(frozen=True)
class MergeResult:
    survivor: Attendee
    merged_id: str
    filled: tuple[str, ...]


def _now_iso(now: Callable[[], datetime]) -> str:
    return now().isoformat(timespec="seconds")


def _standing(store: EventStore, attendee_id: str) -> Attendee:
    attendee = queries.get_attendee(store.conn, attendee_id)
    if attendee is None:
        raise AdminError("This person is no longer in the list (refresh the table).")
    if attendee.merged_into:
        raise AdminError("This record was merged into another one; change that one instead "
                         "(refresh the table).")
    return attendee


def _cleaned(name: str, value: object) -> Any:
    if name == "first_name_only":
        return bool(value)
    if name == "photo_consent":
        return None if value is None else bool(value)
    return limited(name, clean(value))


def limited(name: str, text: str) -> str:
    """``text`` for the field ``name``; refused when it is longer than the field may be."""
    if len(text) > longest(name):
        raise AdminError(refused_as_too_long(name))
    return text


def _bookings(store: EventStore, value: object) -> tuple[str, ...]:
    """Workshop ids, checked against the event's workshops."""
    if not isinstance(value, list | tuple) or not all(isinstance(s, str) for s in value):
        raise AdminError("Choose the workshops from the list.")
    known = {session.id for session in queries.list_sessions(store.conn)}
    unknown = set(value) - known
    if unknown:
        raise AdminError("A workshop chosen is no longer in the event (refresh and try again).")
    return tuple(sorted(set(value)))


def known_categories(view: EventReader) -> list[str]:
    """The event's categories and any others people are in (an import's), as spelt there."""
    event = queries.get_event(view.conn)
    names = list(event.categories) if event else []
    seen = {name.casefold() for name in names}
    for (category,) in view.conn.execute("SELECT DISTINCT category FROM attendees"):
        if category and category.casefold() not in seen:
            seen.add(category.casefold())
            names.append(category)
    return names


def default_category(view: EventReader) -> str:
    """A walk-in's category when none is chosen: "delegate" where the event has it, else
    the first of the event's own."""
    event = queries.get_event(view.conn, logo=False)
    names = event.categories if event is not None else ()
    return next((c for c in names if c.casefold() == "delegate"), names[0] if names
                else "delegate")


def category_named(view: EventReader, name: str) -> str:
    """The event's category a person means by ``name`` (any case); refused if there is
    none, so a typo never makes a new category on a badge."""
    wanted = clean(name)
    known = known_categories(view)
    found = next((c for c in known if c.casefold() == wanted.casefold()), None)
    if found is None:
        event = queries.get_event(view.conn, logo=False)
        # The refusal is read at a desk: a discreet category is not named in it.
        offered = [c for c in known if event is None or not event.is_discreet(c)]
        shown = ", ".join(f"“{c}”" for c in offered[:12])
        raise AdminError(f"There is no category called “{wanted[:60]}”. Choose one of "
                         f"{shown}, or add it in Event setup first.")
    return found


def _problem(after: Attendee) -> str:
    if not (after.first_name or after.last_name or after.badge_name):
        return "A person needs a first name, a last name or a badge name."
    if after.email and ("@" not in after.email or " " in after.email):
        return "That email address does not look right: it needs an @ and no spaces. " \
               "Leave it empty if you do not know it."
    if not after.category:
        return "Choose a category (for example “delegate”)."
    return ""


def _record_edit(store: EventStore, attendee_id: str, fields: dict[str, Any], operator: str,
                 now: Callable[[], datetime], desk: str = CONSOLE_DESK) -> None:
    store.record(changes.attendee.correction(attendee_id, fields, desk, operator,
                                             _now_iso(now)))


def edit_attendee(
    store: EventStore, attendee_id: str, corrections: Mapping[str, object], operator: str = "",
    now: Callable[[], datetime] = datetime.now, desk: str = CONSOLE_DESK,
    allowed: tuple[str, ...] = EDITABLE_FIELDS,
) -> EditResult:
    """Correct a record: the one use case for the console, the desk and ``kiosk edit``.
    ``corrections`` holds only what was changed in the form, so a field another desk edited
    meanwhile is not overwritten with the value the form showed. ``allowed``: the fields
    this place may change (a desk fewer than the console)."""
    unknown = set(corrections) - set(allowed)
    if unknown:
        raise AdminError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    current = _standing(store, attendee_id)
    fields = {name: _cleaned(name, value) for name, value in corrections.items()
              if name != "sessions"}
    if "sessions" in corrections:
        fields["sessions"] = _bookings(store, corrections["sessions"])
    if fields.get("category"):
        fields["category"] = category_named(store, str(fields["category"]))
    fields = {name: value for name, value in fields.items() if value != getattr(current, name)}
    if not fields:
        return EditResult(current, ())
    after = replace(current, **fields)
    if "sessions" in fields:
        fields["sessions"] = list(fields["sessions"])  # as the log and the file hold them
    problem = _problem(after)
    if problem:
        raise AdminError(problem)
    _record_edit(store, attendee_id, fields, operator, now, desk)
    return EditResult(_standing(store, attendee_id), tuple(sorted(fields)))


def _set_status(store: EventStore, attendee_id: str, status: Status, operator: str,
                now: Callable[[], datetime]) -> EditResult:
    current = _standing(store, attendee_id)
    if current.status is status:
        return EditResult(current, ())
    _record_edit(store, attendee_id, {"status": status.value}, operator, now)
    return EditResult(_standing(store, attendee_id), ("status",))


def cancel_registration(
    store: EventStore, attendee_id: str, operator: str = "",
    now: Callable[[], datetime] = datetime.now,
) -> EditResult:
    """Cancel: every desk refuses them with “Registration cancelled”; nothing is deleted."""
    return _set_status(store, attendee_id, Status.CANCELLED, operator, now)


def restore_registration(
    store: EventStore, attendee_id: str, operator: str = "",
    now: Callable[[], datetime] = datetime.now,
) -> EditResult:
    """Undo a cancellation (made here or in the organisers' file): they can check in again."""
    return _set_status(store, attendee_id, Status.ACTIVE, operator, now)


# -- merging two records --------------------------------------------------------------------


def _fills(kept: Attendee, other: Attendee) -> dict[str, Any]:
    fills: dict[str, Any] = {}
    for name in FILLED_BY_MERGE:
        mine, theirs = getattr(kept, name), getattr(other, name)
        if mine in ("", None, ()) and theirs not in ("", None, ()):
            fills[name] = list(theirs) if name == "sessions" else theirs
    return fills


def _checked_in_at(store: EventStore, attendee_id: str) -> str:
    row = checkins.first_checkin(store.conn, attendee_id, MAIN_CHECKPOINT_ID)
    if row is None:
        return ""
    when = datetime.fromtimestamp(Stamp.parse(row.hlc).wall_ms / 1000).strftime("%a %H:%M")
    return f"{when} at {row.desk or 'a desk'}"


def _summary(store: EventStore, attendee_id: str) -> RecordSummary:
    attendee = _standing(store, attendee_id)
    facts = console_queries.record_facts(store.conn, attendee_id)
    assert facts is not None
    return RecordSummary(attendee, facts.walk_in, facts.imported, facts.prints,
                         _checked_in_at(store, attendee_id), facts.created_hlc)


def plan_merge(store: EventStore, first_id: str, second_id: str) -> MergePlan:
    """Both records for the confirmation. The suggestion keeps a registration over a walk-in,
    an active record over a cancelled one, else the older record."""
    if first_id == second_id:
        raise AdminError("Choose two different records to merge.")
    first, second = _summary(store, first_id), _summary(store, second_id)

    def preference(record: RecordSummary) -> tuple[bool, bool, bool, str]:
        return (record.walk_in, record.attendee.status is Status.CANCELLED,
                not record.imported, record.created_hlc)

    suggested = min((first, second), key=preference).attendee.id
    return MergePlan(first, second, suggested)


def merge_attendees(
    store: EventStore, survivor_id: str, merged_id: str, operator: str = "",
    now: Callable[[], datetime] = datetime.now,
) -> MergeResult:
    """Merge ``merged_id`` into ``survivor_id``: the survivor keeps its values and takes the
    other's where it has none; check-ins and badge prints follow it; the other record's ticket
    and codes keep working and find the survivor."""
    if survivor_id == merged_id:
        raise AdminError("Choose two different records to merge.")
    with store.transaction():
        survivor, merged = _standing(store, survivor_id), _standing(store, merged_id)
        fills = _fills(survivor, merged)
        at = _now_iso(now)
        store.record(changes.attendee.merge(merged.id, survivor.id, CONSOLE_DESK, operator, at))
        if fills:
            store.record(changes.attendee.correction(survivor.id, fills, CONSOLE_DESK,
                                                     operator, at))
    after = queries.get_attendee(store.conn, survivor_id)
    assert after is not None
    return MergeResult(after, merged_id, tuple(sorted(fills)))


@dataclass(frozen=True)
class WorkshopChoice:
    """A workshop the form offers, with how full it is."""

    id: str
    name: str
    booked: int
    capacity: int | None


@dataclass(frozen=True)
class EditForm:
    """What the edit form starts from: the record, the event's categories and workshops."""

    attendee: Attendee
    categories: tuple[str, ...]
    workshops: tuple[WorkshopChoice, ...] = ()
    # Columns of the registration file kept in the organisers' copy: (heading, value).
    kept: tuple[tuple[str, str], ...] = ()


def edit_form(store: EventStore, attendee_id: str) -> EditForm:
    event = queries.get_event(store.conn)
    attendee = _standing(store, attendee_id)
    booked = queries.session_bookings(store.conn)
    workshops = tuple(WorkshopChoice(s.id, s.name, booked.get(s.id, 0), s.capacity)
                      for s in queries.list_sessions(store.conn))
    kept = tuple(kept_columns.kept_for(store.conn, attendee.id).items())
    return EditForm(attendee, event.categories if event else (), workshops, kept)
