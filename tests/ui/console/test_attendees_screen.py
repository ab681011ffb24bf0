"""The Attendees screen on a large event: it fills, scrolls, sorts and filters."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.core.changes import ChangeKind
from kiosk.core.checkin_rules import Outcome
from kiosk.core.text import fold
from kiosk.services.demo import create_demo_event
from kiosk.services.desk import Desk
from kiosk.store import queries
from kiosk.store.event_store import EventStore
from kiosk.ui.console.attendee_dialogs import ConfirmDialog, EditAttendeeDialog, MergeDialog
from kiosk.ui.console.attendee_model import COLUMNS
from tests.ui.console.screens import read, write

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
    _ready(qtbot, window)
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
    _ready(qtbot, window)
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
    _ready(qtbot, window)
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
    _ready(qtbot, window)
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
    _ready(qtbot, window)
    index = screen.state_box.findText("Badge printed")
    assert shown_order(qtbot, window, lambda: screen.state_box.setCurrentIndex(index)) == 1
    assert loaded_text(qtbot, screen, 0, "Badge") == "✔ printed"


# -- corrections: edit, merge, cancel ---------------------------------------------------------


def _ready(qtbot, window):
    window.show_screen("attendees")  # the tab in front, so clicks reach the table
    screen = window.attendees
    qtbot.wait_until(lambda: screen.model.rowCount() > 0 and screen.visible_text(0, "Name")
                     not in ("…", ""), timeout=20_000)
    # The first rows come from SQLite; filters wait for the keys read right after.
    qtbot.wait_until(lambda: screen.keys_ready, timeout=20_000)
    return screen


def _filtered(qtbot, window, text: str) -> int:
    screen = window.attendees
    screen.filter_box.clear()
    return shown_order(qtbot, window, lambda: qtbot.keyClicks(screen.filter_box, text))


def _row_named(qtbot, screen, name: str, column: str = "Name") -> int:
    rows = range(screen.model.rowCount())
    qtbot.wait_until(lambda: all(screen.visible_text(r, "Name") != "…" for r in rows))
    return next(r for r in rows if screen.visible_text(r, column) == name)


def _click_row(qtbot, screen, row: int, modifier=Qt.KeyboardModifier.NoModifier,
               double: bool = False) -> None:
    centre = screen.table.visualRect(screen.model.index(row, 0)).center()
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, modifier, centre)
    if double:  # a double-click arrives as a click, then the second press
        qtbot.mouseDClick(screen.table.viewport(), Qt.MouseButton.LeftButton, modifier, centre)


def _opened(qtbot, screen, action):
    with qtbot.wait_signal(screen.dialog_opened, timeout=10_000) as opened:
        action()
    return opened.args[0]


def _person(path: Path, attendee_id: str):
    return read(path, lambda s: queries.get_attendee(s.conn, attendee_id))


def test_double_clicking_a_row_edits_the_person(qtbot, open_console, event_file) -> None:
    person = next(p for p in event_file["active"] if p.email.isascii() and p.organisation)
    window = open_console(event_file["path"])
    screen = _ready(qtbot, window)
    assert _filtered(qtbot, window, person.last_name) >= 1
    assert not screen.edit_button.isEnabled()  # nothing selected yet
    row = _row_named(qtbot, screen, name_of(person))
    dialog = _opened(qtbot, screen, lambda: _click_row(qtbot, screen, row, double=True))
    assert isinstance(dialog, EditAttendeeDialog) and dialog.isVisible()
    assert dialog.fields["organisation"].text() == person.organisation
    # A mistyped email is refused in the dialog, which keeps everything typed.
    dialog.fields["email"].clear()
    qtbot.keyClicks(dialog.fields["email"], "no address")
    dialog.fields["organisation"].clear()
    qtbot.keyClicks(dialog.fields["organisation"], "Safe Haven Trust")
    dialog.fields["pronouns"].clear()
    qtbot.keyClicks(dialog.fields["pronouns"], "they/them")
    qtbot.mouseClick(dialog.first_name_only, Qt.MouseButton.LeftButton)
    assert dialog.badge_preview.text() == f"{person.first_name}  (they/them)"
    qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: "needs an @" in dialog.problem.text())
    assert dialog.isVisible() and dialog.action_button.isEnabled()
    assert dialog.fields["organisation"].text() == "Safe Haven Trust"
    assert _person(event_file["path"], person.id).email == person.email  # nothing recorded
    dialog.fields["email"].clear()
    qtbot.keyClicks(dialog.fields["email"], "new@example.org")
    # Booked on one more workshop (the boxes say how full each is).
    extra = next(s for s in dialog.workshops if s not in person.sessions)
    assert "booked" in dialog.workshops[extra].text()
    qtbot.mouseClick(dialog.workshops[extra], Qt.MouseButton.LeftButton)
    with qtbot.wait_signal(screen.corrected, timeout=10_000) as corrected:
        qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    assert corrected.args[0] == (f"Saved {person.first_name} {person.last_name}: Email, "
                                 "First name only, Organisation, Pronouns, Workshops.")
    assert not dialog.isVisible() and screen.message.text() == corrected.args[0]
    # The table shows the new organisation without a refresh, and the event file has it.
    qtbot.wait_until(lambda: screen.visible_text(row, "Organisation") == "Safe Haven Trust",
                     timeout=10_000)
    saved = _person(event_file["path"], person.id)
    assert (saved.organisation, saved.pronouns, saved.email, saved.first_name_only) == (
        "Safe Haven Trust", "they/them", "new@example.org", True)
    assert set(saved.sessions) == {*person.sessions, extra}
    assert saved.last_name == person.last_name


def test_two_records_of_one_person_are_merged_from_the_table(
    qtbot, open_console, event_file
) -> None:
    registered = next(p for p in event_file["active"] if not p.organisation
                      and p.last_name == "Evans")
    store = EventStore.open(event_file["path"])
    walk_in = Desk(store, "Desk 3").walk_in(registered.first_name, registered.last_name,
                                            organisation="Cinder Path Project")
    store.close()
    window = open_console(event_file["path"])
    screen = _ready(qtbot, window)
    assert _filtered(qtbot, window, registered.last_name) == 2
    first = _row_named(qtbot, screen, "", column="Organisation")
    _click_row(qtbot, screen, first)
    assert not screen.merge_button.isEnabled()
    _click_row(qtbot, screen, 1 - first, Qt.KeyboardModifier.ControlModifier)
    assert screen.merge_button.isEnabled() and not screen.edit_button.isEnabled()
    dialog = _opened(qtbot, screen, lambda: qtbot.mouseClick(screen.merge_button,
                                                             Qt.MouseButton.LeftButton))
    assert isinstance(dialog, MergeDialog)
    # Side by side; the registration is the one suggested to keep.
    columns = [[cell.text() for cell in cells] for cells in dialog.cells]
    assert sorted(c[3] for c in columns) == ["Cinder Path Project", "—"]
    assert sorted(c[8] for c in columns) == ["registration file", "walk-in at a desk"]
    assert dialog.kept.attendee.id == registered.id
    assert "Filled in from the other record: Organisation." in dialog.outcome.text()
    # Choosing the walk-in instead says so; choosing back restores the suggestion.
    qtbot.mouseClick(dialog.choices[[c.attendee.id for c in (dialog.plan.first,
                                                            dialog.plan.second)].index(
        walk_in.attendee.id)], Qt.MouseButton.LeftButton)
    outcome = dialog.outcome.text()
    assert "(registration file) will be merged into" in outcome
    assert "(walk-in at a desk)." in outcome and "Email" in outcome.splitlines()[1]
    dialog.choose(registered.id)
    with qtbot.wait_signal(screen.corrected, timeout=10_000) as corrected:
        qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    assert corrected.args[0] == (f"Merged into {registered.first_name} {registered.last_name} "
                                 "(filled in: Organisation).")
    # One row left: the registration, with the walk-in's check-in and organisation.
    qtbot.wait_until(lambda: screen.model.rowCount() == 1, timeout=10_000)
    qtbot.wait_until(lambda: screen.visible_text(0, "Checked in").startswith("✔"),
                     timeout=10_000)
    assert screen.visible_text(0, "Organisation") == "Cinder Path Project"
    assert _person(event_file["path"], walk_in.attendee.id).merged_into == registered.id
    assert _person(event_file["path"], registered.id).checked_in


def test_a_registration_is_cancelled_and_restored_from_the_table(
    qtbot, open_console, event_file
) -> None:
    person = next(p for p in event_file["active"] if p.email.isascii())
    code = event_file["codes"][person.id]
    window = open_console(event_file["path"])
    screen = _ready(qtbot, window)
    assert _filtered(qtbot, window, person.email) == 1
    _click_row(qtbot, screen, 0)
    assert screen.cancel_button.text() == "Cancel registration…"
    dialog = _opened(qtbot, screen, lambda: qtbot.mouseClick(screen.cancel_button,
                                                             Qt.MouseButton.LeftButton))
    assert isinstance(dialog, ConfirmDialog)
    assert f"Cancel the registration of {person.first_name}" in dialog.text.text()
    # "Go back" changes nothing.
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert _person(event_file["path"], person.id).status.value == "active"
    dialog = _opened(qtbot, screen, lambda: qtbot.mouseClick(screen.cancel_button,
                                                             Qt.MouseButton.LeftButton))
    with qtbot.wait_signal(screen.corrected, timeout=10_000):
        qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: screen.visible_text(0, "Registration") == "cancelled",
                     timeout=10_000)
    assert screen.cancel_button.text() == "Restore registration…"

    def scan(store: EventStore) -> Outcome:
        return Desk(store, "Desk 1").scan(code).outcome

    assert write(event_file["path"], scan) is Outcome.CANCELLED
    dialog = _opened(qtbot, screen, lambda: qtbot.mouseClick(
        screen.cancel_button, Qt.MouseButton.LeftButton))
    assert "Restore the registration" in dialog.text.text()
    with qtbot.wait_signal(screen.corrected, timeout=10_000):
        qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: screen.visible_text(0, "Registration") == "active",
                     timeout=10_000)
    assert write(event_file["path"], scan) is Outcome.OK


# -- filter and sort from memory ---------------------------------------------------------------


def _event_rows(path: Path) -> dict[int, tuple]:
    return read(path, lambda s: {row[0]: row[1:] for row in s.conn.execute(
        "SELECT a.rowid, a.first_name, a.last_name, a.badge_name, a.organisation, a.email, "
        "a.external_ref, a.status, a.checked_in_hlc, a.merged_into FROM attendees a")})


def test_filter_and_sort_give_the_right_rows_in_the_right_order(
    qtbot, open_console, big_event
) -> None:
    assert big_event["total"] >= 2_000
    rows = _event_rows(big_event["path"])
    window = open_console(big_event["path"])
    screen = _ready(qtbot, window)
    # "Not checked in yet", "trust", by organisation Z to A: counted here independently.
    index = screen.state_box.findText("Not checked in yet")
    shown_order(qtbot, window, lambda: screen.state_box.setCurrentIndex(index))
    shown_order(qtbot, window, lambda: qtbot.keyClicks(screen.filter_box, "trust"))
    column = [c[0] for c in COLUMNS].index("Organisation")
    shown_order(qtbot, window, lambda: screen.table.sortByColumn(
        column, Qt.SortOrder.DescendingOrder))
    expected = {rowid for rowid, (first, last, badge, org, email, ref, status, arrived,
                                  merged) in rows.items()
                if status == "active" and not arrived and not merged
                and "trust" in fold(" ".join((first, last, badge, org, email, ref)))}
    order = screen.model.order
    assert len(expected) > 50 and set(order) == expected and len(order) == len(expected)
    organisations = [fold(rows[rowid][3]) for rowid in order]
    assert organisations == sorted(organisations, reverse=True)
    assert loaded_text(qtbot, screen, 0, "Organisation") == rows[order[0]][3]
    # By name A to Z over everyone: the table reads in last-name order.
    screen.filter_box.clear()
    shown_order(qtbot, window, lambda: screen.state_box.setCurrentIndex(0))
    shown_order(qtbot, window, lambda: screen.table.sortByColumn(0, Qt.SortOrder.AscendingOrder))
    order = screen.model.order
    assert len(order) == big_event["total"]
    names = [(fold(rows[r][1]), fold(rows[r][0])) if rows[r][1] else (fold(rows[r][0]), "")
             for r in order]
    assert names == sorted(names)
    assert loaded_text(qtbot, screen, 0, "Name") == name_of(
        next(p for p in big_event["people"] if p.id == _id_at(big_event["path"], order[0])))


def _id_at(path: Path, rowid: int) -> str:
    return read(path, lambda s: s.conn.execute("SELECT id FROM attendees WHERE rowid = ?",
                                               (rowid,)).fetchone()[0])


def test_the_table_follows_a_check_in_made_at_a_desk(qtbot, open_console, event_file) -> None:
    person = next(p for p in event_file["active"] if p.email.isascii())
    window = open_console(event_file["path"])
    screen = _ready(qtbot, window)
    assert _filtered(qtbot, window, person.email) == 1
    assert loaded_text(qtbot, screen, 0, "Checked in") == "—"
    # A desk in the same program: its check-in is announced by the event file's door.
    assert write(event_file["path"], lambda s: Desk(s, "Desk 2").check_in(person.id).outcome
                 ) is Outcome.OK
    # Nobody touches the console: the row turns green where it stands.
    qtbot.wait_until(lambda: screen.visible_text(0, "Checked in").startswith("✔"),
                     timeout=10_000)
    # The "Checked in" view, answered from memory, has them too.
    screen.filter_box.clear()
    index = screen.state_box.findText("Checked in")
    shown = shown_order(qtbot, window, lambda: screen.state_box.setCurrentIndex(index))
    assert shown == 1
    assert loaded_text(qtbot, screen, 0, "Name") == name_of(person)


def test_a_change_elsewhere_keeps_the_rows_an_organiser_selected(
    qtbot, open_console, event_file
) -> None:
    window = open_console(event_file["path"])
    screen = _ready(qtbot, window)
    column = [c[0] for c in COLUMNS].index("Checked in")
    shown_order(qtbot, window, lambda: screen.table.sortByColumn(
        column, Qt.SortOrder.AscendingOrder))
    qtbot.wait_until(lambda: screen.visible_text(12, "Name") not in ("…", ""))
    _click_row(qtbot, screen, 4)
    _click_row(qtbot, screen, 7, Qt.KeyboardModifier.ControlModifier)
    selected = screen.selected_rowids()
    assert len(selected) == 2 and screen.merge_button.isEnabled()
    arriving = screen.model.attendee_at(12).attendee_id
    write(event_file["path"], lambda s: Desk(s, "Desk 2").check_in(arriving))
    # They move to the top of the "Checked in" order; the two chosen rows stay chosen.
    qtbot.wait_until(lambda: screen.model.attendee_at(0) is not None
                     and screen.model.attendee_at(0).attendee_id == arriving, timeout=10_000)
    assert sorted(screen.selected_rowids()) == sorted(selected)
    assert screen.merge_button.isEnabled()


def test_a_damaged_name_is_marked_and_the_edit_form_says_why(
    qtbot, open_console, event_file, tmp_path: Path
) -> None:
    """A name whose letters were lost or garbled on the way is marked in the table; the form
    says why and what it probably was, with the columns the organisers kept; the name is
    changed only when the organiser saves."""
    from kiosk.core.changes import attendee
    from kiosk.store import kept_columns

    def damage(store: EventStore) -> None:
        store.record(attendee.registration("A-resaved", {
            "first_name": "Zbigniew", "last_name": "?ukasiewicz",
            "organisation": "Fundacja WolnoÅ›Ä‡"}, ""))
        kept_columns.keep(store.conn, [("A-resaved", {"Mobile number": "+44 7700 900123"})])
    write(event_file["path"], damage)
    window = open_console(event_file["path"])
    screen = _ready(qtbot, window)
    assert _filtered(qtbot, window, "Zbigniew") == 1
    row = _row_named(qtbot, screen, "⚠ Zbigniew ?ukasiewicz")
    tooltip = screen.model.data(screen.model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert "Last name “?ukasiewicz”: a letter was lost" in tooltip
    assert "probably “Fundacja Wolność”" in tooltip
    # Everyone else, names in many scripts, is not marked.
    assert _filtered(qtbot, window, "") > 1
    marked = [r for r in range(screen.model.rowCount())
              if screen.visible_text(r, "Name").startswith("⚠")]
    assert len(marked) == 1

    assert _filtered(qtbot, window, "Zbigniew") == 1
    dialog = _opened(qtbot, screen, lambda: _click_row(qtbot, screen, 0, double=True))
    assert isinstance(dialog, EditAttendeeDialog)
    assert not dialog.name_warning.isHidden()
    assert "“?ukasiewicz”" in dialog.name_warning.text()
    assert dialog.kept.text().endswith("Mobile number: +44 7700 900123")
    assert not dialog.kept.isHidden()
    dialog.fields["last_name"].setText("Łukasiewicz")
    dialog.fields["organisation"].setText("Fundacja Wolność")
    assert dialog.name_warning.isHidden()  # corrected: nothing left to warn about
    with qtbot.wait_signal(screen.corrected, timeout=10_000):
        qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    assert _person(event_file["path"], "A-resaved").last_name == "Łukasiewicz"
    qtbot.wait_until(lambda: screen.visible_text(0, "Name") == "Zbigniew Łukasiewicz",
                     timeout=10_000)
