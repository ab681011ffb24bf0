"""Field-level merging: desk edits against each other and against re-imports."""

from __future__ import annotations

from kiosk.core.changes import ChangeKind
from kiosk.core.hlc import FakeWall
from kiosk.store import queries
from kiosk.store.event_store import EventStore


def _import(store: EventStore, fields: dict, base: str = "") -> str:
    payload = {"id": "A1", "fields": fields, "base": base}
    return store.record(ChangeKind.ATTENDEE_UPSERT, payload).hlc


def test_later_desk_edit_wins_and_the_losing_value_stays_in_the_log(
    store: EventStore, wall: FakeWall
) -> None:
    _import(store, {"first_name": "Ana", "last_name": "Popescu"})
    wall.advance(10)
    first = store.record(ChangeKind.ATTENDEE_EDIT, {"id": "A1", "fields": {"badge_name": "Ani"}})
    wall.advance(10)
    store.record(ChangeKind.ATTENDEE_EDIT, {"id": "A1", "fields": {"badge_name": "Anna"}})
    assert queries.get_attendee(store.conn, "A1").badge_name == "Anna"
    # Delivering the older edit again does not bring it back.
    store.receive([first])
    assert queries.get_attendee(store.conn, "A1").badge_name == "Anna"
    kinds = [c.payload["fields"].get("badge_name") for c in store.changes()]
    assert "Ani" in kinds


def test_reimport_keeps_a_desk_edit_made_after_the_previous_import(
    store: EventStore, wall: FakeWall
) -> None:
    first = _import(store, {"first_name": "Jon", "organisation": "Hope Trust"})
    wall.advance(10)
    store.record(ChangeKind.ATTENDEE_EDIT, {"id": "A1", "fields": {"first_name": "John"}})
    wall.advance(10)
    # The organisers' new file changes both fields; the name was fixed at the desk since.
    _import(store, {"first_name": "Jonathan", "organisation": "Hope Trust UK"}, base=first)
    attendee = queries.get_attendee(store.conn, "A1")
    assert attendee.first_name == "John"
    assert attendee.organisation == "Hope Trust UK"


def test_reimport_overrides_a_desk_edit_older_than_the_previous_import(
    store: EventStore, wall: FakeWall
) -> None:
    _import(store, {"first_name": "Jon"})
    wall.advance(10)
    store.record(ChangeKind.ATTENDEE_EDIT, {"id": "A1", "fields": {"first_name": "John"}})
    wall.advance(10)
    second = _import(store, {"organisation": "X"})
    wall.advance(10)
    _import(store, {"first_name": "Jonathan"}, base=second)
    assert queries.get_attendee(store.conn, "A1").first_name == "Jonathan"


def test_search_index_follows_edits(store: EventStore, wall: FakeWall) -> None:
    _import(store, {"first_name": "Łukasz", "last_name": "Wiśniewski", "email": "lw@example.org"})
    found = queries.list_attendees(store.conn, search="lukasz wis")
    assert [a.id for a in found] == ["A1"]
    assert [a.id for a in queries.list_attendees(store.conn, search="example")] == ["A1"]
    store.record(ChangeKind.ATTENDEE_EDIT, {"id": "A1", "fields": {"last_name": "Nowak"}})
    assert queries.list_attendees(store.conn, search="wis") == []
    assert [a.id for a in queries.list_attendees(store.conn, search="now")] == ["A1"]
