"""The event file's one door, tried as the faults were found: a desk connected to a hub can
never record a change the hub refuses; two processes on one file never both say "ok"; a
scan made while another process imports waits for a batch at most, never fails."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kiosk.cli import main as kiosk_main
from kiosk.services.desk import Desk
from kiosk.store.event_store import EventStore
from tests.unit.sync.hub_fixtures import Event, enrol, make_event


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("event"))


def test_a_desk_cannot_record_a_workshop_the_hub_would_refuse_and_its_pushes_go_on(
        tmp_path: Path, event: Event, hub, capsys) -> None:
    desk_path = tmp_path / "desk.db"
    shutil.copy(event.package, desk_path)
    desk = EventStore.open(desk_path)
    syncer = enrol(hub.hub, desk, "Desk 1")
    syncer.sync_once()
    before = desk.change_count()
    desk.close()
    # Workshops are the organisers' to change: a desk's copy refuses, whatever the values.
    status = kiosk_main(["sessions", str(desk_path), "--add", "Late room", "--capacity", "5"])
    assert status == 2
    assert "desk's copy of the event" in capsys.readouterr().err
    # And the organisers' copy checks what it records.
    organisers = tmp_path / "organisers.db"
    shutil.copy(event.organiser, organisers)
    status = kiosk_main(["sessions", str(organisers), "--add", "Late room", "--capacity", "-5"])
    assert status == 2
    assert "capacity must be a whole number of places" in capsys.readouterr().err
    desk = EventStore.open(desk_path)
    assert desk.change_count() == before  # nothing recorded, so nothing to refuse later
    Desk(desk, "Desk 1").scan(event.codes[0])
    syncer = type(syncer)(desk)
    report = syncer.sync_once()
    assert (report.pushed, report.pending) == (1, 0)  # the hub takes this desk's pushes
    syncer.close()
    desk.close()


_CHECK_IN_ALL = textwrap.dedent("""
    import json, sys
    from kiosk.services.desk_session import DeskSession
    path, desk, codes = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    session = DeskSession.open(path, exclusive=False, threaded=False,
                               overrides={"desk_name": desk})
    session.auto_print = False
    print("ready", flush=True)
    sys.stdin.readline()  # all three start together
    answers = [session.scan(code).result.outcome.value for code in codes]
    session.close(backup=False)
    print(json.dumps(answers))
""")


def _run_together(script: str, arguments: list[list[str]]) -> list[str]:
    """Run ``script`` once for each argument list, each in a process of its own, released
    together once all are ready (each prints "ready", then waits for a line); what each
    printed. Every one must succeed."""
    processes = [subprocess.Popen([sys.executable, "-c", script, *args], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for args in arguments]
    for process in processes:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    said = [process.communicate(timeout=120) for process in processes]
    assert [p.returncode for p in processes] == [0] * len(processes), [e for _, e in said]
    return [out for out, _ in said]


@pytest.fixture(scope="module")
def crowd(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("crowd"), attendees=160, seed=9)


def test_three_processes_checking_in_the_same_people_never_both_say_ok(
        tmp_path: Path, crowd: Event) -> None:
    event = crowd
    path = tmp_path / "desk.db"
    shutil.copy(event.package, path)
    codes = event.codes * 2  # every ticket, twice over, at each desk, all at once
    said = _run_together(_CHECK_IN_ALL, [[str(path), f"Desk {n}", json.dumps(codes)]
                                         for n in (1, 2, 3)])
    answers = [json.loads(out.strip().splitlines()[-1]) for out in said]
    oks = sum(outcomes.count("ok") for outcomes in answers)
    assert oks == len(event.codes)  # each person let in exactly once, over all three desks
    store = EventStore.open(path)
    rows = store.conn.execute("SELECT count(*) FROM checkins").fetchone()[0]
    store.close()
    assert rows == len(event.codes)
    # A desk's own repeat is "repeat"; another desk's check-in is "already", never "repeat".
    for outcomes in answers:
        assert set(outcomes) <= {"ok", "already", "repeat"}
    firsts = [outcomes[: len(event.codes)] for outcomes in answers]
    assert all(o in ("ok", "already") for first in firsts for o in first)


def _registrations_csv(path: Path, count: int, seed: int) -> Path:
    """An Eventbrite-style export of ``count`` fictional people."""
    import csv

    from kiosk.services.demo_people import demo_records

    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Order #", "Ticket #", "First Name", "Last Name", "Email", "Company",
                         "Ticket Type", "Attendee Status", "Barcode #", "Which workshops?"])
        for record in demo_records(count, seed):
            f = record.fields
            writer.writerow([f"X{f.get('external_ref', '')}", f"X{f.get('external_ref', '')}",
                             f.get("first_name", ""), f.get("last_name", ""),
                             f.get("email", ""), f.get("organisation", ""),
                             f.get("category", ""), "Attending", "",
                             "; ".join(record.sessions)])
    return path


def test_scans_go_on_between_the_batches_of_a_large_import_in_this_process(
        tmp_path: Path, crowd: Event) -> None:
    """The console's import and the desk share the process's door: the import writes in
    batches behind the desk's scans, so no scan fails and scans are answered while it runs."""
    import threading
    import time

    from kiosk.services.desk_session import DeskSession
    from kiosk.services.registration_import import BATCH, import_file

    path = tmp_path / "organiser.db"
    shutil.copy(crowd.organiser, path)
    source = _registrations_csv(tmp_path / "late.csv", BATCH * 6, seed=21)
    session = DeskSession.open(path)
    session.auto_print = False
    imported: dict[str, float] = {}

    def organiser_imports() -> None:
        imported["started"] = time.monotonic()
        imported["created"] = import_file(session.event, source).created
        imported["ended"] = time.monotonic()

    importing = threading.Thread(target=organiser_imports)
    answered: list[tuple[float, str]] = []
    try:
        importing.start()
        for code in crowd.codes:
            answered.append((time.monotonic(), session.scan(code).result.outcome.value))
        importing.join(120)
    finally:
        session.close(backup=False)
    assert imported["created"] == BATCH * 6
    assert [outcome for _, outcome in answered] == ["ok"] * len(crowd.codes)
    during = [at for at, _ in answered if imported["started"] < at < imported["ended"]]
    assert during, "no scan was answered while the import ran: they waited for all of it"


