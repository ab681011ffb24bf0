"""Writing tickets for organisers to send: one file per attendee plus a mail-merge CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from kiosk.services.event_setup import event_of
from kiosk.services.ticket_issuing import active_ticket_codes
from kiosk.store.event_store import EventStore


def write_tickets(
    store: EventStore, out: Path, file_format: str = "png", only: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Each active attendee's ticket (QR, name, event) and ``mail-merge.csv`` in ``out``.

    ``progress(done, total)`` is called after each ticket (the console's progress bar); an
    exception it raises stops the run before the mail-merge file is written.
    """
    from kiosk.badges.tickets import render_ticket

    out.mkdir(parents=True, exist_ok=True)
    event = event_of(store)
    issued = active_ticket_codes(store)
    if only:
        issued = [(a, code) for a, code in issued if a.id in only]
    rows = []
    for attendee, code in issued:
        name = f"ticket-{attendee.id}.{file_format}"
        render_ticket(attendee, event, code, out / name, file_format)
        rows.append([attendee.email, attendee.first_name, attendee.last_name, name, code])
        if progress is not None:
            progress(len(rows), len(issued))
    with (out / "mail-merge.csv").open("w", newline="", encoding="utf-8-sig") as sheet:
        writer = csv.writer(sheet)
        writer.writerow(["email", "first_name", "last_name", "ticket_file", "code"])
        writer.writerows(rows)
    return len(rows)
