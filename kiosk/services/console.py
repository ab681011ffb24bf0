"""The organisers' console use cases: the attendee table, the live dashboard, the import wizard.

Every function takes the event store first and runs on whichever thread calls it (the
console calls them on its worker threads, never on the UI thread).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kiosk.core.damaged_text import damaged_names
from kiosk.core.hlc import Stamp
from kiosk.importing import ImportRefused, preset_names, read_registrations
from kiosk.importing.fields import MAPPABLE_FIELDS, fate_of
from kiosk.services.event_access import EventFile, EventReader
from kiosk.services.event_settings import expected_desks
from kiosk.services.registration_import import (
    ImportPlan,
    ImportReport,
    import_file,
    kept_headings,
    plan_file,
    write_plan,
)
from kiosk.store import checkins, console_queries, queries, self_checkin
from kiosk.store.attendee_keys import AttendeeKeys
from kiosk.store.console_queries import SORT_KEYS, STATE_FILTERS, AttendeeLine
from kiosk.store.event_store import EventStore

__all__ = [
    "MAPPABLE_FIELDS",
    "SORT_KEYS",
    "STATE_FILTERS",
    "AttendeeKeys",
    "AttendeeLine",
    "AttendeeQuery",
    "AttendeeRow",
    "Dashboard",
    "ImportPlan",
    "ImportPreview",
    "ImportRefused",
    "attendee_order",
    "attendee_rows",
    "dashboard",
    "fate_of",
    "import_plan_through",
    "plan_import_through",
    "preview_import",
    "preview_import_through",
    "run_import",
]

ARRIVAL_SLOT_MINUTES = 15


# -- the attendee table ---------------------------------------------------------------------


@dataclass(frozen=True)
class AttendeeQuery:
    """What the organiser asked the table for: a state, words to find, a sort."""

    state: str = "all"
    text: str = ""
    sort: str = "name"
    descending: bool = False


@dataclass(frozen=True)
class AttendeeRow:
    """One attendee as the table shows them: plain text, ready to display."""

    rowid: int
    attendee_id: str
    name: str
    organisation: str
    email: str
    category: str
    status: str
    checked_in: str  # "" or the local time of the check-in that counts
    badge: str  # "" or "printed" / "printed ×2"
    workshops: str
    name_check: str = ""  # "" or why the name (or organisation) looks damaged


def attendee_order(
    store: EventStore, query: AttendeeQuery, keys: AttendeeKeys | None = None
) -> list[int]:
    """Row ids in table order; pages of rows are read by id as the table scrolls.

    With ``keys`` (kept by the caller's thread across calls) the order comes from memory,
    after taking in whatever changed in the event since the last call; without, from SQLite.
    """
    if keys is None:
        return console_queries.attendee_order(
            store.conn, query.state, query.text, query.sort, query.descending
        )
    keys.refresh(store.conn)
    return keys.order(query.state, query.text, query.sort, query.descending)


@dataclass(frozen=True)
class FollowedOrder:
    """The table's order again after the event changed, and the rows that changed."""

    order: list[int]
    changed: frozenset[int] | None  # None: everything was read again


def follow_attendees(
    store: EventStore, keys: AttendeeKeys, query: AttendeeQuery, even_if_unchanged: bool = False
) -> FollowedOrder | None:
    """The order afresh and what changed; None while nothing changed (a look then costs
    microseconds) unless ``even_if_unchanged`` (a new filter or sort)."""
    changed = keys.refresh(store.conn)
    if changed is not None and not changed and not even_if_unchanged:
        return None
    order = keys.order(query.state, query.text, query.sort, query.descending)
    return FollowedOrder(order, None if changed is None else frozenset(changed))


def _clock_time(hlc: str | None) -> str:
    if not hlc:
        return ""
    when = datetime.fromtimestamp(Stamp.parse(hlc).wall_ms / 1000)
    return when.strftime("%a %H:%M")


def attendee_rows(
    store: EventStore, rowids: Sequence[int], workshop_names: Mapping[str, str]
) -> dict[int, AttendeeRow]:
    """The rows for one page of row ids, keyed by row id."""
    rows = {}
    for line in console_queries.attendee_lines(store.conn, rowids):
        name = f"{line.first_name} {line.last_name}".strip() or line.badge_name
        badge = "" if not line.prints else (
            "printed" if line.prints == 1 else f"printed ×{line.prints}")
        workshops = ", ".join(workshop_names.get(s, s) for s in json.loads(line.sessions_json))
        rows[line.rowid] = AttendeeRow(
            line.rowid, line.attendee_id, name, line.organisation, line.email, line.category,
            line.status, _clock_time(line.checked_in_hlc), badge, workshops,
            name_check(line.first_name, line.last_name, line.badge_name, line.organisation),
        )
    return rows


_NAME_TITLES = {"first_name": "First name", "last_name": "Last name",
                "badge_name": "Badge name", "organisation": "Organisation"}


def name_check(first_name: str, last_name: str, badge_name: str = "",
               organisation: str = "") -> str:
    """Why a person's name or organisation looks damaged ("" when it does not), in words
    an organiser can act on; nothing is changed until they correct it."""
    values = {"first_name": first_name, "last_name": last_name, "badge_name": badge_name,
              "organisation": organisation}
    return "; ".join(
        f"{_NAME_TITLES[name]} “{values[name]}”: {damage.problem}"
        + (f" — probably “{damage.suggestion}”" if damage.suggestion else "")
        for name, damage in damaged_names(values))


def workshop_names(store: EventStore) -> dict[str, str]:
    return {s.id: s.name for s in queries.list_sessions(store.conn)}


# -- the live dashboard ---------------------------------------------------------------------


@dataclass(frozen=True)
class WorkshopFigures:
    name: str
    capacity: int | None
    booked: int
    arrived: int  # booked and checked in at the main desk
    at_door: int | None  # scanned at the workshop door, when the workshop has a door


@dataclass(frozen=True)
class DuplicateEntry:
    name: str
    desk: str
    at: str


@dataclass(frozen=True)
class DeskContact:
    """A desk as the dashboard lists it: what it did and when this file last heard from it."""

    desk: str
    checkins: int
    last: str  # its latest check-in ("" when none)
    last_contact: str = ""  # its latest change of any kind, as synced here ("" never heard)
    expected: bool = False  # named in the event's setup as a desk at the event
    find_me_failed: int = 0  # self check-in "find me" tries that checked nobody in

    @property
    def line(self) -> str:
        if not self.last_contact:
            return f"{self.desk}: expected, not heard from yet"
        done = (f"{self.checkins:,} check-in{'' if self.checkins == 1 else 's'}, latest "
                f"{self.last}" if self.checkins else "no check-ins yet")
        failed = (f" — ⚠ {self.find_me_failed:,} find-me "
                  f"{'try' if self.find_me_failed == 1 else 'tries'} found nobody"
                  if self.find_me_failed else "")
        return f"{self.desk}: {done}{failed} — last heard from {self.last_contact}"


@dataclass(frozen=True)
class Dashboard:
    event_name: str
    checked_in: int
    expected: int
    categories: list[tuple[str, int, int]]
    workshops: list[WorkshopFigures]
    arrivals: list[tuple[datetime, int]]  # (start of a 15-minute slot, arrivals in it)
    duplicates: list[DuplicateEntry]
    desks: list[DeskContact]
    version: int = 0

    @property
    def not_arrived(self) -> int:
        return self.expected - self.checked_in

    @property
    def find_me_failed(self) -> int:
        """Self check-in "find me" tries that found nobody, at every kiosk heard from: many
        may be someone trying names to learn who is here."""
        return sum(desk.find_me_failed for desk in self.desks)


def dashboard(store: EventStore, unless_version: int | None = None) -> Dashboard | None:
    """Everything the dashboard shows, or None when nothing has changed since
    ``unless_version`` (so a refresh every few seconds costs nothing while the event is idle)."""
    version = console_queries.log_position(store.conn)
    if unless_version is not None and version == unless_version:
        return None
    conn = store.conn
    event = queries.get_event(conn)
    checked_in, expected = queries.attendance_counts(conn)
    doors = console_queries.door_attendance(conn)
    workshops = [
        WorkshopFigures(name, capacity, booked, arrived, doors.get(session_id))
        for session_id, name, capacity, booked, arrived in console_queries.workshop_attendance(conn)
    ]
    slot_ms = ARRIVAL_SLOT_MINUTES * 60_000
    arrivals = _filled_slots(console_queries.arrivals_by_slot(conn, slot_ms), slot_ms)
    duplicate_rows = checkins.duplicate_checkins(conn)
    names = console_queries.names_of(conn, sorted({d.attendee_id for d in duplicate_rows}))
    duplicates = [
        DuplicateEntry(names.get(d.attendee_id, d.attendee_id), d.desk or d.device_id[:8],
                       _local_at(d.at))
        for d in duplicate_rows
    ]
    desks = _desk_contacts(store)
    return Dashboard(
        event.name if event else "", checked_in, expected,
        console_queries.category_attendance(conn), workshops, arrivals, duplicates, desks,
        version,
    )


def _filled_slots(rows: list[tuple[int, int]], slot_ms: int) -> list[tuple[datetime, int]]:
    """Every slot from the first arrival to the last, empty ones included (a chart of the
    day must show the lull at lunch, not close it up)."""
    if not rows:
        return []
    counts = dict(rows)
    first, last = rows[0][0], rows[-1][0]
    if (last - first) // slot_ms > 200:  # stray clocks: show only slots with arrivals
        return [(datetime.fromtimestamp(s / 1000), n) for s, n in rows]
    return [(datetime.fromtimestamp(s / 1000), counts.get(s, 0))
            for s in range(first, last + slot_ms, slot_ms)]


def _desk_contacts(store: EventStore) -> list[DeskContact]:
    """Every desk that checked anyone in or is expected at the event, latest contact first;
    expected desks not heard from yet come last, so a missing desk stands out."""
    conn = store.conn
    activity = console_queries.desk_activity(conn)
    with_checkins = {device for _desk, device, _count, _last in activity}
    heard = {device: Stamp.parse(hlc).wall_ms
             for device, _count, hlc in console_queries.device_last_changes(conn) if hlc}
    expected = {name.casefold(): name for name in expected_desks(store)}
    failures = self_checkin.failures_by_device(conn)
    desks: list[tuple[int, DeskContact]] = []
    for desk, device, count, last in activity:
        name = desk or device[:8]
        contact = heard.get(device, 0)
        # A device listed under two desk names shows its failures once, on the first.
        failed = failures.pop(device, ("", 0))[1]
        desks.append((contact, DeskContact(name, count, _local_at(last), _clock_at(contact),
                                           name.casefold() in expected, failed)))
    listed = {contact.desk.casefold() for _, contact in desks}
    for device, contact in heard.items():
        if device in with_checkins or (device == store.device_id and device not in failures):
            continue
        desk, failed = failures.get(device, ("", 0))
        name = desk or device[:8]
        desks.append((contact, DeskContact(name, 0, "", _clock_at(contact),
                                           name.casefold() in expected, failed)))
        listed.add(name.casefold())
    desks.sort(key=lambda pair: -pair[0])
    missing = [DeskContact(name, 0, "", "", True) for key, name in expected.items()
               if key not in listed]
    return [contact for _, contact in desks] + missing


def _clock_at(wall_ms: int) -> str:
    return datetime.fromtimestamp(wall_ms / 1000).strftime("%a %H:%M") if wall_ms else ""


def _local_at(at: str) -> str:
    try:
        return datetime.fromisoformat(at).strftime("%a %H:%M")
    except (TypeError, ValueError):
        return at or ""


# -- the import wizard ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportPreview:
    """A file read as it would be imported, before anything is written."""

    path: str
    preset: str
    sheet: str | None
    columns: list[tuple[str, str]]  # (heading, field) in file order
    rows: list[dict[str, str]]  # the first records, as they will be imported
    total: int
    errors: int
    presets: list[str] = field(default_factory=list)


PREVIEW_FIELDS = ("first_name", "last_name", "email", "organisation", "category", "status",
                  "pronouns", "external_ref")


def preview_import(
    store: EventStore,
    path: str | Path,
    preset: str | None = None,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    rows: int = 8,
) -> ImportPreview:
    """Read the file with the given preset and mapping; raises ImportRefused with a message
    an organiser can act on."""
    workshops = [s.name for s in queries.list_sessions(store.conn)]
    return _preview(path, (workshops, kept_headings(store)), preset, mapping, sheet, rows)


def preview_import_through(
    event: EventFile,
    path: str | Path,
    preset: str | None = None,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    rows: int = 8,
) -> ImportPreview:
    """:func:`preview_import` through the event file's door: only the workshops' names are
    read from it; the registration file (seconds, for a large workbook) is read outside."""
    return _preview(path, event.read(_what_the_event_knows), preset, mapping, sheet, rows)


def _what_the_event_knows(reader: EventReader) -> tuple[list[str], list[str]]:
    """Its workshops' names in order, and the columns kept at its last import."""
    return [s.name for s in queries.list_sessions(reader.conn)], kept_headings(reader)


def _preview(
    path: str | Path, known: tuple[list[str], list[str]], preset: str | None,
    mapping: Mapping[str, str] | None, sheet: str | None, rows: int,
) -> ImportPreview:
    workshops, kept_before = known
    result = read_registrations(path, preset=preset, mapping=mapping or None, sheet=sheet,
                                workshops=workshops, kept_before=kept_before)
    first = []
    for record in result.records[:rows]:
        shown = {name: record.fields.get(name, "") for name in PREVIEW_FIELDS}
        shown["row"] = str(record.row)
        shown["workshops"] = ", ".join(record.sessions)
        shown["name_check"] = name_check(*(record.fields.get(name, "") for name in (
            "first_name", "last_name", "badge_name", "organisation")))
        shown["damaged"] = " ".join(name for name, _ in damaged_names(record.fields))
        first.append(shown)
    return ImportPreview(
        str(path), result.preset, result.sheet, list(result.columns.items()), first,
        len(result.records), len(result.errors), list(preset_names()),
    )


def run_import(
    store: EventStore,
    path: str | Path,
    preset: str | None = None,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    dry_run: bool = True,
) -> ImportReport:
    return import_file(store, path, preset=preset, mapping=dict(mapping or {}) or None,
                       sheet=sheet, dry_run=dry_run)


def plan_import_through(
    event: EventFile,
    path: str | Path,
    preset: str | None = None,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> ImportPlan:
    """The dry run: the file is read and planned off the writer; nothing is written. The
    import then writes this same plan (:func:`import_plan_through`)."""
    return plan_file(event, path, preset=preset, mapping=dict(mapping or {}) or None,
                     sheet=sheet)


def import_plan_through(event: EventFile, plan: ImportPlan) -> ImportReport:
    """Write the dry run's plan in batches between the desk's scans; refused if the file
    or the event's registrations changed since the dry run."""
    return write_plan(event, plan)
