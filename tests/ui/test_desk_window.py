"""The staffed desk driven as a volunteer would: scans, search, walk-ins, undo, the PIN."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk.core.checkin_rules import Outcome
from kiosk.ui.desk_handle import DeskHandle
from kiosk.ui.desk_window import DeskWindow
from kiosk.ui.dialogs import PinDialog, WalkInDialog
from kiosk.ui.theme import DEFAULT
from tests.ticket_types import SURVIVORS
from tests.ui.conftest import dispose

_open_windows: list[DeskWindow] = []


@pytest.fixture(autouse=True)
def _close_windows():
    yield
    while _open_windows:
        dispose(_open_windows.pop())


def open_desk(qtbot, path, mode=None) -> DeskWindow:
    client = DeskHandle(str(path), mode=mode)
    window = DeskWindow(client)
    _open_windows.append(window)
    with qtbot.wait_signal(window.ready, timeout=10_000):
        client.open()
    window.show()
    return window


def scan(qtbot, window: DeskWindow, code: str):
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as blocker:
        window.on_scanned(code)
    return blocker.args[0]


def visible_actions(window: DeskWindow) -> set[str]:
    return {key for key, button in window.result.buttons.items() if button.isVisibleTo(window)}


def background(window: DeskWindow) -> str:
    return window.result.styleSheet()


def test_valid_ticket_shows_green_with_name_and_actions(qtbot, event_file) -> None:
    window = open_desk(qtbot, event_file["path"])
    person = event_file["active"][0]
    result = scan(qtbot, window, event_file["codes"][person.id])
    assert result.outcome is Outcome.OK
    assert window.result.headline.text() == "Checked in"
    assert window.result.icon.text() == "✔"
    assert window.result.name.text() == person.display_name
    assert DEFAULT.tones[result.tone].background in background(window)
    # Found on main: after the auto-print the green screen still offered "Print badge",
    # which then asked why a second badge was needed.
    assert visible_actions(window) == {"reprint", "undo", "edit"}
    assert window.result.buttons["reprint"].text() == "Reprint…"
    qtbot.wait_until(lambda: window.counts_label.text().startswith("1 of"))
    assert window.search.box.hasFocus() or QApplication.focusWidget() is window.search.box


def test_already_forged_cancelled_show_their_colour_words_and_actions(
    qtbot, event_file
) -> None:
    window = open_desk(qtbot, event_file["path"])
    person = event_file["active"][1]
    code = event_file["codes"][person.id]
    scan(qtbot, window, code)
    # The same code, much later.
    window.desk.session.event.write(lambda store: setattr(store, "wall", lambda: 10**13))
    already = scan(qtbot, window, code)
    assert already.outcome is Outcome.ALREADY
    assert window.result.headline.text() == "Already checked in"
    assert window.result.icon.text() == "!"
    assert "Already checked in at" in window.result.message.text()
    assert DEFAULT.tones[already.tone].background in background(window)
    assert visible_actions(window) == {"reprint", "edit"}
    forged = scan(qtbot, window, code[:-3] + ("AAA" if code[-3:] != "AAA" else "BBB"))
    assert forged.outcome is Outcome.FORGED
    assert window.result.headline.text() == "Code not valid"
    assert window.result.icon.text() == "✖"
    assert not window.result.name.isVisibleTo(window)
    assert visible_actions(window) == {"search"}
    cancelled = scan(qtbot, window, event_file["codes"][event_file["cancelled"].id])
    assert cancelled.outcome is Outcome.CANCELLED
    assert window.result.headline.text() == "Registration cancelled"
    assert visible_actions(window) == set()


def test_workshop_door_not_booked_then_supervisor_override(qtbot, event_file) -> None:
    window = open_desk(qtbot, event_file["path"], mode="door")
    assert event_file["session"].name in window.desk_label.text()
    person = event_file["unbooked"]
    result = scan(qtbot, window, event_file["codes"][person.id])
    assert result.outcome is Outcome.NOT_BOOKED
    assert window.result.headline.text() == "Not booked"
    assert visible_actions(window) == {"override"}

    def answer(pin: str) -> None:
        window.on_action_chosen("override")
        dialog = window.findChildren(PinDialog)[-1]
        assert dialog.isVisible()
        dialog.pin.setText(pin)
        dialog.reason_field.setText("spare seat")
        dialog._accept_if_valid()

    answer("0000")  # wrong PIN: nobody is checked in
    qtbot.wait_until(lambda: "PIN is not right" in window.fault_label.text(), timeout=10_000)
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as blocker:
        answer("2468")
    assert blocker.args[0].outcome is Outcome.OK
    assert "spare seat" in window.result.message.text()


def test_search_and_check_in_with_the_keyboard_only(qtbot, event_file) -> None:
    window = open_desk(qtbot, event_file["path"])
    person = event_file["active"][2]
    window.search.box.setFocus()
    qtbot.keyClicks(window.search.box, person.last_name[:4])
    qtbot.wait_until(lambda: window.search.results.count() > 0, timeout=10_000)
    rows = [window.search.results.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(window.search.results.count())]
    assert person.id in rows
    # With several found, nothing is chosen until ↓ chooses the first row.
    for _ in range(rows.index(person.id) + (1 if len(rows) > 1 else 0)):
        qtbot.keyClick(window.search.box, Qt.Key.Key_Down)
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as blocker:
        qtbot.keyClick(window.search.box, Qt.Key.Key_Return)
    assert blocker.args[0].attendee.id == person.id
    assert window.search.box.text() == ""


def test_walk_in_then_undo(qtbot, event_file) -> None:
    window = open_desk(qtbot, event_file["path"])

    window.on_walkin_requested()
    dialog = window.findChildren(WalkInDialog)[-1]
    dialog._accept_if_valid()  # nothing typed: refused with a reason
    assert dialog.isVisible() and "first name" in dialog.error.text()
    dialog.first.setText("Amani")
    dialog.last.setText("Tesfay")
    dialog.category.setCurrentText("press")
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as blocker:
        dialog._accept_if_valid()
    result = blocker.args[0]
    assert result.outcome is Outcome.OK and result.code.startswith("W1")
    assert window.result.name.text() == "Amani Tesfay"
    window.on_action_chosen("undo")
    qtbot.wait_until(lambda: "no longer checked in" in window.result.message.text(),
                     timeout=10_000)
    assert "Amani Tesfay" in window.result.message.text()


class _Clock:
    def __init__(self) -> None:
        self.now = 50_000.0

    def __call__(self) -> float:
        return self.now


def test_a_scanner_burst_in_the_search_box_checks_in_and_types_nothing(
    qtbot, event_file
) -> None:
    from kiosk.ui.scanner_filter import ScannerFilter

    clock = _Clock()
    client = DeskHandle(str(event_file["path"]))
    window = DeskWindow(client, scanner=ScannerFilter(clock=clock))
    _open_windows.append(window)
    with qtbot.wait_signal(window.ready, timeout=10_000):
        client.open()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.search.box.setFocus()
    qtbot.wait_until(lambda: QApplication.focusWidget() is window.search.box)
    person = event_file["active"][5]
    code = event_file["codes"][person.id]
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as blocker:
        for character in code:
            clock.now += 4
            qtbot.keyClick(window.search.box, character)
        clock.now += 4
        qtbot.keyClick(window.search.box, Qt.Key.Key_Return)
    assert blocker.args[0].attendee.id == person.id
    assert window.search.box.text() == ""
    # A person typing slowly into the same box is not a scan.
    for character in "Smi":
        clock.now += 200
        qtbot.keyClick(window.search.box, character)
    clock.now += 1000
    qtbot.wait_until(lambda: window.search.box.text() == "Smi", timeout=5_000)


def test_settings_need_the_pin_on_a_locked_desk(qtbot, event_file) -> None:
    from kiosk.ui.settings_dialog import SettingsDialog

    window = open_desk(qtbot, event_file["path"])
    assert window.locked  # the event file has a supervisor PIN
    window.on_settings_requested()
    assert window.findChildren(SettingsDialog) == []
    pin = window.findChildren(PinDialog)[-1]
    pin.pin.setText("2468")
    pin._accept_if_valid()
    qtbot.wait_until(lambda: len(window.findChildren(SettingsDialog)) == 1, timeout=10_000)
    settings = window.findChildren(SettingsDialog)[0]
    settings.high_contrast.setChecked(True)
    settings.desk_name.setText("Desk 7")
    settings._accept_if_valid()
    qtbot.wait_until(lambda: window.result.headline.text() == "Settings saved", timeout=10_000)
    assert window.opened.settings["desk_name"] == "Desk 7"
    assert "#000000" in window.result.styleSheet()  # the high-contrast idle background


def test_a_check_in_prints_a_badge_and_a_reprint_needs_a_reason(qtbot, event_file) -> None:
    from kiosk.services.print_service import badge_folder
    from kiosk.ui.dialogs import ReasonDialog

    window = open_desk(qtbot, event_file["path"])
    person = event_file["active"][6]
    scan(qtbot, window, event_file["codes"][person.id])
    # The PDF folder prints nothing on paper, and the status line says so.
    qtbot.wait_until(lambda: "badge saved as a PDF, not printed" in window.printer_label.text(),
                     timeout=20_000)
    folder = badge_folder(event_file["path"])
    assert len(list(folder.glob("*.pdf"))) == 1
    # Scanned again later: "already", and a reprint asks why before printing.
    window.desk.session.event.write(lambda store: setattr(store, "wall", lambda: 10**13))
    scan(qtbot, window, event_file["codes"][person.id])
    window.on_action_chosen("reprint")
    assert window.findChildren(ReasonDialog) == []  # a locked desk asks for the PIN first
    pin = window.findChildren(PinDialog)[-1]
    pin.pin.setText("2468")
    pin._accept_if_valid()
    qtbot.wait_until(lambda: len(window.findChildren(ReasonDialog)) == 1, timeout=10_000)
    dialog = window.findChildren(ReasonDialog)[-1]
    dialog._accept_if_valid()
    assert dialog.isVisible() and "why" in dialog.error.text()
    dialog.reason_field.setText("lost it")
    dialog._accept_if_valid()
    qtbot.wait_until(lambda: len(list(folder.glob("*.pdf"))) == 2, timeout=20_000)


def test_the_camera_button_shows_the_preview_and_a_code_it_sees_checks_in(
    qtbot, event_file
) -> None:
    window = open_desk(qtbot, event_file["path"])
    window.camera_button.setChecked(True)
    assert window.camera_view is not None and window.camera_view.isVisible()
    person = event_file["active"][7]
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as blocker:
        window.camera_view._camera.code_seen.emit(event_file["codes"][person.id])
    assert blocker.args[0].attendee.id == person.id
    window.camera_button.setChecked(False)
    assert not window.camera_view.isVisible()


def test_the_organise_console_opens_behind_the_pin(qtbot, event_file) -> None:
    window = open_desk(qtbot, event_file["path"])
    window.on_organise_requested()
    assert window.organise_window is None  # the desk is locked: the PIN first
    pin = window.findChildren(PinDialog)[-1]
    pin.pin.setText("2468")
    pin._accept_if_valid()
    qtbot.wait_until(lambda: window.organise_window is not None, timeout=10_000)
    assert window.organise_window.isVisible()
    # A scan while the console is in front types nothing there and checks in nobody.
    window.organise_window.activateWindow()
    qtbot.wait_until(lambda: QApplication.activeWindow() is window.organise_window,
                     timeout=5_000)
    with qtbot.assert_not_emitted(window.result_shown, wait=300):
        window.scanner.scan_timed.emit(event_file["codes"][event_file["active"][0].id], None)
    assert "nobody was checked in" in window.organise_window.statusBar().currentMessage()
    first = window.organise_window
    first.close()
    assert window.scanner.is_enabled()
    # Opened again (the PIN again), it is a working console, not the closed one.
    window.on_organise_requested()
    pin = window.findChildren(PinDialog)[-1]
    pin.pin.setText("2468")
    pin._accept_if_valid()
    qtbot.wait_until(lambda: window.organise_window is not None, timeout=10_000)
    again = window.organise_window
    assert again is not first
    with qtbot.wait_signal(again.screen_ready, timeout=10_000,
                           check_params_cb=lambda key: key == "dashboard"):
        again.show_screen("dashboard")
    assert again.dashboard.overall_label.text().endswith("checked in")
    again.close()


def test_a_repeat_read_within_a_second_is_not_a_second_check_in(qtbot, event_file) -> None:
    window = open_desk(qtbot, event_file["path"])
    person = event_file["active"][8]
    code = event_file["codes"][person.id]
    first = scan(qtbot, window, code)
    second = scan(qtbot, window, code)  # the scanner fired twice
    assert first.outcome is Outcome.OK and second.outcome is Outcome.REPEAT
    assert window.result.headline.text() == "Checked in"
    count = window.desk.session.event.read(lambda r: r.conn.execute(
        "SELECT count(*) FROM checkins WHERE attendee_id = ?", (person.id,)).fetchone()[0])
    assert count == 1


def test_a_desk_whose_checkpoint_was_removed_opens_at_the_main_desk_and_says_why(
        qtbot, event_file) -> None:
    from kiosk.services import event_settings
    from kiosk.services.desk_settings import DeskSettings
    from kiosk.store.event_store import EventStore

    store = EventStore.open(event_file["path"])
    DeskSettings(store)["checkpoint"] = "door"
    assert event_settings.remove_checkpoint(store, "door").saved  # by the organisers, synced
    store.close()
    window = open_desk(qtbot, event_file["path"])
    assert "Main desk" in window.desk_label.text()
    assert window.fault_label.isVisibleTo(window)
    assert "set to, “Door”, is no longer in the event" in window.fault_label.text()
    person = event_file["active"][0]
    assert scan(qtbot, window, event_file["codes"][person.id]).outcome is Outcome.OK


def test_a_running_door_desk_whose_checkpoint_is_removed_carries_on_at_the_main_desk(
        qtbot, event_file) -> None:
    from kiosk.services import event_settings
    from kiosk.store.event_file import EventFile

    window = open_desk(qtbot, event_file["path"], mode="door")
    assert event_file["session"].name in window.desk_label.text()
    # The removal arrives by sync: sync writes it through the event file's door.
    event = EventFile.open(event_file["path"])
    assert event.write(lambda store: event_settings.remove_checkpoint(store, "door")).saved
    event.close()
    # The desk looks again when its counts are refreshed (after a pull, or a check-in).
    booked = next(a for a in event_file["active"] if event_file["session"].id in a.sessions)
    scan(qtbot, window, event_file["codes"][booked.id])
    qtbot.wait_until(lambda: "Main desk" in window.desk_label.text(), timeout=10_000)
    assert "no longer in the event" in window.fault_label.text()
    person = event_file["unbooked"]  # not booked on the door's workshop: fine at the main desk
    assert scan(qtbot, window, event_file["codes"][person.id]).outcome is Outcome.OK


def test_a_second_desk_window_on_a_file_a_desk_has_open_is_refused_in_plain_words(
        qtbot, event_file) -> None:
    first = open_desk(qtbot, event_file["path"])
    second = DeskWindow(DeskHandle(str(event_file["path"])))
    _open_windows.append(second)
    with qtbot.wait_signal(second.ready, timeout=10_000):
        second.desk.open()
    assert second.desk.session is None
    assert "already open as a desk on this computer" in second.fault_label.text()
    person = event_file["active"][3]
    assert scan(qtbot, first, event_file["codes"][person.id]).outcome is Outcome.OK
    dispose(_open_windows.pop())  # the second goes; the first still has the file
    dispose(_open_windows.pop())
    again = open_desk(qtbot, event_file["path"])  # closed, the file is free for a desk again
    assert again.desk.session is not None


@pytest.fixture
def unlocked_file(tmp_path):
    """An event file whose desk has no supervisor PIN yet."""
    from kiosk.services.demo import create_demo_event

    path = tmp_path / "unlocked.db"
    store, _ = create_demo_event(path, attendees=12, seed=2)
    store.close()
    return path


def test_self_check_in_is_refused_in_settings_until_a_pin_is_set(qtbot, unlocked_file) -> None:
    from kiosk.ui.settings_dialog import SettingsDialog

    window = open_desk(qtbot, unlocked_file)
    assert not window.locked
    window.on_settings_requested()
    settings = window.findChildren(SettingsDialog)[-1]
    settings.mode.setCurrentIndex(settings.mode.findData("self"))
    settings._accept_if_valid()
    assert settings.isVisible()  # not saved: the organiser is asked for a PIN first
    assert settings.error.text().startswith("Self check-in needs a supervisor PIN")
    settings.new_pin.setText("2468")
    settings._accept_if_valid()
    qtbot.wait_until(lambda: window.result.headline.text() == "Settings saved", timeout=10_000)
    assert window.opened.settings["mode"] == "self" and window.locked


def test_an_unlocked_desk_can_still_let_someone_in_anyway(qtbot, unlocked_file) -> None:
    """With no PIN set no PIN is right, so a desk without one must not ask for one."""
    from kiosk.core.changes import ChangeKind
    from kiosk.store import queries
    from kiosk.store.event_store import EventStore

    store = EventStore.open(unlocked_file)
    try:
        workshop = queries.list_sessions(store.conn)[0]
        store.record(ChangeKind.CHECKPOINT_UPSERT, {"id": "door", "name": "Door",
                                                    "session_id": workshop.id})
        person = next(a for a in queries.list_attendees(store.conn, status="active")
                      if workshop.id not in a.sessions)
    finally:
        store.close()
    window = open_desk(qtbot, unlocked_file, mode="door")
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as blocker:
        window.check_in(person.id)
    assert blocker.args[0].outcome is Outcome.NOT_BOOKED
    window.on_action_chosen("override")
    dialog = window.findChildren(PinDialog)[-1]
    dialog.pin.setText("0000")
    dialog.reason_field.setText("spare seat")
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as blocker:
        dialog._accept_if_valid()
    assert blocker.args[0].outcome is Outcome.OK

def in_an_imported_category(path, person_id: str, discreet: bool, label: str = "") -> None:
    """Put one person in a ticket type's category (no label yet), as an import leaves the
    event file, then mark it discreet and label it as Event setup would."""
    from kiosk.core import changes
    from kiosk.services import event_settings
    from kiosk.store.event_store import EventStore

    store = EventStore.open(path)
    try:
        store.record(changes.attendee.correction(person_id, {"category": SURVIVORS},
                                                 "Event setup"))
        if discreet:
            assert event_settings.set_category_discreet(store, SURVIVORS, True).saved
        if label:
            assert event_settings.set_category_label(store, SURVIVORS, label).saved
    finally:
        store.close()


def walk_in_choices(window: DeskWindow) -> list[str]:
    window.on_walkin_requested()
    box = window.findChildren(WalkInDialog)[-1].category
    return [box.itemText(i) for i in range(box.count())]


def test_the_result_shows_the_badge_label_never_the_categorys_name(qtbot, event_file) -> None:
    person = event_file["active"][0]
    in_an_imported_category(event_file["path"], person.id, discreet=False)
    window = open_desk(qtbot, event_file["path"])
    scan(qtbot, window, event_file["codes"][person.id])
    assert window.result.name.text() == person.display_name
    assert SURVIVORS not in window.result.details.text()  # no label yet: nothing shown
    other = event_file["active"][1]
    scan(qtbot, window, event_file["codes"][other.id])
    assert window.result.details.text().startswith(other.category)  # a default's own name


def test_a_discreet_category_is_offered_and_shown_by_its_label_only(qtbot, event_file) -> None:
    person = event_file["active"][0]
    in_an_imported_category(event_file["path"], person.id, discreet=True, label="Guest")
    window = open_desk(qtbot, event_file["path"])
    scan(qtbot, window, event_file["codes"][person.id])
    assert window.result.details.text().startswith("Guest")
    assert SURVIVORS not in window.result.details.text()
    choices = walk_in_choices(window)
    assert "Guest" in choices and not any(SURVIVORS in text for text in choices)
    dialog = window.findChildren(WalkInDialog)[-1]
    dialog.first.setText("Noor")
    dialog.category.setCurrentText("Guest")
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as blocker:
        dialog._accept_if_valid()
    walked_in = blocker.args[0].attendee
    assert walked_in.category == SURVIVORS  # recorded by name, shown by label
    assert window.result.details.text().startswith("Guest")


def test_the_walk_in_form_offers_the_events_own_categories(qtbot, event_file) -> None:
    from kiosk.services import event_settings
    from tests.ui.console.screens import write

    write(event_file["path"], lambda s: event_settings.rename_category(s, "press", "Media"))
    window = open_desk(qtbot, event_file["path"])
    choices = walk_in_choices(window)
    assert "Media" in choices and "press" not in choices
    # Event setup changes them while the desk is open: the form offers the new list.
    write(event_file["path"], lambda s: event_settings.add_category(s, "Interpreter"))
    for dialog in window.findChildren(WalkInDialog):
        dialog.reject()
    window.on_walkin_requested()
    box = window.findChildren(WalkInDialog)[-1].category
    qtbot.wait_until(lambda: box.findText("Interpreter") >= 0, timeout=10_000)
    dialog = window.findChildren(WalkInDialog)[-1]
    dialog.first.setText("Amani")
    dialog.category.setCurrentText("Media")
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as blocker:
        dialog._accept_if_valid()
    assert blocker.args[0].attendee.category == "Media"
