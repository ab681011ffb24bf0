"""A new volunteer's hands at the desk: nothing is checked in by accident, mistakes can be
undone (and the undo taken back), forms never take a scan as a name, and the printer is in
reach from Settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from kiosk.core.checkin_rules import Outcome
from kiosk.services.demo import create_demo_event
from kiosk.services.desk import DeskError
from kiosk.services.desk_settings import DeskSettings
from kiosk.services.print_service import badge_folder
from kiosk.store.event_store import EventStore
from kiosk.ui.dialogs import EditDialog, TokenDialog, WalkInDialog
from kiosk.ui.result_panel import REDO_MS
from kiosk.ui.settings_dialog import SettingsDialog
from tests.ui.desk_helpers import DeskWindows, all_checkins, checkins_of, print_jobs_of
from tests.ui.hard_names import add_hard_names


@pytest.fixture
def desks(qtbot):
    opened = DeskWindows(qtbot)
    yield opened
    opened.close_all()


@pytest.fixture
def hard_event(tmp_path):
    path = tmp_path / "hard.db"
    store, _ = create_demo_event(path, attendees=40, seed=9)
    store.close()
    return {"path": path, **add_hard_names(path)}


@pytest.fixture
def unlocked(tmp_path):
    """A demo event with a workshop door, no supervisor PIN, badges to the PDF folder."""
    from kiosk.core.changes import ChangeKind
    from kiosk.store import queries

    path = tmp_path / "unlocked.db"
    store, _ = create_demo_event(path, attendees=30, seed=4)
    workshop = queries.list_sessions(store.conn)[0]
    store.record(ChangeKind.CHECKPOINT_UPSERT, {"id": "door", "name": "Door",
                                                "session_id": workshop.id})
    DeskSettings(store)["print.printer"] = "pdf-folder"
    people = queries.list_attendees(store.conn, status="active")
    store.close()
    return {"path": path, "booked": next(a for a in people if workshop.id in a.sessions),
            "people": people}


def search(qtbot, window, text: str) -> list[str]:
    """Type ``text`` into the search box as a person would see it answered; the rows' ids."""
    window.search.box.setText(text)
    with qtbot.wait_signal(window.search.results.model().rowsInserted, timeout=10_000):
        window.search.search_requested.emit(text)
    results = window.search.results
    return [results.item(i).data(Qt.ItemDataRole.UserRole) for i in range(results.count())]


