"""Workshops and checkpoints taken out of the event: removal marks that merge in any order,
the console's rules for what may go, and `kiosk sessions/checkpoints --remove`."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.changes import Change, ChangeKind
from kiosk.services import event_settings
from kiosk.services.desk import Desk, DeskError
from kiosk.services.event_setup import session_id_for
from kiosk.store import queries
from kiosk.store.event_store import EventStore
from tests.conftest import FakeWall


def _change(n: int, device: str, hlc_ms: int, kind: ChangeKind, payload: dict) -> Change:
    return Change(f"c-{device}-{n}", device, n, f"{hlc_ms:013d}.00000.{device}", kind, payload)


TYPO = session_id_for("Typo Workshp")  # the id the console gives it, so re-adding finds it

# Two desks and the organiser, offline from each other, each with an opinion on workshop W
# and its door: added, removed, added again with new details, removed again.
_HISTORY = [
    _change(1, "org", 1_000, ChangeKind.SESSION_UPSERT, {"id": "w", "name": "W", "room": "1"}),
    _change(2, "org", 1_001, ChangeKind.CHECKPOINT_UPSERT,
            {"id": "cp-w", "name": "W door", "session_id": "w"}),
    _change(1, "desk", 2_000, ChangeKind.SESSION_REMOVE, {"id": "w"}),
    _change(2, "desk", 2_001, ChangeKind.CHECKPOINT_REMOVE, {"id": "cp-w"}),
    _change(3, "org", 3_000, ChangeKind.SESSION_UPSERT, {"id": "w", "name": "W", "room": "2"}),
    _change(1, "hub", 2_500, ChangeKind.CHECKPOINT_REMOVE, {"id": "main"}),
]


def _state(store: EventStore) -> tuple[tuple[tuple[str, ...], ...], ...]:
    return tuple(tuple(store.conn.execute(sql).fetchall()) for sql in (
        "SELECT id, name, room, hlc FROM sessions ORDER BY id",
        "SELECT id, name, hlc FROM checkpoints ORDER BY id",
        "SELECT what, id, hlc FROM removals ORDER BY what, id"))


def test_removals_and_upserts_end_the_same_in_every_order_of_arrival(
        tmp_path: Path, wall: FakeWall) -> None:
    states = set()
    for n, order in enumerate(itertools.permutations(_HISTORY)):
        if n % 7:  # 720 orders; every seventh is plenty and keeps the test quick
            continue
        store = EventStore.open(tmp_path / f"e{n}.db", wall, create=True)
        store.receive(order)
        states.add(_state(store))
        assert store.rebuild() == len(_HISTORY)  # and a replay of the log agrees
        states.add(_state(store))
        store.close()
    assert len(states) == 1
    sessions, points, removals = states.pop()
    # The latest word on W is the organiser's re-add (room 2); the door stays removed; the
    # main desk is never removed, whoever asks.
    assert [(s[0], s[2]) for s in sessions] == [("w", "2")]
    assert [p[0] for p in points] == ["main"]
    assert [(r[0], r[1]) for r in removals] == [("checkpoint", "cp-w")]


def test_an_older_add_arriving_after_a_removal_does_not_bring_it_back(
        store: EventStore) -> None:
    store.receive([_HISTORY[2]])  # the removal first
    store.receive([_HISTORY[0]])  # then the (older) add
    assert queries.list_sessions(store.conn) == []


@pytest.fixture
def event(store: EventStore) -> EventStore:
    store.record(ChangeKind.SESSION_UPSERT, {"id": "w-booked", "name": "Booked Workshop"})
    store.record(ChangeKind.SESSION_UPSERT, {"id": TYPO, "name": "Typo Workshp"})
    store.record(ChangeKind.CHECKPOINT_UPSERT, {"id": "cp-typo", "name": "Typo door",
                                                "session_id": TYPO})
    store.record(ChangeKind.CHECKPOINT_UPSERT, {"id": "cp-booked", "name": "Booked door",
                                                "session_id": "w-booked"})
    store.record(ChangeKind.ATTENDEE_UPSERT, {"id": "A1", "base": "", "fields": {
        "first_name": "Amal", "last_name": "Haddad", "sessions": ["w-booked"]}})
    return store


def test_a_workshop_nobody_is_on_goes_with_its_door(event: EventStore) -> None:
    outcome = event_settings.remove_workshop(event, TYPO)
    assert outcome.done == "Removed the workshop “Typo Workshp” and its door “Typo door”."
    assert [s.id for s in queries.list_sessions(event.conn)] == ["w-booked"]
    assert [p.id for p in queries.list_checkpoints(event.conn)] == ["main", "cp-booked"]
    with pytest.raises(DeskError):
        Desk(event, checkpoint="Typo door")
    kinds = [c.kind for c in event.changes()][-2:]
    assert kinds == [ChangeKind.CHECKPOINT_REMOVE, ChangeKind.SESSION_REMOVE]
    # Added again under the same name, it is back (same id), without its old door.
    assert event_settings.save_workshop(
        event, event_settings.WorkshopForm("Typo Workshp", "", "", "", "")).saved
    assert TYPO in [s.id for s in queries.list_sessions(event.conn)]
    assert "cp-typo" not in [p.id for p in queries.list_checkpoints(event.conn)]


def test_a_booked_or_attended_workshop_and_the_main_desk_stay(event: EventStore) -> None:
    booked = event_settings.remove_workshop(event, "w-booked")
    assert booked.problem == ("1 person is booked on “Booked Workshop”. Take the bookings out "
                              "in the registration system and import again, then remove it.")
    desk = Desk(event, checkpoint="Booked door")
    assert desk.check_in("A1").outcome.value == "ok"
    came = event_settings.remove_checkpoint(event, "cp-booked")
    assert came.problem == ("1 person has been checked in at “Booked door”, so it stays in the "
                            "event for the report.")
    assert event_settings.remove_workshop(event, "w-booked").problem.startswith(
        "1 person has been checked in to “Booked Workshop”")
    assert event_settings.remove_checkpoint(event, "main").problem == (
        "The main desk is where everyone arrives; it cannot be removed.")
    assert len(queries.list_sessions(event.conn)) == 2
    assert len(queries.list_checkpoints(event.conn)) == 3


def test_the_command_line_removes_by_name_with_the_same_rules(
        event: EventStore, capsys) -> None:
    path = event.db.conn.execute("PRAGMA database_list").fetchone()[2]
    event.close()
    assert main(["checkpoints", path, "--remove", "typo DOOR"]) == 0
    assert capsys.readouterr().out.startswith("Removed the checkpoint “Typo door”.")
    assert main(["sessions", path, "--remove", "Booked Workshop"]) == 2
    assert "1 person is booked on “Booked Workshop”" in capsys.readouterr().err
    assert main(["sessions", path, "--remove", "Typo Workshp", "--json"]) == 0
    assert [s["name"] for s in json.loads(capsys.readouterr().out)] == ["Booked Workshop"]
    assert main(["checkpoints", path, "--remove", "Nowhere"]) == 2
    assert "There is no checkpoint called “Nowhere”" in capsys.readouterr().err
