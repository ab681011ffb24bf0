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


def find(qtbot, window: SelfCheckInWindow, first: str, last: str, detail: str) -> None:
    """Type on the find-me page and press "Find me"; wait for the answer's page."""
    window.show_find_page()
    window.first_name.setText(first)
    window.last_name.setText(last)
    window.detail.setText(detail)
    window.find_button.click()
    qtbot.wait_until(lambda: window.pages.currentIndex() == 2, timeout=10_000)


def shown(window: SelfCheckInWindow) -> tuple[str, str, str]:
    """Everything the result page shows: its words and its colours."""
    return (window.result_title.text(), window.result_text.text(),
            window.result_page.styleSheet())


def test_a_name_alone_finds_nobody_and_says_what_else_to_type(
        qtbot, event_file, monkeypatch) -> None:
    window = open_self(qtbot, event_file["path"])
    asked: list[object] = []
    do = window.desk.do
    monkeypatch.setattr(window.desk, "do", lambda work, *rest: asked.append(work) or do(
        work, *rest))
    person = event_file["active"][3]
    window.show_find_page()
    window.first_name.setText(person.first_name)
    window.last_name.setText(person.last_name)
    window.find_button.click()
    assert asked == []  # nothing was asked of the desk
    assert window.pages.currentIndex() == 1  # still asking, not welcoming
    assert window.find_hint.isVisibleTo(window)
    assert "email address or booking reference" in window.find_hint.text()
    assert window.desk.session.event.read(
        lambda r: r.conn.execute("SELECT count(*) FROM checkins").fetchone()[0]) == 0


def test_a_wrong_detail_and_an_unknown_name_look_exactly_alike(qtbot, event_file) -> None:
    window = open_self(qtbot, event_file["path"])
    others = {a.last_name for a in event_file["active"]}
    person = event_file["active"][3]
    find(qtbot, window, person.first_name, person.last_name, "not-their@example.org")
    wrong_detail = shown(window)
    find(qtbot, window, "Zbigniewa", "Qwertyuiopowska", person.email)
    unknown = shown(window)
    assert wrong_detail == unknown
    assert wrong_detail[:2] == ("We couldn't find that.", "Please go to the desk.")
    text = all_text(window)
    assert not any(name in text for name in others if len(name) > 3)


def test_the_name_and_the_email_check_the_person_in(qtbot, event_file) -> None:
    window = open_self(qtbot, event_file["path"])
    person = event_file["active"][3]
    window.show_find_page()
    window.first_name.setText(person.first_name.upper())
    window.last_name.setText(person.last_name)
    window.detail.setText(person.email.upper())
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as blocker:
        window.find_button.click()
    assert blocker.args[0].attendee.id == person.id
    assert window.result_title.text() == f"Welcome, {person.display_name}!"
    window.show_start()
    assert window.detail.text() == ""  # nothing typed stays for the next person


def test_someone_with_one_name_finds_themselves(qtbot, event_file) -> None:
    window = open_self(qtbot, event_file["path"])
    one_name = window.desk.session.event.read(lambda r: r.conn.execute(
        "SELECT first_name, external_ref FROM attendees WHERE last_name = '' "
        "AND status = 'active' AND first_name != ''").fetchone())
    window.show_find_page()
    window.first_name.setText(one_name[0])
    window.detail.setText(one_name[1])
    with qtbot.wait_signal(window.result_shown, timeout=10_000) as blocker:
        window.find_button.click()
    assert blocker.args[0].attendee.first_name == one_name[0]
    assert window.result_title.text() == f"Welcome, {one_name[0]}!"


def test_repeated_failures_pause_find_me_and_send_people_to_the_desk(qtbot, event_file) -> None:
    window = open_self(qtbot, event_file["path"])
    for _ in range(2):
        find(qtbot, window, "Nobody", "Atall", "x@example.org")
        assert "paused" not in window.result_text.text()
    find(qtbot, window, "Nobody", "Atall", "x@example.org")
    assert window.result_text.text() == ("Please go to the desk.\n"
                                         "Find me is paused at this kiosk for 1 min.")
    person = event_file["active"][3]
    find(qtbot, window, person.first_name, person.last_name, person.email)
    assert window.result_title.text() == "We couldn't find that."  # paused: not looked at


def test_polish_screens(qtbot, event_file) -> None:
    window = open_self(qtbot, event_file["path"], language="pl")
    assert window.instruction.text() == "Zeskanuj kod QR ze swojego biletu"
    assert window.no_ticket.text() == "Nie możesz znaleźć biletu?"
    find(qtbot, window, "Nobody", "Atall", "x@example.org")
    assert window.result_title.text() == "Nie udało się tego znaleźć."
    assert window.result_text.text() == "Prosimy podejść do stanowiska obsługi."
    for _ in range(2):
        find(qtbot, window, "Nobody", "Atall", "x@example.org")
    assert window.result_text.text().endswith("Wyszukiwanie jest wstrzymane na tym kiosku "
                                              "przez 1 min.")
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


def test_without_a_pin_self_check_in_does_not_run(qtbot, tmp_path) -> None:
    from kiosk.services.demo import create_demo_event

    path = tmp_path / "no-pin.db"
    store, _ = create_demo_event(path, attendees=12, seed=2)
    store.close()
    window = open_self(qtbot, path)
    assert window.desk.session is None  # nothing runs: nobody can be found or checked in
    assert window.pages.currentIndex() == 2
    assert window.result_title.text() == ("This kiosk needs a supervisor PIN before it can "
                                          "run self check-in; ask staff.")
    assert window.close_button.isVisibleTo(window)
    with qtbot.wait_signal(window.exit_requested, timeout=1_000):
        window.close_button.click()


def test_a_running_kiosk_offers_no_close_button(qtbot, event_file) -> None:
    window = open_self(qtbot, event_file["path"])
    find(qtbot, window, "Nobody", "Atall", "x@example.org")
    assert not window.close_button.isVisibleTo(window)


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
