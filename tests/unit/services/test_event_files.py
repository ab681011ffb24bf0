"""Which event file to open: the list of files opened before, and new event files."""

from __future__ import annotations

from pathlib import Path

from kiosk.services import event_files
from kiosk.services.event_setup import event_of
from kiosk.store.event_store import EventStore


def _file(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(b"")
    return path


def test_the_last_opened_comes_first_once_and_moved_files_drop_out(tmp_path) -> None:
    config = tmp_path / "config"
    a, b = _file(tmp_path, "a.db"), _file(tmp_path, "b.db")
    event_files.remember_event(a, config)
    event_files.remember_event(b, config)
    event_files.remember_event(a, config)
    assert event_files.recent_events(config) == [a.resolve(), b.resolve()]
    b.unlink()
    assert event_files.recent_events(config) == [a.resolve()]


def test_the_list_keeps_the_last_eight(tmp_path) -> None:
    config = tmp_path / "config"
    paths = [_file(tmp_path, f"e{i}.db") for i in range(10)]
    for path in paths:
        event_files.remember_event(path, config)
    assert event_files.recent_events(config) == [p.resolve() for p in reversed(paths[2:])]


def test_a_damaged_list_is_started_afresh(tmp_path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "recent-events.json").write_text("{not json")
    assert event_files.recent_events(config) == []
    a = _file(tmp_path, "a.db")
    event_files.remember_event(a, config)
    assert event_files.recent_events(config) == [a.resolve()]


def test_a_new_event_gets_a_db_name_and_never_replaces_a_file(tmp_path) -> None:
    opened = event_files.new_event("Freedom Day", "", "Leeds", str(tmp_path / "freedom"))
    assert opened.path == tmp_path / "freedom.db"
    store = EventStore.open(opened.path)
    assert event_of(store).venue == "Leeds"
    store.close()
    again = event_files.new_event("Other", "", "", str(tmp_path / "freedom.db"))
    assert again.path is None and again.problem.endswith("(nothing was changed).")
    nowhere = event_files.new_event("Other", "", "", str(tmp_path / "no" / "such" / "x.db"))
    assert nowhere.problem == (f"The folder {tmp_path / 'no' / 'such'} does not exist. "
                               "Choose another place.")
    assert event_files.new_event("", "", "", str(tmp_path / "y.db")).problem.startswith(
        "Give the event a name")


def test_an_empty_database_is_not_an_event(tmp_path) -> None:
    empty = tmp_path / "empty.db"
    EventStore.open(empty, create=True).close()
    checked = event_files.check_event_file(empty)
    assert checked.path is None
    assert checked.problem == ("empty.db has no event in it. Choose the event file the "
                               "organisers gave you, or create a new event.")
