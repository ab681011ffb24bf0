"""Check-ins given back to the registration system, in that system's own column names.

The organisers' ticketing system knows each person by its own barcode or reference; this
file puts our check-in state beside that key, named as the system names it in its own
exports, so an organiser can match it back (a VLOOKUP, an import of a "checked in" column,
or a hand-over to whoever runs that system). The generic file works with any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.reports.tables import Cell, Table
from kiosk.store import attendance
from kiosk.store.attendance import AttendeeAttendance
from kiosk.store.event_store import EventStore

Column = tuple[str, Callable[[AttendeeAttendance], Cell]]


def _came(p: AttendeeAttendance) -> bool:
    return bool(p.checked_in_at)


def _yes_no(p: AttendeeAttendance) -> str:
    return "Yes" if _came(p) else "No"


def _order_and_position(p: AttendeeAttendance) -> tuple[str, str]:
    # pretix references were read as "ORDER-POSITION" (see the pretix import preset).
    order, _, position = p.external_ref.rpartition("-")
    return (order, position) if order and position.isdigit() else (p.external_ref, "")


def _eventbrite_status(p: AttendeeAttendance) -> str:
    if _came(p):
        return "Checked In"
    return "Not Attending" if p.status == "cancelled" else "Attending"


@dataclass(frozen=True)
class CheckinTerms:
    system: str
    title: str
    columns: tuple[Column, ...]


GENERIC = CheckinTerms("generic", "Any system (barcode, checked_in, checked_in_at)", (
    ("barcode", lambda p: p.external_barcode or p.external_ref),
    ("checked_in", lambda p: "true" if _came(p) else "false"),
    ("checked_in_at", lambda p: p.checked_in_at),
))

SYSTEMS: dict[str, CheckinTerms] = {terms.system: terms for terms in (
    GENERIC,
    CheckinTerms("eventbrite", "Eventbrite", (
        ("Attendee #", lambda p: p.external_ref),
        ("Barcode #", lambda p: p.external_barcode),
        ("Attendee Status", _eventbrite_status),
        ("Check-In Date", lambda p: p.checked_in_at),
    )),
    CheckinTerms("tickettailor", "Ticket Tailor", (
        ("Issued ticket ID", lambda p: p.external_ref),
        ("Barcode", lambda p: p.external_barcode),
        ("Checked in", _yes_no),
        ("Check-in date", lambda p: p.checked_in_at),
    )),
    CheckinTerms("pretix", "pretix", (
        ("Order code", lambda p: _order_and_position(p)[0]),
        ("Position ID", lambda p: _order_and_position(p)[1]),
        ("Ticket secret", lambda p: p.external_barcode),
        ("Checked in", lambda p: p.checked_in_at),
    )),
    CheckinTerms("tito", "Tito", (
        ("Ticket Reference", lambda p: p.external_ref),
        ("Checked in", _yes_no),
        ("Checked in at", lambda p: p.checked_in_at),
    )),
    CheckinTerms("hievents", "Hi.Events", (
        ("ID", lambda p: p.external_ref),
        ("Public ID", lambda p: p.external_barcode),
        ("Checked In", _yes_no),
        ("Checked In At", lambda p: p.checked_in_at),
    )),
)}


def terms_for(store: EventStore, system: str | None = None) -> CheckinTerms:
    """The named system's terms; with none named, those of the system the registrations were
    last imported from (a form or a plain sheet gets the generic file)."""
    if system:
        if system not in SYSTEMS:
            raise ValueError(f"No check-in file for “{system}”; choose one of "
                             f"{', '.join(SYSTEMS)}.")
        return SYSTEMS[system]
    return SYSTEMS.get(attendance.last_import_preset(store.conn) or "", GENERIC)


def checkins_table(store: EventStore, system: str | None = None) -> Table:
    """One row per person who came from the registration file (walk-ins are not in it)."""
    terms = terms_for(store, system)
    rows = [tuple(value(p) for _, value in terms.columns)
            for p in attendance.attendee_attendance(store.conn)
            if not p.walkin and (p.external_barcode or p.external_ref)]
    return Table(f"Check-ins for {terms.title}"[:31], tuple(h for h, _ in terms.columns), rows)
