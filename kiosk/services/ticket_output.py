"""Writing tickets for organisers to send: one file per attendee plus a mail-merge CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from kiosk.core.models import Attendee, Event
from kiosk.services.event_setup import event_of
from kiosk.services.ticket_issuing import active_ticket_codes
from kiosk.store.event_store import EventStore
from kiosk.store.outputs import (
    OutputRefused,
    holds_event_data,
    private_folder,
    private_output,
)


def write_tickets(
    store: EventStore, out: Path, file_format: str = "png", only: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Each active attendee's ticket (QR, name, event) and ``mail-merge.csv`` in ``out``.

    ``progress(done, total)`` is called after each ticket (the console's progress bar); an
    exception it raises stops the run before the mail-merge file is written.
    """
    door = getattr(store, "door", None)
    return write_ticket_files(tickets_to_write(store, only), out, file_format, progress,
                              event_path=Path(door.path) if door is not None else None)


def tickets_to_write(store: EventStore, only: list[str] | None = None
                     ) -> tuple[Event, list[tuple[Attendee, str]]]:
    """The event and each active attendee with their ticket's code (only those named in
    ``only``, when given): everything :func:`write_ticket_files` needs from the file."""
    event = event_of(store)
    issued = active_ticket_codes(store)
    if only:
        issued = [(a, code) for a, code in issued if a.id in only]
    return event, issued


def write_ticket_files(
    tickets: tuple[Event, list[tuple[Attendee, str]]], out: Path, file_format: str = "png",
    progress: Callable[[int, int], None] | None = None, event_path: Path | None = None,
) -> int:
    """Write the tickets read by :func:`tickets_to_write` (it touches no event file);
    ``event_path``: the event file they were read from, to name it when ``out`` is it."""
    from kiosk.badges.tickets import render_ticket

    event, issued = tickets
    if out.exists() and not out.is_dir():
        if event_path is not None and out.resolve() == event_path.resolve():
            what = "is the event file"
        elif holds_event_data(out):
            what = "is an event file (or its log, or a backup)"
        else:
            what = "is a file"
        raise OutputRefused(f"the tickets go into a folder (one file per person, and "
                            f"mail-merge.csv), and {out.name} {what}. Nothing was written. "
                            "Choose another folder.")
    private_folder(out)
    rows = []
    for attendee, code in issued:
        name = f"ticket-{attendee.id}.{file_format}"
        with private_output(out / name, (f".{file_format}",), "A ticket") as ticket:
            render_ticket(attendee, event, code, ticket, file_format)
        rows.append([attendee.email, attendee.first_name, attendee.last_name, name, code])
        if progress is not None:
            progress(len(rows), len(issued))
    with private_output(out / "mail-merge.csv", (".csv",), "The mail-merge file", text=True,
                        newline="", encoding="utf-8-sig") as sheet:
        writer = csv.writer(sheet)
        writer.writerow(["email", "first_name", "last_name", "ticket_file", "code"])
        writer.writerows(rows)
    return len(rows)
