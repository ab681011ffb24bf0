"""Every command that shows a person shows their category as a desk's screen does: by its
badge label, never by a discreet category's name (on a desk's copy, not even in --json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.services import event_settings as settings
from kiosk.services.event_setup import NewEvent, create_event
from kiosk.services.registration_import import import_file
from kiosk.store import queries
from tests.ticket_types import IMPORTS, SURVIVORS, with_ticket_type


def _event(tmp_path: Path, label: str) -> tuple[Path, Path, str, str]:
    """The organisers' copy and a desk's copy of an event whose imported survivors' category
    is discreet (with ``label`` as its badge label), and one of its people."""
    organisers = tmp_path / "event.db"
    store = create_event(organisers, NewEvent("Freedom Day"))
    try:
        import_file(store, with_ticket_type(IMPORTS / "tito_tickets.csv", tmp_path / "t.csv"))
        assert settings.set_category_discreet(store, SURVIVORS, True).saved
        if label:
            assert settings.set_category_label(store, SURVIVORS, label).saved
        someone = next(a for a in queries.list_attendees(store.conn)
                       if a.category == SURVIVORS and a.last_name)
    finally:
        store.close()
    desk = tmp_path / "desk.db"
    assert main(["package", str(organisers), "--out", str(desk)]) == 0
    return organisers, desk, someone.id, someone.last_name


def _commands(event: Path, person: str, surname: str) -> list[list[str]]:
    """Each command that shows a person, in the order a desk would use them."""
    path = str(event)
    return [
        ["attendees", path],
        ["attendees", path, "--search", surname],
        ["search", path, surname],
        ["checkin", path, "--attendee", person, "--desk", "Desk 9"],
        ["checkin", path, "--attendee", person, "--desk", "Desk 9"],  # already in
        ["undo", path, "--desk", "Desk 9"],
        ["edit", path, person, "--pronouns", "they/them", "--desk", "Desk 9"],
        ["walkin", path, "--first", "Noor", "--last", "Haddad", "--category", SURVIVORS,
         "--desk", "Desk 9"],
    ]


def _outputs(capsys: pytest.CaptureFixture[str], commands: list[list[str]],
             as_json: bool) -> list[tuple[str, str]]:
    said = []
    for command in commands:
        assert main(command + (["--json"] if as_json else [])) == 0, command
        captured = capsys.readouterr()
        said.append((command[0], captured.out + captured.err))
    return said


@pytest.mark.parametrize("label", ["Guest", ""])
def test_no_command_names_a_discreet_category_at_a_desk(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], label: str) -> None:
    organisers, desk, person, surname = _event(tmp_path, label)
    capsys.readouterr()
    # A desk's copy: neither its words nor its JSON carry the name.
    for as_json in (False, True):
        for command, out in _outputs(capsys, _commands(desk, person, surname), as_json):
            assert "survivor" not in out.casefold(), (command, as_json, out)
    # The organisers' copy at the command line: its words show the badge label only.
    for command, out in _outputs(capsys, _commands(organisers, person, surname), False):
        assert "survivor" not in out.casefold(), (command, out)


def test_commands_show_the_badge_label_as_the_desk_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    organisers, desk, person, surname = _event(tmp_path, "Guest")
    capsys.readouterr()
    said = dict(_outputs(capsys, _commands(desk, person, surname)[:4], False))
    assert f"{person}  " in said["attendees"] and "(Guest)" in said["attendees"]
    assert "(Guest)" in said["search"] and "(Guest)" in said["checkin"]
    [listed] = json.loads(_outputs(capsys, [["attendees", str(desk), "--search", surname]],
                                   True)[0][1])
    # A desk's copy names the discreet category by its label, as its walk-in form does.
    assert listed["category"] == "Guest" and listed["category_label"] == "Guest"
    # The organisers' copy keeps the name in --json, for their own scripts.
    [own] = json.loads(_outputs(capsys, [["attendees", str(organisers), "--search", surname]],
                                True)[0][1])
    assert own["category"] == SURVIVORS and own["category_label"] == "Guest"
    edited = json.loads(_outputs(capsys, [["edit", str(desk), person, "--pronouns", "she/her",
                                           "--desk", "Desk 9"]], True)[0][1])
    assert edited["category"] == "Guest" and edited["category_label"] == "Guest"
