"""The print worker against a scripted printer: it never blocks, waits out a paused printer,
fails with what to do, logs each badge once and picks up where it left off after a restart.

The worker runs on threads of its own and reaches the event file only through its door
(``event``, opened threaded); the test's own reads and writes go through the same door."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from printing_fakes import SAFETY_TIMEOUT, FakeBackend, Timeline, pdf_text, wait_for_status

import kiosk
from kiosk.printing import (
    PDF_FOLDER,
    BadgeDocument,
    JobProgress,
    PrinterDirectory,
    PrinterState,
    PrintJobStatus,
    PrintWorker,
    SpooledJob,
)
from kiosk.services.print_service import render_job
from kiosk.store import print_jobs, queries
from kiosk.store.event_file import EventFile
from kiosk.store.event_store import EventStore

Q, P, D, F = (PrintJobStatus.QUEUED, PrintJobStatus.PRINTING, PrintJobStatus.DONE,
              PrintJobStatus.FAILED)


@pytest.fixture
def feed() -> Timeline:
    return Timeline()


@pytest.fixture
def worker(event: EventFile, fake: FakeBackend, feed: Timeline) -> Iterator[PrintWorker]:
    printing = PrintWorker(event, PrinterDirectory([fake]), render_job, feed,
                           poll_seconds=0.02, hold_seconds=0.02)
    yield printing
    printing.stop()


def _queue(event: EventFile, printer: str = "Label", index: int = 0) -> print_jobs.PrintJob:
    def add(store: EventStore) -> print_jobs.PrintJob:
        person = queries.list_attendees(store.conn)[index]
        return print_jobs.add_job(store.conn, person.id, "cr80", printer, operator="Sam")
    return event.write(add)


def _job(event: EventFile, job_id: int) -> print_jobs.PrintJob | None:
    return event.read(lambda r: print_jobs.get_job(r.conn, job_id))


def _prints(event: EventFile) -> list[tuple[str, str]]:
    return event.read(lambda r: r.conn.execute(
        "SELECT attendee_id, printer FROM prints ORDER BY hlc").fetchall())


def test_a_badge_goes_out_with_the_persons_name_and_is_logged_once(
    event: EventFile, worker: PrintWorker, fake: FakeBackend, feed: Timeline,
) -> None:
    job = _queue(event)
    worker.start()
    worker.wake()
    assert wait_for_status(feed, job.id, P).line == "Printing badge…"
    done = wait_for_status(feed, job.id, D)
    assert done.line == "Badge printed" and done.job.change_id
    printer, document = fake.submitted[0]
    person = event.read(lambda r: queries.get_attendee(r.conn, job.attendee_id))
    assert (printer, document.name) == ("Label", job.document)
    assert (document.width_mm, document.height_mm) == (85.6, 53.98)
    assert person.first_name in pdf_text(document.pdf)
    assert _prints(event) == [(job.attendee_id, "Label")]


def test_a_paused_printer_keeps_its_badges_queued_and_prints_them_on_resume(
    event: EventFile, fake: FakeBackend, feed: Timeline,
) -> None:
    # The paused printer is looked at again once a second (the app waits three): the test's
    # look at the queue falls between two of the worker's, not inside one (claim, then hold).
    worker = PrintWorker(event, PrinterDirectory([fake]), render_job, feed,
                         poll_seconds=0.02, hold_seconds=1.0)
    fake.states["Label"] = PrinterState.PAUSED
    waiting, elsewhere = _queue(event), _queue(event, "Spare", 1)
    worker.start()
    try:
        held = wait_for_status(feed, waiting.id, Q)
        assert held.line == ("Badge queued — The printer “Label” is paused (Out of labels). "
                             "Press Resume on the printer or ask staff.")
        wait_for_status(feed, elsewhere.id, D)  # the other printer's badge does not wait
        assert _job(event, waiting.id).status is Q
        fake.states["Label"] = PrinterState.READY
        assert wait_for_status(feed, waiting.id, D).job.last_error == ""
    finally:
        worker.stop()
    assert [p for p, _ in fake.submitted] == ["Spare", "Label"]


@pytest.mark.parametrize(("state", "words"), [
    (PrinterState.MISSING, "There is no printer called “Label” on this computer."),
    (PrinterState.REJECTING, "The printer “Label” is not taking new badges."),
])
def test_a_missing_or_rejecting_printer_fails_the_badge_with_what_to_do(
    event: EventFile, worker: PrintWorker, fake: FakeBackend, feed: Timeline,
    state: PrinterState, words: str,
) -> None:
    if state is PrinterState.MISSING:
        del fake.states["Label"]
    else:
        fake.states["Label"] = state
    job = _queue(event)
    worker.start()
    failed = wait_for_status(feed, job.id, F)
    assert failed.line.startswith(f"Badge failed — {words}")
    assert failed.job.attempts == 0 and not fake.submitted and _prints(event) == []


def test_a_refused_badge_fails_and_is_retried_on_another_printer(
    event: EventFile, worker: PrintWorker, fake: FakeBackend, feed: Timeline,
) -> None:
    fake.refuse_with = "The printer “Label” did not take the badge (out of paper)."
    job = _queue(event)
    worker.start()
    assert wait_for_status(feed, job.id, F).job.last_error == fake.refuse_with
    fake.refuse_with = ""
    assert event.write(lambda store: print_jobs.requeue(store.conn, job.id, printer="Spare"))
    worker.wake()
    done = wait_for_status(feed, job.id, D)
    assert (done.job.printer, done.job.attempts) == ("Spare", 2)
    assert _prints(event) == [(job.attendee_id, "Spare")]


def test_a_badge_that_cannot_be_made_fails_and_the_queue_goes_on(
    event: EventFile, worker: PrintWorker, feed: Timeline,
) -> None:
    def add_broken(store: EventStore) -> tuple[print_jobs.PrintJob, print_jobs.PrintJob]:
        person = queries.list_attendees(store.conn)[0]
        return (print_jobs.add_job(store.conn, person.id, "no-such-layout", "Label"),
                print_jobs.add_job(store.conn, "NOBODY", "cr80", "Label"))
    broken, gone = event.write(add_broken)
    fine = _queue(event, index=1)
    worker.start()
    assert "The badge layout “no-such-layout” cannot be used" in \
        wait_for_status(feed, broken.id, F).line
    assert "no longer in the list" in wait_for_status(feed, gone.id, F).line
    wait_for_status(feed, fine.id, D)


def test_a_spooled_badge_is_followed_until_the_printer_is_done_with_it(
    event: EventFile, worker: PrintWorker, fake: FakeBackend, feed: Timeline,
) -> None:
    fake.spool = True
    job, lost = _queue(event), _queue(event, index=1)
    worker.start()
    spooled = feed.wait(job.id, lambda e: bool(e.job.spooler_job_id))
    assert spooled.job.status is P and spooled.job.change_id
    assert _prints(event)[0] == (job.attendee_id, "Label")  # logged once accepted
    fake.progress["Label-1"] = SpooledJob(JobProgress.WAITING, "The printer is warming up.")
    assert feed.wait(job.id, lambda e: "warming" in e.line).job.status is P
    fake.progress["Label-1"] = SpooledJob(JobProgress.DONE)
    wait_for_status(feed, job.id, D)
    fake.progress["Label-2"] = SpooledJob(JobProgress.GONE, "Taken off the queue.")
    assert wait_for_status(feed, lost.id, F).job.last_error == "Taken off the queue."


def test_a_restart_resumes_queued_badges_and_asks_about_one_cut_off_mid_send(
    event: EventFile, fake: FakeBackend, feed: Timeline,
) -> None:
    fake.spool = True
    cut_off, spooled, waiting = (_queue(event, index=i) for i in range(3))

    def as_the_stopped_app_left_them(store: EventStore) -> None:
        # The app stopped before the spooler answered for one badge ...
        print_jobs.claim(store.conn, cut_off.id)
        store.conn.execute("UPDATE print_jobs SET updated_at = '2000-01-01T00:00:00.000Z' "
                           "WHERE id = ?", (cut_off.id,))  # ... some while ago
        # ... after the spooler had taken another.
        print_jobs.claim(store.conn, spooled.id)
        print_jobs.mark_spooled(store, spooled.id, "Label-7", False,
                                {"attendee_id": spooled.attendee_id, "at": "2026-11-28T09:00:00"})
    event.write(as_the_stopped_app_left_them)
    fake.progress["Label-7"] = SpooledJob(JobProgress.DONE)
    restarted = PrintWorker(event, PrinterDirectory([fake]), render_job, feed, poll_seconds=0.02)
    restarted.start()
    try:
        assert wait_for_status(feed, cut_off.id, F).job.last_error == (
            "The kiosk stopped while sending this badge. If no badge came out, press Retry.")
        wait_for_status(feed, spooled.id, D)
        assert feed.wait(waiting.id, lambda e: bool(e.job.spooler_job_id)).job.change_id
    finally:
        restarted.stop()
    assert [d.name for _, d in fake.submitted] == [waiting.document]
    assert sorted(a for a, _ in _prints(event)) == sorted([spooled.attendee_id,
                                                           waiting.attendee_id])


def test_a_badge_cancelled_while_being_sent_is_taken_back(
    event: EventFile, fake: FakeBackend, feed: Timeline,
) -> None:
    fake.spool = True
    job = _queue(event)

    def render_then_cancel(door: EventFile, job: print_jobs.PrintJob) -> BadgeDocument:
        document = render_job(door, job)
        # A volunteer presses Cancel meanwhile (a write of its own, through the door).
        door.write(lambda store: print_jobs.cancel(store.conn, job.id))
        return document

    printing = PrintWorker(event, PrinterDirectory([fake]), render_then_cancel, feed,
                           poll_seconds=0.02)
    printing.start()
    try:
        feed.wait(job.id, lambda e: e.job.status is PrintJobStatus.CANCELLED)
    finally:
        printing.stop()
    assert fake.withdrawn == ["Label-1"] and _prints(event) == []
    assert _job(event, job.id).status is PrintJobStatus.CANCELLED


# A second worker on the same file stands for another program's: `kiosk print` run beside the
# desk app. In one process there is one door to a file, so that worker runs in a process of
# its own, on the PDF folder printer (a fake printer cannot be shared across processes).
SECOND_WORKER = """
import sys
from pathlib import Path

