"""The first-run window: each way to an event file, driven by clicks, and what it opened."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from kiosk.app import run
from kiosk.services.event_files import recent_events, remember_event
from kiosk.services.event_setup import event_of
from kiosk.services.ticket_issuing import ticket_code
from kiosk.store import queries, sync_state
from kiosk.store.event_store import EventStore
from kiosk.ui.first_run import FirstRunWindow
from tests.ui.conftest import dispose
from tests.unit.sync.hub_fixtures import make_event, running_hub, sqlite_hub

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def first_run(qtbot, tmp_path):
    windows: list[FirstRunWindow] = []
    config = tmp_path / "config"

    def opener(**options) -> FirstRunWindow:
        window = FirstRunWindow(config, folder=tmp_path, demo_path=tmp_path / "demo.db",
                                **options)
        windows.append(window)
        window.show()
        return window

    opener.config = config
    yield opener
    while windows:
        dispose(windows.pop())


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def chosen_by(qtbot, window, button) -> Path:
    with qtbot.waitSignal(window.event_chosen, timeout=60_000) as blocker:
        click(qtbot, button)
    return Path(blocker.args[0])


def refused_by(qtbot, window, button) -> str:
    with qtbot.waitSignal(window.problem_shown, timeout=60_000) as blocker:
        click(qtbot, button)
    return blocker.args[0]


def test_the_last_event_opened_is_offered_first(qtbot, first_run, event_file, tmp_path):
    older = tmp_path / "older.db"
    EventStore.open(older, create=True).close()
    remember_event(older, first_run.config)
    remember_event(event_file["path"], first_run.config)
    window = first_run()
    assert window.last_button is not None and window.last_button.text() == "Open it"
    assert window.last_button.accessibleName() == "Open event.db"
    assert [window.others.item(i).text() for i in range(window.others.count())] == [
        str(older.resolve())]
    assert chosen_by(qtbot, window, window.last_button) == event_file["path"].resolve()
    assert recent_events(first_run.config)[0] == event_file["path"].resolve()


def test_no_last_event_on_a_new_computer(qtbot, first_run) -> None:
    window = first_run()
    assert window.last_button is None
    assert not window.others.isVisibleTo(window)


def test_open_an_event_file_through_the_file_dialog(qtbot, first_run, event_file) -> None:
    window = first_run()
    click(qtbot, window.open_button)
    dialog = window.findChild(QFileDialog)
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(window.event_chosen, timeout=10_000) as blocker:
        dialog.fileSelected.emit(str(event_file["path"]))
        dialog.close()
    assert Path(blocker.args[0]) == event_file["path"]
    assert recent_events(first_run.config) == [event_file["path"].resolve()]


def test_a_file_that_is_not_an_event_is_said_plainly(qtbot, first_run, tmp_path) -> None:
    window = first_run()
    notes = tmp_path / "notes.db"
    notes.write_text("these are my notes, not an event")
    with qtbot.waitSignal(window.problem_shown, timeout=10_000):
        window.open_file(notes)
    assert window.home_message.text().startswith("⚠ ")
    assert "notes.db" in window.home_message.text()
    assert notes.read_text() == "these are my notes, not an event"  # untouched
    with qtbot.waitSignal(window.problem_shown, timeout=10_000):
        window.open_file(tmp_path / "moved.db")
    assert window.home_message.text() == (
        f"⚠ There is no event file at {tmp_path / 'moved.db'}. It may have been moved or "
        "renamed; choose it again.")
    assert window.open_button.isEnabled()
    assert recent_events(first_run.config) == []


def test_create_a_new_event_then_it_can_make_tickets(qtbot, first_run, tmp_path) -> None:
    window = first_run()
    click(qtbot, window.create_button)
    assert window.pages.currentIndex() == 1
    qtbot.keyClicks(window.new_name, "Freedom Network Conference")
    assert window.new_location.text() == str(tmp_path / "freedom-network-conference.db")
    qtbot.keyClicks(window.new_date, "18 October")
    problem = refused_by(qtbot, window, window.create_event_button)
    assert problem == "Write the date as year-month-day, like 2026-11-28 (not “18 October”)."
    assert window.create_message.text() == "⚠ " + problem
    assert not (tmp_path / "freedom-network-conference.db").exists()
    window.new_date.clear()
    qtbot.keyClicks(window.new_date, "2026-10-18")
    qtbot.keyClicks(window.new_venue, "Leeds Civic Hall")
    path = chosen_by(qtbot, window, window.create_event_button)
    assert path == tmp_path / "freedom-network-conference.db"
    store = EventStore.open(path)
    try:
        event = event_of(store)
        assert (event.name, event.date, event.venue) == (
            "Freedom Network Conference", "2026-10-18", "Leeds Civic Hall")
        assert queries.list_attendees(store.conn) == []  # registrations come next
        assert store.setting("role") == "organiser"
    finally:
        store.close()
    assert recent_events(first_run.config) == [path.resolve()]


def test_an_existing_file_is_never_overwritten(qtbot, first_run, event_file) -> None:
    window = first_run()
    click(qtbot, window.create_button)
    qtbot.keyClicks(window.new_name, "Another event")
    window.new_location.setText(str(event_file["path"]))
    problem = refused_by(qtbot, window, window.create_event_button)
    assert problem == (f"{event_file['path']} already exists. Choose another file name "
                       "(nothing was changed).")
    store = EventStore.open(event_file["path"])
    assert event_of(store).name == "Together Against Trafficking 2026"
    store.close()


def test_try_the_demo_event(qtbot, first_run, tmp_path) -> None:
    window = first_run()
    path = chosen_by(qtbot, window, window.demo_button)
    assert path == tmp_path / "demo.db"
    store = EventStore.open(path)
    try:
        assert event_of(store).name == "Together Against Trafficking 2026"
        assert len(queries.list_attendees(store.conn)) > 100
        person = queries.list_attendees(store.conn)[0]
        assert ticket_code(store, person)
    finally:
        store.close()


def test_connect_to_a_hub_enrols_a_new_desk_that_has_the_registrations(
        qtbot, first_run, tmp_path) -> None:
    from kiosk.store.hub_records import DeviceRole, EnrolGrant
    from kiosk.sync.enrolment import issue_token

    event = make_event(tmp_path)
    hub = sqlite_hub(tmp_path)
    with running_hub(hub, event) as server:
        window = first_run()
        click(qtbot, window.connect_button)
        assert window.pages.currentIndex() == 2
        window.desk_location.setText(str(tmp_path / "front-desk"))
        qtbot.keyClicks(window.token, "not a token")
        problem = refused_by(qtbot, window, window.enrol_button)
        assert problem.startswith("That is not an enrolment token: it starts with “kiosk:”.")
        assert not (tmp_path / "front-desk.db").exists()
        token = issue_token(hub, EnrolGrant("Front desk", DeviceRole.DESK), server.address)
        window.token.setText(token.text())
        path = chosen_by(qtbot, window, window.enrol_button)
        # The same token again: spent, and no half-made file is left behind.
        window.desk_location.setText(str(tmp_path / "second.db"))
        assert refused_by(qtbot, window, window.enrol_button)
        assert not (tmp_path / "second.db").exists()
    assert path == tmp_path / "front-desk.db"
    store = EventStore.open(path)
    try:
        assert sync_state.hub_link(store).desk_name == "Front desk"
        assert store.setting("role") == "desk"
        assert len(queries.list_attendees(store.conn)) == len(event.codes)
    finally:
        store.close()


def test_first_run_screenshot_and_an_event_file_still_opens_the_desk(tmp_path, event_file,
                                                                      monkeypatch):
    shot = tmp_path / "first-run.png"
    monkeypatch.setenv("KIOSK_CONFIG_DIR", str(tmp_path / "config"))
    assert run(["--first-run", "--screenshot", str(shot)]) == 0
    image = QImage(str(shot))
    assert image.width() >= 900 and image.height() >= 600
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_SILENT": "1",
           "KIOSK_CONFIG_DIR": str(tmp_path / "config")}
    started = subprocess.run([sys.executable, str(ROOT / "main.py"), str(event_file["path"]),
                              "--exit-when-ready"], env=env, capture_output=True, text=True,
                             timeout=120, check=False)
    assert started.returncode == 0 and "READY" in started.stdout
