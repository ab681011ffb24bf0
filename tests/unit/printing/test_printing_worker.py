"""The print worker against a scripted printer: it never blocks, waits out a paused printer,
fails with what to do, logs each badge once and picks up where it left off after a restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from printing_fakes import FakeBackend, Timeline, pdf_text, wait_for_status

from kiosk.printing import (
    JobProgress,
    PrinterDirectory,
    PrinterState,
    PrintJobStatus,
    PrintWorker,
    SpooledJob,
)
from kiosk.services.print_service import render_job
from kiosk.store import print_jobs, queries
from kiosk.store.event_store import EventStore

Q, P, D, F = (PrintJobStatus.QUEUED, PrintJobStatus.PRINTING, PrintJobStatus.DONE,
              PrintJobStatus.FAILED)


@pytest.fixture
def feed() -> Timeline:
    return Timeline()


@pytest.fixture
def worker(event_path: Path, fake: FakeBackend, feed: Timeline) -> Iterator[PrintWorker]:
    printing = PrintWorker(lambda: EventStore.open(event_path), PrinterDirectory([fake]),
                           render_job, feed, poll_seconds=0.02, hold_seconds=0.02)
    yield printing
    printing.stop()


def _queue(store: EventStore, printer: str = "Label", index: int = 0) -> print_jobs.PrintJob:
    person = queries.list_attendees(store.conn)[index]
    return print_jobs.add_job(store.conn, person.id, "cr80", printer, operator="Sam")


def _prints(store: EventStore) -> list[tuple[str, str]]:
    return store.conn.execute("SELECT attendee_id, printer FROM prints ORDER BY hlc").fetchall()


def test_a_badge_goes_out_with_the_persons_name_and_is_logged_once(
    desk_store: EventStore, worker: PrintWorker, fake: FakeBackend, feed: Timeline,
) -> None:
    job = _queue(desk_store)
    worker.start()
    worker.wake()
    assert wait_for_status(feed, job.id, P).line == "Printing badge…"
    done = wait_for_status(feed, job.id, D)
    assert done.line == "Badge printed" and done.job.change_id
    printer, document = fake.submitted[0]
    person = queries.get_attendee(desk_store.conn, job.attendee_id)
    assert (printer, document.name) == ("Label", job.document)
    assert (document.width_mm, document.height_mm) == (85.6, 53.98)
    assert person.first_name in pdf_text(document.pdf)
    assert _prints(desk_store) == [(job.attendee_id, "Label")]


def test_a_paused_printer_keeps_its_badges_queued_and_prints_them_on_resume(
    desk_store: EventStore, worker: PrintWorker, fake: FakeBackend, feed: Timeline,
) -> None:
    fake.states["Label"] = PrinterState.PAUSED
    waiting, elsewhere = _queue(desk_store), _queue(desk_store, "Spare", 1)
    worker.start()
    held = wait_for_status(feed, waiting.id, Q)
    assert held.line == ("Badge queued — The printer “Label” is paused (Out of labels). "
                         "Press Resume on the printer or ask staff.")
    wait_for_status(feed, elsewhere.id, D)  # the other printer's badge does not wait
    assert print_jobs.get_job(desk_store.conn, waiting.id).status is Q
    fake.states["Label"] = PrinterState.READY
    assert wait_for_status(feed, waiting.id, D).job.last_error == ""
    assert [p for p, _ in fake.submitted] == ["Spare", "Label"]


@pytest.mark.parametrize(("state", "words"), [
    (PrinterState.MISSING, "There is no printer called “Label” on this computer."),
    (PrinterState.REJECTING, "The printer “Label” is not taking new badges."),
])
def test_a_missing_or_rejecting_printer_fails_the_badge_with_what_to_do(
    desk_store: EventStore, worker: PrintWorker, fake: FakeBackend, feed: Timeline,
    state: PrinterState, words: str,
) -> None:
    if state is PrinterState.MISSING:
        del fake.states["Label"]
    else:
        fake.states["Label"] = state
    job = _queue(desk_store)
    worker.start()
    failed = wait_for_status(feed, job.id, F)
    assert failed.line.startswith(f"Badge failed — {words}")
    assert failed.job.attempts == 0 and not fake.submitted and _prints(desk_store) == []


def test_a_refused_badge_fails_and_is_retried_on_another_printer(
    desk_store: EventStore, worker: PrintWorker, fake: FakeBackend, feed: Timeline,
) -> None:
    fake.refuse_with = "The printer “Label” did not take the badge (out of paper)."
    job = _queue(desk_store)
    worker.start()
    assert wait_for_status(feed, job.id, F).job.last_error == fake.refuse_with
    fake.refuse_with = ""
    assert print_jobs.requeue(desk_store.conn, job.id, printer="Spare")
    worker.wake()
    done = wait_for_status(feed, job.id, D)
    assert (done.job.printer, done.job.attempts) == ("Spare", 2)
    assert _prints(desk_store) == [(job.attendee_id, "Spare")]


def test_a_badge_that_cannot_be_made_fails_and_the_queue_goes_on(
    desk_store: EventStore, worker: PrintWorker, feed: Timeline,
) -> None:
    person = queries.list_attendees(desk_store.conn)[0]
    broken = print_jobs.add_job(desk_store.conn, person.id, "no-such-layout", "Label")
    gone = print_jobs.add_job(desk_store.conn, "NOBODY", "cr80", "Label")
    fine = _queue(desk_store, index=1)
    worker.start()
    assert "The badge layout “no-such-layout” cannot be used" in \
        wait_for_status(feed, broken.id, F).line
    assert "no longer in the list" in wait_for_status(feed, gone.id, F).line
    wait_for_status(feed, fine.id, D)


def test_a_spooled_badge_is_followed_until_the_printer_is_done_with_it(
    desk_store: EventStore, worker: PrintWorker, fake: FakeBackend, feed: Timeline,
) -> None:
    fake.spool = True
    job, lost = _queue(desk_store), _queue(desk_store, index=1)
    worker.start()
    spooled = feed.wait(job.id, lambda e: bool(e.job.spooler_job_id))
    assert spooled.job.status is P and spooled.job.change_id
    assert _prints(desk_store)[0] == (job.attendee_id, "Label")  # logged once accepted
    fake.progress["Label-1"] = SpooledJob(JobProgress.WAITING, "The printer is warming up.")
    assert feed.wait(job.id, lambda e: "warming" in e.line).job.status is P
    fake.progress["Label-1"] = SpooledJob(JobProgress.DONE)
    wait_for_status(feed, job.id, D)
    fake.progress["Label-2"] = SpooledJob(JobProgress.GONE, "Taken off the queue.")
    assert wait_for_status(feed, lost.id, F).job.last_error == "Taken off the queue."


def test_a_restart_resumes_queued_badges_and_asks_about_one_cut_off_mid_send(
    event_path: Path, desk_store: EventStore, fake: FakeBackend, feed: Timeline,
) -> None:
    fake.spool = True
    cut_off, spooled, waiting = (_queue(desk_store, index=i) for i in range(3))
    print_jobs.claim(desk_store.conn, cut_off.id)  # the app stopped before the spooler answered
    desk_store.conn.execute("UPDATE print_jobs SET updated_at = '2000-01-01T00:00:00.000Z' "
                            "WHERE id = ?", (cut_off.id,))  # ... some while ago
    print_jobs.claim(desk_store.conn, spooled.id)
    print_jobs.mark_spooled(desk_store, spooled.id, "Label-7", False,
                            {"attendee_id": spooled.attendee_id, "at": "2026-11-28T09:00:00"})
    fake.progress["Label-7"] = SpooledJob(JobProgress.DONE)
    restarted = PrintWorker(lambda: EventStore.open(event_path), PrinterDirectory([fake]),
                            render_job, feed, poll_seconds=0.02)
    restarted.start()
    try:
        assert wait_for_status(feed, cut_off.id, F).job.last_error == (
            "The kiosk stopped while sending this badge. If no badge came out, press Retry.")
        wait_for_status(feed, spooled.id, D)
        assert feed.wait(waiting.id, lambda e: bool(e.job.spooler_job_id)).job.change_id
    finally:
        restarted.stop()
    assert [d.name for _, d in fake.submitted] == [waiting.document]
    assert sorted(a for a, _ in _prints(desk_store)) == sorted([spooled.attendee_id,
                                                                waiting.attendee_id])


def test_a_badge_cancelled_while_being_sent_is_taken_back(
    desk_store: EventStore, fake: FakeBackend, feed: Timeline, event_path: Path,
) -> None:
    fake.spool = True
    job = _queue(desk_store)

    def render_then_cancel(store: EventStore, job: print_jobs.PrintJob):  # type: ignore[no-untyped-def]
        document = render_job(store, job)
        print_jobs.cancel(desk_store.conn, job.id)  # a volunteer presses Cancel meanwhile
        return document

    printing = PrintWorker(lambda: EventStore.open(event_path), PrinterDirectory([fake]),
                           render_then_cancel, feed, poll_seconds=0.02)
    printing.start()
    try:
        feed.wait(job.id, lambda e: e.job.status is PrintJobStatus.CANCELLED)
    finally:
        printing.stop()
    assert fake.withdrawn == ["Label-1"] and _prints(desk_store) == []
    assert print_jobs.get_job(desk_store.conn, job.id).status is PrintJobStatus.CANCELLED


def test_a_second_worker_leaves_a_badge_the_first_is_sending_alone(
    event_path: Path, desk_store: EventStore, fake: FakeBackend, feed: Timeline,
) -> None:
    in_hand = _queue(desk_store)
    print_jobs.claim(desk_store.conn, in_hand.id)  # the app's worker is sending it now
    waiting = _queue(desk_store, index=1)
    second = PrintWorker(lambda: EventStore.open(event_path), PrinterDirectory([fake]),
                         render_job, feed, poll_seconds=0.02)
    second.start()
    try:
        wait_for_status(feed, waiting.id, D)
    finally:
        second.stop()
    assert print_jobs.get_job(desk_store.conn, in_hand.id).status is P