from kiosk.printing import JobFeed, PdfFolderBackend, PrinterDirectory, PrintJobStatus, PrintWorker
from kiosk.services.print_service import render_job
from kiosk.store.event_file import EventFile

path, folder, job_id = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
event = EventFile.open(path, threaded=True)
feed = JobFeed()
worker = PrintWorker(event, PrinterDirectory([PdfFolderBackend(folder)]), render_job, feed,
                     poll_seconds=0.02)
worker.start()
try:
    out = feed.wait_for(lambda e: e.job.id == job_id and e.job.status.final, 60)
finally:
    worker.stop()
    event.close()
sys.exit(0 if out is not None and out.job.status is PrintJobStatus.DONE else 1)
"""


def test_a_second_worker_leaves_a_badge_the_first_is_sending_alone(
    event: EventFile, tmp_path: Path,
) -> None:
    in_hand = _queue(event, PDF_FOLDER)
    # This process's worker is sending it now (claimed a moment ago, not stale).
    assert event.write(lambda store: print_jobs.claim(store.conn, in_hand.id))
    waiting = _queue(event, PDF_FOLDER, index=1)
    folder = tmp_path / "badges"
    second = subprocess.run(
        [sys.executable, "-c", SECOND_WORKER, event.path, str(folder), str(waiting.id)],
        cwd=Path(kiosk.__file__).resolve().parents[1], capture_output=True, text=True,
        timeout=SAFETY_TIMEOUT * 2)
    assert second.returncode == 0, second.stderr
    assert _job(event, waiting.id).status is D
    assert _job(event, in_hand.id).status is P
    assert sorted(p.name for p in folder.glob("*.pdf")) == [f"{waiting.document}.pdf"]
