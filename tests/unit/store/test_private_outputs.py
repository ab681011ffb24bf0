"""Files the kiosk writes: private to this user, never over an event file, whole or not at
all — tried through the commands an organiser runs, with the usual umask (022)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main as kiosk
from kiosk.services.demo import create_demo_event
from kiosk.store import queries


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """A person's session: new files would be readable by everyone unless the app says so."""
    before = os.umask(0o022)
    yield
    os.umask(before)


@pytest.fixture
def event(tmp_path: Path) -> Path:
    path = tmp_path / "conference.db"
    store, _ = create_demo_event(path, attendees=20, seed=2)
    store.close()
    return path


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _someone(event: Path) -> str:
    from kiosk.store.event_store import EventStore

    store = EventStore.open(event)
    try:
        return queries.list_attendees(store.conn)[0].id
    finally:
        store.close()


def test_every_file_with_personal_data_is_this_users_only(event: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    person = _someone(event)
    assert kiosk(["backups", str(event), "--take"]) == 0
    assert kiosk(["package", str(event), "--out", str(out / "desk.db")]) == 0
    assert kiosk(["badges", str(event), "--layout", "cr80", "--out", str(out / "b.pdf")]) == 0
    assert kiosk(["badge-preview", str(event), person, "--layout", "cr80", "--out",
                  str(out / "one.png")]) == 0
    assert kiosk(["tickets", str(event), "--out", str(out / "tickets")]) == 0
    assert kiosk(["export", str(event), "--out", str(out / "people.xlsx")]) == 0
    assert kiosk(["export", str(event), "--out", str(out / "people.csv")]) == 0
    assert kiosk(["report", str(event), "--out", str(out / "report.pdf")]) == 0
    assert kiosk(["bundle", "export", str(event), "--out", str(out / "changes.bundle")]) == 0
    assert kiosk(["print", str(event), person, "--printer", "pdf-folder", "--layout",
                  "cr80"]) == 0
    files = [event, Path(f"{event}-wal"), *(event.parent / "conference-backups").iterdir(),
             out / "desk.db", out / "b.pdf", out / "one.png", out / "people.xlsx",
             out / "people.csv", out / "report.pdf", out / "changes.bundle",
             *(out / "tickets").iterdir(), *(event.parent / "conference-badges").iterdir()]
    assert (out / "tickets" / "mail-merge.csv") in files
    assert {str(f.relative_to(tmp_path)): oct(_mode(f)) for f in files if f.exists()} == {
        str(f.relative_to(tmp_path)): oct(0o600) for f in files if f.exists()}
    assert len([f for f in files if f.exists()]) >= 14
    for folder in (event.parent / "conference-backups", out / "tickets",
                   event.parent / "conference-badges"):
        assert _mode(folder) == 0o700, folder


def test_an_event_file_made_by_an_older_version_is_tightened_when_opened(
        event: Path) -> None:
    os.chmod(event, 0o644)
    assert kiosk(["attendees", str(event)]) == 0
    assert _mode(event) == 0o600


@pytest.mark.parametrize("command", [
    ["badges", "{event}", "--layout", "cr80", "--out", "{target}"],
    ["badge-preview", "{event}", "{person}", "--layout", "cr80", "--out", "{target}"],
    ["export", "{event}", "--out", "{target}"],
    ["report", "{event}", "--out", "{target}"],
    ["package", "{event}", "--out", "{target}"],
    ["bundle", "export", "{event}", "--out", "{target}"],
])
@pytest.mark.parametrize("target", ["event", "wal", "backup", "other_event"])
def test_no_output_is_ever_written_over_an_event_file_its_log_or_a_backup(
        event: Path, tmp_path: Path, capsys, command: list[str], target: str) -> None:
    assert kiosk(["backups", str(event), "--take"]) == 0
    other, _ = create_demo_event(tmp_path / "other.db", attendees=3, seed=9)
    other.close()
    paths = {"event": event, "wal": Path(f"{event}-wal"),
             "backup": next((event.parent / "conference-backups").iterdir()),
             "other_event": tmp_path / "other.db"}
    victim = paths[target]
    if not victim.exists():
        victim.write_bytes(b"")
    before = victim.read_bytes()
    capsys.readouterr()
    argv = [part.format(event=event, target=victim, person=_someone(event)) for part in command]
    assert kiosk(argv) == 2
    said = capsys.readouterr().err
    assert "was not written over" in said or "can only be written to" in said, said
    if target != "wal":  # SQLite itself removes the log when the last connection closes
        assert victim.read_bytes() == before
    assert kiosk(["attendees", str(event)]) == 0  # the event file still opens


@pytest.mark.parametrize(("command", "wanted"), [
    (["badges", "{event}", "--layout", "cr80", "--out", "{folder}/badges.png"], ".pdf"),
    (["badge-preview", "{event}", "{person}", "--layout", "cr80", "--out",
      "{folder}/badge.pdf"], ".png"),
    (["report", "{event}", "--out", "{folder}/report.xlsx"], ".pdf"),
    (["export", "{event}", "--out", "{folder}/people.pdf"], ".csv or .xlsx"),
])
def test_a_file_name_that_does_not_fit_the_output_is_refused(
        event: Path, tmp_path: Path, capsys, command: list[str], wanted: str) -> None:
    argv = [part.format(event=event, folder=tmp_path, person=_someone(event))
            for part in command]
    assert kiosk(argv) == 2
    assert f"can only be written to a file ending in {wanted}" in capsys.readouterr().err
    assert not Path(argv[argv.index("--out") + 1]).exists()


def test_an_output_interrupted_half_way_leaves_the_old_file_whole(
        event: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kiosk.services.badge_printing as badge_printing

    target = tmp_path / "badges.pdf"
    assert kiosk(["badges", str(event), "--layout", "cr80", "--out", str(target)]) == 0
    good = target.read_bytes()

    def dies_half_way(layout, badges, out):  # a kill, a full disk: half a PDF, then nothing
        out.write(good[: len(good) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(badge_printing, "render_badges", dies_half_way)
    assert kiosk(["badges", str(event), "--layout", "cr80", "--out", str(target)]) == 7  # full
    assert target.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".part")) == []


def test_a_killed_backups_leftovers_are_removed_at_the_next_start_and_by_wipe(
        event: Path) -> None:
    from kiosk.services.desk_session import DeskSession

    assert kiosk(["backups", str(event), "--take"]) == 0
    folder = event.parent / "conference-backups"
    for name in ("conference-20261128-101010-000001.part",
                 "conference-20261128-101010-000001.part-journal"):
        (folder / name).write_bytes(b"SQLite format 3\x00 Zofia")
    session = DeskSession.open(event, threaded=False)
    session.close(backup=False)
    assert sorted(p.suffix for p in folder.iterdir()) == [".db"]
    (folder / "again.part").write_bytes(b"Zofia")
    assert kiosk(["wipe", str(event), "--yes"]) == 0
    assert not folder.exists()


@pytest.mark.parametrize("command", [
    ["import", "{desk}", "{csv}"],
    ["sessions", "{desk}", "--add", "Late room"],
    ["checkpoints", "{desk}", "--add", "Side door"],
    ["package", "{desk}", "--out", "{folder}/another.db"],
])
def test_an_organisers_command_on_a_desk_copy_is_refused_with_where_to_run_it(
        event: Path, tmp_path: Path, capsys, command: list[str]) -> None:
    desk = tmp_path / "desk.db"
    assert kiosk(["package", str(event), "--out", str(desk)]) == 0
    source = tmp_path / "late.csv"
    source.write_text("First Name,Last Name,Email\nAmani,Tesfay,a@example.org\n")
    from kiosk.store.event_store import EventStore

    def log_length() -> int:
        store = EventStore.open(desk)
        try:
            return store.change_count()
        finally:
            store.close()

    before = log_length()
    argv = [part.format(desk=desk, csv=source, folder=tmp_path) for part in command]
    capsys.readouterr()
    assert kiosk(argv) == 2
    said = capsys.readouterr().err
    assert "is a desk's copy of the event" in said and "on the organisers' copy" in said
    assert log_length() == before  # nothing recorded that a hub would take from a desk
    assert not (tmp_path / "another.db").exists()
    assert kiosk(["sessions", str(desk)]) == 0  # looking is fine


def test_a_package_interrupted_part_way_leaves_no_copy_holding_the_key(
        event: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kill or a fault after the copy is written but before the secrets are out of it:
    nothing at the target, no leftover, and the signing key never on the disk in a copy."""
    import sqlite3
    from types import SimpleNamespace

    import kiosk.store.event_store as event_store
    from kiosk.services.event_setup import SIGNING_KEY
    from kiosk.store.event_store import EventStore

    store = EventStore.open(event)
    key = store.secret(SIGNING_KEY)
    store.close()
    assert key
    on_disk: list[bytes] = []

    def connect(database: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        if database != ":memory:":  # the copy, once written: it is killed here
            on_disk.append(Path(str(database)).read_bytes())
            raise KeyboardInterrupt
        return sqlite3.connect(database, *args, **kwargs)  # type: ignore[arg-type]

    shim = SimpleNamespace(**{name: getattr(sqlite3, name) for name in dir(sqlite3)
                              if not name.startswith("__")})
    shim.connect = connect
    monkeypatch.setattr(event_store, "sqlite3", shim)
    target = tmp_path / "desk.db"
    before = sorted(p.name for p in tmp_path.iterdir())
    assert kiosk(["package", str(event), "--out", str(target)]) != 0  # interrupted
    assert on_disk and all(key not in copy for copy in on_disk)
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no leftover
    monkeypatch.undo()
    assert kiosk(["package", str(event), "--out", str(target)]) == 0
    assert key not in target.read_bytes() and _mode(target) == 0o600


def test_a_bundle_is_written_only_to_a_file_ending_in_bundle(
        event: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "desk2.txt"
    assert kiosk(["bundle", "export", str(event), "--out", str(out)]) == 2
    said = capsys.readouterr().err
    assert "can only be written to a file ending in .bundle (for example desk2.bundle)" in said
    assert not out.exists()
    assert kiosk(["bundle", "export", str(event), "--out", str(tmp_path / "d.bundle")]) == 0


@pytest.mark.parametrize("out", ["event", "other"])
def test_tickets_out_to_a_file_says_it_takes_a_folder(
        event: Path, tmp_path: Path, capsys, out: str) -> None:
    target = event if out == "event" else tmp_path / "tickets.txt"
    if out == "other":
        target.write_text("notes")
    before = target.read_bytes()
    assert kiosk(["tickets", str(event), "--out", str(target)]) == 2
    said = capsys.readouterr().err
    assert "the tickets go into a folder" in said and "Errno" not in said, said
    what = "is the event file" if out == "event" else "is a file"
    assert f"{target.name} {what}" in said, said
    assert target.read_bytes() == before


def test_the_hub_database_is_this_users_only(event: Path, tmp_path: Path) -> None:
    """hub.db holds every attendee, the hub's signing key and its TLS key."""
    from kiosk.store.hub_log import SqliteHubLog

    hub_db = tmp_path / "hub.db"
    assert kiosk(["hub-import", "--db", str(hub_db), str(event)]) == 0
    assert _mode(hub_db) == 0o600
    hub = SqliteHubLog(hub_db)  # open, as `kiosk hub` keeps it: its log files are there
    try:
        hub.set_setting("probe", "1")
        parts = [hub_db, Path(f"{hub_db}-wal"), Path(f"{hub_db}-shm")]
        assert {p.name: oct(_mode(p)) for p in parts} == {p.name: oct(0o600) for p in parts}
    finally:
        hub.close()


def test_a_hub_database_made_by_an_older_version_is_tightened_when_opened(
        event: Path, tmp_path: Path) -> None:
    hub_db = tmp_path / "hub.db"
    assert kiosk(["hub-import", "--db", str(hub_db), str(event)]) == 0
    os.chmod(hub_db, 0o644)
    assert kiosk(["hub-devices", "--db", str(hub_db)]) == 0
    assert _mode(hub_db) == 0o600


def test_sqlite_keeps_its_scratch_of_peoples_rows_in_memory_never_in_a_temporary_file(
    event: Path,
) -> None:
    """A savepoint's undo pages and a large sort go to a temporary file by default, in the
    system's temporary folder, outside anything wipe reaches: the writer's and the readers'
    connections keep them in memory (PRAGMA temp_store = 2, MEMORY)."""
    from kiosk.store.event_file import EventFile

    door = EventFile.open(event, threaded=True)
    try:
        writer = door.write(lambda store: store.conn.execute("PRAGMA temp_store").fetchone()[0],
                            atomic=False)
        reader = door.read(lambda view: view.conn.execute("PRAGMA temp_store").fetchone()[0])
    finally:
        door.close()
    assert (writer, reader) == (2, 2)
