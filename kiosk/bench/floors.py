"""Bare SQLite operations that benchmarks report beside our own figures, as their floor."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.core.hlc import Stamp
from kiosk.core.ids import uuid7


def bare_bulk_insert(path: Path, rows: Sequence[Sequence[str]]) -> None:
    """One ``executemany`` of the rows into a plain table, WAL and synchronous=FULL, one commit."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        width = len(rows[0]) if rows else 1
        columns = ", ".join(f"c{i} TEXT" for i in range(width))
        conn.execute(f"CREATE TABLE rows ({columns})")
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO rows VALUES ({', '.join('?' * width)})", rows)
        conn.execute("COMMIT")
    finally:
        conn.close()


# The tables a scan must write (DESIGN: the event database): the change log's row and the
# check-in derived from it. Their look-alikes carry this prefix.
SCAN_TABLES = ("changes", "checkins")
FLOOR_PREFIX = "floor_"

_CREATE_TABLE = re.compile(r'^CREATE TABLE\s+"?(\w+)"?', re.IGNORECASE)
_CREATE_INDEX = re.compile(r'^(CREATE\s+(?:UNIQUE\s+)?INDEX)\s+"?(\w+)"?\s+ON\s+"?(\w+)"?',
                           re.IGNORECASE)


def create_look_alikes(conn: sqlite3.Connection, tables: Sequence[str] = SCAN_TABLES,
                       prefix: str = FLOOR_PREFIX) -> None:
    """Empty copies of ``tables`` named ``prefix + name``: the same columns, constraints and
    indexes, taken from the file's own schema (so the floor follows the schema as it moves)."""
    for table in tables:
        for kind, sql in conn.execute(
                "SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
                "ORDER BY type = 'index'", (table,)).fetchall():
            if kind == "table":
                conn.execute(_CREATE_TABLE.sub(f"CREATE TABLE {prefix}{table}", sql, count=1))
            elif kind == "index":
                conn.execute(_CREATE_INDEX.sub(
                    lambda m: f"{m.group(1)} {prefix}{m.group(2)} ON {prefix}{m.group(3)}",
                    sql, count=1))


class ScanFloor:
    """The scan's floor: the write the design requires, bare.

    One ``synchronous=FULL`` transaction holding an indexed lookup of the attendee, one
    change-log row and one derived check-in row, written into look-alikes of the event file's
    ``changes`` and ``checkins`` tables (the same columns and indexes). The rows are copies
    of the file's latest real check-in (so they are as long as ours), each with a new change
    id, stamp and attendee. No signature check, no rules, no attendee state, no Python
    objects: what is left is SQLite's work alone.

    It runs on its own connection to the event file, one step at a time, so a bench can take
    a step after each scan: both then meet the same machine (its other work, the WAL
    checkpointer, the disk's moods) and the ratio between them is fair.
    """

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA synchronous = FULL")
        self._conn.execute("PRAGMA busy_timeout = 5000")
        # As the desk's own connection: the background checkpointer copies the log back, so
        # neither side pays for a checkpoint inside its measured commit.
        self._conn.execute("PRAGMA wal_autocheckpoint = 0")
        change = self._conn.execute("SELECT * FROM changes WHERE kind = 'checkin' "
                                    "ORDER BY rowid DESC LIMIT 1").fetchone()
        if change is None:
            self._conn.close()
            raise ValueError("the scan's floor copies a real check-in: scan someone first")
        checkin = self._conn.execute("SELECT * FROM checkins WHERE change_id = ?",
                                     (change["change_id"],)).fetchone()
        self._change: dict[str, Any] = dict(change)
        self._checkin: dict[str, Any] = dict(checkin)
        self._seq = int(change["device_seq"])
        self._conn.execute("BEGIN IMMEDIATE")
        create_look_alikes(self._conn)
        self._conn.execute("COMMIT")
        self._insert_change = _insert_sql(f"{FLOOR_PREFIX}changes", self._change)
        self._insert_checkin = _insert_sql(f"{FLOOR_PREFIX}checkins", self._checkin)

    def step(self, attendee_id: str) -> float:
        """Seconds for one lookup and the two inserts, committed durably."""
        self._seq += 1
        now = time.time_ns() // 1_000_000
        change_id = uuid7(now)
        hlc = Stamp(now, 0, self._change["device_id"]).encode()
        change = {**self._change, "change_id": change_id, "device_seq": self._seq,
                  "hlc": hlc}
        checkin = {**self._checkin, "change_id": change_id, "attendee_id": attendee_id,
                   "hlc": hlc, "at": datetime.now().isoformat(timespec="seconds")}
        conn = self._conn
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("SELECT * FROM attendees WHERE id = ?", (attendee_id,)).fetchone()
        conn.execute(self._insert_change, change)
        conn.execute(self._insert_checkin, checkin)
        conn.execute("COMMIT")
        return time.perf_counter() - started

    def close(self) -> None:
        try:
            for table in SCAN_TABLES:
                self._conn.execute(f"DROP TABLE IF EXISTS {FLOOR_PREFIX}{table}")
        finally:
            self._conn.close()


def _insert_sql(table: str, row: dict[str, Any]) -> str:
    names = list(row)
    return (f"INSERT INTO {table} ({', '.join(names)}) "
            f"VALUES ({', '.join(':' + n for n in names)})")


class WalPages:
    """Counts the pages a kind of write adds to an event file's write-ahead log.

    It turns the connection's automatic checkpoints off and empties the log before each
    count, so the log then holds exactly what the writes committed. Nothing else may
    checkpoint the file meanwhile (a door with a writer thread runs a checkpointer: count on
    an inline door).
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._wal = Path(f"{path}-wal")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        self._frame = conn.execute("PRAGMA page_size").fetchone()[0] + 24  # page + header

    def per_write(self, write_all: Callable[[], int]) -> float:
        """Pages per write: ``write_all`` does the writes and says how many of them wrote."""
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        wrote = write_all()
        size = self._wal.stat().st_size if self._wal.exists() else 0
        return max(0, size - 32) / self._frame / max(1, wrote)  # 32: the log's header


def bare_fts_query(path: Path, expressions: Sequence[str]) -> list[float]:
    """Seconds per bare FTS5 prefix query (first 20 rowids) on the attendee index."""
    conn = sqlite3.connect(path)
    timings = []
    try:
        for expression in expressions:
            started = time.perf_counter()
            conn.execute(
                "SELECT rowid FROM attendee_search WHERE attendee_search MATCH ? LIMIT 20",
                (expression,),
            ).fetchall()
            timings.append(time.perf_counter() - started)
    finally:
        conn.close()
    return timings
