"""Printing at the desk: auto-print on check-in, reprints and their reasons, retry and cancel,
the test page, and 200 check-ins in a row that each print exactly once."""

from __future__ import annotations

import io
import subprocess
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from kiosk.badges.preview import rasterise
from kiosk.core.checkin_rules import Outcome
from kiosk.printing import (
    BadgeDocument,
    JobEvent,
    JobProgress,
    PdfFolderBackend,
    PrinterDirectory,
    PrinterInfo,
    PrinterState,
    PrintJobStatus,
    SpooledJob,
    Submission,
    SubmitOutcome,
)
from kiosk.services.demo import create_demo_event
from kiosk.services.desk import Desk
from kiosk.services.desk_settings import DeskSettings
from kiosk.services.print_service import (
    PrintOutcome,
    PrintService,
    layout_test_page,
    print_worker,
)
from kiosk.store import print_jobs, queries
from kiosk.store.event_file import EventFile
from kiosk.store.event_store import EventStore

SAFETY_TIMEOUT = 120.0  # seconds; only a hung test waits this long


class Spooler:
    """One printer, "Label", that holds each badge until told it is out."""

    kind = "spooler"

    def __init__(self) -> None:
        self.withdrawn: list[str] = []
        self.count = 0

    def printers(self) -> list[PrinterInfo]:
        return [self.printer("Label")]

    def printer(self, name: str) -> PrinterInfo:
        state = PrinterState.READY if name == "Label" else PrinterState.MISSING
        return PrinterInfo(name, self.kind, state)

    def submit(self, printer: str, document: BadgeDocument) -> Submission:
        self.count += 1
        return Submission(SubmitOutcome.SPOOLED, f"Label-{self.count}")

    def follow(self, printer: str, spooler_job_ids: Sequence[str]) -> dict[str, SpooledJob]:
        return {i: SpooledJob(JobProgress.WAITING) for i in spooler_job_ids}

    def withdraw(self, printer: str, spooler_job_id: str) -> None:
        self.withdrawn.append(spooler_job_id)


@pytest.fixture
def event_path(tmp_path: Path) -> Path:
    path = tmp_path / "event.db"
    store, _ = create_demo_event(path, attendees=230, seed=7)
    store.close()
    return path


@pytest.fixture
def event(event_path: Path) -> Iterator[tuple[EventFile, EventStore]]:
    """The event file's door, inline (no worker runs: the test's thread is its only user),
    and the door's store for the test's own steps."""
    door = EventFile.open(event_path)
    yield door, door.store
    door.close()


@pytest.fixture
def threaded_event(event_path: Path) -> Iterator[EventFile]:
    """The door with its writer thread, as in the app: for a test running the print worker."""
    door = EventFile.open(event_path, threaded=True)
    yield door
    door.close()


@pytest.fixture
def folder(tmp_path: Path) -> PdfFolderBackend:
    return PdfFolderBackend(tmp_path / "badges")


def _service(event: EventFile, backend: object, **options: object) -> PrintService:
    return PrintService(event, PrinterDirectory([backend]), operator="Sam",  # type: ignore[list-item]
                        **options)  # type: ignore[arg-type]


def _people(store: EventStore) -> list[str]:
    return [a.id for a in queries.list_attendees(store.conn)]


def test_the_print_settings_are_the_desks_print_options(event: tuple[EventFile, EventStore],
                                                         folder: PdfFolderBackend) -> None:
    door, store = event
    service = _service(door, folder)
    saved = service.save_settings(auto=False, preview=True, printer="pdf-folder", layout="cr80")
    assert service.settings() == saved
    options = DeskSettings(store)
    assert (options["print.auto"], options["print.preview"], options["print.printer"],
            options["print.layout"]) == (False, True, "pdf-folder", "cr80")


def test_auto_print_queues_a_badge_on_a_successful_first_check_in_only(
    event: tuple[EventFile, EventStore], folder: PdfFolderBackend,
) -> None:
    door, store = event
    service = _service(door, folder)
    desk = Desk(store, "Desk 1", "Sam")
    first, second, third = _people(store)[:3]
    service.save_settings(auto=False, printer="pdf-folder")
    assert service.on_checked_in(desk.check_in(first)).outcome is PrintOutcome.SKIPPED
    service.save_settings(auto=True)
    queued = service.on_checked_in(desk.check_in(second))
    assert queued.outcome is PrintOutcome.QUEUED and queued.job.attendee_id == second
    assert (queued.job.printer, queued.job.operator) == ("pdf-folder", "Sam")
    again = desk.check_in(second)
    assert again.outcome in (Outcome.REPEAT, Outcome.ALREADY)
    assert service.on_checked_in(again).outcome is PrintOutcome.SKIPPED
    service.save_settings(preview=True)
    preview = service.on_checked_in(desk.check_in(third))
    assert (preview.outcome, preview.attendee_id) == (PrintOutcome.PREVIEW, third)
    assert print_jobs.jobs_of(store.conn, third) == []
    assert len(service.jobs()) == 1


