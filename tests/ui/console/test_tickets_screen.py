"""The Tickets screen, driven as an organiser would: the folder it fills, and a re-issued
ticket whose old code every desk refuses."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt

from kiosk.core.checkin_rules import Outcome
from kiosk.services.desk import Desk
from kiosk.services.event_access import EventFile
from kiosk.services.ticket_issuing import make_desk_package, ticket_code
from kiosk.store import queries
from kiosk.ui.console.tickets_screen import TicketsScreen
from tests.ui.conftest import dispose
from tests.ui.console.screens import read, screen_opener, write


@pytest.fixture
def open_tickets(qtbot):
    yield from screen_opener(qtbot, TicketsScreen)


def everyone_active(path):
    """Every active registration (the fixture's list leaves out people without a surname)."""
    return read(path, lambda s: queries.list_attendees(s.conn, status="active"))


def choose_format(screen, key: str) -> None:
    screen.format_box.setCurrentIndex(screen.format_box.findData(key))


def test_every_active_attendee_gets_a_ticket_and_a_mail_merge_line(qtbot, event_file,
                                                                   open_tickets, tmp_path):
    screen = open_tickets(event_file["path"])
    active = everyone_active(event_file["path"])
    assert screen.summary.text().startswith(f"{len(active)} attendees get a ticket")
    out = tmp_path / "to send"
    screen.folder.setText(str(out))
    choose_format(screen, "pdf")
    with qtbot.waitSignal(screen.exported, timeout=60_000) as blocker:
        qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
        assert screen.stop_button.isEnabled() and not screen.export_button.isEnabled()
    report = blocker.args[0]
    assert not report.problem and not report.stopped
    assert screen.export_message.text() == (
        f"✓ Wrote {len(active)} tickets and mail-merge.csv (e-mail, first name, last name, "
        f"ticket file, code) to {out}.")
    assert screen.progress.value() == screen.progress.maximum() == len(active)
    assert screen.export_button.isEnabled() and not screen.stop_button.isEnabled()
    tickets = sorted(p.name for p in out.glob("ticket-*.pdf"))
    assert tickets == sorted(f"ticket-{a.id}.pdf" for a in active)
    assert all((out / name).read_bytes().startswith(b"%PDF") for name in tickets)
    with (out / "mail-merge.csv").open(encoding="utf-8-sig", newline="") as sheet:
        lines = list(csv.reader(sheet))
    assert lines[0] == ["email", "first_name", "last_name", "ticket_file", "code"]
    by_file = {line[3]: line for line in lines[1:]}
    assert len(lines) - 1 == len(active) == len(by_file)
    person = event_file["active"][0]
    assert by_file[f"ticket-{person.id}.pdf"][:3] == [person.email, person.first_name,
                                                      person.last_name]
    assert by_file[f"ticket-{person.id}.pdf"][4] == event_file["codes"][person.id]
    cancelled = event_file["cancelled"]
    assert f"ticket-{cancelled.id}.pdf" not in by_file


def test_a_sample_ticket_shows_the_events_details_without_a_real_code(qtbot, event_file):
    door = EventFile.open(event_file["path"], threaded=True)
    screen = TicketsScreen(door)
    try:
        screen.show()
        with qtbot.waitSignal(screen.sample_shown, timeout=30_000):
            screen.start()
        assert not screen.sample.pixmap().isNull()
        assert screen.sample.pixmap().height() == 360
        # The sample's QR is not a ticket: a photo of the screen lets nobody in.
        assert write(event_file["path"], lambda s: Desk(s, "Desk 1").scan(
            "SAMPLE-NOT-A-TICKET").outcome) is Outcome.UNKNOWN
    finally:
        screen.shutdown()
        dispose(screen)
        door.close()


def test_png_tickets_are_pictures(qtbot, event_file, open_tickets, tmp_path) -> None:
    screen = open_tickets(event_file["path"])
    screen.folder.setText(str(tmp_path / "png"))
    choose_format(screen, "png")
    with qtbot.waitSignal(screen.exported, timeout=120_000):
        qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    pictures = list((tmp_path / "png").glob("ticket-*.png"))
    assert len(pictures) == len(everyone_active(event_file["path"]))
    assert pictures[0].read_bytes().startswith(b"\x89PNG")


def test_stop_ends_the_export_before_the_mail_merge_file(qtbot, event_file, open_tickets,
                                                         tmp_path) -> None:
    screen = open_tickets(event_file["path"])
    out = tmp_path / "stopped"
    screen.folder.setText(str(out))
    choose_format(screen, "pdf")
    # Asked on the export's own thread after the first ticket, as a press of Stop would be.
    screen.progressed.connect(lambda done, _total: screen.request_stop(),
                              Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(screen.exported, timeout=60_000) as blocker:
        qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].stopped
    total = len(everyone_active(event_file["path"]))
    assert screen.export_message.text() == (
        f"⚠ Stopped after 1 of {total} tickets; no mail-merge file was written. Export again "
        "to make them all.")
    assert len(list(out.glob("ticket-*"))) == 1
    assert not (out / "mail-merge.csv").exists()


def test_a_folder_that_cannot_be_written_is_said_plainly(qtbot, event_file, open_tickets,
                                                         tmp_path) -> None:
    screen = open_tickets(event_file["path"])
    blocked = tmp_path / "a file"
    blocked.write_text("in the way")
    screen.folder.setText(str(blocked))
    with qtbot.waitSignal(screen.exported, timeout=60_000):
        qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    assert screen.export_message.text().startswith(
        f"⚠ Could not write the tickets to {blocked}:")
    assert screen.export_message.text().endswith("Choose another folder.")
    screen.folder.setText("  ")
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    assert screen.export_message.text() == "⚠ Choose a folder for the tickets first."


def find(qtbot, screen, text: str) -> int:
    """Type a name; the answer shown is the one for the whole name (earlier ones are dropped)."""
    qtbot.keyClicks(screen.find_box, text[:-1])
    with qtbot.waitSignal(screen.people_found, timeout=10_000) as blocker:
        qtbot.keyClicks(screen.find_box, text[-1])
    return blocker.args[0]


def test_a_reissued_tickets_old_code_is_refused_as_revoked(qtbot, event_file, open_tickets):
    screen = open_tickets(event_file["path"])
    person = event_file["active"][3]
    old_code = event_file["codes"][person.id]
    find(qtbot, screen, person.full_name)
    labels = [screen.people.item(i).text() for i in range(screen.people.count())]
    row = next(i for i, label in enumerate(labels) if label.startswith(person.full_name))
    assert not screen.reissue_button.isEnabled()
    screen.people.setCurrentRow(row)
    qtbot.mouseClick(screen.reissue_button, Qt.MouseButton.LeftButton)
    assert screen.confirm.isVisible()
    assert screen.confirm_text.text() == (f"Re-issue the ticket of {person.full_name}? Their "
                                          "old ticket stops working; send them the new one.")
    with qtbot.waitSignal(screen.reissued, timeout=10_000) as blocker:
        qtbot.mouseClick(screen.confirm_button, Qt.MouseButton.LeftButton)
    ticket = blocker.args[0]
    assert screen.reissue_message.text() == (f"✓ New ticket for {person.full_name}. The old "
                                             "code is revoked on every desk once they sync.")
    assert screen.code.isVisible() and screen.code.text() == ticket.code != old_code
    assert not screen.qr.pixmap().isNull()

    def scans(store):
        desk = Desk(store, "Desk 1")
        return desk.scan(old_code).outcome, desk.scan(ticket.code).outcome

    assert write(event_file["path"], scans) == (Outcome.REVOKED, Outcome.OK)
    assert read(event_file["path"], lambda s: ticket_code(
        s, queries.get_attendee(s.conn, person.id))) == ticket.code


def test_cancelling_the_question_changes_nothing(qtbot, event_file, open_tickets) -> None:
    screen = open_tickets(event_file["path"])
    person = event_file["active"][5]
    find(qtbot, screen, person.full_name)
    screen.people.setCurrentRow(0)
    qtbot.mouseClick(screen.reissue_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.cancel_button, Qt.MouseButton.LeftButton)
    assert not screen.confirm.isVisible()
    serials = read(event_file["path"], lambda s: {
        a.id: a.ticket_serial for a in queries.list_attendees(s.conn, status="all")})
    assert set(serials.values()) == {0}


def test_nobody_found_is_said(qtbot, event_file, open_tickets) -> None:
    screen = open_tickets(event_file["path"])
    assert find(qtbot, screen, "Zzyzx") == 0
    assert screen.people.item(0).text() == "Nobody with a ticket matches that name."
    screen.people.setCurrentRow(0)
    assert not screen.reissue_button.isEnabled()


def test_the_saved_new_ticket_is_in_the_folder(qtbot, event_file, open_tickets, tmp_path):
    screen = open_tickets(event_file["path"])
    person = event_file["active"][0]
    find(qtbot, screen, person.full_name)
    screen.people.setCurrentRow(0)
    qtbot.mouseClick(screen.reissue_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.reissued, timeout=10_000) as blocker:
        qtbot.mouseClick(screen.confirm_button, Qt.MouseButton.LeftButton)
    chosen = blocker.args[0]
    choose_format(screen, "pdf")
    with qtbot.waitSignal(screen.saved_one, timeout=30_000):
        screen.save_new_ticket(tmp_path / "one")
    assert [p.name for p in (tmp_path / "one").glob("ticket-*")] == [
        f"ticket-{chosen.attendee_id}.pdf"]
    with (tmp_path / "one" / "mail-merge.csv").open(encoding="utf-8-sig") as sheet:
        assert chosen.code in sheet.read()


def test_a_desk_copy_says_tickets_are_made_on_the_organisers_copy(qtbot, event_file,
                                                                  open_tickets, tmp_path):
    desk_copy = tmp_path / "desk.db"
    write(event_file["path"], lambda s: make_desk_package(s, desk_copy), atomic=False)
    screen = open_tickets(desk_copy)
    assert screen.desk_note.isVisible()
    assert screen.desk_note.text().startswith("This is a desk copy of the event: it can check "
                                              "tickets but not make them. Tickets are made on "
                                              "the organisers' copy")
    assert not screen.export_button.isEnabled()
    assert not screen.find_box.isEnabled()
    organisers = open_tickets(event_file["path"])
    assert not organisers.desk_note.isVisible()
    assert organisers.export_button.isEnabled()
