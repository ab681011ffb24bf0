"""The console's Tickets screen: export everyone's tickets with progress, re-issue one.

Thin over :mod:`kiosk.services.ticket_output` and :mod:`kiosk.services.ticket_issuing` (the
same code as ``kiosk tickets``); what this adds is progress, stopping, and answers in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.badges import PreviewUnavailable
from kiosk.core.models import Attendee, Status
from kiosk.services.event_access import EventFile, as_read
from kiosk.services.event_setup import SIGNING_KEY, event_of
from kiosk.services.ticket_issuing import NoSigningKey, reissue
from kiosk.services.ticket_output import tickets_to_write, write_ticket_files, write_tickets
from kiosk.store import queries
from kiosk.store.event_store import EventStore
from kiosk.store.outputs import OutputRefused

FORMATS: tuple[tuple[str, str], ...] = (
    ("png", "PNG pictures (to attach to e-mails)"),
    ("pdf", "PDF files (to print or attach)"),
)
DESK_COPY = ("This is a desk copy of the event: it can check tickets but not make them. "
             "Tickets are made on the organisers' copy (the event file made with “Create a "
             "new event”), which holds the event's signing key.")


class ExportStopped(Exception):
    """The organiser pressed Stop."""


@dataclass(frozen=True)
class TicketsOverview:
    organisers_copy: bool
    active: int  # attendees who get a ticket


@dataclass(frozen=True)
class ExportReport:
    """How an export went: ``problem`` in plain words, or what was written where."""

    written: int = 0
    total: int = 0
    folder: Path | None = None
    stopped: bool = False
    problem: str = ""

    @property
    def message(self) -> str:
        if self.problem:
            return self.problem
        if self.stopped:
            return (f"Stopped after {self.written} of {self.total} tickets; no mail-merge file "
                    "was written. Export again to make them all.")
        return (f"Wrote {self.written} tickets and mail-merge.csv (e-mail, first name, last "
                f"name, ticket file, code) to {self.folder}.")


@dataclass(frozen=True)
class PersonLine:
    id: str
    name: str
    organisation: str
    category: str


@dataclass(frozen=True)
class Reissued:
    """A new ticket: its code (for the QR) and whom it is for; the old code is revoked."""

    attendee_id: str
    name: str
    code: str
    problem: str = ""


def overview(store: EventStore) -> TicketsOverview:
    active = sum(1 for a in queries.list_attendees(store.conn, status="active")
                 if a.status is Status.ACTIVE)
    return TicketsOverview(store.secret(SIGNING_KEY) is not None, active)


def sample_ticket(store: EventStore, dpi: int = 72) -> bytes:
    """What a ticket looks like for this event, as PNG: a made-up person and a QR that is not
    a ticket, so no real attendee's working code is shown on screen. Empty if it cannot be
    drawn here (no pdftoppm)."""
    from kiosk.badges import BadgeData, render_preview_png
    from kiosk.badges.tickets import ticket_layout

    person = Attendee(id="sample", first_name="Alex", last_name="Sample")
    try:
        return render_preview_png(ticket_layout(), BadgeData(person, "SAMPLE-NOT-A-TICKET",
                                                             event_of(store)), dpi=dpi)
    except PreviewUnavailable:
        return b""


def export_tickets_through(
    event: EventFile, folder: Path, file_format: str,
    progress: Callable[[int, int], None], stop_asked: Callable[[], bool],
) -> ExportReport:
    """Every active attendee's ticket and the mail-merge CSV in ``folder``: the people and
    their codes are read through the event file's door as one snapshot, and the tickets (a
    minute or more for thousands) are drawn outside it."""
    done = [0, 0]

    def step(written: int, total: int) -> None:
        done[:] = [written, total]
        progress(written, total)
        if stop_asked():
            raise ExportStopped

    try:
        return _written(lambda: write_ticket_files(event.read(as_read(tickets_to_write)),
                                                   folder, file_format, progress=step),
                        folder, "the tickets")
    except ExportStopped:
        return ExportReport(done[0], done[1], folder, stopped=True)


def _written(write: Callable[[], int], folder: Path, what: str) -> ExportReport:
    """Run ``write`` (it returns how many tickets it wrote); a fault as a plain report."""
    try:
        written = write()
    except NoSigningKey:
        return ExportReport(problem=DESK_COPY)
    except PreviewUnavailable:
        return ExportReport(problem="PNG tickets need poppler's pdftoppm, which is not on "
                                    "this computer. Choose PDF files instead.")
    except OutputRefused as exc:  # a file where the folder should be, or the event file
        return ExportReport(problem=f"Could not write {what} to {folder}: {exc}")
    except OSError as exc:
        return ExportReport(problem=f"Could not write {what} to {folder}: "
                                    f"{exc.strerror or exc}. Choose another folder.")
    return ExportReport(written, written, folder)


def find_people(store: EventStore, text: str, limit: int = 12) -> list[PersonLine]:
    """Active attendees matching the typed name, best first."""
    if not text.strip():
        return []
    return [PersonLine(a.id, a.full_name or a.display_name, a.organisation, a.category)
            for a in queries.search_attendees(store.conn, text, status="active", limit=limit)]


def reissue_ticket(store: EventStore, attendee_id: str) -> Reissued:
    """A new code for one attendee; every desk refuses the old one once it has synced."""
    try:
        attendee, code = reissue(store, attendee_id)
    except NoSigningKey:
        return Reissued(attendee_id, "", "", DESK_COPY)
    except (LookupError, ValueError) as exc:
        return Reissued(attendee_id, "", "", str(exc))
    return Reissued(attendee.id, attendee.full_name or attendee.display_name, code)


def save_one_ticket(store: EventStore, attendee_id: str, folder: Path,
                    file_format: str) -> ExportReport:
    """One attendee's current ticket (and a one-line mail-merge CSV) in ``folder``."""
    return _written(lambda: write_tickets(store, folder, file_format, only=[attendee_id]),
                    folder, "the ticket")
