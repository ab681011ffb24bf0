"""The benches' event files: registrations as an organiser exports them, and who to scan."""

from __future__ import annotations

import csv
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.models import Attendee
from kiosk.importing.records import SourceRecord
from kiosk.printing import PrinterDirectory
from kiosk.services.demo_people import demo_records
from kiosk.services.desk_session import DeskListeners, DeskSession
from kiosk.services.event_setup import NewEvent, create_event
from kiosk.services.registration_import import import_file
from kiosk.services.ticket_issuing import ticket_code
from kiosk.store import queries
from kiosk.store.event_store import EventStore

BENCH_EVENT = "bench-event.db"

CSV_HEADER = ["Order #", "Ticket #", "First Name", "Last Name", "Email", "Company",
              "Ticket Type", "Attendee Status", "Barcode #", "Which workshops?"]


def write_registrations_csv(path: Path, records: list[SourceRecord],
                            ref_prefix: str = "") -> list[list[str]]:
    """An Eventbrite-style export of ``records``; ``ref_prefix`` makes their references new
    to an event that already holds the same people."""
    rows = []
    for r in records:
        f = r.fields
        ref = f"{ref_prefix}{f.get('external_ref', '')}"
        barcode = f.get("external_barcode", "")
        rows.append([ref, ref, f.get("first_name", ""), f.get("last_name", ""),
                     f.get("email", ""), f.get("organisation", ""), f.get("category", ""),
                     "Attending" if f.get("status") != "cancelled" else "Refunded",
                     f"{ref_prefix}{barcode}" if barcode else "", "; ".join(r.sessions)])
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        writer.writerows(rows)
    return rows


@dataclass(frozen=True)
class MadeEvent:
    """An event file made by importing a registrations file into a new event."""

    path: Path
    seconds: float  # the import alone
    created: int


def make_event(path: Path, source: Path, name: str = "Bench") -> MadeEvent:
    """A new organisers' event file holding the registrations in ``source`` (inline, as
    ``kiosk import`` runs)."""
    store = create_event(path, NewEvent(name))
    try:
        started = time.perf_counter()
        report = import_file(store, source)
        seconds = time.perf_counter() - started
    finally:
        store.close()
    return MadeEvent(path, seconds, report.created)


def bench_event(workdir: Path, attendees: int) -> Path:
    """The organisers' event file with ``attendees`` registrations the benches share (made
    once per run; the import bench makes it when it runs first)."""
    path = workdir / BENCH_EVENT
    if not path.exists():
        source = workdir / "registrations.csv"
        write_registrations_csv(source, demo_records(attendees, seed=7))
        make_event(path, source)
    return path


def copy_event(path: Path, target: Path) -> Path:
    """A consistent copy of a closed event file (the log folded in)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("VACUUM INTO ?", (str(target),))
    finally:
        conn.close()
    return target


def people_to_scan(path: Path, count: int) -> list[tuple[Attendee, str]]:
    """Up to ``count`` active people not checked in yet (earlier benches check people in),
    spread evenly through the list, each with their signed ticket code."""
    store = EventStore.open(path)
    try:
        waiting = [a for a in queries.list_attendees(store.conn, status="active")
                   if not a.checked_in]
        step = max(1, len(waiting) // max(1, count))
        chosen = waiting[::step][:count]
        return [(a, ticket_code(store, a)) for a in chosen]
    finally:
        store.close()


def open_desk(path: Path, *, threaded: bool = True, auto_print: bool = False,
              listeners: DeskListeners | None = None,
              printers: PrinterDirectory | None = None, exclusive: bool = True) -> DeskSession:
    """A staffed desk on the event file, as the app opens it (``threaded``: the door's
    writer thread). Auto-print is off unless asked for: printing has a bench of its own.
    ``exclusive=False`` opens a second desk beside a window's, on the same door."""
    session = DeskSession.open(path, listeners=listeners, printers=printers,
                               threaded=threaded, exclusive=exclusive,
                               overrides={"desk_name": "Bench desk", "operator": "bench"})
    session.auto_print = auto_print
    return session