_SCAN_WHILE_IMPORTING = textwrap.dedent("""
    import json, sys, time
    from kiosk.services.desk_session import DeskSession
    path, codes = sys.argv[1], json.loads(sys.argv[2])
    session = DeskSession.open(path, exclusive=False, threaded=False)
    session.auto_print = False
    print("ready", flush=True)
    sys.stdin.readline()
    answers = []
    for code in codes:
        try:
            answers.append([time.time(), session.scan(code).result.outcome.value])
        except Exception as exc:
            answers.append([time.time(), f"failed: {exc}"])
        time.sleep(0.02)
    session.close(backup=False)
    print(json.dumps(answers))
""")


def test_a_desk_in_another_process_scans_while_kiosk_import_runs(
        tmp_path: Path, crowd: Event) -> None:
    """`kiosk import` beside a working desk: each scan waits for one batch at most and none
    fails ("database is locked" was the fault)."""
    import time

    from kiosk.services.registration_import import BATCH

    path = tmp_path / "organiser.db"
    shutil.copy(crowd.organiser, path)
    source = _registrations_csv(tmp_path / "late.csv", BATCH * 8, seed=22)
    desk = subprocess.Popen([sys.executable, "-c", _SCAN_WHILE_IMPORTING, str(path),
                             json.dumps(crowd.codes)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert desk.stdout is not None and desk.stdout.readline().strip() == "ready"
    started = time.time()
    importer = subprocess.Popen([sys.executable, "-m", "kiosk", "import", str(path),
                                 str(source), "--json"], stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)  # the import is reading and planning; the desk starts scanning
    assert desk.stdin is not None
    desk.stdin.write("go\n")
    desk.stdin.flush()
    out, _ = importer.communicate(timeout=300)
    ended = time.time()
    assert importer.returncode == 0 and json.loads(out)["created"] == BATCH * 8
    answers, _ = desk.communicate(timeout=300)
    scans = json.loads(answers.strip().splitlines()[-1])
    assert [outcome for _, outcome in scans] == ["ok"] * len(crowd.codes)
    assert any(started < at < ended for at, _ in scans)


_OPEN_WHEN_TOLD = textwrap.dedent("""
    import sys
    from kiosk.store.event_file import EventFile
    print("ready", flush=True)
    sys.stdin.readline()  # all of them open together
    door = EventFile.open(sys.argv[1])
    print(door.device_id, flush=True)
    door.close()
""")


@pytest.mark.parametrize("round_", range(3))
def test_desks_opening_a_new_copy_at_the_same_moment_all_open_and_agree_on_its_device(
        tmp_path: Path, event: Event, round_: int) -> None:
    """A new copy has no device id yet: each desk opening it would make one (and a key),
    and all but one failed on the file's uniqueness rules ("could not be read or
    written"). They take turns at the write lock instead, and all carry on as one device."""
    path = tmp_path / "desk.db"
    shutil.copy(event.package, path)
    devices = {out.strip() for out in _run_together(_OPEN_WHEN_TOLD, [[str(path)]] * 4)}
    assert len(devices) == 1 and all(devices)
