"""The Desks and hub tab's hub on this computer (real HTTPS on loopback), desk copies and
USB bundles, driven through the real widgets."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from kiosk.cli import main as kiosk_main
from kiosk.services.desk import Desk
from kiosk.services.event_access import EventFile
from kiosk.services.event_setup import SIGNING_KEY
from kiosk.services.syncer import Syncer
from kiosk.services.venue_hub import port_problem
from kiosk.store import queries
from kiosk.store.event_store import EventStore
from kiosk.sync.enrolment import connect_desk
from kiosk.ui.console.desks_screen import DesksScreen
from tests.ui.conftest import dispose
from tests.ui.console.screens import read
from tests.unit.sync.hub_fixtures import Event, make_event

HOST = "127.0.0.1"


@pytest.fixture
def event(tmp_path: Path) -> Event:
    return make_event(tmp_path)


@pytest.fixture
def open_desks(qtbot):
    """``open(path)``: the Desks and hub tab on its own; shut down and disposed afterwards."""
    screens: list[DesksScreen] = []
    doors: list[EventFile] = []

    def opener(path: Path) -> DesksScreen:
        event = EventFile.open(path, threaded=True)
        doors.append(event)
        screen = DesksScreen(event)
        screens.append(screen)
        screen.resize(1280, 800)
        screen.show()
        screen.start()
        return screen

    yield opener
    while screens:
        screen = screens.pop()
        screen.shutdown()
        dispose(screen)
    while doors:
        doors.pop().close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def checked_in(path: Path) -> int:
    return read(path, lambda store: queries.attendance_counts(store.conn)[0])


def start_hub(qtbot, screen: DesksScreen, hub_db: Path, port: int) -> None:
    panel = screen.hub_panel
    panel.listen_host = HOST  # the venue network in use; loopback in tests
    panel.port.setValue(port)
    screen.hub_location.setText(str(hub_db))
    with qtbot.wait_signal(panel.hub_started, timeout=20_000):
        panel.start_button.click()


def test_a_desk_enrols_with_a_token_from_the_tab_and_its_check_in_reaches_the_event(
        qtbot, open_console, tmp_path: Path, event: Event) -> None:
    window = open_console(event.organiser)
    window.show_screen("desks")
    screen = window.desks
    panel = screen.hub_panel
    screen.hub_location.setText(str(tmp_path / "hub.db"))
    screen.make_token()  # before the hub has ever run, a token would lead nowhere
    qtbot.wait_until(lambda: screen.message.text().startswith("Start the hub first"),
                     timeout=10_000)
    assert screen.token.text() == ""
    port = free_port()
    start_hub(qtbot, screen, tmp_path / "hub.db", port)
    assert f"Desks connect to https://{HOST}:{port}" in panel.hub_status.text()
    assert "Certificate fingerprint" in panel.hub_status.text()
    assert "took in" in panel.hub_message.text()
    assert screen.hub_location.isReadOnly() and not screen.hub_browse.isEnabled()
    assert not panel.start_button.isEnabled()
    screen.desk_name.setText("Desk 7")
    with qtbot.wait_signal(screen.token_made, timeout=10_000) as made:
        screen.make_token()
    desk = EventStore.open(tmp_path / "desk7.db", create=True)
    connect_desk(desk, made.args[0])  # over HTTPS, pinned to the certificate shown
    syncer = Syncer(desk)
    syncer.sync_once()
    people = read(event.organiser, lambda store: queries.attendance_counts(store.conn)[1])
    assert queries.attendance_counts(desk.conn)[1] == people > 0
    before = checked_in(event.organiser)
    Desk(desk, "Desk 7").scan(event.codes[0])
    with qtbot.wait_signal(panel.desks_synced, timeout=20_000):
        assert syncer.sync_once().pushed == 1
    assert checked_in(event.organiser) == before + 1
    assert "Latest from the desks: 1 change" in panel.hub_status.text()
    syncer.close()
    desk.close()
    with qtbot.wait_signal(panel.hub_stopped, timeout=20_000):
        panel.stop_button.click()
    assert port_problem(HOST, port) is None
    assert panel.start_button.isEnabled() and not screen.hub_location.isReadOnly()
    assert screen.hub_browse.isEnabled()
    assert panel.hub_status.text() == "Not running on this computer."


def test_closing_the_window_stops_the_hub(qtbot, open_console, tmp_path: Path,
                                          event: Event) -> None:
    window = open_console(event.organiser)
    window.show_screen("desks")
    port = free_port()
    start_hub(qtbot, window.desks, tmp_path / "hub.db", port)
    venue = window.desks.hub_panel.venue
    assert venue.running and port_problem(HOST, port) is not None
    window.close()  # returns at once: the hub stops on a thread of its own
    assert venue.stopped.wait(30)
    assert not venue.running and port_problem(HOST, port) is None


def test_a_port_in_use_and_another_events_hub_are_refused_in_plain_words(
        qtbot, open_desks, tmp_path: Path, event: Event) -> None:
    screen = open_desks(event.organiser)
    panel = screen.hub_panel
    panel.listen_host = HOST
    screen.hub_location.setText(str(tmp_path / "hub.db"))
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        panel.port.setValue(taken.getsockname()[1])
        with qtbot.wait_signal(panel.refused, timeout=20_000) as refused:
            panel.start_button.click()
    assert "is already in use on this computer" in refused.args[0]
    assert panel.hub_message.text() == refused.args[0]
    assert panel.start_button.isEnabled() and not panel.venue.running
    (tmp_path / "other").mkdir()
    other = make_event(tmp_path / "other", attendees=3, seed=11)
    elsewhere = open_desks(other.organiser)
    start_hub(qtbot, elsewhere, tmp_path / "hub.db", free_port())  # the hub now holds it
    with qtbot.wait_signal(elsewhere.hub_panel.hub_stopped, timeout=20_000):
        elsewhere.hub_panel.stop_button.click()
    panel.port.setValue(free_port())
    with qtbot.wait_signal(panel.refused, timeout=20_000) as refused:
        panel.start_button.click()
    assert "holds another event" in refused.args[0]


def test_a_desk_copy_from_the_tab_checks_in_but_cannot_make_tickets(
        qtbot, open_desks, tmp_path: Path, event: Event, capsys) -> None:
    panel = open_desks(event.organiser).hub_panel
    target = tmp_path / "usb" / "desk3.db"
    target.parent.mkdir()
    panel.copy_path.setText(str(target))
    with qtbot.wait_signal(panel.copy_made, timeout=20_000):
        panel.copy_button.click()
    assert "cannot make tickets" in panel.copy_message.text()
    people = read(event.organiser, lambda store: queries.attendance_counts(store.conn)[1])
    assert read(target, lambda store: queries.attendance_counts(store.conn)[1]) == people > 0
    assert read(target, lambda store: store.secret(SIGNING_KEY)) is None
    assert kiosk_main(["checkin", str(target), event.codes[0], "--desk", "Desk 3"]) == 0
    assert checked_in(target) == 1
    assert kiosk_main(["tickets", str(target), "--out", str(tmp_path / "tickets")]) == 2
    assert "desk copy of the event" in capsys.readouterr().err
    with qtbot.wait_signal(panel.refused, timeout=20_000) as refused:
        panel.copy_button.click()
    assert "already exists" in refused.args[0] and checked_in(target) == 1


def test_a_desk_copys_bundle_imports_through_the_tab_and_a_tampered_one_is_refused(
        qtbot, open_desks, tmp_path: Path, event: Event) -> None:
    copy = tmp_path / "desk3.db"
    shutil.copy(event.package, copy)
    desk = EventStore.open(copy)
    Desk(desk, "Desk 3").scan(event.codes[2])
    desk.close()
    at_desk = open_desks(copy).hub_panel
    bundle = tmp_path / "desk3.bundle"
    at_desk.bundle_out.setText(str(bundle))
    with qtbot.wait_signal(at_desk.bundle_written, timeout=20_000):
        at_desk.export_button.click()
    assert "Wrote 1 change made here" in at_desk.bundle_message.text()
    panel = open_desks(event.organiser).hub_panel
    before = checked_in(event.organiser)
    panel.bundle_in.setText(str(bundle))
    panel.import_button.click()
    qtbot.wait_until(lambda: panel.trust_question is not None
                     and panel.trust_question.isVisible(), timeout=20_000)
    assert "has not met" in panel.trust_question.text()
    assert checked_in(event.organiser) == before  # nothing before the answer
    import_it = next(b for b in panel.trust_question.buttons() if b.text() == "Import it")
    with qtbot.wait_signal(panel.bundle_taken, timeout=20_000):
        import_it.click()
    assert checked_in(event.organiser) == before + 1
    assert panel.bundle_message.text() == "Imported desk3.bundle: 1 new of 1 change."
    outer = json.loads(bundle.read_bytes())
    outer["signature"] = "00" + outer["signature"][2:]
    tampered = tmp_path / "tampered.bundle"
    tampered.write_text(json.dumps(outer))
    asked = panel.trust_question
    panel.bundle_in.setText(str(tampered))
    with qtbot.wait_signal(panel.refused, timeout=20_000) as refused:
        panel.import_button.click()
    assert "altered or damaged" in refused.args[0]
    assert panel.bundle_message.text() == refused.args[0]
    assert panel.trust_question is asked and not asked.isVisible()  # not asked again
    assert checked_in(event.organiser) == before + 1


def test_cancelling_the_question_imports_nothing(qtbot, open_desks, tmp_path: Path,
                                                 event: Event) -> None:
    copy = tmp_path / "desk4.db"
    shutil.copy(event.package, copy)
    desk = EventStore.open(copy)
    Desk(desk, "Desk 4").scan(event.codes[3])
    desk.close()
    at_desk = open_desks(copy).hub_panel
    at_desk.bundle_out.setText(str(tmp_path / "desk4"))
    with qtbot.wait_signal(at_desk.bundle_written, timeout=20_000) as written:
        at_desk.export_button.click()
    assert written.args[0].path == tmp_path / "desk4.bundle"
    panel = open_desks(event.organiser).hub_panel
    changes = read(event.organiser, lambda store: store.change_count())
    panel.bundle_in.setText(str(tmp_path / "desk4.bundle"))
    panel.import_button.click()
    qtbot.wait_until(lambda: panel.trust_question is not None
                     and panel.trust_question.isVisible(), timeout=20_000)
    panel.trust_question.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.wait_until(lambda: not panel.trust_question.isVisible(), timeout=5_000)
    assert panel.ops.pending == 0
    assert read(event.organiser, lambda store: store.change_count()) == changes
