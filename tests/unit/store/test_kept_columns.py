"""Columns kept by the organisers stay in their copy; ``extra`` no longer travels in changes:
refused when made here, left out when an older device's change arrives, and taken out of an
existing event file by its migration."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from kiosk.core.changes import Change, ChangeKind, attendee, payload_problem
from kiosk.core.ids import uuid7
from kiosk.store import kept_columns, queries
from kiosk.store.event_store import ChangeRefused, EventStore
from kiosk.store.hub_log import SqliteHubLog
from kiosk.store.schema import migrations

OLD_EXTRA = {"Order IP": "203.0.113.7", "Unique Ticket URL": "https://ti.to/tickets/ti_p7Qx"}


def test_a_change_made_here_cannot_carry_extra(store: EventStore) -> None:
    assert payload_problem(ChangeKind.ATTENDEE_UPSERT, {"id": "A1", "fields": {
        "first_name": "Ana", "extra": OLD_EXTRA}}, strict=True) == \
        "extra is not a field its kind can change"
    with pytest.raises(ChangeRefused):
        store.record(attendee.registration("A1", {"first_name": "Ana", "extra": OLD_EXTRA}, ""))


def _older_devices_registration(device: str = "d-old") -> Change:
    return Change(uuid7(1_700_000_000_000), device, 1, "1700000000000.00000.d-old",
                  ChangeKind.ATTENDEE_UPSERT,
                  {"id": "A-old", "base": "", "fields": {"first_name": "Ana",
                                                         "last_name": "Popescu",
                                                         "extra": OLD_EXTRA}})


def test_an_older_devices_extra_is_taken_in_without_it(store: EventStore) -> None:
    fresh = store.receive([_older_devices_registration()])
    assert len(fresh) == 1  # taken in, not left out
    (payload,) = store.conn.execute("SELECT payload FROM changes WHERE kind = "
                                    "'attendee.upsert'").fetchone()
    assert json.loads(payload)["fields"] == {"first_name": "Ana", "last_name": "Popescu"}
    assert queries.get_attendee(store.conn, "A-old").last_name == "Popescu"
    assert kept_columns.all_kept(store.conn) == {}  # a desk never keeps another's columns


def test_the_hub_stores_an_older_devices_change_without_extra(tmp_path: Path) -> None:
    hub = SqliteHubLog(tmp_path / "hub.db")
    try:
        hub.append([_older_devices_registration()], "d-old")
        (stored,) = hub.read(0, 10)
    finally:
        hub.close()
    assert "extra" not in stored.payload["fields"]
    stored_bytes = (tmp_path / "hub.db").read_bytes()  # closed: the log is checkpointed
    assert b"Popescu" in stored_bytes and b"203.0.113.7" not in stored_bytes


def _an_event_file_of_the_version_before(path: Path, role: str) -> None:
    """An event file as the previous version left it: a registration whose change and row
    carry every unmapped column in ``extra``."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before="m004_kept_columns")
    payload = {"id": "A1", "base": "", "fields": {"first_name": "Ana", "last_name": "Popescu",
                                                  "import_key": "ref:1", "extra": OLD_EXTRA}}
    conn.execute("INSERT INTO settings (key, value) VALUES ('role', ?)", (role,))
    conn.execute("INSERT INTO changes (change_id, device_id, device_seq, hlc, kind, payload) "
                 "VALUES ('c1', 'd1', 1, '1700000000000.00000.d1', 'attendee.upsert', ?)",
                 (json.dumps(payload, ensure_ascii=False),))
    conn.execute("INSERT INTO attendees (id, import_key, first_name, last_name, extra, "
                 "created_hlc, lanes) VALUES ('A1', 'ref:1', 'Ana', 'Popescu', ?, "
                 "'1700000000000.00000.d1', ?)",
                 (json.dumps(OLD_EXTRA), json.dumps({"s": {"first_name": ["Ana", "x", ""],
                                                           "extra": [OLD_EXTRA, "x", ""]},
                                                     "d": {}})))
    conn.close()


@pytest.mark.parametrize(("role", "kept"), [("organiser", OLD_EXTRA), ("desk", {})])
def test_opening_an_older_event_file_takes_extra_out_of_its_log(
    tmp_path: Path, role: str, kept: dict[str, str]
) -> None:
    path = tmp_path / "event.db"
    _an_event_file_of_the_version_before(path, role)
    store = EventStore.open(path)
    try:
        (payload,) = store.conn.execute("SELECT payload FROM changes").fetchone()
        assert "extra" not in json.loads(payload)["fields"]
        (lanes,) = store.conn.execute("SELECT lanes FROM attendees").fetchone()
        assert "extra" not in json.loads(lanes)["s"]
        columns = [row[1] for row in store.conn.execute("PRAGMA table_info(attendees)")]
        assert "extra" not in columns
        assert queries.get_attendee(store.conn, "A1").first_name == "Ana"
        # The organisers' copy keeps what it had, now in its local table; a desk does not.
        assert kept_columns.kept_for(store.conn, "A1") == kept
        assert store.rebuild() == 1
        assert queries.get_attendee(store.conn, "A1").last_name == "Popescu"
    finally:
        store.close()


def test_a_desk_copy_holds_no_kept_columns(store: EventStore, tmp_path: Path) -> None:
    store.record(attendee.registration("A1", {"first_name": "Ana"}, ""))
    kept_columns.keep(store.conn, [("A1", {"Home address": "12 Quarry Lane, Ashby"})])
    desk = tmp_path / "desk.db"
    store.copy_for_desk(desk)
    assert b"Quarry Lane" not in desk.read_bytes()
    here = tmp_path / "event.db"  # the store fixture's file
    assert b"Quarry Lane" in here.read_bytes() + Path(f"{here}-wal").read_bytes()
