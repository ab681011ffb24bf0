"""The attendee table's keys in memory give SQLite's answers, and follow changes made elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.changes import ChangeKind
from kiosk.core.text import fold
from kiosk.services import attendee_admin
from kiosk.services.demo import create_demo_event
from kiosk.services.desk import Desk
from kiosk.store import console_queries, queries
from kiosk.store.attendee_keys import SORTS, STATES, AttendeeKeys
from kiosk.store.event_store import EventStore

# Sorts whose SQL keys fold case and accents the same way (names and organisations sort
# by the full fold in memory, by ASCII case in SQLite: the same rows, a kinder order).
_SAME_AS_SQL = ("status", "checked_in", "badge")


@pytest.fixture
def event(tmp_path: Path) -> Path:
    path = tmp_path / "event.db"
    store, _ = create_demo_event(path, attendees=400, seed=5)
    desk = Desk(store, "Desk 1")
    for person in queries.list_attendees(store.conn)[::37]:
        desk.check_in(person.id)
    store.close()
    return path


def _all_orders(keys: AttendeeKeys) -> dict[tuple[str, str, str, bool], list[int]]:
    return {(state, text, sort, descending): keys.order(state, text, sort, descending)
            for state in STATES for text in ("", "an", "trust a") for sort in SORTS
            for descending in (False, True)}


def test_the_keys_give_the_rows_sqlite_gives(event: Path) -> None:
    store = EventStore.open(event)
    keys = AttendeeKeys()
    assert keys.refresh(store.conn) is None  # the first look reads everything
    texts = {rowid: fold(" ".join(parts)) for rowid, *parts in store.conn.execute(
        "SELECT rowid, first_name, last_name, badge_name, organisation, email, external_ref "
        "FROM attendees")}
    for (state, text, sort, descending), order in _all_orders(keys).items():
        # SQLite's state filter and sort; the words matched with the full accent fold.
        expected = [
            rowid for rowid in console_queries.attendee_order(store.conn, state, "", sort,
                                                              descending)
            if all(word in texts[rowid] for word in fold(text).split())]
        if sort in _SAME_AS_SQL:
            assert order == expected, (state, text, sort, descending)
        else:
            assert sorted(order) == sorted(expected), (state, text, sort, descending)
    # An accent typed or not finds the same people.
    person = next(p for p in queries.list_attendees(store.conn, status="all")
                  if not p.last_name.isascii() and p.last_name.isalpha())
    rowid = dict(store.conn.execute("SELECT id, rowid FROM attendees"))[person.id]
    plain = fold(person.last_name)
    assert plain.isascii() and plain != person.last_name.lower()
    for typed in (person.last_name, plain, person.last_name.upper()):
        assert rowid in keys.order("all", typed, "name", False), typed
    store.close()


def test_the_keys_follow_changes_made_by_another_connection(event: Path) -> None:
    store = EventStore.open(event)
    keys = AttendeeKeys()
    keys.refresh(store.conn)
    _all_orders(keys)  # every order made, so each must be moved, not made again
    assert keys.refresh(store.conn) == set()
    other = EventStore.open(event)
    desk = Desk(other, "Desk 2")
    people = queries.list_attendees(other.conn)
    desk.check_in(people[3].id)
    desk.edit(people[4].id, last_name="Aaronson", organisation="Zulu Trust")
    walk_in = desk.walk_in("Ann", "Abbott", organisation="Hope Trust")
    attendee_admin.merge_attendees(other, people[5].id, walk_in.attendee.id)
    attendee_admin.cancel_registration(other, people[6].id)
    other.record(ChangeKind.BADGE_PRINTED, {"attendee_id": people[7].id, "layout": "a6",
                                            "printer": "pdf", "at": "2026-11-28T09:00:00"})
    desk.undo()  # the walk-in's check-in, now the survivor's
    other.close()
    changed = keys.refresh(store.conn)
    assert changed is not None
    rowids = console_queries.attendee_ids_at
    assert {rowids(store.conn, list(changed))[r] for r in changed} >= {
        people[i].id for i in (3, 4, 5, 6, 7)} | {walk_in.attendee.id}
    fresh = AttendeeKeys()
    fresh.refresh(store.conn)
    assert _all_orders(keys) == _all_orders(fresh)
    store.close()


def test_the_event_file_rebuilt_under_the_keys_is_read_again(event: Path) -> None:
    """A wipe or a rebuild of the derived tables logs no change, through the same door as
    every other write: the shape of the table tells the keys to read everything again."""
    store = EventStore.open(event)
    keys = AttendeeKeys()
    keys.refresh(store.conn)
    count = len(keys)
    assert keys.refresh(store.conn) == set()
    with store.transaction():
        store.conn.execute(
            "DELETE FROM attendees WHERE rowid = (SELECT max(rowid) FROM attendees)")
    assert keys.refresh(store.conn) is None
    assert len(keys) == count - 1
    store.rebuild()  # the row comes back from the log
    assert keys.refresh(store.conn) is None
    assert len(keys) == count == store.conn.execute(
        "SELECT count(*) FROM attendees").fetchone()[0]
    fresh = AttendeeKeys()
    fresh.refresh(store.conn)
    assert _all_orders(keys) == _all_orders(fresh)
    store.close()
