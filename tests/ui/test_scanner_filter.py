"""The application-wide scanner listener: bursts go to ``scanned``, typing to the widget."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.scanner_filter import ScannerFilter

WALKIN = "W17QH23M0XW5R8K5"
PRETIX_SECRET = "fz8e2tp5jcmuvxnbahqy4kr3rdg3p6w7"
SCANNER_GAP_MS = 4
TYPING_GAP_MS = 180


@dataclass
class FakeClock:
    """Milliseconds that move only when a test says so."""

    now: float = 10_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms


class KeyRecorder(QWidget):
    """A container that notes the text of every key press that reaches it."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[str] = []

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.received.append(event.text())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def desk(qtbot) -> KeyRecorder:
    window = KeyRecorder()
    layout = QVBoxLayout(window)
    window.search = QLineEdit(window)
    window.search.setObjectName("search")
    window.other = QLineEdit(window)
    window.button = QPushButton("Print", window)
    for widget in (window.search, window.other, window.button):
        layout.addWidget(widget)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.search.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.search)
    return window


@pytest.fixture
def listener(clock: FakeClock):
    scanner_filter = ScannerFilter(clock=clock)
    QApplication.instance().installEventFilter(scanner_filter)
    yield scanner_filter
    QApplication.instance().removeEventFilter(scanner_filter)


def press(qtbot, widget: QWidget, clock: FakeClock, keys: str, gap_ms: float) -> None:
    """Key clicks into ``widget``, ``gap_ms`` apart on the fake clock ("\\r" is Enter)."""
    for character in keys:
        clock.advance(gap_ms)
        if character == "\r":
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        elif character == "\t":
            qtbot.keyClick(widget, Qt.Key.Key_Tab)
        else:
            qtbot.keyClick(widget, character)


def scan(qtbot, widget: QWidget, clock: FakeClock, code: str, terminator: str = "\r") -> None:
    clock.advance(1000)  # the scanner is picked up after a pause
    press(qtbot, widget, clock, code + terminator, SCANNER_GAP_MS)


def settle(qtbot, clock: FakeClock, listener: ScannerFilter) -> None:
    """Let the fake clock run on and the listener's timer see it."""
    clock.advance(1000)
    qtbot.waitUntil(lambda: listener._decoder.held_count == 0)


@pytest.mark.parametrize("code", [WALKIN, PRETIX_SECRET, "400123456789"])
def test_a_burst_while_the_search_box_has_focus_is_a_scan_and_types_nothing(
    qtbot, desk, clock, listener, code
) -> None:
    with (
        qtbot.wait_signal(listener.scanned) as scanned,
        qtbot.assert_not_emitted(desk.search.returnPressed),
    ):
        scan(qtbot, desk.search, clock, code)
    assert scanned.args == [code]
    assert desk.search.text() == ""
    assert desk.received == []  # nor did the Enter reach the window


def test_a_tab_terminator_is_swallowed_and_focus_stays(qtbot, desk, clock, listener) -> None:
    with qtbot.wait_signal(listener.scanned) as scanned:
        scan(qtbot, desk.search, clock, WALKIN, terminator="\t")
    assert scanned.args == [WALKIN]
    assert QApplication.focusWidget() is desk.search


def test_slow_typing_lands_in_the_search_box_and_is_not_a_scan(
    qtbot, desk, clock, listener
) -> None:
    with qtbot.assert_not_emitted(listener.scanned):
        press(qtbot, desk.search, clock, "Okonkwo-Smith", TYPING_GAP_MS)
        settle(qtbot, clock, listener)
    assert desk.search.text() == "Okonkwo-Smith"


def test_a_person_typing_an_enter_still_submits_the_search(qtbot, desk, clock, listener) -> None:
    with qtbot.wait_signal(desk.search.returnPressed):
        press(qtbot, desk.search, clock, "Ann\r", TYPING_GAP_MS)
    assert desk.search.text() == "Ann"


def test_typing_then_scanning_keeps_both_apart(qtbot, desk, clock, listener) -> None:
    press(qtbot, desk.search, clock, "Smi", TYPING_GAP_MS)
    with qtbot.wait_signal(listener.scanned) as scanned:
        scan(qtbot, desk.search, clock, WALKIN)
    press(qtbot, desk.search, clock, "th", TYPING_GAP_MS)
    settle(qtbot, clock, listener)
    assert scanned.args == [WALKIN]
    assert desk.search.text() == "Smith"


