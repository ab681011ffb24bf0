"""The Attendees screen on a large event: it fills, scrolls, sorts and filters."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.core.changes import ChangeKind
from kiosk.services.demo import create_demo_event
from kiosk.services.desk import Desk
from kiosk.store import queries

# 100,000 attendees take about 30 s to build (KIOSK_TEST_ATTENDEES=100000 runs these tests on
# them); 20,000 keep the suite quick and are still far more rows than a view could hold as
# widgets. `kiosk bench` measures the table on 100,000.
ATTENDEES = int(os.environ.get("KIOSK_TEST_ATTENDEES", "20000"))


@pytest.fixture(scope="module")
def big_event(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("big") / "event.db"
    store, _ = create_demo_event(path, attendees=ATTENDEES, seed=3)
    people = queries.list_attendees(store.conn, status="all")
    active = [p for p in people if p.status.value == "active"]
    desk = Desk(store)
    arrived = [active[10], active[500], active[7_000]]
    for person in arrived:
        desk.check_in(person.id)
    total = store.conn.execute(
        "SELECT count(*) FROM attendees WHERE merged_into IS NULL").fetchone()[0]
    store.close()
    return {"path": path, "people": people, "arrived": arrived, "total": total}


def name_of(person) -> str:
    return f"{person.first_name} {person.last_name}".strip() or person.badge_name


def shown_order(qtbot, window, action) -> int:
    with qtbot.wait_signal(window.attendees.order_shown, timeout=20_000) as blocker:
        action()
    return blocker.args[0]


def loaded_text(qtbot, screen, row: int, column: str) -> str:
    qtbot.wait_until(lambda: screen.visible_text(row, column) not in ("…", ""), timeout=10_000)
    return screen.visible_text(row, column)


def test_every_attendee_is_in_the_table_and_it_scrolls_to_the_end(
    qtbot, open_console, big_event
) -> None:
    window = open_console(big_event["path"])
    screen = window.attendees
    qtbot.wait_until(lambda: screen.model.rowCount() > 0, timeout=20_000)
    assert screen.model.rowCount() == big_event["total"]
    assert screen.count_label.text() == f"{big_event['total']:,} attendees shown"
    first = loaded_text(qtbot, screen, 0, "Name")
    screen.table.scrollToBottom()
    last_row = screen.model.rowCount() - 1
    last = loaded_text(qtbot, screen, last_row, "Name")
    names = {name_of(p) for p in big_event["people"]}
    assert first in names and last in names and first != last
    # Only the pages looked at were read, not the whole event.
    assert len(screen.model.loaded_pages()) <= 4
    # Sorting the other way round puts the last row first.
    shown_order(qtbot, window, lambda: screen.table.sortByColumn(0, Qt.SortOrder.DescendingOrder))
    assert loaded_text(qtbot, screen, 0, "Name") == last


def test_sorting_by_check_in_puts_the_people_who_arrived_first(
    qtbot, open_console, big_event
) -> None:
    window = open_console(big_event["path"])
    screen = window.attendees
    qtbot.wait_until(lambda: screen.model.rowCount() > 0, timeout=20_000)
    column = 4
    assert screen.model.headerData(column, Qt.Orientation.Horizontal) == "Checked in"
    shown_order(qtbot, window, lambda: screen.table.sortByColumn(column,
                                                                 Qt.SortOrder.AscendingOrder))
    arrived = {name_of(p) for p in big_event["arrived"]}
    top = {loaded_text(qtbot, screen, row, "Name") for row in range(3)}
    assert top == arrived
    assert all(screen.visible_text(row, "Checked in").startswith("✔") for row in range(3))
    assert screen.visible_text(3, "Checked in") == "—"


def test_typing_in_the_filter_box_narrows_the_table(qtbot, open_console, big_event) -> None:
    window = open_console(big_event["path"])
    screen = window.attendees
    qtbot.wait_until(lambda: screen.model.rowCount() > 0, timeout=20_000)
    person = next(p for p in big_event["people"] if p.email.isascii() and p.email)
    shown = shown_order(qtbot, window, lambda: qtbot.keyClicks(screen.filter_box, person.email))
    assert shown == 1
    assert loaded_text(qtbot, screen, 0, "Name") == name_of(person)
    assert screen.count_label.text() == "1 attendee match"
    # A common word matches as many rows as hold it (counted here independently).
    word = "trust"
    expected = sum(
        1 for p in big_event["people"]
        if word in " ".join((p.first_name, p.last_name, p.badge_name, p.organisation, p.email,
                             p.external_ref)).lower()
    )
    assert expected > 50
    screen.filter_box.clear()
    shown = shown_order(qtbot, window, lambda: qtbot.keyClicks(screen.filter_box, "TRUST"))
    assert shown == expected
    assert "trust" in loaded_text(qtbot, screen, 0, "Organisation").lower()


def test_the_checked_in_view_shows_only_arrivals(qtbot, open_console, big_event) -> None:
    window = open_console(big_event["path"])
    screen = window.attendees
    qtbot.wait_until(lambda: screen.model.rowCount() > 0, timeout=20_000)
    index = screen.state_box.findText("Checked in")
    shown = shown_order(qtbot, window, lambda: screen.state_box.setCurrentIndex(index))
    assert shown == len(big_event["arrived"])
    names = {loaded_text(qtbot, screen, row, "Name") for row in range(shown)}
    assert names == {name_of(p) for p in big_event["arrived"]}


def test_a_badge_print_shows_in_the_badge_column(qtbot, open_console, tmp_path: Path) -> None:
    path = tmp_path / "event.db"
    store, _ = create_demo_event(path, attendees=30, seed=2)
    person = queries.list_attendees(store.conn)[0]
    store.record(ChangeKind.BADGE_PRINTED, {"attendee_id": person.id, "layout": "a6",
                                            "printer": "pdf", "at": "2026-11-28T09:00:00"})
    store.close()
    window = open_console(path)
    screen = window.attendees
    qtbot.wait_until(lambda: screen.model.rowCount() > 0, timeout=10_000)
    index = screen.state_box.findText("Badge printed")
    assert shown_order(qtbot, window, lambda: screen.state_box.setCurrentIndex(index)) == 1
    assert loaded_text(qtbot, screen, 0, "Badge") == "✔ printed"