def test_a_second_badge_needs_a_reason_and_at_a_kiosk_a_supervisor(
    event: tuple[EventFile, EventStore], folder: PdfFolderBackend,
) -> None:
    door, store = event
    person = _people(store)[0]
    desk_service = _service(door, folder)
    kiosk_service = _service(door, folder, self_service=True)
    assert desk_service.print_badge(person, printer="pdf-folder").outcome is PrintOutcome.QUEUED
    refused = desk_service.print_badge(person, printer="pdf-folder")
    assert refused.outcome is PrintOutcome.NEEDS_REASON and "say why" in refused.message
    at_kiosk = kiosk_service.print_badge(person, reason="lost it")
    assert at_kiosk.outcome is PrintOutcome.NEEDS_SUPERVISOR and "staff" in at_kiosk.message
    approved = kiosk_service.print_badge(person, reason=" lost it ", supervisor_approved=True)
    assert approved.outcome is PrintOutcome.QUEUED and approved.job.reprint_reason == "lost it"
    first_job = print_jobs.jobs_of(store.conn, person)[0]
    assert first_job.reprint_reason == ""


def test_unknown_people_and_layouts_are_not_queued(
    event: tuple[EventFile, EventStore], folder: PdfFolderBackend,
) -> None:
    door, store = event
    service = _service(door, folder)
    assert service.print_badge("NOBODY").outcome is PrintOutcome.UNKNOWN_ATTENDEE
    wrong = service.print_badge(_people(store)[0], layout="no-such-layout")
    assert wrong.outcome is PrintOutcome.UNKNOWN_LAYOUT and "no-such-layout" in wrong.message
    assert service.jobs() == []


def test_retry_on_another_printer_and_cancel_take_a_badge_off_the_spooler(
    event: tuple[EventFile, EventStore],
) -> None:
    door, store = event
    spooler = Spooler()
    service = _service(door, spooler)
    one, two = _people(store)[:2]
    failed = service.print_badge(one, printer="Label").job
    print_jobs.claim(store.conn, failed.id)
    print_jobs.fail(store.conn, failed.id, "jammed")
    retried = service.retry(failed.id, printer="Label")
    assert retried.outcome is PrintOutcome.QUEUED and retried.job.status is PrintJobStatus.QUEUED
    spooled = service.print_badge(two, printer="Label").job
    print_jobs.claim(store.conn, spooled.id)
    print_jobs.mark_spooled(store, spooled.id, "Label-9", False,
                            {"attendee_id": two, "at": "2026-11-28T09:00:00"})
    cancelled = service.cancel(spooled.id)
    assert cancelled.outcome is PrintOutcome.CANCELLED and spooler.withdrawn == ["Label-9"]
    assert service.cancel(spooled.id).outcome is PrintOutcome.NOT_POSSIBLE
    assert service.retry(12345).message == "There is no print job 12345."


def test_the_test_page_shows_the_layout_its_size_and_a_qr_that_scans() -> None:
    page = layout_test_page("cr80", "KioskPDF")
    assert (page.width_mm, page.height_mm) == (85.6, 53.98)
    text = subprocess.run(["pdftotext", "-", "-"], input=page.pdf, capture_output=True,
                          check=True).stdout.decode()
    assert "Test page · cr80 · 85.6 × 53.98 mm" in text and "Printer: KioskPDF" in text
    image = Image.open(io.BytesIO(rasterise(page.pdf, 300)[0]))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == ["kiosk test page KioskPDF"]


def test_200_check_ins_in_a_row_with_auto_print_each_print_exactly_once(
    threaded_event: EventFile, folder: PdfFolderBackend,
) -> None:
    event = threaded_event  # the worker prints on its threads: everything goes through the door
    people = event.read(lambda r: [a.id for a in queries.list_attendees(r.conn)])[:200]
    finished: set[int] = set()
    all_out = threading.Event()

    def listen(job_event: JobEvent) -> None:
        if job_event.job.status.final:
            finished.add(job_event.job.id)
            if len(finished) == len(people):
                all_out.set()

    printers = PrinterDirectory([folder])
    worker = print_worker(event, printers, listen, poll_seconds=0.05)
    service = PrintService(event, printers, wake=worker.wake)
    service.save_settings(auto=True, preview=False, printer="pdf-folder", layout="cr80")
    desk = event.write(lambda store: Desk(store, "Desk 1", "Sam"))
    worker.start()
    try:
        for person in people:
            result = event.write(lambda store, person=person: desk.check_in(person))
            assert result.outcome is Outcome.OK
            assert service.on_checked_in(result).outcome is PrintOutcome.QUEUED
            # the same ticket read again must not print a second badge
            again = event.write(lambda store, person=person: desk.check_in(person))
            assert service.on_checked_in(again).outcome is PrintOutcome.SKIPPED
        assert all_out.wait(SAFETY_TIMEOUT)
    finally:
        worker.stop()
    jobs = service.jobs()
    assert [j.status for j in jobs] == [PrintJobStatus.DONE] * 200
    assert sorted(j.attendee_id for j in jobs) == sorted(people)
    printed = event.read(lambda r: r.conn.execute("SELECT attendee_id FROM prints").fetchall())
    assert sorted(row[0] for row in printed) == sorted(people)
    assert len(list(folder.folder.glob("*.pdf"))) == 200
    assert event.read(lambda r: r.conn.execute("SELECT count(*) FROM checkins").fetchone()[0]) \
        == 200

