"""Categories are the organisers' words: an imported ticket type never reaches a badge, a desk
screen or a file for others until the organisers choose what it says (Event setup)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kiosk.badges import BadgeData
from kiosk.badges.catalogue import load_layout
from kiosk.cli import main
from kiosk.core import changes, tickets
from kiosk.core.models import DEFAULT_CATEGORIES, Attendee, Event
from kiosk.importing import read_registrations
from kiosk.services import event_settings as settings
from kiosk.services.badge_printing import BadgeSelection, write_badges
from kiosk.services.checkin_exports import checkins_table
from kiosk.services.desk import Desk
from kiosk.services.event_setup import NewEvent, create_event, event_of
from kiosk.services.registration_import import import_file
from kiosk.services.ticket_output import write_tickets
from kiosk.store import queries
from kiosk.store.event_store import EventStore
from tests.ticket_types import (
    IMPORTS,
    SURVIVORS,
    TICKET_TYPE_COLUMNS,
    pdf_text,
    with_ticket_type,
)


@pytest.fixture
def event(tmp_path: Path) -> EventStore:
    store = create_event(tmp_path / "event.db", NewEvent("Freedom Day", "2026-05-02"))
    yield store
    store.close()


def test_every_sample_with_a_ticket_type_column_is_covered() -> None:
    found = {path.name for path in IMPORTS.glob("*.csv")
             if "category" in read_registrations(path).columns.values()}
    assert found == set(TICKET_TYPE_COLUMNS)


@pytest.mark.parametrize("sample", sorted(TICKET_TYPE_COLUMNS))
def test_an_imported_ticket_type_is_never_printed_on_a_badge(
        sample: str, event: EventStore, tmp_path: Path) -> None:
    path = with_ticket_type(IMPORTS / sample, tmp_path / sample)
    report = import_file(event, path)
    in_it = [a for a in queries.list_attendees(event.conn) if a.category == SURVIVORS]
    assert in_it, "the sample should have someone active with that ticket type"

    out = tmp_path / "badges.pdf"
    write_badges(event, load_layout("insert-4x3in"), out, BadgeSelection())
    text = pdf_text(out).casefold()
    assert "survivor" not in text
    assert "day pass" not in text  # the generic sheet's own ticket type
    # The import says which categories it made, and that they print no label yet.
    assert SURVIVORS in report.new_categories
    assert set(report.new_categories) <= {SURVIVORS, "Day pass"}
    defaults = {a.category for a in queries.list_attendees(event.conn)} & set(DEFAULT_CATEGORIES)
    assert defaults and all(name.casefold() in text for name in defaults)  # as before

    # Event setup lists what the import made, with its people, and no label.
    lines = {line.name: line for line in settings.load_settings(event).categories}
    assert lines[SURVIVORS].label == "" and lines[SURVIVORS].listed
    assert lines[SURVIVORS].attendees == len(in_it)
    assert lines[SURVIVORS].colour == settings.OTHER_COLOUR  # neutral, like every new one
    assert list(lines)[:len(DEFAULT_CATEGORIES)] == list(DEFAULT_CATEGORIES)


def test_a_label_set_in_event_setup_is_what_the_badge_prints(event, tmp_path) -> None:
    import_file(event, with_ticket_type(IMPORTS / "pretix_order_positions.csv",
                                        tmp_path / "pretix.csv"))
    assert settings.set_category_label(event, SURVIVORS, "Guest").done == (
        f"Badges for “{SURVIVORS}” now print “Guest”.")
    out = tmp_path / "badges.pdf"
    write_badges(event, load_layout("insert-4x3in"), out, BadgeSelection(category=SURVIVORS))
    text = pdf_text(out)
    assert "GUEST" in text and "SURVIVOR" not in text.upper()
    assert settings.set_category_label(event, SURVIVORS, "x" * 41).problem.startswith(
        "A badge label can be at most 40 characters")
    assert event_of(event).label_of(SURVIVORS) == "Guest"  # the refused one left it


def test_an_event_from_before_keeps_its_default_labels_and_hides_other_ticket_types(
        event: EventStore, tmp_path: Path) -> None:
    """As main's import left an event: people in a ticket type the event does not list."""
    for first_name, category in (("Amina", SURVIVORS), ("Bo", "speaker")):
        event.record(changes.attendee.registration(
            tickets.new_attendee_id(), {"first_name": first_name, "category": category}, ""))
    lines = {line.name: line for line in settings.load_settings(event).categories}
    assert lines[SURVIVORS].attendees == 1 and not lines[SURVIVORS].listed
    assert lines[SURVIVORS].label == "" and lines["speaker"].label == "speaker"
    out = tmp_path / "badges.pdf"
    write_badges(event, load_layout("insert-4x3in"), out, BadgeSelection())
    text = pdf_text(out)
    assert "SPEAKER" in text and "SURVIVOR" not in text.upper()
    # Relabelled, renamed or merged there, it joins the event's own list.
    assert settings.set_category_colour(event, SURVIVORS, "#777777").saved
    assert SURVIVORS in event_of(event).categories


