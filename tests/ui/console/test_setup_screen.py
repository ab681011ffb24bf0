"""The Event setup screen, driven as an organiser would: what it writes is read back through
the command line and the services a desk and the badge printer use."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from kiosk.badges import BadgeData
from kiosk.services import event_settings
from kiosk.services.badge_printing import BadgeSelection, select_attendees
from kiosk.services.event_setup import event_of
from kiosk.services.ticket_issuing import make_desk_package
from kiosk.store import queries
from kiosk.store.checkins import get_session
from kiosk.ui.console.setup_screen import SetupScreen
from tests.ui.console.screens import read, screen_opener, write


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 48), "#1f5fa8").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture
def open_setup(qtbot):
    yield from screen_opener(qtbot, SetupScreen)


def kiosk_cli(*args: str) -> str:
    """What the command line prints, run as the separate program it is: in this process the
    screen holds the event file's one door."""
    result = subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def type_into(qtbot, field, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def click_and_wait(qtbot, screen, button, signal="saved") -> str:
    with qtbot.waitSignal(getattr(screen, signal), timeout=10_000) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def rows(table, column: int = 0) -> list[str]:
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_setup_is_the_first_tab_of_the_console(qtbot, event_file, open_console) -> None:
    window = open_console(event_file["path"])
    assert window.tabs.tabText(0) == "Event setup"
    setup = window.screens["setup"]
    qtbot.waitUntil(lambda: setup.name.text() == "Together Against Trafficking 2026",
                    timeout=10_000)


def test_a_workshop_added_here_is_listed_by_kiosk_sessions(qtbot, event_file,
                                                           open_setup) -> None:
    screen = open_setup(event_file["path"])
    type_into(qtbot, screen.workshop_name, "Listening to Survivors")
    type_into(qtbot, screen.workshop_room, "Quiet Room")
    type_into(qtbot, screen.workshop_starts, "16:00")
    type_into(qtbot, screen.workshop_ends, "17:15")
    type_into(qtbot, screen.workshop_capacity, "24")
    done = click_and_wait(qtbot, screen, screen.add_workshop_button)
    assert done == "Added the workshop “Listening to Survivors”."
    assert screen.workshops_message.text() == "✓ Added the workshop “Listening to Survivors”."
    assert "Listening to Survivors" in rows(screen.workshops)
    assert screen.workshop_name.text() == "" and screen.workshop_capacity.text() == ""
    listed = {s["name"]: s for s in json.loads(kiosk_cli("sessions", str(event_file["path"]),
                                                          "--json"))}
    assert listed["Listening to Survivors"]["room"] == "Quiet Room"
    assert (listed["Listening to Survivors"]["starts"],
            listed["Listening to Survivors"]["ends"]) == ("16:00", "17:15")
    assert listed["Listening to Survivors"]["capacity"] == 24
    # The new workshop is offered as a door for a checkpoint at once.
    assert screen.checkpoint_workshop.findText("Listening to Survivors") >= 0


@pytest.mark.parametrize(("starts", "ends", "capacity", "message"), [
    ("10:00", "11:00", "forty", "⚠ The capacity must be a whole number of places, like 40 "
                                "(not “forty”). Leave it empty if the workshop has no limit."),
    ("14:00", "13:30", "20", "⚠ The workshop would end at 13:30, before it starts at 14:00. "
                             "Check the times."),
])
def test_bad_workshop_details_get_a_plain_message_and_nothing_is_written(
        qtbot, event_file, open_setup, starts, ends, capacity, message) -> None:
    screen = open_setup(event_file["path"])
    before = read(event_file["path"], lambda s: queries.list_sessions(s.conn))
    type_into(qtbot, screen.workshop_name, "Art as Witness")
    type_into(qtbot, screen.workshop_starts, starts)
    type_into(qtbot, screen.workshop_ends, ends)
    type_into(qtbot, screen.workshop_capacity, capacity)
    click_and_wait(qtbot, screen, screen.add_workshop_button, "refused")
    assert screen.workshops_message.text() == message
    # What was typed stays, to be corrected rather than typed again.
    assert (screen.workshop_name.text(), screen.workshop_capacity.text()) == (
        "Art as Witness", capacity)
    assert read(event_file["path"], lambda s: queries.list_sessions(s.conn)) == before
    assert "Art as Witness" not in rows(screen.workshops)


def test_a_duplicate_workshop_name_is_refused(qtbot, event_file, open_setup) -> None:
    screen = open_setup(event_file["path"])
    existing = event_file["session"].name
    type_into(qtbot, screen.workshop_name, existing.upper())
    click_and_wait(qtbot, screen, screen.add_workshop_button, "refused")
    assert screen.workshops_message.text().startswith(
        f"⚠ There is already a workshop called “{existing}”.")


def test_editing_a_workshop_keeps_its_bookings(qtbot, event_file, open_setup) -> None:
    screen = open_setup(event_file["path"])
    session = event_file["session"]
    row = rows(screen.workshops).index(session.name)
    screen.workshops.selectRow(row)
    assert screen.workshop_name.text() == session.name
    assert screen.save_workshop_button.isEnabled()
    type_into(qtbot, screen.workshop_capacity, "99")
    type_into(qtbot, screen.workshop_room, "Main Hall (upstairs)")
    assert click_and_wait(qtbot, screen, screen.save_workshop_button) == f"Saved “{session.name}”."
    saved = read(event_file["path"], lambda s: get_session(s.conn, session.id))
    assert (saved.capacity, saved.room) == (99, "Main Hall (upstairs)")
    assert len(rows(screen.workshops)) == len(read(
        event_file["path"], lambda s: queries.list_sessions(s.conn)))


def test_a_category_colour_change_reaches_the_badge_data(qtbot, event_file, open_setup):
    screen = open_setup(event_file["path"])
    screen.categories.selectRow(rows(screen.categories, 1).index("speaker"))
    assert screen.category_colour.text() == "#c62828"
    type_into(qtbot, screen.category_colour, "blue")
    click_and_wait(qtbot, screen, screen.colour_category_button, "refused")
    assert screen.categories_message.text().startswith("⚠ “blue” is not a colour.")
    type_into(qtbot, screen.category_colour, "#00AA44")
    assert click_and_wait(qtbot, screen, screen.colour_category_button) == (
        "Badges for “speaker” are now #00aa44.")
    assert rows(screen.categories)[rows(screen.categories, 1).index("speaker")] == "#00aa44"

    def speaker_badge(store):
        speaker = next(a for a in queries.list_attendees(store.conn) if a.category == "speaker")
        badge = BadgeData(speaker, "code", event_of(store))
        return badge.event.colour_of(badge.attendee.category)

    assert read(event_file["path"], speaker_badge) == "#00aa44"


def test_the_colour_picker_sets_the_chosen_categorys_colour(qtbot, event_file, open_setup):
    screen = open_setup(event_file["path"])
    screen.categories.selectRow(rows(screen.categories, 1).index("volunteer"))
    qtbot.mouseClick(screen.pick_colour_button, Qt.MouseButton.LeftButton)
    dialog = screen.colour_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.setCurrentColor(QColor("#123456"))
    with qtbot.waitSignal(screen.saved, timeout=10_000):
        dialog.accept()
    assert read(event_file["path"], lambda s: event_of(s).colour_of("volunteer")) == "#123456"


def test_renaming_a_category_moves_its_people(qtbot, event_file, open_setup) -> None:
    screen = open_setup(event_file["path"])
    press = read(event_file["path"], lambda s: [
        a.id for a in select_attendees(s, BadgeSelection(category="press"))])
    screen.categories.selectRow(rows(screen.categories, 1).index("press"))
    click_and_wait(qtbot, screen, screen.remove_category_button, "refused")
    assert screen.categories_message.text().startswith("⚠ ")
    assert "are in “press”. Rename it instead" in screen.categories_message.text()
    type_into(qtbot, screen.category_name, "Media")
    done = click_and_wait(qtbot, screen, screen.rename_category_button)
    assert done.startswith("Renamed “press” to “Media”")
    assert "Media" in rows(screen.categories, 1) and "press" not in rows(screen.categories, 1)
    moved = read(event_file["path"], lambda s: [
        a.id for a in select_attendees(s, BadgeSelection(category="Media"))])
    assert sorted(moved) == sorted(press)

    type_into(qtbot, screen.category_name, "Interpreter")
    type_into(qtbot, screen.category_colour, "")
    assert click_and_wait(qtbot, screen, screen.add_category_button) == (
        "Added the category “Interpreter”; its badges print “Interpreter”.")
    screen.categories.selectRow(rows(screen.categories, 1).index("Interpreter"))
    assert click_and_wait(qtbot, screen, screen.remove_category_button) == (
        "Removed the category “Interpreter”.")
    assert "Interpreter" not in read(event_file["path"], lambda s: event_of(s).categories)


def test_details_and_logo_are_saved_in_the_event(qtbot, event_file, open_setup, tmp_path):
    screen = open_setup(event_file["path"])
    type_into(qtbot, screen.date, "28/11/2026")
    click_and_wait(qtbot, screen, screen.save_details_button, "refused")
    assert screen.details_message.text() == (
        "⚠ Write the date as year-month-day, like 2026-11-28 (not “28/11/2026”).")
    type_into(qtbot, screen.date, "2026-11-29")
    type_into(qtbot, screen.venue, "Central Library, Manchester")
    click_and_wait(qtbot, screen, screen.save_details_button)
    event = read(event_file["path"], event_of)
    assert (event.date, event.venue) == ("2026-11-29", "Central Library, Manchester")

    logo = tmp_path / "charity-logo.png"
    logo.write_bytes(PNG)
    assert screen.logo_preview.pixmap().isNull()
    with qtbot.waitSignal(screen.saved, timeout=10_000) as blocker:
        screen.set_logo(logo)
    assert blocker.args[0] == "The logo is now charity-logo.png."
    assert not screen.logo_preview.pixmap().isNull()
    assert screen.remove_logo_button.isEnabled()
    assert read(event_file["path"], lambda s: event_of(s).logo) == PNG
    not_a_picture = tmp_path / "notes.txt"
    not_a_picture.write_text("hello")
    with qtbot.waitSignal(screen.refused, timeout=10_000):
        screen.set_logo(not_a_picture)
    assert screen.details_message.text().startswith("⚠ notes.txt is not a PNG or JPEG picture.")
    assert read(event_file["path"], lambda s: event_of(s).logo) == PNG


def test_a_checkpoint_at_a_workshop_door_is_listed_by_kiosk_checkpoints(
        qtbot, event_file, open_setup) -> None:
    screen = open_setup(event_file["path"])
    session = event_file["session"]
    type_into(qtbot, screen.checkpoint_name, "Side door")
    screen.checkpoint_workshop.setCurrentIndex(screen.checkpoint_workshop.findText(session.name))
    assert click_and_wait(qtbot, screen, screen.add_checkpoint_button) == (
        "Added the checkpoint “Side door”.")
    assert "Side door" in rows(screen.checkpoints)
    type_into(qtbot, screen.checkpoint_name, "side DOOR")
    click_and_wait(qtbot, screen, screen.add_checkpoint_button, "refused")
    assert screen.checkpoints_message.text() == "⚠ There is already a checkpoint called " \
                                                "“Side door”."
    listed = {p["name"]: p for p in json.loads(kiosk_cli("checkpoints", str(event_file["path"]),
                                                          "--json"))}
    assert listed["Side door"]["session_id"] == session.id


def test_desks_expected_are_kept_in_the_event(qtbot, event_file, open_setup) -> None:
    screen = open_setup(event_file["path"])
    for name in ("Front desk", "Lift lobby"):
        type_into(qtbot, screen.desk_name, name)
        click_and_wait(qtbot, screen, screen.add_desk_button)
    type_into(qtbot, screen.desk_name, "front DESK")
    click_and_wait(qtbot, screen, screen.add_desk_button, "refused")
    assert screen.desks_message.text() == ("⚠ “front DESK” is in the list twice. Give each "
                                           "desk its own name.")
    screen.desks.setCurrentRow(1)
    type_into(qtbot, screen.desk_name, "Self check-in")
    click_and_wait(qtbot, screen, screen.rename_desk_button)
    assert [screen.desks.item(i).text() for i in range(screen.desks.count())] == [
        "Front desk", "Self check-in"]
    assert read(event_file["path"], event_settings.expected_desks) == (
        "Front desk", "Self check-in")


def test_a_desk_copy_says_its_changes_reach_the_organisers_by_sync(qtbot, event_file,
                                                                   open_setup, tmp_path):
    desk_copy = tmp_path / "desk-copy.db"
    write(event_file["path"], lambda s: make_desk_package(s, desk_copy), atomic=False)
    screen = open_setup(desk_copy)
    assert screen.copy_note.isVisibleTo(screen)
    assert screen.copy_note.text().startswith("This is a desk copy of the event")
    organisers = open_setup(event_file["path"])
    assert not organisers.copy_note.isVisibleTo(organisers)


def test_a_workshop_added_by_mistake_is_removed_with_its_door(
        qtbot, event_file, open_setup) -> None:
    screen = open_setup(event_file["path"])
    type_into(qtbot, screen.workshop_name, "Art as Witnes")
    click_and_wait(qtbot, screen, screen.add_workshop_button)
    type_into(qtbot, screen.checkpoint_name, "Art door")
    screen.checkpoint_workshop.setCurrentIndex(screen.checkpoint_workshop.findText("Art as Witnes"))
    click_and_wait(qtbot, screen, screen.add_checkpoint_button)
    assert not screen.remove_workshop_button.isEnabled()  # nothing chosen yet
    screen.workshops.selectRow(rows(screen.workshops).index("Art as Witnes"))
    assert click_and_wait(qtbot, screen, screen.remove_workshop_button) == (
        "Removed the workshop “Art as Witnes” and its door “Art door”.")
    assert "Art as Witnes" not in rows(screen.workshops)
    assert "Art door" not in rows(screen.checkpoints)
    assert screen.checkpoint_workshop.findText("Art as Witnes") < 0
    sessions = json.loads(kiosk_cli("sessions", str(event_file["path"]), "--json"))
    assert "Art as Witnes" not in [s["name"] for s in sessions]


def test_a_booked_workshop_and_the_main_desk_cannot_be_removed(
        qtbot, event_file, open_setup) -> None:
    screen = open_setup(event_file["path"])
    session = event_file["session"]
    screen.workshops.selectRow(rows(screen.workshops).index(session.name))
    click_and_wait(qtbot, screen, screen.remove_workshop_button, "refused")
    assert screen.workshops_message.text().startswith("⚠ ")
    assert f"booked on “{session.name}”" in screen.workshops_message.text()
    assert session.name in rows(screen.workshops)
    screen.checkpoints.selectRow(rows(screen.checkpoints).index("Main desk"))
    assert screen.save_checkpoint_button.isEnabled()
    assert not screen.remove_checkpoint_button.isEnabled()


def cell(table, name: str, column: int) -> str:
    return table.item(rows(table, 1).index(name), column).text()


def badge_text(path, category: str, tmp_path) -> str:
    from kiosk.badges.catalogue import load_layout
    from kiosk.services.badge_printing import write_badges
    from tests.ticket_types import pdf_text

    out = tmp_path / "badges.pdf"
    read(path, lambda s: write_badges(s, load_layout("insert-4x3in"), out,
                                      BadgeSelection(category=category)))
    return pdf_text(out)


def test_categories_an_import_made_are_listed_then_labelled_and_made_discreet_here(
        qtbot, event_file, open_setup, tmp_path) -> None:
    from kiosk.services.registration_import import import_file
    from kiosk.store.event_store import EventStore
    from tests.ticket_types import IMPORTS, SURVIVORS, with_ticket_type

    store = EventStore.open(event_file["path"])
    try:
        import_file(store, with_ticket_type(IMPORTS / "tickettailor_issued_tickets.csv",
                                            tmp_path / "tickettailor.csv"))
        in_it = [a for a in queries.list_attendees(store.conn) if a.category == SURVIVORS]
    finally:
        store.close()
    screen = open_setup(event_file["path"])
    # Listed with its people, printing nothing until the organisers type a label.
    assert SURVIVORS in rows(screen.categories, 1)
    from kiosk.ui.console.setup_screen import NO_LABEL

    assert cell(screen.categories, SURVIVORS, 2) == NO_LABEL
    assert cell(screen.categories, SURVIVORS, 4) == str(len(in_it))
    assert "SURVIVOR" not in badge_text(event_file["path"], SURVIVORS, tmp_path).upper()

    screen.categories.selectRow(rows(screen.categories, 1).index(SURVIVORS))
    assert screen.category_label.text() == ""
    type_into(qtbot, screen.category_label, "Guest")
    assert click_and_wait(qtbot, screen, screen.label_category_button) == (
        f"Badges for “{SURVIVORS}” now print “Guest”.")
    assert cell(screen.categories, SURVIVORS, 2) == "Guest"
    printed = badge_text(event_file["path"], SURVIVORS, tmp_path)
    assert "GUEST" in printed and "SURVIVOR" not in printed.upper()

    # Discreet: ticked for the chosen category, saved at once.
    assert click_and_wait(qtbot, screen, screen.category_discreet) == (
        f"“{SURVIVORS}” is discreet: desks show only its badge label.")
    assert cell(screen.categories, SURVIVORS, 3) == "Yes"
    assert read(event_file["path"], lambda s: event_of(s).is_discreet(SURVIVORS))

    # Renamed, it keeps its label, discretion and people; merged, its people move.
    type_into(qtbot, screen.category_name, "Survivor leaders")
    assert click_and_wait(qtbot, screen, screen.rename_category_button).startswith(
        f"Renamed “{SURVIVORS}” to “Survivor leaders” and moved")
    assert (cell(screen.categories, "Survivor leaders", 2),
            cell(screen.categories, "Survivor leaders", 3)) == ("Guest", "Yes")
    assert "GUEST" in badge_text(event_file["path"], "Survivor leaders", tmp_path)
    screen.categories.selectRow(rows(screen.categories, 1).index("Survivor leaders"))
    screen.merge_target.setCurrentIndex(screen.merge_target.findText("delegate"))
    assert click_and_wait(qtbot, screen, screen.merge_category_button).startswith(
        "Moved ")
    assert "Survivor leaders" not in rows(screen.categories, 1)
    moved = read(event_file["path"], lambda s: {a.category for a in queries.list_attendees(
        s.conn) if a.id in {p.id for p in in_it}})
    assert moved == {"delegate"}
