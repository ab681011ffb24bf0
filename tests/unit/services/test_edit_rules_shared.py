"""A correction gets the same answer from `kiosk edit` and from the console's edit form: both
run the rules of kiosk.core.field_limits and the event's categories, with the same words."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.cli import main as kiosk
from kiosk.core.refusal import Refusal
from kiosk.services import attendee_admin
from kiosk.services.demo import create_demo_event
from kiosk.store import queries
from kiosk.store.event_store import EventStore

# (what is changed) — and whether it is saved
EDITS = [
    ({"category": "nope"}, False),
    ({"badge_name": "x" * 201}, False),
    ({"organisation": "o" * 201}, False),
    ({"pronouns": "p" * 201}, False),
    ({"first_name": "", "last_name": "", "badge_name": ""}, False),
    ({"category": "speaker"}, True),
    ({"badge_name": "Kasia", "pronouns": "she/her"}, True),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("edit") / "event.db"
    store, _ = create_demo_event(path, attendees=20, seed=4)
    person = next(p for p in queries.list_attendees(store.conn, status="active")
                  if p.first_name and p.last_name)
    store.close()
    return path, person.id


@pytest.mark.parametrize(("changes", "saved"), EDITS, ids=lambda v: str(v)[:40])
def test_an_edit_gets_the_same_answer_in_the_console_and_the_cli(
        demo: tuple[Path, str], tmp_path: Path, capsys, changes: dict, saved: bool) -> None:
    source, attendee_id = demo
    console_copy, cli_copy = tmp_path / "console.db", tmp_path / "cli.db"
    shutil.copy(source, console_copy)
    shutil.copy(source, cli_copy)
    store = EventStore.open(console_copy)
    try:
        with store.transaction():
            attendee_admin.edit_attendee(store, attendee_id, dict(changes))
        console = "saved"
    except Refusal as exc:
        console = str(exc)
    finally:
        store.close()
    options = [part for field, value in changes.items()
               for part in (f"--{field.replace('_', '-')}", value)]
    status = kiosk(["edit", str(cli_copy), attendee_id, *options])
    said = capsys.readouterr()
    assert (status == 0) is saved, said.err
    if saved:
        assert console == "saved"
        assert said.out.startswith("Saved: ")
    else:
        assert said.err.strip().removeprefix("kiosk: ") == console
        assert "is too long" not in console or "pronouns" not in changes  # "are", for pronouns