def test_the_labels_rules() -> None:
    event = Event("Conf", categories=("delegate", "speaker", "Day pass", "Trustee"),
                  category_labels=(("speaker", "Speaker"), ("Day pass", "")))
    assert event.label_of("Delegate") == "Delegate"  # a default: its own name, as before
    assert event.label_of("speaker") == "Speaker"  # the organisers' label wins
    assert event.label_of("day  PASS") == ""
    assert event.label_of("Trustee") == ""  # no label given: nothing printed
    assert event.label_of(SURVIVORS) == ""


def test_renaming_and_merging_keep_what_badges_print_and_where_ticket_types_go(
        event: EventStore, tmp_path: Path) -> None:
    first = with_ticket_type(IMPORTS / "tickettailor_issued_tickets.csv", tmp_path / "a.csv")
    import_file(event, first)
    people = {a.id for a in queries.list_attendees(event.conn, status="all")
              if a.category == SURVIVORS}
    assert settings.rename_category(event, SURVIVORS, "Leaders").done == (
        f"Renamed “{SURVIVORS}” to “Leaders” and moved {len(people)} attendee(s) to it; its "
        "badges print no label.")
    # The same file again: nothing changed, no category made again.
    again = import_file(event, first)
    assert (again.updated, again.new_categories) == (0, [])
    # A newer export with one more such ticket: it goes to the renamed category.
    with first.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    extra = list(rows[1])
    for heading, value in (("Issued ticket ID", "it_new"), ("Barcode", "TTKNEW0001"),
                           ("Full name", "Noor Haddad"), ("First name", "Noor"),
                           ("Last name", "Haddad"), ("Email", "noor@example.org"),
                           ("Ticket type", SURVIVORS), ("Order cancelled", "")):
        extra[rows[0].index(heading)] = value
    newer = tmp_path / "b.csv"
    with newer.open("w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows([*rows, extra])
    report = import_file(event, newer)
    assert (report.created, report.new_categories) == (1, [])
    noor = queries.list_attendees(event.conn, search="noor haddad")[0]
    assert noor.category == "Leaders"

    # Merged: everyone moves, the category goes, its ticket type follows.
    assert settings.set_category_label(event, "Leaders", "Guest").saved
    done = settings.merge_category(event, "Leaders", "delegate").done
    assert done == (f"Moved {len(people) + 1} attendee(s) from “Leaders” to “delegate”; "
                    "“Leaders” is gone. Its badges print “delegate”.")
    current = event_of(event)
    assert "Leaders" not in current.categories and current.label_of("Leaders") == ""
    assert current.category_for_ticket_type(SURVIVORS) == "delegate"
    assert {a.category for a in queries.list_attendees(event.conn, status="all")
            if a.id in people | {noor.id}} == {"delegate"}
    assert settings.merge_category(event, "delegate", "Delegate").problem == (
        "Choose another category to merge it into.")
    assert settings.merge_category(event, "Leaders", "delegate").problem == (
        "There is no category called “Leaders” any more.")


def test_marking_a_category_discreet_hides_its_name_from_desks_and_files_for_others(
        event: EventStore, tmp_path: Path) -> None:
    import_file(event, with_ticket_type(IMPORTS / "tickettailor_issued_tickets.csv",
                                        tmp_path / "tt.csv"))
    assert settings.set_category_discreet(event, SURVIVORS, True).saved
    current = event_of(event)
    assert current.is_discreet(SURVIVORS)
    # The desk: a check-in shows the badge label only (none yet), and the walk-in form
    # offers the category by its label, never by its name.
    someone = next(a for a in queries.list_attendees(event.conn) if a.category == SURVIVORS)
    desk = Desk(event, "Desk 1", "Sam")
    result = desk.check_in(someone.id)
    assert result.category_label == ""
    assert ("No badge label", SURVIVORS) in current.desk_choices()
    assert all(SURVIVORS not in shown for shown, _ in current.desk_choices(SURVIVORS))
    settings.set_category_label(event, SURVIVORS, "Delegate")
    assert event_of(event).desk_choices()[0] == ("delegate", "delegate")
    assert ("Delegate (2)", SURVIVORS) in event_of(event).desk_choices()
    assert desk.check_in(someone.id).category_label == "Delegate"
    # An unknown category named at a walk-in is refused without naming the discreet one.
    with pytest.raises(Exception, match="There is no category called “Survivors”") as refused:
        desk.walk_in("Noor", "Haddad", category="Survivors")
    assert SURVIVORS not in str(refused.value)

    # Files for others: the check-ins for the registration system, tickets and their
    # mail-merge sheet.
    table = checkins_table(event)
    assert SURVIVORS not in json.dumps([table.headers, table.rows], default=str)
    tickets = tmp_path / "tickets"
    write_tickets(event, tickets, "pdf")
    assert SURVIVORS not in (tickets / "mail-merge.csv").read_text(encoding="utf-8-sig")
    for ticket in tickets.glob("*.pdf"):
        assert "SURVIVOR" not in pdf_text(ticket).upper()


def test_desk_commands_show_the_badge_label_and_walk_ins_take_the_events_categories(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "event.db"
    store = create_event(path, NewEvent("Freedom Day"))
    try:
        import_file(store, with_ticket_type(IMPORTS / "tito_tickets.csv", tmp_path / "t.csv"))
        settings.rename_category(store, "delegate", "Attendee")
        settings.set_category_discreet(store, SURVIVORS, True)
        settings.set_category_label(store, SURVIVORS, "Guest")
        someone = next(a for a in queries.list_attendees(store.conn)
                       if a.category == SURVIVORS)
    finally:
        store.close()
    assert main(["checkin", str(path), "--attendee", someone.id]) == 0
    shown = capsys.readouterr().out
    assert "(Guest)" in shown and SURVIVORS not in shown
    # No --category: the event's first category, as "delegate" was renamed.
    assert main(["walkin", str(path), "--first", "Noor", "--last", "Haddad", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["attendee"]["category"] == "Attendee"
    assert main(["walkin", str(path), "--first", "Ali", "--category", SURVIVORS.lower()]) == 0
    assert "(Guest)" in capsys.readouterr().out
    assert main(["walkin", str(path), "--first", "Ali", "--category", "Press Pass"]) == 2
    assert "There is no category called “Press Pass”" in capsys.readouterr().err


def test_the_import_report_names_the_categories_it_made(tmp_path: Path, capsys) -> None:
    path = tmp_path / "event.db"
    create_event(path, NewEvent("Freedom Day")).close()
    sample = with_ticket_type(IMPORTS / "generic_delegates.csv", tmp_path / "generic.csv")
    assert main(["import", str(path), str(sample), "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["new_categories"] == [SURVIVORS, "Day pass"]
    assert main(["import", str(path), str(sample)]) == 0
    printed = capsys.readouterr().out
    assert (f"New category: {SURVIVORS} (its badges print no label until you set one in "
            "Event setup)") in printed
    assert "New category: Day pass" in printed
    assert main(["import", str(path), str(sample), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["new_categories"] == []


def test_a_category_made_here_prints_its_name_unless_discreet(event: EventStore) -> None:
    assert settings.add_category(event, "Trustee").done == (
        "Added the category “Trustee”; its badges print “Trustee”.")
    assert settings.add_category(event, "Bursary", discreet=True).done == (
        "Added the category “Bursary”; its badges print no label.")
    assert settings.set_category_discreet(event, "Trustee", True).done.startswith(
        "“Trustee” is discreet: desks show only its badge label, and its badges now print "
        "no label (the label was its name).")
    assert event_of(event).label_of("Trustee") == ""
    badge = BadgeData(Attendee("x", "Ada", category="Trustee"), "code", event_of(event))
    assert badge.event.label_of(badge.attendee.category) == ""

