"""Self check-in: attendees check themselves in and never see anybody else."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from kiosk.ui.desk_handle import DeskHandle
from kiosk.ui.dialogs import PinDialog
from kiosk.ui.self_checkin import SelfCheckInWindow
from tests.ui.conftest import dispose

_windows: list[SelfCheckInWindow] = []


@pytest.fixture(autouse=True)
def _close_windows():
    yield
    while _windows:
        dispose(_windows.pop())


def open_self(qtbot, path, language="en") -> SelfCheckInWindow:
    client = DeskHandle(str(path), mode="self")
    window = SelfCheckInWindow(client, language=language)
    _windows.append(window)
    with qtbot.wait_signal(window.ready, timeout=10_000):
        client.open()
    window.show()
    return window


def all_text(window: SelfCheckInWindow) -> str:
    return " ".join(label.text() for label in window.findChildren(QLabel))


def test_scanning_a_ticket_welcomes_by_name(qtbot, event_file) -> None:
    window = open_self(qtbot, event_file["path"])
    person = event_file["active"][0]
    window.scan_input.setText(event_file["codes"][person.id])
    with qtbot.wait_signal(window.result_shown, timeout=10_000):
        window.scan_input.returnPressed.emit()
    assert window.pages.currentIndex() == 2
    assert window.result_title.text() == f"Welcome, {person.display_name}!"
    assert "badge" in window.result_text.text()


def test_find_me_needs_an_exact_name_and_never_lists_anyone(qtbot, event_file) -> None:
    window = open_self(qtbot, event_file["path"])
    others = {a.last_name for a in event_file["active"]}
    person = event_file["active"][3]
    window.show_find_page()
    # Only a part of the surname: nobody is shown, not even the person it would match.
    window.first_name.setText(person.first_name)
    window.last_name.setText(person.last_name[:3])
    window.find_button.click()
    qtbot.wait_until(lambda: window.pages.currentIndex() == 2, timeout=10_000)
    assert window.result_title.text() == "We could not find you"
    text = all_text(window)
    assert not any(name in text for name in others if len(name) > 3)
    # The exact name (in other case, without accents): checked in.
    window.show_find_page()
    window.first_name.setText(person.first_name.upper())
    window.last_name.setText(person.last_name)
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as blocker:
        window.find_button.click()
    assert blocker.args[0].attendee.id == person.id
    assert window.result_title.text() == f"Welcome, {person.display_name}!"


def test_polish_screens(qtbot, event_file) -> None:
    window = open_self(qtbot, event_file["path"], language="pl")
    assert window.instruction.text() == "Zeskanuj kod QR ze swojego biletu"
    assert window.no_ticket.text() == "Nie możesz znaleźć biletu?"
    window.set_language("en")
    assert window.instruction.text() == "Scan the QR code on your ticket"


def test_leaving_self_check_in_needs_the_pin(qtbot, event_file) -> None:
    window = open_self(qtbot, event_file["path"])
    exits = []
    window.exit_requested.connect(lambda: exits.append(True))

    def answer(pin: str) -> None:
        window.on_staff_requested()
        dialog = window.findChildren(PinDialog)[-1]
        dialog.pin.setText(pin)
        dialog._accept_if_valid()

    answer("1111")
    qtbot.wait(500)
    assert exits == []
    with qtbot.wait_signal(window.exit_requested, timeout=10_000):
        answer("2468")
    assert exits == [True]


def test_self_check_in_never_shows_a_discreet_categorys_name(qtbot, event_file) -> None:
    from tests.ticket_types import SURVIVORS
    from tests.ui.test_desk_window import in_an_imported_category

    person = event_file["active"][0]
    in_an_imported_category(event_file["path"], person.id, discreet=True, label="Guest")
    window = open_self(qtbot, event_file["path"])
    window.scan_input.setText(event_file["codes"][person.id])
    with qtbot.wait_signal(window.result_shown, timeout=10_000):
        window.scan_input.returnPressed.emit()
    assert window.result_title.text() == f"Welcome, {person.display_name}!"
    assert SURVIVORS.casefold() not in all_text(window).casefold()
