"""The print queue in the event file: a job's life, reprints, and logging a print once."""

from __future__ import annotations

from pathlib import Path

from kiosk.core.changes import ChangeKind
from kiosk.services.desk import Desk
from kiosk.store import print_jobs, queries
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
    worker_store = EventStore.open(event_path)
    try:
        for attempt in range(2):  # printed, failed at the printer afterwards, retried
            assert print_jobs.claim(worker_store.conn, job.id)
            spooled = print_jobs.mark_spooled(worker_store, job.id, f"Label-{attempt}", False,
                                              _printed(worker_store, person))
            assert spooled is not None and spooled.spooler_job_id == f"Label-{attempt}"
            assert print_jobs.finish(worker_store.conn, job.id, PrintJobStatus.FAILED, "jam")
            assert print_jobs.requeue(desk_store.conn, job.id)
    finally:
        worker_store.close()
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
    event_path: Path, desk_store: EventStore,
) -> None:
    """The worker logs prints from its own connection while the desk checks people in from
    another; both go on numbering this device's changes in one sequence."""
    desk = Desk(desk_store, "Desk 1")
    people = [a.id for a in queries.list_attendees(desk_store.conn)[:4]]
    worker_store = EventStore.open(event_path)
    try:
        for person in people:
            assert desk.check_in(person).checkin_id is not None
            job = print_jobs.add_job(desk_store.conn, person, "cr80", "Label")
            print_jobs.claim(worker_store.conn, job.id)
            print_jobs.mark_spooled(worker_store, job.id, "Label-1", True,
                                    _printed(worker_store, person))
    finally:
        worker_store.close()
    mine = desk_store.conn.execute(
        "SELECT device_seq, hlc, kind FROM changes WHERE device_id = ? AND kind IN "
        "('checkin', 'badge.printed') ORDER BY device_seq", (desk_store.device_id,)).fetchall()
    assert [kind for _, _, kind in mine] == ["checkin", "badge.printed"] * 4
    assert [hlc for _, hlc, _ in mine] == sorted(hlc for _, hlc, _ in mine)
    sequence = [seq for seq, _, _ in mine]
    assert sequence == list(range(sequence[0], sequence[0] + 8))
