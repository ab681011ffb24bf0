"""The After the event tab driven as an organiser would: export, report, audit trail,
backups, the reminder, and a wipe behind the PIN that leaves no name in any file."""

from __future__ import annotations

import csv
import sqlite3
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication, QDialog

from kiosk.core.models import Session
from kiosk.importing.records import SourceRecord
from kiosk.services.desk import Desk
from kiosk.services.desk_settings import DeskSettings
from kiosk.services.event_access import EventFile
from kiosk.services.event_report import figures_for
from kiosk.services.event_setup import NewEvent, add_session, create_event
from kiosk.services.exports import EXPORTS
from kiosk.services.registration_import import import_records
from kiosk.store import queries
from kiosk.ui.after_event_reminder import AfterEventReminder
from kiosk.ui.console.after_event_parts import ConfirmDialog, RemovalDialog
from kiosk.ui.console.after_event_screen import EXPORT_CHOICES, AfterEventScreen
from kiosk.ui.desk_handle import DeskHandle
from kiosk.ui.desk_window import DeskWindow
from kiosk.ui.self_checkin import SelfCheckInWindow
from tests.ui.conftest import dispose
from tests.ui.console.screens import read, write
from tests.unit.services.test_retention import _baseline, _day_at_the_desk, _found

PIN = "2468"
EVENT = "Together Against Trafficking"
PEOPLE = [
    # first, last, organisation, barcode
    ("Дмитрий", "Иванов", '=HYPERLINK("http://evil.example","Click me")', "4711"),
    ("美咲", "佐藤", "Hope for Justice", "4712"),
    ("Amira", "الهاشمي", "+44 20 7946 0000", ""),
    ("Grace", "Okafor", "Unseen UK", "4714"),
]


def _known_event(path: Path) -> Path:
    """Four registrations (Cyrillic, Japanese, Arabic, Latin), two checked in, a PIN."""
    store = create_event(path, NewEvent(EVENT, "2026-11-28", "Leeds"))
    add_session(store, Session("s-ttt", "Train the Trainer Taster", capacity=20))
    import_records(store, [
        SourceRecord(row=i + 2, fields={
            "first_name": first, "last_name": last, "organisation": org,
            "email": f"p{i}@example.org", "external_barcode": barcode,
            "external_ref": f"R{i}"}, sessions=("Train the Trainer Taster",))
        for i, (first, last, org, barcode) in enumerate(PEOPLE)], [])
    people = {a.first_name: a for a in queries.list_attendees(store.conn, status="all")}
    desk = Desk(store, "Desk 1", "Sam", now=lambda: datetime(2026, 11, 28, 9, 5))
    desk.check_in(people["Дмитрий"].id)
    desk.check_in(people["Grace"].id)
    DeskSettings(store).set_pin(PIN)
    store.close()
    return path


def _checked_in(path: Path) -> int:
    return read(path, lambda s: s.conn.execute("SELECT count(*) FROM checkins").fetchone()[0])


def _check_in_at_another_desk(path: Path, first_name: str) -> None:
    """A desk in this program checks someone in (through the event file's one door)."""
    def check_in(store) -> None:
        person = next(a for a in queries.list_attendees(store.conn)
                      if a.first_name == first_name)
        Desk(store, "Desk 2").check_in(person.id)
    write(path, check_in)


@pytest.fixture
def known(tmp_path: Path) -> Path:
    return _known_event(tmp_path / "conference.db")


@pytest.fixture
def open_screen(qtbot):
    screens: list[AfterEventScreen] = []
    doors: list[EventFile] = []

    def opener(path: Path, now: datetime = datetime(2026, 12, 1, 10, 0)) -> AfterEventScreen:
        event = EventFile.open(path, threaded=True)
        doors.append(event)
        screen = AfterEventScreen(event, clock=lambda: now)
        screens.append(screen)
        qtbot.addWidget(screen)
        screen.resize(1280, 800)
        screen.show()
        with qtbot.wait_signal(screen.ready, timeout=10_000):
            screen.start()
        return screen

    yield opener
    for screen in screens:
        screen.shutdown()
    for event in doors:
        event.close()


