"""The change log: durable appends, order-independent application, rebuilds."""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path

import pytest

from kiosk.core.changes import ChangeKind
from kiosk.core.hlc import FakeWall
from kiosk.store import queries
from kiosk.store.database import EventFileError, connect
from kiosk.store.event_store import EventStore
from kiosk.store.schema import DERIVED_TABLES


def test_database_uses_wal_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    db = connect(tmp_path / "e.db", create=True)
    conn = db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    from kiosk.store.schema import migrations

    applied = [m["name"] for m in db["_sqlite_migrations"].rows_where(
        "migration_set = ?", ["kiosk.event"], order_by="id")]
    assert applied[0] == "m001_change_log_and_derived_tables"
    assert migrations.pending(db) == []
    # Opening again applies nothing twice.
    before = db["_sqlite_migrations"].count
    connect(tmp_path / "e.db")
    assert db["_sqlite_migrations"].count == before


def test_a_file_that_is_not_a_database_is_refused_with_a_message(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("this is a shopping list, not an event\n" * 100)
    with pytest.raises(EventFileError, match="not a kiosk event file"):
        connect(bogus)


def test_record_appends_a_change_and_applies_it(store: EventStore) -> None:
    change = store.record(
        ChangeKind.ATTENDEE_UPSERT,
        {"id": "A1", "fields": {"first_name": "Dũng", "last_name": "Nguyễn"}, "base": ""},
    )
    assert change.device_id == store.device_id
    assert change.device_seq == 1
    assert change.change_id[14] == "7"  # UUIDv7
    row = store.conn.execute("SELECT kind, payload FROM changes").fetchone()
    assert row[0] == "attendee.upsert"
    assert json.loads(row[1])["fields"]["first_name"] == "Dũng"
    attendee = queries.get_attendee(store.conn, "A1")
    assert attendee is not None and attendee.full_name == "Dũng Nguyễn"


def test_device_seq_and_clock_continue_after_reopening(tmp_path: Path, wall: FakeWall) -> None:
    first = EventStore.open(tmp_path / "e.db", wall, create=True)
    a = first.record(ChangeKind.EVENT_UPDATE, {"fields": {"name": "Conf"}})
    first.close()
    wall.advance(-60_000)  # the machine's clock was set back while it was off
    second = EventStore.open(tmp_path / "e.db", wall, create=True)
    b = second.record(ChangeKind.EVENT_UPDATE, {"fields": {"name": "Conf 2"}})
    assert second.device_id == a.device_id
    assert b.device_seq == a.device_seq + 1
    assert b.hlc > a.hlc
    assert queries.get_event(second.conn).name == "Conf 2"


def test_a_failed_transaction_leaves_no_trace(store: EventStore) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.record(ChangeKind.EVENT_UPDATE, {"fields": {"name": "Half"}})
        raise RuntimeError("power cut")
    assert store.change_count() == 0
    assert queries.get_event(store.conn) is None
    after = store.record(ChangeKind.EVENT_UPDATE, {"fields": {"name": "Whole"}})
    assert after.device_seq == 1


def _derived_state(store: EventStore) -> dict[str, list[tuple]]:
    state = {}
    for table in DERIVED_TABLES:
        if table == "attendee_search":
            rows = store.conn.execute(
                "SELECT a.id, s.names, s.other FROM attendee_search s "
                "JOIN attendees a ON a.rowid = s.rowid "
                "ORDER BY a.id"
            ).fetchall()
        else:
            rows = store.conn.execute(f"SELECT * FROM {table}").fetchall()
            rows.sort(key=repr)
        if table == "attendees":  # rowid-free comparison; lanes JSON is canonical (sorted keys)
            rows = [tuple(r) for r in rows]
        state[table] = rows
    state["checkpoints"] = store.conn.execute("SELECT * FROM checkpoints ORDER BY id").fetchall()
    return state


def _desk_changes(store: EventStore, wall: FakeWall) -> None:
    store.record(ChangeKind.SESSION_UPSERT, {"id": "s-ttt", "name": "Train the Trainer Taster",
                                             "capacity": 2})
    store.record(ChangeKind.ATTENDEE_UPSERT, {
        "id": "A1", "base": "",
        "fields": {"first_name": "Zoë", "last_name": "Ångström", "email": "zoe@example.org",
                   "sessions": ["s-ttt"]},
    })
    wall.advance(1000)
    store.record(ChangeKind.ATTENDEE_EDIT, {"id": "A1", "fields": {"badge_name": "Zo"}})
    first = store.record(ChangeKind.CHECKIN, {"attendee_id": "A1", "at": "2026-11-28T09:00:00"})
    store.record(ChangeKind.CHECKIN_VOID, {"target": first.change_id, "at": "2026-11-28T09:01"})
    store.record(ChangeKind.CHECKIN, {"attendee_id": "A1", "at": "2026-11-28T09:02:00"})
    store.record(ChangeKind.BADGE_PRINTED, {"attendee_id": "A1", "at": "2026-11-28T09:02:01"})


def test_rebuild_gives_identical_tables(store: EventStore, wall: FakeWall) -> None:
    _desk_changes(store, wall)
    before = _derived_state(store)
    assert store.rebuild() == store.change_count()
    assert _derived_state(store) == before
    assert queries.get_attendee(store.conn, "A1").checked_in


def test_changes_applied_in_any_order_give_the_same_state(tmp_path: Path, wall: FakeWall) -> None:
    origin = EventStore.open(tmp_path / "origin.db", wall, create=True)
    _desk_changes(origin, wall)
    changes = list(origin.changes())
    states = []
    for n, order in enumerate(itertools.islice(itertools.permutations(changes), 0, None, 97)):
        replica = EventStore.open(tmp_path / f"replica{n}.db", FakeWall(), create=True)
        replica.receive(order)
        replica.receive(order[:3])  # delivered twice: applying again changes nothing
        states.append(_derived_state(replica))
        replica.close()
    assert len(states) > 20
    assert all(state == _derived_state(origin) for state in states)


def test_receive_reports_only_new_changes_and_records_hub_seq(
    tmp_path: Path, wall: FakeWall
) -> None:
    a = EventStore.open(tmp_path / "a.db", wall, create=True)
    b = EventStore.open(tmp_path / "b.db", FakeWall(wall.ms + 10_000_000), create=True)
    change = a.record(ChangeKind.EVENT_UPDATE, {"fields": {"name": "Conf"}})
    assert len(b.receive([change])) == 1
    assert b.receive([change]) == []
    later = b.record(ChangeKind.EVENT_UPDATE, {"fields": {"venue": "Hall"}})
    assert later.hlc > change.hlc
    # The clock of b was ahead; a takes that in when it receives b's change.
    a.receive([later])
    assert a.record(ChangeKind.EVENT_UPDATE, {"fields": {"date": "x"}}).hlc > later.hlc


def test_database_is_durable_across_a_crash(tmp_path: Path, wall: FakeWall) -> None:
    store = EventStore.open(tmp_path / "e.db", wall, create=True)
    store.record(ChangeKind.EVENT_UPDATE, {"fields": {"name": "Kept"}})
    # No close(): another connection must see the committed change straight away.
    other = sqlite3.connect(tmp_path / "e.db")
    assert other.execute("SELECT count(*) FROM changes").fetchone()[0] == 1
