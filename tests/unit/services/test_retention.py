"""Wipe and anonymise leave no personal string in the files; backups snapshot and restore."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.core.changes import Change, attendee
from kiosk.services import retention
from kiosk.services.demo import create_demo_event
from kiosk.services.desk import Desk
from kiosk.services.event_report import figures_for
from kiosk.services.print_service import badge_folder
from kiosk.store import kept_columns, queries
from kiosk.store.backups import backup_folder, list_backups, take_backup
from kiosk.store.event_store import EventStore
from kiosk.store.print_jobs import add_job


def _day_at_the_desk(path: Path) -> tuple[EventStore, list[bytes]]:
    """A demo event with check-ins, a walk-in, an edit, a print job, a badge PDF and a
    backup; returns the store and every personal string in it, as UTF-8."""
    store, _ = create_demo_event(path, attendees=60)
    people = queries.list_attendees(store.conn, status="all")
    desk = Desk(store, "Desk 1", "Volunteer Quimby")
    for person in people[:25]:
        desk.check_in(person.id)
    desk.walk_in("Walkinfirst", "Walkinlast", organisation="Walkin Org Ltd")
    desk.edit(people[0].id, badge_name="Edited Badgename", desk_note="Needs a quiet room")
    add_job(store.conn, people[1].id, "cr80", "pdf-folder", operator="Volunteer Quimby")
    folder = badge_folder(path)
    folder.mkdir()
    (folder / "kiosk-badge-1.pdf").write_bytes(people[1].first_name.encode())
    # Another desk's correction of a person this file does not have yet: held, with names.
    held = attendee.correction("not-here-yet", {"badge_name": "Heldback Badgename"}, desk="Desk 2",
                      operator="Volunteer Heldsworth")
    store.receive([Change("018f0000-0000-7000-8000-000000000001", "other-desk", 1,
                          store.next_stamp(), held.kind, held.payload)])
    assert store.conn.execute("SELECT count(*) FROM sync_held").fetchone()[0] == 1
    take_backup(path)
    secrets = {"Walkinfirst", "Walkinlast", "Walkin Org Ltd", "Edited Badgename",
               "Needs a quiet room", "Volunteer Quimby", "Heldback Badgename",
               "Volunteer Heldsworth"}
    kept = kept_columns.all_kept(store.conn)  # the demo's "Dietary" column, kept here
    assert kept
    for person in people:
        secrets.update(value for value in (
            person.email, f"{person.first_name} {person.last_name}".strip(), person.desk_note,
            person.access_needs, person.pronouns, person.external_barcode,
            *(f'"{v}"' for v in kept.get(person.id, {}).values())) if len(value) >= 4)
        secrets.update(name for name in (person.first_name, person.last_name) if len(name) >= 5)
    return store, [s.encode() for s in secrets]


def _files(path: Path) -> list[Path]:
    around = [path, Path(f"{path}-wal"), Path(f"{path}-journal")]
    folders = [backup_folder(path), badge_folder(path)]
    return [p for p in around if p.exists()] + [
        p for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file()]


def _found(path: Path, secrets: list[bytes], ignore: set[bytes]) -> list[tuple[str, bytes]]:
    return [(p.name, s) for p in _files(path) for s in secrets
            if s not in ignore and s in p.read_bytes()]


@pytest.fixture
def event(tmp_path: Path) -> tuple[Path, EventStore, list[bytes]]:
    path = tmp_path / "event.db"
    store, secrets = _day_at_the_desk(path)
    yield path, store, secrets
    store.close()


def _baseline(tmp_path: Path, secrets: list[bytes]) -> set[bytes]:
    empty = tmp_path / "empty" / "event.db"
    empty.parent.mkdir()
    store, _ = create_demo_event(empty, attendees=0)
    store.close()
    raw = empty.read_bytes() + (Path(f"{empty}-wal").read_bytes()
                                if Path(f"{empty}-wal").exists() else b"")
    return {s for s in secrets if s in raw}


def test_the_test_finds_personal_data_before_a_wipe(event, tmp_path: Path) -> None:
    path, _, secrets = event
    leaks = _found(path, secrets, _baseline(tmp_path, secrets))
    assert len({s for _, s in leaks}) > 50
    names = {name for name, _ in leaks}
    assert "kiosk-badge-1.pdf" in names and names & {"event.db", "event.db-wal"}
    assert any(name.startswith("event-2") for name, _ in leaks)  # the backup


def test_wipe_leaves_no_personal_string_in_any_file(event, tmp_path: Path) -> None:
    path, store, secrets = event
    before = figures_for(store)[0]
    plan = retention.plan(store)
    assert (plan.counts.attendees, plan.backups, plan.badge_files) == (61, 1, 1)
    retention.wipe_event(store)
    assert _found(path, secrets, _baseline(tmp_path, secrets)) == []
    assert not backup_folder(path).exists() and not badge_folder(path).exists()
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    # Only anonymous counts stay: the report's figures, the event and its workshops.
    assert store.conn.execute("SELECT count(*) FROM attendees").fetchone() == (0,)
    assert store.conn.execute("SELECT count(*) FROM attendee_search").fetchone() == (0,)
    figures, wiped = figures_for(store)
    assert wiped and figures == before and figures.checked_in > 20
    assert len(queries.list_sessions(store.conn)) == 4
    assert queries.get_event(store.conn).name == "Together Against Trafficking 2026"
    log = store.conn.execute("SELECT action, detail FROM retention_log").fetchall()
    assert log[-1][0] == "wipe" and "61 people" in log[-1][1]


def test_a_reopened_wiped_file_still_opens_and_rebuilds_empty(event) -> None:
    path, store, _ = event
    retention.wipe_event(store)
    store.close()
    again = EventStore.open(path)
    assert again.rebuild() >= 1
    assert again.conn.execute("SELECT count(*) FROM attendees").fetchone() == (0,)
    again.close()


def test_anonymise_keeps_rows_without_names_anywhere(event, tmp_path: Path) -> None:
    path, store, secrets = event
    people = {a.id: a for a in queries.list_attendees(store.conn, status="all")}
    checked_in = store.conn.execute(
        "SELECT id, checked_in_hlc FROM attendees WHERE checked_in_hlc IS NOT NULL").fetchall()
    retention.anonymise_event(store)
    assert _found(path, secrets, _baseline(tmp_path, secrets)) == []
    after = {a.id: a for a in queries.list_attendees(store.conn, status="all")}
    assert set(after) == set(people)
    for attendee_id, person in people.items():
        kept = after[attendee_id]
        assert (kept.first_name, kept.last_name, kept.email, kept.organisation,
                kept.desk_note, kept.access_needs, kept.external_barcode) == (
            "", "", "", "", "", "", "")
        assert (kept.category, kept.status, kept.sessions) == (
            person.category, person.status, person.sessions)
    assert store.conn.execute(
        "SELECT id, checked_in_hlc FROM attendees WHERE checked_in_hlc IS NOT NULL"
    ).fetchall() == checked_in
    # The log itself is clean, so a rebuild cannot bring the names back.
    store.rebuild()
    for (payload,) in store.conn.execute("SELECT payload FROM changes"):
        fields = json.loads(payload).get("fields", {})
        assert not {"first_name", "last_name", "email", "desk_note", "import_key"} & set(fields)
    assert queries.search_attendees(store.conn, "Walkinfirst") == []


def test_wipe_without_yes_refuses_when_nobody_can_answer(event, monkeypatch,
                                                         capsys) -> None:
    import argparse

    from kiosk.cli import after_event, common

    path, store, _ = event
    store.close()
    parser = argparse.ArgumentParser(prog="kiosk")
    after_event.register(parser.add_subparsers(), common.command)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    args = parser.parse_args(["wipe", str(path)])
    with pytest.raises(common.UserError, match="--yes"):
        args.handler(args)
    out = capsys.readouterr().out
    assert "61 people" in out and "1 backup(s)" in out and "1 badge PDF(s)" in out
    reopened = EventStore.open(path)
    assert reopened.conn.execute("SELECT count(*) FROM attendees").fetchone() == (61,)
    reopened.close()


def test_backups_roll_and_restore(tmp_path: Path) -> None:
    path = tmp_path / "event.db"
    store, _ = create_demo_event(path, attendees=10)
    first = take_backup(path)
    person = queries.list_attendees(store.conn)[0]
    Desk(store, "Desk 1").check_in(person.id)
    for _ in range(6):
        take_backup(path, keep=5)
    found = list_backups(path)
    assert [b.number for b in found] == [1, 2, 3, 4, 5]
    assert not first.exists()
    assert (found[0].attendees, found[0].checkins) == (10, 1)
    store.close()

    # A mistake after the snapshots: everyone is cancelled. Restore the newest backup.
    store = EventStore.open(path)
    store.conn.execute("DELETE FROM checkins")
    store.close()
    before = retention.restore_backup(path, 1).before
    assert before.exists()
    store = EventStore.open(path)
    assert store.conn.execute("SELECT count(*) FROM checkins").fetchone() == (1,)
    assert queries.get_attendee(store.conn, person.id).checked_in
    store.close()
    # The file as it was before the restore is itself a backup now.
    assert list_backups(path)[0].checkins == 0
    with pytest.raises(retention.BackupError, match="no backup number 9"):
        retention.restore_backup(path, 9)


def test_a_wipe_cut_short_and_run_again_says_what_it_removed(event, tmp_path: Path) -> None:
    """Another program reading the file stops the first press short of the backups; the
    second press finishes, and says how many people's data the wipe removed."""
    import sqlite3

    from kiosk.services.after_event import remove_personal_data

    path, store, secrets = event
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM attendees").fetchone()  # holds the log's old pages
    first = remove_personal_data(store, "", "WIPE", anonymise=False)
    assert not first.done and "Close that program" in first.message
    assert backup_folder(path).exists()  # the backup still holds everyone
    assert "removed 61 people from the file already" in "\n".join(retention.plan(store).lines())
    reader.close()
    second = remove_personal_data(store, "", "WIPE", anonymise=False)
    assert second.done and second.message.startswith(
        "Wiped: 61 people's personal data is gone from this event file, its backups and its "
        "badge PDFs.")
    assert second.removed is not None and second.removed.attendees == 61
    assert not backup_folder(path).exists()
    assert _found(path, secrets, _baseline(tmp_path, secrets)) == []
    # Finished: a later wipe (of people imported since) counts afresh.
    assert retention.plan(store).under_way is None
    again = remove_personal_data(store, "", "WIPE", anonymise=False)
    assert again.done and again.message.startswith("Wiped: the personal data is gone")
