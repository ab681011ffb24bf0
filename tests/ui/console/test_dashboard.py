"""The live dashboard follows check-ins made at a desk (through the event file's one door)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QTableWidget

from kiosk.core.changes import Change, ChangeKind
from kiosk.core.hlc import Stamp
from kiosk.core.ids import uuid7
from kiosk.services.desk import Desk
from kiosk.store import queries
from kiosk.store.event_store import EventStore
from tests.ui.console.screens import read, write


def figures(table: QTableWidget, row: int, column: int) -> str:
    """The figures written beside a bar in a table cell."""
    return table.cellWidget(row, column).findChild(QLabel, "figures").text()


def active_count(path) -> int:
    people = read(path, lambda s: queries.list_attendees(s.conn, status="all"))
    return sum(p.status.value == "active" and p.merged_into is None for p in people)


def test_the_dashboard_counts_a_check_in_made_at_a_desk(qtbot, open_console, event_file) -> None:
    window = open_console(event_file["path"], refresh_ms=100)
    window.show_screen("dashboard")
    screen = window.dashboard
    expected = active_count(event_file["path"])
    qtbot.wait_until(lambda: screen.dashboard is not None, timeout=10_000)
    assert screen.overall_label.text() == f"0 of {expected} checked in"
    assert screen.not_arrived_label.text() == f"Not arrived yet: {expected}"
    assert screen.chart.arrivals == []
    person = event_file["active"][0]
    result = write(event_file["path"], lambda s: Desk(s).check_in(person.id))
    assert result.outcome.value == "ok"
    qtbot.wait_until(lambda: screen.overall_label.text() == f"1 of {expected} checked in",
                     timeout=10_000)
    assert screen.not_arrived_label.text() == f"Not arrived yet: {expected - 1}"
    assert sum(n for _, n in screen.chart.arrivals) == 1
    categories = {screen.categories.item(r, 0).text(): figures(screen.categories, r, 1)
                  for r in range(screen.categories.rowCount())}
    assert categories[person.category].startswith("1 of ")
    booked = [figures(screen.workshops, r, 2) for r in range(screen.workshops.rowCount())]
    assert sum(text.startswith("1 of") for text in booked) == len(person.sessions)
    assert screen.desks.item(0).text().startswith("Desk: 1 check-in, latest ")
    assert "last heard from" in screen.desks.item(0).text()
    assert screen.duplicates_label.text() == "No duplicate check-ins"


def test_a_check_in_from_an_offline_desk_is_flagged_as_a_duplicate(
    qtbot, open_console, event_file
) -> None:
    person = event_file["active"][1]
    store = EventStore.open(event_file["path"])
    try:
        first = Desk(store, "Desk 1").check_in(person.id)
        assert first.outcome.value == "ok"
        later = Stamp.parse(store.changes().__next__().hlc).wall_ms + 10**9
        other = Stamp(later, 0, "offline-desk")
        store.receive([Change(uuid7(later), "offline-desk", 1, other.encode(), ChangeKind.CHECKIN,
                              {"attendee_id": person.id, "checkpoint_id": "main",
                               "desk": "Desk 2", "at": "2026-11-28T09:40:00"})])
    finally:
        store.close()
    window = open_console(event_file["path"])
    window.show_screen("dashboard")
    screen = window.dashboard
    qtbot.wait_until(lambda: screen.dashboard is not None, timeout=10_000)
    assert screen.duplicates_label.text() == "⚠ 1 duplicate check-in to review"
    assert screen.duplicates.item(0).text() == (
        f"⚠ {person.first_name} {person.last_name} — again at Desk 2, Sat 09:40")
    assert screen.overall_label.text().startswith("1 of ")


def test_an_expected_desk_not_heard_from_stands_out(qtbot, open_console, event_file) -> None:
    from kiosk.services.event_settings import save_desks

    store = EventStore.open(event_file["path"])
    try:
        assert save_desks(store, ["Front desk", "Side door"]).saved
        assert Desk(store, "Front desk").check_in(event_file["active"][2].id).outcome.value == "ok"
    finally:
        store.close()
    screen = open_console(event_file["path"]).dashboard
    qtbot.wait_until(lambda: screen.desks.count() == 2, timeout=10_000)
    lines = [screen.desks.item(i).text() for i in range(screen.desks.count())]
    assert lines[0].startswith("Front desk: 1 check-in, latest ")
    assert lines[1] == "⚠ Side door: expected, not heard from yet"


def test_failed_find_me_tries_are_counted_per_self_check_in_kiosk(
    qtbot, open_console, event_file
) -> None:
    """Synced in from a kiosk: its failed find-me tries (where and when, nothing typed)."""
    from kiosk.core.changes import self_checkin

    store = EventStore.open(event_file["path"])
    try:
        later = Stamp.parse(store.changes().__next__().hlc).wall_ms + 10**6
        failures = [self_checkin.find_me_failed("Self 1", f"2026-11-28T09:0{n}:00")
                    for n in range(3)]
        store.receive([Change(uuid7(later + n), "kiosk-device", n + 1,
                              Stamp(later + n, 0, "kiosk-device").encode(), failure.kind,
                              failure.payload)
                       for n, failure in enumerate(failures)])
    finally:
        store.close()
    window = open_console(event_file["path"])
    window.show_screen("dashboard")
    screen = window.dashboard
    qtbot.wait_until(lambda: screen.dashboard is not None, timeout=10_000)
    assert screen.find_me_label.isVisibleTo(screen)
    assert screen.find_me_label.text() == ("⚠ Self check-in: 3 find-me tries found nobody "
                                           "(see Desks)")
    lines = [screen.desks.item(i).text() for i in range(screen.desks.count())]
    assert [line for line in lines if line.startswith("Self 1: ")] == [
        f"Self 1: no check-ins yet — ⚠ 3 find-me tries found nobody — last heard from "
        f"{screen.dashboard.desks[0].last_contact}"]


def test_no_failed_find_me_tries_shows_nothing(qtbot, open_console, event_file) -> None:
    screen = open_console(event_file["path"]).dashboard
    qtbot.wait_until(lambda: screen.dashboard is not None, timeout=10_000)
    assert screen.dashboard.find_me_failed == 0
    assert not screen.find_me_label.isVisibleTo(screen)


def test_no_bar_covers_its_figures(qtbot, open_console, event_file) -> None:
    # Found on main: the figures were drawn on the bars, and the filled part hid them.
    window = open_console(event_file["path"], refresh_ms=100)
    window.resize(1280, 720)
    window.show_screen("dashboard")
    screen = window.dashboard
    qtbot.wait_until(lambda: screen.dashboard is not None, timeout=10_000)
    qtbot.wait(100)
    cells = [screen.categories.cellWidget(r, 1) for r in range(screen.categories.rowCount())]
    cells += [screen.workshops.cellWidget(r, 2) for r in range(screen.workshops.rowCount())]
    assert cells
    for cell in cells:
        bar = cell.findChild(QProgressBar)
        label = cell.findChild(QLabel, "figures")
        assert not bar.isTextVisible()
        assert not bar.geometry().intersects(label.geometry())
        assert label.width() >= label.sizeHint().width()  # the whole of the figures shows
