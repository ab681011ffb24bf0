"""Attendance exports for staff and for the registration system: CSV or XLSX files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.refusal import Refusal
from kiosk.reports.csv_file import write_csv
from kiosk.reports.tables import Cell, Table
from kiosk.services import checkin_exports
from kiosk.services.event_access import EventFile, as_read
from kiosk.store import attendance
from kiosk.store.event_store import EventStore
from kiosk.store.outputs import check_output
from kiosk.store.retention import log_action


class ExportError(Refusal):
    """An export that cannot be written; the message says what to do."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    what: str
    rows: int


def _when(value: str) -> str:
    return value.replace("T", " ")


def _attendee_rows(people: list[attendance.AttendeeAttendance]) -> list[tuple[Cell, ...]]:
    return [
        (p.id, p.first_name, p.last_name, p.organisation, p.email, p.category, p.status,
         p.external_ref, p.external_barcode, p.walkin, bool(p.checked_in_at),
         _when(p.checked_in_at), p.checked_in_desk, p.badge_printed, "; ".join(p.booked),
         "; ".join(p.attended))
        for p in people
    ]


_ATTENDEE_HEADERS = (
    "attendee_id", "first_name", "last_name", "organisation", "email", "category", "status",
    "external_ref", "barcode", "walk_in", "checked_in", "checked_in_at", "checked_in_desk",
    "badge_printed", "workshops_booked", "workshops_attended",
)


def attendees_table(store: EventStore) -> Table:
    return Table("Attendance", _ATTENDEE_HEADERS,
                 _attendee_rows(attendance.attendee_attendance(store.conn)))


def noshows_table(store: EventStore) -> Table:
    people = [p for p in attendance.attendee_attendance(store.conn)
              if p.status == "active" and not p.checked_in_at]
    return Table("No-shows", _ATTENDEE_HEADERS, _attendee_rows(people))


def walkins_table(store: EventStore) -> Table:
    people = [p for p in attendance.attendee_attendance(store.conn) if p.walkin]
    return Table("Walk-ins", _ATTENDEE_HEADERS, _attendee_rows(people))


def workshops_table(store: EventStore) -> Table:
    return Table(
        "Workshops",
        ("workshop_id", "workshop", "room", "starts", "capacity", "booked", "attended",
         "attended_booked", "attended_not_booked"),
        [(w.id, w.name, w.room, w.starts, w.capacity, w.booked, w.attended, w.attended_booked,
          w.attended - w.attended_booked)
         for w in attendance.workshop_attendance(store.conn)],
    )


def conflicts_table(store: EventStore) -> Table:
    return Table(
        "Duplicates and overrides",
        ("kind", "checkin_id", "attendee_id", "first_name", "last_name", "checkpoint", "desk",
         "operator", "at", "override_reason"),
        [(c.kind, c.checkin.change_id, c.checkin.attendee_id, c.first_name, c.last_name,
          c.checkpoint, c.checkin.desk or c.checkin.device_id, c.checkin.operator,
          _when(c.checkin.at), c.checkin.override)
         for c in attendance.conflicts(store.conn)],
    )


def audit_table(store: EventStore) -> Table:
    return Table(
        "Audit trail",
        ("at", "action", "desk", "operator", "device_id", "attendee_id", "detail"),
        [(_when(e.at), e.action, e.desk, e.operator, e.device_id, e.attendee_id, e.detail)
         for e in attendance.audit_trail(store.conn)],
    )


def checkins_table(store: EventStore) -> Table:
    """The check-in file for the system the registrations came from (see checkin_exports)."""
    return checkin_exports.checkins_table(store)


EXPORTS: dict[str, Callable[[EventStore], Table]] = {
    "attendees": attendees_table,
    "workshops": workshops_table,
    "noshows": noshows_table,
    "walkins": walkins_table,
    "conflicts": conflicts_table,
    "audit": audit_table,
    "checkins": checkins_table,
}


def _write_xlsx(table: Table, path: Path) -> None:
    # openpyxl takes a third of a second to import: only when someone asks for a workbook.
    from kiosk.reports.xlsx_file import write_xlsx

    write_xlsx(table, path)


_WRITERS = {".csv": write_csv, ".xlsx": _write_xlsx}


def _target(what: str, out: str | Path) -> tuple[Path, Callable[[Table, Path], object]]:
    """Where an export goes and what writes it, checked before anything is read."""
    if what not in EXPORTS:
        raise ExportError(f"There is no “{what}” export; choose one of {', '.join(EXPORTS)}.")
    path = check_output(out, tuple(_WRITERS), "The export")
    return path, _WRITERS[path.suffix.lower()]


def _rows(store: EventStore, what: str, system: str | None) -> Table:
    try:
        return (checkin_exports.checkins_table(store, system) if what == "checkins"
                else EXPORTS[what](store))
    except ValueError as exc:
        raise ExportError(str(exc)) from exc


def _write(writer: Callable[[Table, Path], object], table: Table, path: Path) -> None:
    try:
        writer(table, path)
    except OSError as exc:
        raise ExportError(f"Could not write {path} ({exc.strerror or exc}). Is it open in "
                          "a spreadsheet? Close it, or choose another name.") from exc


def _note(store: EventStore, what: str, table: Table, path: Path) -> None:
    # The file's name only: a full path can hold a person's user name.
    log_action(store.conn, "export", f"{what}: {len(table.rows)} rows to {path.name}")


def export(store: EventStore, what: str, out: str | Path,
           system: str | None = None) -> ExportResult:
    """Write one export to ``out`` (.csv or .xlsx) and note it in the audit trail.

    ``system`` names the registration system whose terms the ``checkins`` file uses (by
    default, the one the registrations were imported from)."""
    path, writer = _target(what, out)
    table = _rows(store, what, system)
    _write(writer, table, path)
    _note(store, what, table, path)
    return ExportResult(path, what, len(table.rows))


def export_through(event: EventFile, what: str, out: str | Path,
                   system: str | None = None) -> ExportResult:
    """:func:`export` through the event file's door: the rows are read as one snapshot, the
    file is written outside any read or write (a large workbook takes seconds, and the desk
    must not wait for it), and the note in the audit trail is a short write of its own."""
    path, writer = _target(what, out)
    table = event.read(as_read(lambda store: _rows(store, what, system)))
    _write(writer, table, path)
    event.write(lambda store: _note(store, what, table, path))
    return ExportResult(path, what, len(table.rows))