def _click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _export(qtbot, screen: AfterEventScreen, what: str, out: Path, xlsx: bool):
    screen.export_what.setCurrentIndex(screen.export_what.findData(what))
    _click(qtbot, screen.xlsx_choice if xlsx else screen.csv_choice)
    screen.export_path.setText(str(out))
    with qtbot.wait_signal(screen.exported, timeout=10_000) as done:
        _click(qtbot, screen.export_button)
    return done.args[0]


def _table(screen: AfterEventScreen) -> list[list[str]]:
    model = screen.audit_model
    return [[model.cell(r, c) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_every_cli_export_can_be_chosen(qtbot, known, open_screen) -> None:
    screen = open_screen(known)
    assert [key for key, _ in EXPORT_CHOICES] == list(EXPORTS)
    assert screen.export_what.count() == len(EXPORTS)
    # The file name follows the choice, in the folder beside the event.
    screen.export_what.setCurrentIndex(screen.export_what.findData("noshows"))
    _click(qtbot, screen.csv_choice)
    assert screen.export_path.text() == str(known.parent / "conference-noshows.csv")


def test_export_to_csv_and_xlsx_lands_with_the_right_rows(qtbot, known, tmp_path,
                                                         open_screen) -> None:
    screen = open_screen(known)
    written = _export(qtbot, screen, "attendees", tmp_path / "people.csv", xlsx=False)
    assert screen.export_message.text().startswith(
        f"4 rows written to {tmp_path / 'people.csv'}")
    assert written.rows == 4
    with (tmp_path / "people.csv").open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    by_first = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_first) == {"Дмитрий", "美咲", "Amira", "Grace"}
    assert by_first["Дмитрий"]["organisation"].startswith("'=HYPERLINK(")
    assert by_first["Дмитрий"]["checked_in"] == "yes"

    _export(qtbot, screen, "attendees", tmp_path / "people.xlsx", xlsx=True)
    assert screen.export_message.text().startswith("4 rows written to")
    sheet = openpyxl.load_workbook(tmp_path / "people.xlsx").active
    header = [cell.value for cell in sheet[1]]
    first, last, org = (header.index(name) + 1 for name in
                        ("first_name", "last_name", "organisation"))
    cells = {sheet.cell(row, first).value: row for row in range(2, sheet.max_row + 1)}
    assert set(cells) == {"Дмитрий", "美咲", "Amira", "Grace"}
    dima = cells["Дмитрий"]
    assert sheet.cell(dima, last).value == "Иванов"
    assert sheet.cell(cells["Amira"], last).value == "الهاشمي"
    # The injected formula is text, not a formula a spreadsheet would run.
    hyperlink = sheet.cell(dima, org)
    assert hyperlink.value == "'" + PEOPLE[0][2] and hyperlink.data_type == "s"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    # The registration system's file: its own barcodes and who came.
    _export(qtbot, screen, "checkins", tmp_path / "for-eventbrite.csv", xlsx=False)
    with (tmp_path / "for-eventbrite.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["barcode", "checked_in", "checked_in_at"]
    assert {row[0]: row[1] for row in rows[1:]} == {
        "4711": "true", "4712": "false", "R2": "false", "4714": "true"}


def test_a_bad_export_name_gets_a_plain_message(qtbot, known, tmp_path, open_screen) -> None:
    screen = open_screen(known)
    written = _export(qtbot, screen, "attendees", tmp_path / "people.txt", xlsx=False)
    assert not written.ok
    assert screen.export_message.text() == (
        "⚠ The export can only be written to a file ending in .csv or .xlsx (for example "
        "people.csv); nothing was written.")
    _export(qtbot, screen, "attendees", tmp_path / "no-such-folder" / "a.csv", xlsx=False)
    assert "does not exist" in screen.export_message.text()
    assert not (tmp_path / "people.txt").exists()


def test_the_audit_table_shows_an_export_just_made(qtbot, known, tmp_path,
                                                  open_screen) -> None:
    screen = open_screen(known)
    assert {row[3] for row in _table(screen)} >= {"check-in", "import"}
    with qtbot.wait_signal(screen.audit_shown, timeout=10_000):
        _export(qtbot, screen, "noshows", tmp_path / "noshows.xlsx", xlsx=True)
    newest = _table(screen)[0]
    assert newest[3] == "export" and newest[5] == "noshows: 2 rows to noshows.xlsx"
    # Never a name: ids only, even for check-ins.
    text = " ".join(" ".join(row) for row in _table(screen))
    for first, last, _org, _code in PEOPLE:
        assert first not in text and last not in text
    check_ins = [row for row in _table(screen) if row[3] == "check-in"]
    assert len(check_ins) == 2 and all(row[1] == "Desk 1" and row[2] == "Sam"
                                       and row[4] for row in check_ins)
    # Newest first, and a filter by action.
    whens = [row[0] for row in _table(screen)]
    assert whens == sorted(whens, reverse=True)
    screen.audit_filter.setCurrentText("check-in")
    assert [row[3] for row in _table(screen)] == ["check-in", "check-in"]
    assert screen.audit_count.text() == "2 entries"
    # The audit export is the same trail, written as a file.
    # (The button picks the audit export and writes it beside the last export.)
    _click(qtbot, screen.csv_choice)
    with qtbot.wait_signal(screen.exported, timeout=10_000):
        _click(qtbot, screen.audit_export_button)
    assert screen.export_what.currentData() == "audit"
    audit = tmp_path / "conference-audit.csv"
    assert screen.export_message.text().startswith(f"4 rows written to {audit}")
    with audit.open(encoding="utf-8-sig", newline="") as handle:
        actions = [row[1] for row in list(csv.reader(handle))[1:]]
    assert actions.count("check-in") == 2 and "export" in actions


def test_the_report_is_written_with_pages_and_a_thumbnail(qtbot, known, tmp_path,
                                                         open_screen) -> None:
    screen = open_screen(known)
    screen.report_path.setText(str(tmp_path / "report.pdf"))
    assert not screen.open_report_button.isEnabled()
    with qtbot.wait_signal(screen.thumbnail_shown, timeout=20_000) as shown:
        _click(qtbot, screen.report_button)
    pages = shown.args[0]
    document = QPdfDocument(None)
    assert document.load(str(tmp_path / "report.pdf")) == QPdfDocument.Error.None_
    assert document.pageCount() == pages >= 1
    document.close()
    assert screen.report_message.text().startswith(f"The report ({pages} page")
    pixmap = screen.thumbnail.pixmap()
    assert not pixmap.isNull() and pixmap.width() == 180 and pixmap.height() > 200
    assert screen.open_report_button.isEnabled()


def test_the_reminder_shows_after_the_event_and_stays_dismissed(qtbot, known,
                                                               open_screen) -> None:
    before = open_screen(known, now=datetime(2026, 11, 28, 12, 0))
    assert not before.banner.isVisible()
    after = open_screen(known, now=datetime(2026, 11, 28, 17, 30))
    assert after.banner.isVisible()
    assert "export the attendance" in after.reminder_label.text()
    assert "4 people" in after.reminder_label.text()
    _click(qtbot, after.dismiss_button)
    qtbot.wait_until(lambda: after.ops.pending == 0, timeout=10_000)
    assert not after.banner.isVisible()
    again = open_screen(known, now=datetime(2026, 12, 5, 9, 0))
    assert not again.banner.isVisible()


def test_restoring_a_backup_in_the_console_brings_back_a_state(qtbot, known, open_console):
    window = open_console(known)
    window.show_screen("after")
    screen = window.screens["after"]
    qtbot.wait_until(lambda: screen.shown_once, timeout=10_000)
    with qtbot.wait_signal(screen.backups_shown, timeout=10_000) as shown:
        _click(qtbot, screen.take_button)
    assert shown.args[0] == 1 and screen.backup_message.text().startswith("Took a backup")
    # After the snapshot, a third person is checked in (at a desk, on the same file).
    _check_in_at_another_desk(known, "Amira")
    assert _checked_in(known) == 3
    attendees = window.screens["attendees"]
    with qtbot.wait_signal(attendees.order_shown, timeout=10_000):
        attendees.state_box.setCurrentIndex(attendees.state_box.findText("Checked in"))
    assert attendees.model.rowCount() == 3
    with qtbot.wait_signal(screen.state_shown, timeout=10_000):
        screen.refresh()
    screen.backup_table.selectRow(0)
    with qtbot.wait_signal(screen.dialog_opened, timeout=10_000) as opened:
        _click(qtbot, screen.restore_button)
    dialog = opened.args[0]
    assert isinstance(dialog, ConfirmDialog) and dialog.isVisible()
    assert "2 check-ins (now: 4 people and 3 check-ins)" in dialog.text.text()
    assert "taken out of the file" in dialog.text.text()
    with qtbot.wait_signal(screen.backup_done, timeout=10_000) as done:
        _click(qtbot, dialog.go)
    assert done.args[0].ok, done.args[0].message
    assert screen.backup_message.text().startswith("Restored backup 1.")
    assert _checked_in(known) == 2
    qtbot.wait_until(lambda: screen.backup_table.rowCount() == 2, timeout=10_000)
    assert screen.backup_table.item(0, 3).text() == "3"  # the state before, kept
    # The other tabs heard that the file was put back, and read it again by themselves.
    qtbot.wait_until(lambda: attendees.model.rowCount() == 2, timeout=10_000)


def _wipe_dialog(qtbot, screen: AfterEventScreen) -> RemovalDialog:
    with qtbot.wait_signal(screen.dialog_opened, timeout=10_000) as opened:
        _click(qtbot, screen.wipe_button)
    dialog = opened.args[0]
    assert isinstance(dialog, RemovalDialog) and dialog.isVisible()
    return dialog


def _answer(qtbot, screen: AfterEventScreen, dialog: RemovalDialog, pin: str) -> None:
    dialog.pin.setText(pin)
    _click(qtbot, dialog.go)
    qtbot.wait_until(lambda: screen.ops.pending == 0, timeout=30_000)


def test_wipe_needs_the_pin_and_the_typed_name_and_leaves_no_name_in_any_file(
        qtbot, tmp_path, open_console) -> None:
    path = tmp_path / "event.db"
    store, secrets = _day_at_the_desk(path)
    DeskSettings(store).set_pin(PIN)
    came = figures_for(store)[0].checked_in
    store.close()
    ignore = _baseline(tmp_path, secrets)
    assert len(_found(path, secrets, ignore)) > 50
    # The whole console is open: every tab has read the file on its own connection.
    window = open_console(path)
    window.show_screen("after")
    screen = window.screens["after"]
    qtbot.wait_until(lambda: screen.shown_once, timeout=10_000)
    qtbot.wait_until(lambda: window.screens["attendees"].model.rowCount() == 61,
                     timeout=10_000)

    dialog = _wipe_dialog(qtbot, screen)
    summary = dialog.summary.text()
    assert "61 people with their check-ins" in summary
    assert "1 backup(s)" in summary and "1 badge PDF(s)" in summary
    assert not dialog.go.isEnabled()
    qtbot.keyClicks(dialog.typed, "WIP")
    assert not dialog.go.isEnabled()
    qtbot.keyClicks(dialog.typed, "E")
    assert dialog.go.isEnabled()

    endings: list[int] = []
    dialog.finished.connect(endings.append)
    _answer(qtbot, screen, dialog, "1111")
    assert dialog.isVisible() and dialog.error.text().startswith("That PIN is not right")
    assert len(_found(path, secrets, ignore)) > 50  # nothing was removed

    with qtbot.wait_signal(screen.removal_done, timeout=30_000) as done:
        _answer(qtbot, screen, dialog, PIN)
    assert done.args[0].done, done.args[0].message
    assert endings == [QDialog.DialogCode.Accepted]  # closed, and only now
    assert _found(path, secrets, ignore) == []
    assert screen.removal_message.text().startswith("Wiped: 61 people's personal data")
    qtbot.wait_until(lambda: screen.left_label.text().startswith("No one's personal data"),
                     timeout=10_000)
    assert f"{came} checked in" in screen.left_label.text()
    assert not screen.banner.isVisible()
    # The other tabs no longer show anyone.
    qtbot.wait_until(lambda: window.screens["attendees"].model.rowCount() == 0,
                     timeout=10_000)
    assert _table(screen)[0][3] == "wipe"


def test_a_cancelled_wipe_removes_nothing(qtbot, known, open_screen) -> None:
    screen = open_screen(known)
    dialog = _wipe_dialog(qtbot, screen)
    dialog.typed.setText(EVENT.lower())
    assert dialog.go.isEnabled()
    dialog.reject()
    assert not dialog.isVisible()
    assert read(known, lambda s: s.conn.execute("SELECT count(*) FROM attendees").fetchone()
                ) == (4,)


def _desk(qtbot, path: Path, now: datetime) -> DeskWindow:
    client = DeskHandle(str(path))
    window = DeskWindow(client)
    window.clock = lambda: now
    with qtbot.wait_signal(window.ready, timeout=10_000):
        client.open()
    window.show()
    return window


def test_a_desk_closed_at_the_end_of_the_event_day_reminds_staff(qtbot, known) -> None:
    window = _desk(qtbot, known, datetime(2026, 11, 28, 17, 45))
    try:
        window.close()
        reminder = window.after_event_reminder
        assert reminder is not None and reminder.isVisible() and not window.isVisible()
        assert "Export the attendance you need" in reminder.text.text()
        assert "Wipe the personal data" in reminder.text.text()
        # Its own window, so it outlives the desk until someone has read it.
        assert reminder.windowHandle().transientParent() is None
        reminder.accept()
        assert not reminder.isVisible()
    finally:
        dispose(window)


def test_a_desk_closed_during_the_event_does_not_remind(qtbot, known) -> None:
    window = _desk(qtbot, known, datetime(2026, 11, 28, 12, 0))
    try:
        window.close()
        assert window.after_event_reminder is None and not window.isVisible()
    finally:
        dispose(window)


def test_a_self_check_in_kiosk_never_reminds(qtbot, known) -> None:
    client = DeskHandle(str(known), mode="self")
    window = SelfCheckInWindow(client)
    with qtbot.wait_signal(window.ready, timeout=10_000):
        client.open()
    window.show()
    try:
        window.close()
        assert not any(isinstance(w, AfterEventReminder) and w.isVisible()
                       for w in QApplication.topLevelWidgets())
    finally:
        dispose(window)


def test_wipe_from_the_console_of_a_running_desk(qtbot, tmp_path) -> None:
    """The usual way in: Organise at the desk. The desk's writer, its checkpointer and the
    console's tabs all have the file open while it is wiped."""
    path = tmp_path / "event.db"
    store, secrets = _day_at_the_desk(path)
    DeskSettings(store).set_pin(PIN)
    store.close()
    ignore = _baseline(tmp_path, secrets)
    desk = _desk(qtbot, path, datetime(2026, 11, 28, 18, 0))
    try:
        desk.locked = False  # the PIN for the console itself is the desk's own test
        desk.on_organise_requested()
        window = desk.organise_window
        window.show_screen("after")
        screen = window.screens["after"]
        qtbot.wait_until(lambda: screen.shown_once, timeout=10_000)
        dialog = _wipe_dialog(qtbot, screen)
        dialog.typed.setText("WIPE")
        with qtbot.wait_signal(screen.removal_done, timeout=30_000) as done:
            _answer(qtbot, screen, dialog, PIN)
        assert done.args[0].done, done.args[0].message
        assert _found(path, secrets, ignore) == []
        # The desk goes on working on the wiped file: a walk-in is saved.
        with qtbot.wait_signal(desk.result_shown, timeout=10_000) as shown:
            desk.desk.do(lambda s: s.walk_in({"first_name": "Latecomer", "last_name": "",
                                              "badge_name": "", "organisation": "",
                                              "category": "delegate"}), desk.on_answered)
        assert shown.args[0].outcome.value == "ok", shown.args[0]
        assert read(path, lambda s: [a.first_name for a in queries.list_attendees(s.conn)]
                    ) == ["Latecomer"]
    finally:
        dispose(desk)


def test_anonymise_keeps_anonymous_rows_and_ends_the_reminder(qtbot, known,
                                                              open_screen) -> None:
    screen = open_screen(known)
    assert screen.banner.isVisible()
    with qtbot.wait_signal(screen.dialog_opened, timeout=10_000) as opened:
        _click(qtbot, screen.anonymise_button)
    dialog = opened.args[0]
    assert "the names, emails, organisations" in dialog.summary.text()
    assert "of 4 people" in dialog.summary.text()
    qtbot.keyClicks(dialog.typed, "WIPE")  # the other word does not do
    assert not dialog.go.isEnabled()
    dialog.typed.setText("anonymise")
    with qtbot.wait_signal(screen.removal_done, timeout=30_000):
        _answer(qtbot, screen, dialog, PIN)
    qtbot.wait_until(lambda: "4 anonymous rows" in screen.left_label.text(), timeout=10_000)
    assert not screen.banner.isVisible() and not screen.anonymise_button.isEnabled()
    people = read(known, lambda s: queries.list_attendees(s.conn, status="all"))
    assert len(people) == 4 and {p.first_name for p in people} == {""}
    assert sum(p.checked_in for p in people) == 2


def test_a_wipe_cut_short_by_another_reader_says_how_to_finish(qtbot, tmp_path,
                                                               open_screen) -> None:
    path = tmp_path / "event.db"
    store, secrets = _day_at_the_desk(path)
    DeskSettings(store).set_pin(PIN)
    store.close()
    ignore = _baseline(tmp_path, secrets)
    screen = open_screen(path)
    # Another program in the middle of reading the file (it holds an old snapshot).
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM attendees").fetchone()
    try:
        dialog = _wipe_dialog(qtbot, screen)
        dialog.typed.setText("WIPE")
        _answer(qtbot, screen, dialog, PIN)
        assert dialog.isVisible()
        assert "Close that program, then press “Wipe for good” again" in dialog.error.text()
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    with qtbot.wait_signal(screen.removal_done, timeout=30_000) as done:
        _answer(qtbot, screen, dialog, PIN)
    assert done.args[0].done
    # The second press says what the wipe removed, not the nobody it found left.
    assert screen.removal_message.text().startswith("Wiped: 61 people's personal data is gone")
    assert _found(path, secrets, ignore) == []


def test_coming_back_to_the_tab_shows_the_file_as_it_is_now(qtbot, known,
                                                            open_console) -> None:
    window = open_console(known)
    window.show_screen("after")
    screen = window.screens["after"]
    qtbot.wait_until(lambda: screen.shown_once, timeout=10_000)
    assert "2 check-ins" in screen.left_label.text()
    window.show_screen("attendees")
    _check_in_at_another_desk(known, "Amira")
    with qtbot.wait_signal(screen.state_shown, timeout=10_000):
        window.show_screen("after")
    assert "3 check-ins" in screen.left_label.text()
    assert [row[3] for row in _table(screen)].count("check-in") == 3
