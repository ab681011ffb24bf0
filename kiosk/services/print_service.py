"""Printing badges at the desk: queueing, reprints, per-desk print settings, and the worker."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from kiosk.badges import (
    BadgeData,
    BadgeLayout,
    LayoutError,
    SheetLayout,
    load_layout,
    render_badges,
)
from kiosk.badges.layout_reader import parse_layout
from kiosk.badges.preview import rasterise
from kiosk.core.checkin_rules import Outcome
from kiosk.core.models import Attendee, Event
from kiosk.printing import (
    PDF_FOLDER,
    BadgeDocument,
    BadgeUnavailable,
    CupsBackend,
    JobListener,
    PdfFolderBackend,
    PrinterBackend,
    PrinterDirectory,
    PrintWorker,
    Submission,
    SubmitOutcome,
    cups_available,
)
from kiosk.services.badge_printing import badge_code
from kiosk.services.desk_settings import DeskSettings
from kiosk.services.event_setup import event_of
from kiosk.store import print_jobs, queries
from kiosk.store.event_file import EventFile
from kiosk.store.event_store import EventReader, EventStore
from kiosk.store.print_jobs import PrintJob, PrintJobStatus


@dataclass(frozen=True)
class PrintSettings:
    """This desk's printing choices: the ``print.*`` options of the desk's settings."""

    auto: bool  # print a badge on each successful first check-in
    preview: bool  # show the badge and wait for a press before printing it
    printer: str  # empty: the print system's default printer, else the PDF folder
    layout: str


# Each field's option in the desk's settings (declared, with defaults, in desk_settings).
SETTING_KEYS = {"auto": "print.auto", "preview": "print.preview", "printer": "print.printer",
                "layout": "print.layout"}


class PrintOutcome(StrEnum):
    QUEUED = "queued"
    PREVIEW = "preview"  # preview before print is on: show it, then call print_badge
    SKIPPED = "skipped"  # auto-print is off, the check-in did not admit, or a badge exists
    NEEDS_REASON = "needs_reason"
    NEEDS_SUPERVISOR = "needs_supervisor"
    UNKNOWN_ATTENDEE = "unknown_attendee"
    UNKNOWN_LAYOUT = "unknown_layout"
    CANCELLED = "cancelled"
    NOT_POSSIBLE = "not_possible"


@dataclass(frozen=True)
class PrintRequest:
    """What became of asking for a badge (or a retry, or a cancel), and what to show."""

    outcome: PrintOutcome
    message: str
    job: PrintJob | None = None
    attendee_id: str | None = None


class PrintService:
    """The desk's printing use cases. Never waits for a printer: it queues jobs and wakes
    the worker (``wake``), which prints them.

    ``queue_badge`` and ``after_check_in`` run inside a write the caller makes (a scan queues
    its badge in the scan's own transaction); the other methods make their own writes
    through the event file's door.
    """

    def __init__(
        self, event: EventFile, printers: PrinterDirectory, operator: str = "",
        self_service: bool = False, wake: Callable[[], None] = lambda: None,
        at_door: bool = False,
    ) -> None:
        self.event = event
        self.printers = printers
        self.operator = operator
        self.self_service = self_service
        self.wake = wake
        # A workshop door has its own auto-print option, off unless chosen.
        self.at_door = at_door
        self._default_printer: str | None = None

    # -- settings -------------------------------------------------------------------------

    def _keys(self) -> dict[str, str]:
        return {**SETTING_KEYS, "auto": "print.auto_door"} if self.at_door else SETTING_KEYS

    def settings(self, view: EventReader | None = None) -> PrintSettings:
        if view is None:
            return self.event.read(self.settings)
        options = DeskSettings(view)
        return PrintSettings(**{name: options[key] for name, key in self._keys().items()})

    def save_settings(self, **changes: Any) -> PrintSettings:
        """Change some settings, e.g. ``save_settings(auto=True, printer="KioskPDF")``."""
        def save(store: EventStore) -> PrintSettings:
            settings = replace(self.settings(store), **changes)
            options = DeskSettings(store)
            for name, key in self._keys().items():
                options[key] = getattr(settings, name)
            return settings
        return self.event.write(save)

    def choose_printer(self, event: EventFile | None = None) -> str:
        """Ask the print system for its default printer now (it runs lpstat: never on the
        scan's write), so queueing a badge later only reads the desk's own setting."""
        self._default_printer = self.printers.default_printer() or PDF_FOLDER
        return self.printer_name()

    def printer_name(self, view: EventReader | None = None) -> str:
        """The printer badges go to: the desk's choice, else the system's default printer,
        else the PDF folder."""
        chosen = self.settings(view).printer
        if chosen:
            return chosen
        if self._default_printer is None:
            self.choose_printer()
        assert self._default_printer is not None
        return self._default_printer

    # -- printing -------------------------------------------------------------------------

    def print_badge(
        self, attendee_id: str, printer: str | None = None, layout: str | None = None,
        reason: str = "", supervisor_approved: bool = False,
    ) -> PrintRequest:
        """Queue a badge (its own write). A second badge for the same person is a reprint:
        it needs a ``reason`` and, at a self-service kiosk, a supervisor's approval."""
        if self._default_printer is None and not printer:
            self.choose_printer()
        request = self.event.write(lambda store: self.queue_badge(
            store, attendee_id, printer, layout, reason, supervisor_approved))
        if request.outcome is PrintOutcome.QUEUED:
            self.wake()
        return request

    def queue_badge(
        self, store: EventStore, attendee_id: str, printer: str | None = None,
        layout: str | None = None, reason: str = "", supervisor_approved: bool = False,
    ) -> PrintRequest:
        """Queue a badge inside the caller's write (the caller wakes the worker)."""
        conn = store.conn
        attendee = queries.get_survivor(conn, attendee_id)
        if attendee is None:
            return PrintRequest(PrintOutcome.UNKNOWN_ATTENDEE,
                                "This person is no longer in the list.", attendee_id=attendee_id)
        settings = self.settings(store)
        layout_name = layout or settings.layout
        try:
            load_layout(layout_name)
        except LayoutError as error:
            return PrintRequest(PrintOutcome.UNKNOWN_LAYOUT,
                                f"The badge layout “{layout_name}” cannot be used: "
                                f"{error.message}.", attendee_id=attendee.id)
        reprint = print_jobs.has_badge(conn, attendee.id)
        reason = reason.strip()
        if reprint and not reason:
            return PrintRequest(PrintOutcome.NEEDS_REASON,
                                "This person already has a badge. To print another, say why "
                                "(lost, damaged, name corrected).", attendee_id=attendee.id)
        if reprint and self.self_service and not supervisor_approved:
            return PrintRequest(PrintOutcome.NEEDS_SUPERVISOR,
                                "You already have a badge. Please ask a member of staff for "
                                "another one.", attendee_id=attendee.id)
        job = print_jobs.add_job(
            conn, attendee.id, layout_name, printer or self.printer_name(store),
            reprint_reason=reason if reprint else "", operator=self.operator,
        )
        store.touch("print_jobs")
        return PrintRequest(PrintOutcome.QUEUED, "Badge queued", job, attendee.id)

    def after_check_in(self, store: EventStore, result: Any,
                       auto: bool | None = None) -> PrintRequest:
        """Inside a scan's write (a ``ScanResult``): queue the badge when auto-print is on
        (``auto`` overrides the desk's setting) and this was a successful first check-in, or
        ask for a preview first."""
        attendee = getattr(result, "attendee", None)
        if auto is False or result.outcome is not Outcome.OK or attendee is None:
            return PrintRequest(PrintOutcome.SKIPPED, "")
        settings = self.settings(store) if auto is None else None  # the desk's, when asked
        if settings is not None and not settings.auto:
            return PrintRequest(PrintOutcome.SKIPPED, "")
        if print_jobs.has_badge(store.conn, attendee.id):
            return PrintRequest(PrintOutcome.SKIPPED, "This person already has a badge.",
                                attendee_id=attendee.id)
        if settings is not None and settings.preview:
            return PrintRequest(PrintOutcome.PREVIEW, "Check the badge, then press Print.",
                                attendee_id=attendee.id)
        return self.queue_badge(store, attendee.id)

    def on_checked_in(self, result: Any) -> PrintRequest:
        """After a check-in made in a write of its own: the same as ``after_check_in``."""
        request = self.event.write(lambda store: self.after_check_in(store, result))
        if request.outcome is PrintOutcome.QUEUED:
            self.wake()
        return request

    def retry(self, job_id: int, printer: str | None = None) -> PrintRequest:
        """Print a failed (or waiting) job again, on ``printer`` when given."""
        def requeue(store: EventStore) -> PrintRequest:
            if not print_jobs.requeue(store.conn, job_id, printer):
                return self._not_possible(store, job_id,
                                          "Only a failed or waiting badge can be retried.")
            store.touch("print_jobs")
            job = print_jobs.get_job(store.conn, job_id)
            return PrintRequest(PrintOutcome.QUEUED, "Badge queued", job,
                                job.attendee_id if job else None)
        request = self.event.write(requeue)
        if request.outcome is PrintOutcome.QUEUED:
            self.wake()
        return request

    def cancel(self, job_id: int) -> PrintRequest:
        """Call a badge off; one the spooler holds is taken back off the printer's queue."""
        job = self.job(job_id)
        if job is None or (job.status.final and job.status is not PrintJobStatus.FAILED):
            return self.event.read(lambda r: self._not_possible(
                r, job_id, "This badge is already printed or cancelled."))
        if job.status is PrintJobStatus.PRINTING and job.spooler_job_id:
            found = self.printers.find(job.printer)  # the printer: never inside a write
            if found is not None:
                found[0].withdraw(found[1].name, job.spooler_job_id)

        def call_off(store: EventStore) -> PrintRequest:
            if not print_jobs.cancel(store.conn, job_id):
                return self._not_possible(store, job_id,
                                          "This badge is already printed or cancelled.")
            store.touch("print_jobs")
            return PrintRequest(PrintOutcome.CANCELLED, "Badge cancelled",
                                print_jobs.get_job(store.conn, job_id), job.attendee_id)
        request = self.event.write(call_off)
        self.wake()
        return request

    @staticmethod
    def _not_possible(view: EventReader, job_id: int, message: str) -> PrintRequest:
        job = print_jobs.get_job(view.conn, job_id)
        if job is None:
            message = f"There is no print job {job_id}."
        return PrintRequest(PrintOutcome.NOT_POSSIBLE, message, job)

    def jobs(self, statuses: list[PrintJobStatus] | None = None) -> list[PrintJob]:
        return self.event.read(lambda r: print_jobs.list_jobs(r.conn, statuses))

    def job(self, job_id: int) -> PrintJob | None:
        return self.event.read(lambda r: print_jobs.get_job(r.conn, job_id))


# -- the worker's side ------------------------------------------------------------------


def render_job(event: EventFile, job: PrintJob) -> BadgeDocument:
    """The badge for a print job (one badge a page: a sheet layout prints its badge). What
    goes on it is read through the door; the drawing happens off it."""
    def badge_data(reader: EventReader) -> BadgeData | None:
        attendee = queries.get_attendee(reader.conn, job.attendee_id)
        if attendee is None:
            return None
        return BadgeData(attendee, badge_code(reader, attendee), event_of(reader))
    data = event.read(badge_data)
    if data is None:
        raise BadgeUnavailable("This person is no longer in the list, so no badge was printed.")
    try:
        layout = load_layout(job.layout)
    except LayoutError as error:
        raise BadgeUnavailable(f"The badge layout “{job.layout}” cannot be used "
                               f"({error.message}). Choose another in Settings → Printing.") \
            from error
    badge_layout = layout.badge if isinstance(layout, SheetLayout) else layout
    pdf = io.BytesIO()
    render_badges(badge_layout, [data], pdf)
    return BadgeDocument(job.document, pdf.getvalue(), badge_layout.page.width,
                         badge_layout.page.height, badge_layout.dpi)


def rasterise_pages(pdf: bytes, dpi: int) -> list[bytes]:
    """Each page as PNG at ``dpi``, for printers that take images (Qt's print system)."""
    return rasterise(pdf, dpi)


def badge_folder(event_path: str | Path) -> Path:
    """Where the PDF folder printer writes: a folder beside the event file."""
    path = Path(event_path).expanduser().resolve()
    return path.parent / f"{path.stem}-badges"


def desk_printers(folder: Path, extra: list[PrinterBackend] | None = None) -> PrinterDirectory:
    """The PDF folder, then CUPS where it is installed, else the system's printers through
    Qt (which needs a Qt application: the GUI has one)."""
    backends: list[PrinterBackend] = [PdfFolderBackend(folder), *(extra or [])]
    if cups_available():
        backends.append(CupsBackend())
    else:
        from kiosk.printing.qt_backend import QtPrintBackend, rasterise_with_qtpdf

        # Poppler where it is installed; Qt's own PDF renderer elsewhere (Windows).
        backends.append(QtPrintBackend(rasterise_pages if shutil.which("pdftoppm")
                                       else rasterise_with_qtpdf))
    return PrinterDirectory(backends)


def print_worker(
    event: EventFile, printers: PrinterDirectory, listener: JobListener | None = None,
    **options: Any,
) -> PrintWorker:
    """A worker printing the event file's queued badges on threads of its own."""
    return PrintWorker(event, printers, render_job, listener, warm_up=_warm_up, **options)


def _warm_up(event: EventFile) -> None:
    # The desk's layout drawn once for a made-up person: fonts and layout are loaded then,
    # and the first real badge costs what the others do.
    layout_name, that_event = event.read(
        lambda r: (PrintService(event, PrinterDirectory([])).settings(r).layout, event_of(r)))
    layout = load_layout(layout_name)
    badge_layout = layout.badge if isinstance(layout, SheetLayout) else layout
    person = Attendee(id="warm-up", first_name="Warm", last_name="Up", pronouns="they/them",
                      organisation="Kiosk")
    render_badges(badge_layout, [BadgeData(person, "warm-up", that_event)], io.BytesIO())


# -- test page --------------------------------------------------------------------------


def _no_sheet(reference: str, folder: Path) -> BadgeLayout:
    raise LayoutError("badge", "a test page is a single badge")


def layout_test_page(layout_name: str, printer: str) -> BadgeDocument:
    """A page of the layout's size showing its bounds (an outline at the edge and one 3 mm
    in), its name and size, and a QR code: enough to check media, alignment and scanning."""
    try:
        layout = load_layout(layout_name)
    except LayoutError as error:
        raise BadgeUnavailable(f"The badge layout “{layout_name}” cannot be used: "
                               f"{error.message}.") from error
    width, height = layout.page.width, layout.page.height
    qr = round(min(width, height) * 0.4, 2)
    band = max((height - qr) / 2 - 4, 3.0)
    title = f"Test page · {layout.name} · {width:g} × {height:g} mm"

    def text(y: float, words: str) -> dict[str, Any]:
        return {"type": "text", "x": 4, "y": y, "width": width - 8, "height": band,
                "text": words.replace("{", "{{").replace("}", "}}"), "size": 14, "min_size": 4}

    document = {
        "format": 1, "type": "badge", "name": "test-page", "title": "Test page",
        "stock": "label", "page": {"width": width, "height": height}, "dpi": layout.dpi,
        "elements": [
            {"type": "box", "x": 0.25, "y": 0.25, "width": width - 0.5, "height": height - 0.5,
             "stroke": "#000000", "stroke_width": 0.7},
            {"type": "box", "x": 3, "y": 3, "width": width - 6, "height": height - 6,
             "stroke": "#888888", "stroke_width": 0.3},
            {"type": "qr", "x": (width - qr) / 2, "y": (height - qr) / 2, "size": qr},
            text(3.5, title),
            text(height - 3.5 - band, f"Printer: {printer}"),
        ],
    }
    page = parse_layout(document, Path("test-page.json"), _no_sheet)
    pdf = io.BytesIO()
    render_badges(page, [BadgeData(Attendee(id="test-page"), f"kiosk test page {printer}",
                                   Event(name="Test page"))], pdf)
    return BadgeDocument(f"kiosk-test-page-{layout.name}", pdf.getvalue(), width, height,
                         layout.dpi)


def print_test_page(printers: PrinterDirectory, printer: str, layout: str) -> Submission:
    """Send a test page straight to a printer (not queued, not logged)."""
    document = layout_test_page(layout, printer)
    found = printers.find(printer)
    if found is None or not found[1].state.takes_jobs:
        from kiosk.printing.messages import for_printer, printer_missing

        message = for_printer(found[1]) if found else printer_missing(printer)
        return Submission(SubmitOutcome.REFUSED, message=message)
    return found[0].submit(found[1].name, document)
