"""The organisers' live dashboard: who has come, per category and workshop, arrivals over
time, double check-ins, and each desk's last contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.core.hlc import Stamp
from kiosk.services.event_settings import expected_desks
from kiosk.store import checkins, console_queries, queries, self_checkin
from kiosk.store.event_store import EventStore

ARRIVAL_SLOT_MINUTES = 15


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