def click_row(qtbot, window, row: int, double: bool = False) -> None:
    results = window.search.results
    centre = results.visualItemRect(results.item(row)).center()
    if double:  # a double-click comes after the click that starts it
        QTest.mouseClick(results.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        QTest.mouseDClick(results.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    else:
        QTest.mouseClick(results.viewport(), Qt.MouseButton.LeftButton, pos=centre)


# -- nothing is checked in by accident ---------------------------------------------------


def test_enter_with_several_matches_checks_in_nobody_until_one_is_chosen(
        qtbot, desks, hard_event) -> None:
    # Found on main: "smith" + Enter checked in the pre-selected first match.
    window = desks.open(hard_event["path"])
    rows = search(qtbot, window, "smith")
    assert len(rows) >= 3
    with qtbot.assert_not_emitted(window.result_shown, wait=300):
        QTest.keyClick(window.search.box, Qt.Key.Key_Return)
    assert all_checkins(window) == 0
    assert "choose one" in window.search.status.text()
    assert not window.search.check_in_button.isEnabled()
    QTest.keyClick(window.search.box, Qt.Key.Key_Down)
    QTest.keyClick(window.search.box, Qt.Key.Key_Down)
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as answered:
        QTest.keyClick(window.search.box, Qt.Key.Key_Return)
    assert answered.args[0].attendee.id == rows[1]
    assert all_checkins(window) == 1


def test_a_click_only_chooses_and_check_in_acts(qtbot, desks, hard_event) -> None:
    # Found on main: one click on a result checked the person in at once.
    window = desks.open(hard_event["path"])
    rows = search(qtbot, window, "smith")
    with qtbot.assert_not_emitted(window.result_shown, wait=300):
        click_row(qtbot, window, 1)
    assert all_checkins(window) == 0
    assert window.search.check_in_button.isEnabled()
    assert window.search.check_in_button.text().startswith("Check in")
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as answered:
        QTest.mouseClick(window.search.check_in_button, Qt.MouseButton.LeftButton)
    assert answered.args[0].attendee.id == rows[1]


def test_a_double_click_checks_in(qtbot, desks, hard_event) -> None:
    window = desks.open(hard_event["path"])
    rows = search(qtbot, window, "smith")
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as answered:
        click_row(qtbot, window, 0, double=True)
    assert answered.args[0].attendee.id == rows[0]
    assert all_checkins(window) == 1


def test_enter_checks_in_the_one_person_found(qtbot, desks, hard_event) -> None:
    window = desks.open(hard_event["path"])
    rows = search(qtbot, window, "Oluwadarasimi")
    assert rows == [hard_event["people"][1].id]
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as answered:
        QTest.keyClick(window.search.box, Qt.Key.Key_Return)
    assert answered.args[0].outcome is Outcome.OK


def test_people_of_one_name_are_told_apart_and_cancelled_ones_come_last(
        qtbot, desks, hard_event) -> None:
    # Found on main: two registrations of one person were identical rows, and a cancelled
    # registration was listed first.
    window = desks.open(hard_event["path"])
    active, other, cancelled = hard_event["smiths"]
    rows = search(qtbot, window, "nadia smith")
    texts = [window.search.results.item(i).text() for i in range(len(rows))]
    assert rows[-1] == cancelled.id and texts[-1].startswith("✖ cancelled:")
    assert len(set(texts)) == len(texts)
    for person in (active, other):
        row = texts[rows.index(person.id)]
        assert "⚠ possible duplicate" in row and person.email in row
        assert person.organisation in row


# -- forms never take a scan as a name ---------------------------------------------------


def test_a_ticket_code_as_a_name_is_refused_by_the_form_and_the_desk(qtbot, desks,
                                                                    event_file) -> None:
    # Found on main: "O'NK1CTHV… Neill" was registered, checked in and printed.
    window = desks.open(event_file["path"])
    window.on_walkin_requested()
    dialog = window.findChildren(WalkInDialog)[-1]
    code = event_file["codes"][event_file["active"][0].id]
    dialog.first.setText(f"O'N{code}")
    dialog.last.setText("Neill")
    dialog._accept_if_valid()
    assert dialog.isVisible()
    assert "holds a ticket code" in dialog.error.text()
    with pytest.raises(DeskError):
        window.desk.session.walk_in({"first_name": f"O'N{code}", "last_name": "Neill"})
    assert all_checkins(window) == 0


def test_a_scan_into_any_form_is_refused_in_words_and_checks_in_nobody(
        qtbot, desks, event_file) -> None:
    window = desks.open(event_file["path"])
    window.on_walkin_requested()
    dialog = window.findChildren(WalkInDialog)[-1]
    code = event_file["codes"][event_file["active"][0].id]
    window.scanner.scanned.emit(code)
    window.scanner.scan_timed.emit(code, None)
    assert "A ticket was scanned" in dialog.error.text()
    assert dialog.first.text() == ""
    qtbot.wait(200)
    assert all_checkins(window) == 0


def test_the_connect_form_takes_a_scanned_enrolment_token(qtbot, desks, event_file) -> None:
    window = desks.open(event_file["path"])
    dialog = TokenDialog(window)
    window._open_dialog(dialog)
    window.scanner.scan_timed.emit("kiosk:eyJ1IjoiaHR0cHM6Ly9odWI", None)
    assert dialog.token() == "kiosk:eyJ1IjoiaHR0cHM6Ly9odWI"
    dialog.reject()


# -- undo, and undoing the undo -------------------------------------------------------------


def test_an_undo_says_who_and_can_be_taken_back_for_a_few_seconds(qtbot, desks,
                                                                   event_file) -> None:
    window = desks.open(event_file["path"])
    person = event_file["active"][3]
    with qtbot.wait_signal(window.result_shown, timeout=10_000):
        window.on_scanned(event_file["codes"][person.id])
    window.undo()
    qtbot.wait_until(lambda: window.result.headline.text() == "Check-in undone",
                     timeout=10_000)
    assert window.result.name.text() == person.display_name
    assert checkins_of(window, person.id) == 0
    assert window.result.buttons["redo"].isVisibleTo(window)
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as answered:
        window.on_action_chosen("redo")
    assert answered.args[0].outcome is Outcome.OK
    assert checkins_of(window, person.id) == 1
    # Undone again, the way back closes after a few seconds.
    window.undo()
    qtbot.wait_until(lambda: window.result.buttons["redo"].isVisibleTo(window), timeout=10_000)
    assert REDO_MS <= 15_000
    window.result._redo_timer.timeout.emit()
    assert not window.result.buttons["redo"].isVisibleTo(window)
    window.redo()  # Ctrl+Shift+Z now does nothing
    qtbot.wait(200)
    assert checkins_of(window, person.id) == 0


# -- the printer in reach -----------------------------------------------------------------


def open_settings(qtbot, window) -> SettingsDialog:
    window.on_settings_requested()
    dialog = window.findChildren(SettingsDialog)[-1]
    # The print system's printers come a moment later (lpstat runs off the UI thread).
    qtbot.wait_until(lambda: dialog.printer.itemText(0).startswith("The computer's default ("),
                     timeout=20_000)
    return dialog


def test_settings_choose_the_printer_layout_and_auto_print_and_send_a_test_page(
        qtbot, desks, unlocked) -> None:
    # Found on main: Desk Settings had no printer, layout, auto-print or test-print option.
    window = desks.open(unlocked["path"])
    qtbot.wait_until(lambda: "PDF" in window.printer_label.text(), timeout=20_000)
    assert "not printed" in window.printer_label.text()  # the status line names it
    dialog = open_settings(qtbot, window)
    printers = [dialog.printer.itemData(i) for i in range(dialog.printer.count())]
    assert "" in printers and "pdf-folder" in printers  # the default, and `kiosk printers`
    layouts = [dialog.layout_choice.itemData(i) for i in range(dialog.layout_choice.count())]
    assert "insert-4x3in" in layouts and "a6" in layouts
    assert dialog.auto_print.isChecked() and not dialog.auto_print_door.isChecked()
    dialog.layout_choice.setCurrentIndex(dialog.layout_choice.findData("a6"))
    dialog.test_button.click()
    qtbot.wait_until(lambda: dialog.test_result.text().startswith("Test page saved as a PDF"),
                     timeout=20_000)
    assert list(badge_folder(unlocked["path"]).glob("kiosk-test-page-a6*.pdf"))
    dialog.auto_print.setChecked(False)
    dialog._accept_if_valid()
    qtbot.wait_until(lambda: window.result.headline.text() == "Settings saved",
                     timeout=10_000)
    assert window.desk.session.printing.settings().layout == "a6"
    person = unlocked["people"][0]
    with qtbot.wait_signal(window.result_shown, timeout=10_000):
        window.check_in(person.id)
    assert print_jobs_of(window) == []  # auto-print is off now
    assert window.result.buttons["print"].isVisibleTo(window)


def test_a_workshop_door_does_not_print_badges_unless_asked(qtbot, desks, unlocked) -> None:
    # Found on main: the workshop door desk auto-printed badges.
    door = desks.open(unlocked["path"], mode="door")
    with qtbot.wait_signal(door.result_shown, timeout=10_000) as answered:
        door.check_in(unlocked["booked"].id)
    assert answered.args[0].outcome is Outcome.OK
    assert print_jobs_of(door) == []
    desks.close_all()
    desk = desks.open(unlocked["path"])  # the main desk still prints on a first check-in
    with qtbot.wait_signal(desk.result_shown, timeout=10_000):
        desk.check_in(unlocked["people"][-1].id)
    assert print_jobs_of(desk) == [unlocked["people"][-1].id]


def test_a_failed_badge_points_to_settings_and_retry_prints_it(qtbot, desks, unlocked) -> None:
    # Found on main: the message said to choose another printer "in the print queue",
    # which has no screen.
    store = EventStore.open(unlocked["path"])
    DeskSettings(store)["print.printer"] = "NoSuchKioskPrinter"
    store.close()
    window = desks.open(unlocked["path"])
    person = unlocked["people"][1]
    with qtbot.wait_signal(window.result_shown, timeout=10_000):
        window.check_in(person.id)
    qtbot.wait_until(window.retry_button.isVisible, timeout=20_000)
    assert "Settings → Printing" in window.fault_label.text()
    assert "print queue" not in window.fault_label.text()
    assert "NoSuchKioskPrinter" in window.printer_label.text()
    window.desk.session.save_settings({"print.printer": "pdf-folder"})
    window.retry_button.click()
    qtbot.wait_until(lambda: "badge saved as a PDF" in window.printer_label.text(),
                     timeout=20_000)
    assert len(list(badge_folder(unlocked["path"]).glob("*.pdf"))) == 1


def test_a_correction_offers_a_reprint_with_the_new_name(qtbot, desks, unlocked) -> None:
    # Found on main: "Reprint the badge if it was already printed", and no Reprint button.
    window = desks.open(unlocked["path"])
    person = unlocked["people"][2]
    with qtbot.wait_signal(window.result_shown, timeout=10_000):
        window.check_in(person.id)
    folder = badge_folder(unlocked["path"])
    qtbot.wait_until(lambda: len(list(folder.glob("*.pdf"))) == 1, timeout=20_000)
    window.on_action_chosen("edit")
    dialog = window.findChildren(EditDialog)[-1]
    dialog.badge.setText("Sam")
    dialog._accept_if_valid()
    qtbot.wait_until(lambda: window.result.headline.text() == "Correction saved",
                     timeout=10_000)
    assert window.result.name.text() == "Sam"
    button = window.result.buttons["reprint_new"]
    assert button.isVisibleTo(window) and button.text() == "Reprint with the new name"
    button.click()
    qtbot.wait_until(lambda: len(list(folder.glob("*.pdf"))) == 2, timeout=20_000)
    reasons = window.desk.session.event.read(lambda r: [row[0] for row in r.conn.execute(
        "SELECT reprint_reason FROM print_jobs ORDER BY id")])
    assert reasons == ["", "name corrected"]


def test_the_scanner_page_reads_a_scan_and_says_what_to_change(qtbot, desks, unlocked) -> None:
    from kiosk.scanning.scanner_check import TEST_CODE
    from kiosk.scanning.wedge import ScanTiming

    window = desks.open(unlocked["path"])
    dialog = open_settings(qtbot, window)
    dialog.tabs.setCurrentIndex(2)
    window.scanner.scan_timed.emit(TEST_CODE, ScanTiming((5.0,) * (len(TEST_CODE) - 1),
                                                         "none"))
    page = dialog.scanner_page
    assert TEST_CODE in page.received.text()
    assert "agree on the keyboard layout" in page.facts.text()
    assert "send Enter" in page.advice.text()
    qtbot.wait(200)
    assert all_checkins(window) == 0
    dialog.tabs.setCurrentIndex(0)  # elsewhere in Settings a scan is refused, untyped
    window.scanner.scan_timed.emit(TEST_CODE, None)
    assert "Scanner tab" in dialog.error.text()


def test_a_click_in_the_list_does_not_move_the_focus_from_the_search_box(
        qtbot, desks, hard_event) -> None:
    window = desks.open(hard_event["path"])
    search(qtbot, window, "smith")
    click_row(qtbot, window, 0)
    assert window.search.box.hasFocus()
    assert window.search.results.currentRow() == 0
    centre = window.search.results.visualItemRect(window.search.results.item(0)).center()
    assert isinstance(centre, QPoint)


def test_a_ticket_read_again_after_a_second_is_already_just_now_in_amber(
        qtbot, desks, unlocked) -> None:
    # Found on main: read again 2.4 s later at the same desk it was a green "repeat".
    import time as clock

    from kiosk.core.checkin_rules import Tone
    from kiosk.services.ticket_issuing import ticket_code

    person = unlocked["people"][5]
    store = EventStore.open(unlocked["path"])
    code = ticket_code(store, person)
    store.close()
    window = desks.open(unlocked["path"])
    now = [clock.time_ns() // 1_000_000]
    window.desk.session.event.write(lambda store: setattr(store, "wall", lambda: now[0]))
    with qtbot.wait_signal(window.result_shown, timeout=10_000):
        window.on_scanned(code)
    now[0] += 400  # the scanner fired twice
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as twice:
        window.on_scanned(code)
    assert twice.args[0].outcome is Outcome.REPEAT
    now[0] += 2_000
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as again:
        window.on_scanned(code)
    assert again.args[0].outcome is Outcome.ALREADY and again.args[0].tone is Tone.AMBER
    assert window.result.headline.text() == "Already checked in"
    assert "just now at this desk" in window.result.message.text()
    assert checkins_of(window, person.id) == 1


def test_self_check_in_takes_a_scan_on_the_find_page_and_refuses_one_during_the_pin(
        qtbot, event_file) -> None:
    from kiosk.ui.desk_handle import DeskHandle
    from kiosk.ui.dialogs import PinDialog
    from kiosk.ui.self_checkin import SelfCheckInWindow
    from tests.ui.conftest import dispose

    client = DeskHandle(str(event_file["path"]), mode="self")
    window = SelfCheckInWindow(client)
    try:
        with qtbot.wait_signal(window.ready, timeout=10_000):
            client.open()
        window.show()
        window.show_find_page()
        person = event_file["active"][0]
        with qtbot.wait_signal(window.result_shown, timeout=10_000) as answered:
            window.scanner.scanned.emit(event_file["codes"][person.id])
        assert answered.args[0].outcome is Outcome.OK  # they found their ticket after all
        window.on_staff_requested()
        dialog = window.findChildren(PinDialog)[-1]
        other = event_file["active"][1]
        with qtbot.assert_not_emitted(window.result_shown, wait=300):
            window.scanner.scanned.emit(event_file["codes"][other.id])
        assert "A ticket was scanned" in dialog.error.text()
        assert dialog.pin.text() == ""
        dialog.reject()
    finally:
        dispose(window)
