"""The desk, self check-in, the Organise window and every dialog fit any screen from
1280 × 720 up, with the hardest names: no window grows off the screen, nothing is cut off.

Found on main at 1366 × 768: the desk opened at 1200 × 800 (its buttons cut off at 768),
could not be narrower than 1314 px, and grew with long text and never shrank back: 1,477 px
for "Registration cancelled", 1,631 for a printer failure, 1,891 for a long one-word name,
4,886 for a ticket code saved as a walk-in's name. The Organise window opened at 1280 × 820.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from kiosk.core.checkin_rules import CODE_MESSAGES, Outcome, PriorCheckin
from kiosk.printing.events import JobEvent
from kiosk.printing.messages import printer_missing
from kiosk.services.demo import create_demo_event
from kiosk.services.desk import ScanResult, UndoResult
from kiosk.services.desk_session import DamagedFile
from kiosk.services.desk_settings import DeskSettings
from kiosk.store.backups import Backup
from kiosk.store.event_store import EventStore
from kiosk.store.print_jobs import PrintJob, PrintJobStatus
from kiosk.ui.console.screens import SCREENS
from kiosk.ui.desk_window import DeskWindow
from kiosk.ui.theme import scaled_font
from tests.ui.conftest import dispose
from tests.ui.desk_helpers import DeskWindows
from tests.ui.hard_names import add_hard_names

SIZES = [(1280, 720), (1366, 768), (1920, 1080)]
TEXT_WIDGETS = (QLabel, QPushButton, QComboBox, QCheckBox, QLineEdit, QSpinBox)
# A window manager's title bar and frame: a dialog must fit the screen with them.
FRAME = 40


@pytest.fixture
def hard_event(tmp_path):
    path = tmp_path / "hard.db"
    store, _ = create_demo_event(path, attendees=40, seed=9)
    settings = DeskSettings(store)
    settings["desk_name"] = "Registration desk at the north entrance, beside the lifts"
    settings["operator"] = "Bartholomew Featherstonehaugh-Cholmondeley"
    store.close()
    return {"path": path, **add_hard_names(path)}


@pytest.fixture
def unlocked_event(tmp_path):
    """A demo event with a workshop door and no supervisor PIN."""
    from kiosk.core.changes import ChangeKind
    from kiosk.store import queries

    path = tmp_path / "door.db"
    store, _ = create_demo_event(path, attendees=12, seed=2)
    workshop = queries.list_sessions(store.conn)[0]
    store.record(ChangeKind.CHECKPOINT_UPSERT, {"id": "door", "name": "Door",
                                                "session_id": workshop.id})
    store.close()
    return path


@pytest.fixture
def desks(qtbot):
    opened = DeskWindows(qtbot)
    yield opened
    opened.close_all()


def at_size(qtbot, window: QWidget, size: tuple[int, int]) -> None:
    """The window as a window manager shows it maximised on a screen of ``size`` (without
    a frame, so that none trims it)."""
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait_until(lambda: (window.width(), window.height()) == size, timeout=5_000)


def inside(window: QWidget, widget: QWidget) -> bool:
    """Shown, and wholly within the window."""
    if not widget.isVisible() or widget.width() <= 0 or widget.height() <= 0:
        return False
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


def assert_fits(qtbot, window: QWidget, size: tuple[int, int], state: str,
                must_show: list[QWidget]) -> None:
    qtbot.wait(30)  # let the layout settle
    QApplication.processEvents()
    assert (window.width(), window.height()) == size, f"{state}: the window grew"
    hint = window.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1], f"{state}: needs {hint}"
    for widget in must_show:
        assert inside(window, widget), f"{state}: {widget.accessibleName()} is cut off"


WORKSHOP = ("Understanding Modern Slavery Legislation, Supply Chains and the Role of Local "
            "Authorities in Safeguarding (Part Two)")
PRINTER = "Brother_QL-820NWB_Labelprinter_on_registration-desk-laptop-02.local"


def desk_controls(window: DeskWindow) -> list[QWidget]:
    return [window.event_label, window.counts_label, window.printer_label, window.search.box,
            window.walkin_button, window.undo_button, window.settings_button,
            window.organise_button, window.result.headline]


def answer(window: DeskWindow, result: ScanResult, badge: bool = True) -> None:
    window.on_scan_decided(result, badge)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_desk_fits_in_every_state_with_the_hardest_names(qtbot, desks, hard_event,
                                                             size) -> None:
    window = desks.open(hard_event["path"], focus=False)
    at_size(qtbot, window, size)
    name_points = scaled_font(48).pointSizeF()
    long, arabic, code_name = hard_event["long"], hard_event["arabic"], \
        hard_event["code_as_name"]
    prior = PriorCheckin("x", "2026-11-28T09:12:00", "Registration desk at the north "
                         "entrance, beside the lifts", "Bartholomew Featherstonehaugh")
    states: list[tuple[str, Callable[[], None], list[QWidget]]] = [
        ("ready", window.result.clear, []),
        ("ok, a long one-word name", lambda: answer(window, ScanResult(
            Outcome.OK, f"Welcome, {long.display_name}!", long, category_label="delegate")),
         [window.result.name, window.result.buttons["reprint"], window.result.buttons["edit"]]),
        ("ok, Arabic", lambda: answer(window, ScanResult(
            Outcome.OK, f"Welcome, {arabic.display_name}!", arabic)), [window.result.name]),
        ("already, long desk and volunteer", lambda: answer(window, ScanResult(
            Outcome.ALREADY, f"Already checked in at 09:12 at {prior.device} by "
            f"{prior.operator}.", long, prior)), [window.result.message]),
        ("registration cancelled", lambda: answer(window, ScanResult(
            Outcome.CANCELLED, "This registration was cancelled. Please send them to the help "
            "desk to sort it out.", long)), [window.result.name]),
        ("forged", lambda: answer(window, ScanResult(Outcome.FORGED,
                                                     CODE_MESSAGES[Outcome.FORGED])),
         [window.result.buttons["search"]]),
        ("a ticket code saved as a name", lambda: answer(window, ScanResult(
            Outcome.OK, f"Walk-in registered and checked in: {code_name.display_name}.",
            code_name)), [window.result.name]),
        ("undone", lambda: window.on_undone(UndoResult(
            True, f"Undone: {long.display_name} is no longer checked in.", long)),
         [window.result.buttons["redo"]]),
        ("saved", lambda: window.on_attendee_saved(code_name, True),
         [window.result.buttons["reprint_new"]]),
        ("repeat", lambda: answer(window, ScanResult(
            Outcome.REPEAT, "Same ticket read twice — already done.", long, prior)),
         [window.result.name]),
        *[(outcome.value, lambda outcome=outcome: answer(window, ScanResult(
            outcome, CODE_MESSAGES[outcome])), [window.result.message])
          for outcome in (Outcome.UNKNOWN, Outcome.OTHER_EVENT, Outcome.REVOKED)],
        ("not booked on a long workshop", lambda: answer(window, ScanResult(
            Outcome.NOT_BOOKED, f"Not booked on “{WORKSHOP}”. A supervisor can let them in "
            "if there is room.", long)), [window.result.message,
                                          window.result.buttons["override"]]),
        ("a long workshop full", lambda: answer(window, ScanResult(
            Outcome.FULL, f"“{WORKSHOP}” is full (120 of 120). A supervisor can let them in "
            "anyway.", arabic)), [window.result.message, window.result.buttons["override"]]),
        ("a printer failure", lambda: window.on_print_changed(JobEvent(PrintJob(
            1, long.id, "cr80", PRINTER, PrintJobStatus.FAILED, 1,
            last_error=printer_missing(PRINTER)))),
         [window.fault_label, window.retry_button, window.printer_label]),
        ("the event file damaged, a backup offered", lambda: window.on_damaged(DamagedFile(
            "event.db is damaged and cannot be read. Restore the latest backup (`kiosk "
            "backups event.db --restore 1`, or Restore at the desk): the damaged file is "
            "kept aside, whole, for staff.", Backup(1, hard_event["path"], "2026-12-08T09:55:"
                                                      "01", 1, 300, 120))),
         [window.fault_label, window.restore_button]),
    ]
    shortened: list[str] = []
    for state, show, widgets in states:
        show()
        assert_fits(qtbot, window, size, state, [*desk_controls(window), *widgets])
        # Whatever had to be shortened keeps its whole text for a tooltip and screen readers.
        for label in (window.printer_label, window.fault_label):
            if label.isVisible() and label.is_shortened():
                assert label.toolTip() == label.text(), state
                assert label.text() in label.accessibleDescription(), state
                shortened.append(state)
        if window.result.name.isVisible():
            assert window.result.name.font().pointSizeF() >= name_points, state
            assert window.result.width() > window.width() / 2, f"{state}: result too narrow"
    assert "a printer failure" in shortened  # its long printer name cannot fit whole
    # The search list, with people of one name told apart and very long rows.
    window.search.box.setText("smith")
    with qtbot.wait_signal(window.search.results.model().rowsInserted, timeout=10_000):
        window.search.search_requested.emit("smith")
    window.search.box.setText(long.last_name[:30])
    with qtbot.wait_signal(window.search.results.model().rowsInserted, timeout=10_000):
        window.search.search_requested.emit(long.last_name[:30])
    assert_fits(qtbot, window, size, "search", [
        *desk_controls(window), window.search.results, window.search.check_in_button])
    # The camera beside the list.
    window.camera_button.setChecked(True)
    assert_fits(qtbot, window, size, "camera", [*desk_controls(window), window.camera_view])
    window.camera_button.setChecked(False)


def test_the_desk_opens_maximised_and_full_screen_at_a_workshop_door(qtbot, desks,
                                                                    unlocked_event) -> None:
    desk = desks.open(unlocked_event, focus=False)
    desk.hide()
    desk.show_for_mode()
    qtbot.wait_until(lambda: bool(desk.windowState() & Qt.WindowState.WindowMaximized),
                     timeout=5_000)
    assert not desk.isFullScreen()
    desks.close_all()
    door = desks.open(unlocked_event, mode="door", focus=False)
    door.hide()
    door.show_for_mode()
    qtbot.wait_until(door.isFullScreen, timeout=5_000)


def test_self_check_in_opens_full_screen(qtbot, unlocked_event) -> None:
    """As `kiosk EVENT.db --mode self` opens it: nothing but the instruction on the screen."""
    import argparse

    from PySide6.QtWidgets import QApplication

    from kiosk.app import _open_event
    from kiosk.services.desk_settings import DeskSettings

    store = EventStore.open(unlocked_event)
    DeskSettings(store).set_pin("2468")  # self check-in needs a supervisor PIN
    store.close()
    args = argparse.Namespace(list=False, mode="self", language="en", screenshot=None,
                              exit_when_ready=False)
    window = _open_event(QApplication.instance(), args, unlocked_event)
    try:
        with qtbot.wait_signal(window.ready, timeout=10_000):
            pass
        qtbot.wait_until(window.isFullScreen, timeout=5_000)
    finally:
        dispose(window)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_self_check_in_fits_with_the_hardest_names(qtbot, hard_event, size) -> None:
    from kiosk.ui.desk_handle import DeskHandle
    from kiosk.ui.self_checkin import SelfCheckInWindow

    client = DeskHandle(str(hard_event["path"]), mode="self")
    window = SelfCheckInWindow(client)
    try:
        with qtbot.wait_signal(window.ready, timeout=10_000):
            client.open()
        at_size(qtbot, window, size)
        long = hard_event["long"]
        for state, show in [
            ("start", window.show_start),
            ("find me", window.show_find_page),
            ("welcome, a long name", lambda: window.on_scan_decided(ScanResult(
                Outcome.OK, "", long))),
            ("welcome, a code as a name", lambda: window.on_scan_decided(ScanResult(
                Outcome.OK, "", hard_event["code_as_name"]))),
        ]:
            show()
            assert_fits(qtbot, window, size, state, [])
    finally:
        dispose(window)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_console_screen_fits(qtbot, hard_event, size) -> None:
    from kiosk.ui.console.organise_window import OrganiseWindow

    window = OrganiseWindow(hard_event["path"], refresh_ms=100, start_all=True)
    try:
        at_size(qtbot, window, size)
        for key in SCREENS:
            window.show_screen(key)
            qtbot.wait(100)
            assert_fits(qtbot, window, size, key, [window.tabs])
            area = window.tabs.currentWidget()
            screen = window.current_screen()
            # All of the screen shows: no scrolling across, none down at 768 and up.
            assert screen.minimumSizeHint().width() <= area.viewport().width(), key
            if size[1] >= 768:
                assert screen.minimumSizeHint().height() <= area.viewport().height(), key
    finally:
        dispose(window)


def test_the_organise_window_opens_within_the_screen(qtbot, event_file) -> None:
    from kiosk.ui.console.organise_window import OrganiseWindow

    window = OrganiseWindow(event_file["path"])
    try:
        room = (window.screen() or QApplication.primaryScreen()).availableGeometry()
        assert window.width() <= room.width() and window.height() <= room.height() - FRAME
    finally:
        dispose(window)


def desk_dialogs(window: DeskWindow, long) -> list[tuple[str, QDialog]]:
    from kiosk.ui.dialogs import EditDialog, PinDialog, ReasonDialog, TokenDialog, WalkInDialog
    from kiosk.ui.settings_dialog import SettingsDialog

    settings = SettingsDialog(window.opened.settings, window.opened.checkpoints, window)
    return [
        ("walk-in", WalkInDialog(window, window._category_choices())),
        ("edit", EditDialog(replace(long, badge_name=long.display_name), window,
                            window._category_choices())),
        ("PIN with a reason", PinDialog("A supervisor can let this person in anyway.", window,
                                        ask_reason=True)),
        ("reprint", ReasonDialog("Print another badge", f"{long.display_name} already has a "
                                 "badge. Why another? (lost, damaged, name corrected)", window)),
        ("token", TokenDialog(window)),
        ("settings", settings),
    ]


@pytest.fixture
def small_screen(monkeypatch):
    """Forms size themselves as on a 1280 × 720 screen, whatever screen the tests have."""
    from PySide6.QtCore import QSize

    from kiosk.ui import fitting

    monkeypatch.setattr(fitting, "screen_room", lambda widget: QSize(1280, 720))


def test_every_desk_dialog_fits_1280_by_720_in_the_desks_text_size(qtbot, desks, hard_event,
                                                                   small_screen) -> None:
    window = desks.open(hard_event["path"], focus=False)
    body = scaled_font(14).pointSizeF()
    for title, dialog in desk_dialogs(window, hard_event["long"]):
        tabs = getattr(dialog, "tabs", None)
        for page in range(tabs.count() if tabs is not None else 1):
            if tabs is not None:
                tabs.setCurrentIndex(page)
            dialog.show()
            qtbot.waitExposed(dialog)
            for hint in (dialog.sizeHint(), dialog.minimumSizeHint(), dialog.size()):
                assert hint.width() <= 1280 and hint.height() <= 720 - FRAME, (title, page, hint)
            # Found on main: the forms' text was the system's 10 pt.
            for part in dialog.findChildren(QWidget):
                if isinstance(part, TEXT_WIDGETS) and part.isVisibleTo(dialog):
                    assert part.font().pointSizeF() >= body, (title, part, part.font())
        dialog.reject()
        dispose(dialog)


def test_every_console_dialog_fits_1280_by_720(qtbot, hard_event, small_screen) -> None:
    from kiosk.services import attendee_admin
    from kiosk.store import queries
    from kiosk.ui.after_event_reminder import AfterEventReminder
    from kiosk.ui.console.after_event_parts import ConfirmDialog as AfterEventConfirm
    from kiosk.ui.console.after_event_parts import RemovalDialog
    from kiosk.ui.console.attendee_dialogs import ConfirmDialog, EditAttendeeDialog, MergeDialog

    store = EventStore.open(hard_event["path"])
    try:
        form = attendee_admin.edit_form(store, hard_event["long"].id)
        smiths = hard_event["smiths"]
        plan = attendee_admin.plan_merge(store, smiths[0].id, smiths[1].id)
        event = queries.get_event(store.conn, logo=False)
    finally:
        store.close()
    assert event is not None
    long_named = replace(event, name="Together Against Trafficking 2026 — the national "
                         "conference of the eighteen partner organisations, with workshops")
    parent = QWidget()
    dialogs = [
        EditAttendeeDialog(form.attendee, form.categories, form.workshops,
                           kept=[("Dietary requirements", "x" * 300)] * 6),
        MergeDialog(plan, {}),
        ConfirmDialog("Cancel registration", f"Cancel {hard_event['long'].display_name}'s "
                      "registration? Every desk then refuses their ticket.", "Cancel it"),
        RemovalDialog(False, "Together Against Trafficking 2026 — the national conference of "
                      "the eighteen partner organisations", [
                          "12,345 registrations: names, badge names, pronouns, organisations, "
                          "emails, notes for the desk and access needs"] * 12, True, None),
        AfterEventReminder(long_named, parent),
        AfterEventConfirm("Take the checked-in list", "The list of who came, with their "
                          "names and organisations, goes to a file you choose. " * 6,
                          "Export it", None),
    ]
    for dialog in dialogs:
        dialog.show()
        qtbot.waitExposed(dialog)
        for hint in (dialog.sizeHint(), dialog.minimumSizeHint(), dialog.size()):
            assert hint.width() <= 1280 and hint.height() <= 720 - FRAME, (dialog, hint)
        dispose(dialog)
    dispose(parent)
