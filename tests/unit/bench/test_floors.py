"""The scan's floor writes into look-alikes of the event file's own tables, then leaves none."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.bench.floors import FLOOR_PREFIX, SCAN_TABLES, ScanFloor, WalPages
from kiosk.services.demo import create_demo_event
from kiosk.services.desk import Desk
from kiosk.services.ticket_issuing import ticket_code
from kiosk.store import queries


def _indexes(conn: sqlite3.Connection, table: str) -> list[tuple[bool, str, list[str]]]:
    """Each index on ``table``: unique or not, partial condition, its columns."""
    found = []
    for _, name, unique, origin, partial in conn.execute(f"PRAGMA index_list({table})"):
        columns = [row[2] for row in conn.execute(f"PRAGMA index_info({name})")]
        found.append((bool(unique), f"{origin}/{partial}", columns))
    return sorted(found)


def _columns(conn: sqlite3.Connection, table: str) -> list[tuple]:
    return [row[1:] for row in conn.execute(f"PRAGMA table_info({table})")]


def test_the_floor_has_the_event_files_columns_and_indexes_and_drops_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "event.db"
    store, _ = create_demo_event(path, attendees=30, seed=3)
    people = queries.list_attendees(store.conn, status="active")
    Desk(store, "Bench desk").scan(ticket_code(store, people[0]))
    store.close()

    floor = ScanFloor(path)
    try:
        assert floor.step(people[1].id) > 0
        conn = sqlite3.connect(path)
        for table in SCAN_TABLES:
            look_alike = f"{FLOOR_PREFIX}{table}"
            assert _columns(conn, look_alike) == _columns(conn, table)
            assert _indexes(conn, look_alike) == _indexes(conn, table)
            assert len(_indexes(conn, table)) >= 2
        assert conn.execute(f"SELECT attendee_id FROM {FLOOR_PREFIX}checkins").fetchall() == [
            (people[1].id,)]
        conn.close()
    finally:
        floor.close()
    conn = sqlite3.connect(path)
    left = conn.execute("SELECT name FROM sqlite_master WHERE name LIKE ?",
                        (f"{FLOOR_PREFIX}%",)).fetchall()
    conn.close()
    assert left == []


def test_wal_pages_count_what_each_kind_of_write_commits(tmp_path: Path) -> None:
    path = tmp_path / "event.db"
    store, _ = create_demo_event(path, attendees=30, seed=4)
    people = queries.list_attendees(store.conn, status="active")
    desk = Desk(store, "Bench desk")
    desk.scan(ticket_code(store, people[0]))
    floor = ScanFloor(path)
    try:
        counter = WalPages(store.conn, path)
        scans = counter.per_write(lambda: sum(
            desk.scan(ticket_code(store, p)).outcome.value == "ok" for p in people[1:6]))
        steps = counter.per_write(lambda: sum(floor.step(p.id) >= 0 for p in people[1:6]))
    finally:
        floor.close()
        store.close()
    assert steps >= 2  # a log row and a check-in row, each in its own b-tree
    assert scans >= steps
