"""The desk without Qt printing on check-in: a scan's check-in and its badge's print job come
from one write, and the worker then prints the badge exactly once; `kiosk checkin --print`
does the same from the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.changes import ChangeKind
from kiosk.core.checkin_rules import Outcome
from kiosk.printing import (
    PDF_FOLDER,
    JobFeed,
    PdfFolderBackend,
    PrinterDirectory,
    PrintJobStatus,
)
from kiosk.services.badge_printing import badge_code
from kiosk.services.demo import create_demo_event
from kiosk.services.desk_session import DeskListeners, DeskSession
from kiosk.services.desk_settings import DeskSettings
from kiosk.services.print_service import PrintOutcome, badge_folder
from kiosk.store import queries
from kiosk.store.event_file import EventFile
from kiosk.store.event_store import EventReader, EventStore, Written

SAFETY_TIMEOUT = 60.0  # seconds; only a hung test waits this long


@pytest.fixture
def event_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "event.db"
    store, _ = create_demo_event(path, attendees=20, seed=5)
    store.close()
    yield path


def _someone_and_their_ticket(reader: EventReader) -> tuple[str, str]:
    person = queries.list_attendees(reader.conn, status="active")[0]
    return person.id, badge_code(reader, person)  # type: ignore[arg-type]


def _rows(reader: EventReader) -> tuple[int, int]:
    """(check-ins, print jobs) in the file."""
    return reader.conn.execute(
        "SELECT (SELECT count(*) FROM checkins), (SELECT count(*) FROM print_jobs)").fetchone()


def _badges_logged(reader: EventReader) -> list[str]:
    """Who the log says a badge was printed for, once for each badge.printed change."""
    return [change.payload["attendee_id"] for change in reader.changes()
            if change.kind is ChangeKind.BADGE_PRINTED]


def test_a_scan_queues_its_badge_in_the_check_ins_write_and_the_worker_prints_it_once(
    event_path: Path, tmp_path: Path,
) -> None:
    folder = tmp_path / "badges"
    feed = JobFeed()
    session = DeskSession.open(event_path, listeners=DeskListeners(print_changed=feed),
                               printers=PrinterDirectory([PdfFolderBackend(folder)]),
                               threaded=True)
    try:
        event = session.event
        assert event.threaded
        event.write(lambda store: DeskSettings(store).update(
            {"print.auto": True, "print.preview": False, "print.printer": PDF_FOLDER}))
        person, code = event.read(_someone_and_their_ticket)
        written: list[Written] = []
        stop_listening = event.subscribe(written.append)
        session.start_workers(printing=True, sync=False, backups=False)
        assert event.read(_rows) == (0, 0)

        answer = session.scan(code)

        assert answer.result.outcome is Outcome.OK
        assert answer.printing is not None
        assert answer.printing.outcome is PrintOutcome.QUEUED
        job = answer.printing.job
        assert job is not None and job.attendee_id == person
        # One transaction: the single write announcing the check-in also wrote the print job.
        with_check_in = [w for w in written
                         if any(c.kind is ChangeKind.CHECKIN for c in w.changes)]
        assert len(with_check_in) == 1
        assert "print_jobs" in with_check_in[0].local
        assert [c.payload["attendee_id"] for c in with_check_in[0].changes
                if c.kind is ChangeKind.CHECKIN] == [person]
        assert event.read(_rows) == (1, 1)

        done = feed.wait_for(lambda e: e.job.id == job.id and e.job.status.final,
                             SAFETY_TIMEOUT)
        assert done is not None and done.job.status is PrintJobStatus.DONE, done
        # The same ticket again: no second check-in, no second badge.
        again = session.scan(code)
        assert again.result.outcome in (Outcome.REPEAT, Outcome.ALREADY)
        assert again.printing is None
        stop_listening()
    finally:
        session.close(backup=False)

    with EventFile.open(event_path) as event:  # the worker has stopped: all it did is here
        assert event.read(_badges_logged) == [person]
        assert event.read(lambda r: r.conn.execute(
            "SELECT attendee_id FROM prints").fetchall()) == [(person,)]
        assert event.read(_rows) == (1, 1)
    assert [p.name for p in folder.glob("*.pdf")] == [f"{job.document}.pdf"]


def test_kiosk_checkin_print_checks_in_and_prints_the_badge_to_the_pdf_folder(
    event_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    def use_the_pdf_folder(store: EventStore) -> None:
        DeskSettings(store)["print.printer"] = PDF_FOLDER
    with EventFile.open(event_path) as event:
        event.write(use_the_pdf_folder)
        person, code = event.read(_someone_and_their_ticket)

    assert main(["checkin", str(event_path), code, "--print", "--json"]) == 0

    out = json.loads(capsys.readouterr().out)
    assert out["outcome"] == "ok" and out["attendee"]["id"] == person and out["checkin_id"]
    [job] = out["print_jobs"]
    assert (job["attendee_id"], job["printer"], job["status"]) == (person, PDF_FOLDER, "done")
    assert len(list(badge_folder(event_path).glob("*.pdf"))) == 1
    with EventFile.open(event_path) as event:
        assert event.read(_badges_logged) == [person]
        assert event.read(_rows) == (1, 1)
    # The same ticket again: no second badge, and it says why in words that fit.
    assert main(["checkin", str(event_path), code, "--print", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["outcome"] in ("repeat", "already")
    assert again["printing"].startswith("No badge: they were checked in already")
    assert len(list(badge_folder(event_path).glob("*.pdf"))) == 1