def test_a_burst_with_no_terminator_is_completed_by_the_timer(qtbot, desk, clock, listener) -> None:
    scan(qtbot, desk.search, clock, WALKIN, terminator="")
    with qtbot.wait_signal(listener.scanned, timeout=2000) as scanned:
        clock.advance(500)
    assert scanned.args == [WALKIN]
    assert desk.search.text() == ""


def test_held_keys_go_back_to_the_widget_they_were_typed_into(qtbot, desk, clock, listener) -> None:
    press(qtbot, desk.search, clock, "ab", TYPING_GAP_MS)
    desk.other.setFocus()
    settle(qtbot, clock, listener)
    assert desk.search.text() == "ab"
    assert desk.other.text() == ""


@pytest.mark.parametrize("gap_ms", [TYPING_GAP_MS, 50])
def test_keys_a_widget_ignores_reach_its_parent_once_in_order(
    qtbot, desk, clock, listener, gap_ms
) -> None:
    # A button ignores letters, so Qt offers each one to its parent; at 50 ms a key the
    # listener is quick to judge as typing is let through at once rather than replayed.
    desk.button.setFocus()
    press(qtbot, desk.button, clock, "abcdefgh\r", gap_ms)
    settle(qtbot, clock, listener)
    assert desk.received == [*"abcdefgh", "\r"]


def test_keys_held_down_repeat_into_the_box(qtbot, desk, clock, listener) -> None:
    # A held-down key repeats after the keyboard's repeat delay (250 ms at the least on
    # Windows, 660 ms by default on X11), then every 30 ms or so.
    for index in range(12):
        clock.advance(30 if index > 1 else 260)
        event = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key.Key_Z, Qt.KeyboardModifier.NoModifier, "z", index > 0
        )
        QApplication.sendEvent(desk.search, event)
    settle(qtbot, clock, listener)
    assert desk.search.text() == "z" * 12


def stamped_key(character: str, kind: QEvent.Type, stamp: int) -> QKeyEvent:
    event = QKeyEvent(kind, ord(character.upper()), Qt.KeyboardModifier.NoModifier, character)
    event.setTimestamp(stamp)
    return event


def test_window_system_timestamps_outweigh_late_handling(qtbot, desk, clock, listener) -> None:
    # Keys that queued behind a busy UI thread are handled all at once: a person's keys,
    # stamped 150 ms apart, are typing; a scanner's, handled 300 ms apart, still a burst.
    for index, character in enumerate("typist"):
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(desk.search, stamped_key(character, kind, 5000 + 150 * index))
    settle(qtbot, clock, listener)
    assert desk.search.text() == "typist"

    with qtbot.wait_signal(listener.scanned) as scanned:
        for index, character in enumerate(WALKIN + "\r"):
            clock.advance(300)
            key = Qt.Key.Key_Return if character == "\r" else ord(character)
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, character)
                event.setTimestamp(90_000 + 3 * index)
                QApplication.sendEvent(desk.search, event)
    assert scanned.args == [WALKIN]
    assert desk.search.text() == "typist"


def test_switched_off_it_lets_a_burst_through_as_typing(qtbot, desk, clock, listener) -> None:
    listener.set_enabled(False)
    with qtbot.assert_not_emitted(listener.scanned):
        scan(qtbot, desk.search, clock, WALKIN, terminator="")
    assert desk.search.text() == WALKIN
    listener.set_enabled(True)
    desk.search.clear()
    with qtbot.wait_signal(listener.scanned):
        scan(qtbot, desk.search, clock, WALKIN)
    assert desk.search.text() == ""


def test_switching_off_gives_back_the_keys_held_at_that_moment(
    qtbot, desk, clock, listener
) -> None:
    press(qtbot, desk.search, clock, "W1", SCANNER_GAP_MS)
    assert desk.search.text() == ""
    listener.set_enabled(False)
    assert desk.search.text() == "W1"


def test_a_burst_through_the_window_is_a_scan(qtbot, desk, clock, listener) -> None:
    # The way a real keyboard's keys come: stamped, to the window, then its focus widget.
    window = desk.windowHandle()
    with qtbot.wait_signal(listener.scanned) as scanned:
        for character in WALKIN:
            QTest.keyClick(window, character)
        QTest.keyClick(window, Qt.Key.Key_Return)
    assert scanned.args == [WALKIN]
    assert desk.search.text() == ""
