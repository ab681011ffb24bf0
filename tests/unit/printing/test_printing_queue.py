"""The print queue in the event file: a job's life, reprints, and logging a print once."""

from __future__ import annotations

from pathlib import Path

from printing_fakes import FakeBackend, Timeline, wait_for_status

from kiosk.core.changes import ChangeKind
from kiosk.printing import PrinterDirectory, PrintWorker
from kiosk.services.desk import Desk
from kiosk.services.print_service import render_job
from kiosk.store import print_jobs, queries
from kiosk.store.event_file import EventFile
from kiosk.store.event_store import EventStore
from kiosk.store.print_jobs import PrintJobStatus


def _someone(store: EventStore, index: int = 0) -> str:
    return queries.list_attendees(store.conn)[index].id


def _printed(store: EventStore, attendee_id: str) -> dict[str, object]:
    return {"attendee_id": attendee_id, "layout": "cr80", "printer": "Label",
            "reprint_reason": "", "operator": "Sam", "at": "2026-11-28T09:00:00"}


def test_a_job_is_queued_claimed_held_and_failed_with_what_to_do(desk_store: EventStore) -> None:
    conn = desk_store.conn
    job = print_jobs.add_job(conn, _someone(desk_store), "cr80", "Label", operator="Sam")
    assert (job.status, job.attempts, job.printer) == (PrintJobStatus.QUEUED, 0, "Label")
    assert job.document.startswith(f"kiosk-badge-{job.id}-")
    assert print_jobs.next_queued(conn) == job
    assert print_jobs.next_queued(conn, skip_printers={"Label"}) is None
    assert print_jobs.claim(conn, job.id) and not print_jobs.claim(conn, job.id)
    assert print_jobs.hold(conn, job.id, "paused")
    held = print_jobs.get_job(conn, job.id)
    assert (held.status, held.last_error, held.attempts) == (PrintJobStatus.QUEUED, "paused", 0)
    assert print_jobs.claim(conn, job.id) and print_jobs.fail(conn, job.id, "jammed")
    failed = print_jobs.get_job(conn, job.id)
    assert (failed.status, failed.last_error, failed.attempts) == (PrintJobStatus.FAILED,
                                                                   "jammed", 1)
    assert print_jobs.requeue(conn, job.id, printer="Spare")
    moved = print_jobs.get_job(conn, job.id)
    assert (moved.status, moved.printer, moved.last_error) == (PrintJobStatus.QUEUED, "Spare", "")
    assert print_jobs.cancel(conn, job.id) and not print_jobs.requeue(conn, job.id)


def test_a_queued_job_counts_as_a_badge_a_failed_one_does_not(desk_store: EventStore) -> None:
    conn = desk_store.conn
    person = _someone(desk_store)
    assert not print_jobs.has_badge(conn, person)
    job = print_jobs.add_job(conn, person, "cr80", "Label")
    assert print_jobs.has_badge(conn, person)
    print_jobs.claim(conn, job.id)
    print_jobs.fail(conn, job.id, "missing printer", attempted=False)
    assert not print_jobs.has_badge(conn, person)


def test_a_print_elsewhere_in_the_log_counts_as_a_badge(desk_store: EventStore) -> None:
    person = _someone(desk_store, 1)
    desk_store.record(ChangeKind.BADGE_PRINTED, _printed(desk_store, person))
    assert print_jobs.has_badge(desk_store.conn, person)


def test_spooling_logs_badge_printed_once_whatever_the_retries(
    event_path: Path, desk_store: EventStore,
) -> None:
    person = _someone(desk_store)
    job = print_jobs.add_job(desk_store.conn, person, "cr80", "Label")
    # The worker has no connection of its own: each of its steps is a write through the
    # file's one door (here inline, on the test's thread), mark_spooled inside one of them.
    door = EventFile.open(event_path)
    try:
        for attempt in range(2):  # printed, failed at the printer afterwards, retried
            spooler_id = f"Label-{attempt}"
            assert door.write(lambda store: print_jobs.claim(store.conn, job.id))
            spooled = door.write(lambda store, spooler_id=spooler_id: print_jobs.mark_spooled(
                store, job.id, spooler_id, False, _printed(store, person)))
            assert spooled is not None and spooled.spooler_job_id == spooler_id
            assert door.write(lambda store: print_jobs.finish(store.conn, job.id,
                                                              PrintJobStatus.FAILED, "jam"))
            assert print_jobs.requeue(desk_store.conn, job.id)
    finally:
        door.close()
    prints = desk_store.conn.execute(
        "SELECT attendee_id, printer, operator FROM prints").fetchall()
    assert prints == [(person, "Label", "Sam")]
    assert print_jobs.get_job(desk_store.conn, job.id).attempts == 2


def test_a_cancelled_job_is_not_logged_when_the_spooler_answers_late(
    desk_store: EventStore,
) -> None:
    job = print_jobs.add_job(desk_store.conn, _someone(desk_store), "cr80", "Label")
    print_jobs.claim(desk_store.conn, job.id)
    print_jobs.cancel(desk_store.conn, job.id)
    assert print_jobs.mark_spooled(desk_store, job.id, "Label-1", True,
                                   _printed(desk_store, job.attendee_id)) is None
    assert desk_store.conn.execute("SELECT count(*) FROM prints").fetchone()[0] == 0


def test_the_desk_and_the_worker_append_to_one_log_without_colliding(
    event: EventFile, fake: FakeBackend,
) -> None:
    """The worker logs prints from its threads while the desk checks people in from another;
    both go on numbering this device's changes in one sequence.

    Each used to write on a connection of its own; now both write through the file's one
    door (opened threaded, as in the app), so this runs a real worker beside the desk."""
    feed = Timeline()
    worker = PrintWorker(event, PrinterDirectory([fake]), render_job, feed, poll_seconds=0.02)
    desk = event.write(lambda store: Desk(store, "Desk 1"))
    people = event.read(lambda r: [a.id for a in queries.list_attendees(r.conn)[:4]])
    worker.start()
    try:
        for person in people:
            def check_in(store: EventStore, person: str = person) -> print_jobs.PrintJob:
                assert desk.check_in(person).checkin_id is not None
                return print_jobs.add_job(store.conn, person, "cr80", "Label")
            job = event.write(check_in)
            worker.wake()
            wait_for_status(feed, job.id, PrintJobStatus.DONE)
    finally:
        worker.stop()
    mine = event.read(lambda r: r.conn.execute(
        "SELECT device_seq, hlc, kind FROM changes WHERE device_id = ? AND kind IN "
        "('checkin', 'badge.printed') ORDER BY device_seq", (r.device_id,)).fetchall())
    assert [kind for _, _, kind in mine] == ["checkin", "badge.printed"] * 4
    assert [hlc for _, hlc, _ in mine] == sorted(hlc for _, hlc, _ in mine)
    sequence = [seq for seq, _, _ in mine]
    assert sequence == list(range(sequence[0], sequence[0] + 8))
