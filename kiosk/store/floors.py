"""Bare SQLite operations that benchmarks report beside our own figures, as their floor."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path


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


class BareLookupAndInsert:
    """The scan's floor: an indexed lookup of one attendee plus one durable insert.

    It runs on its own connection to the event file, one step at a time, so a benchmark can
    take a step after each scan: both then meet the same machine (its other work, the WAL
    checkpointer, the disk's moods) and the ratio between them is fair.
    """

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None)
        self._conn.execute("PRAGMA synchronous = FULL")
        self._conn.execute("PRAGMA busy_timeout = 5000")
        # As the desk's own connection: the background checkpointer copies the log back, so
        # neither side pays for a checkpoint inside its measured commit.
        self._conn.execute("PRAGMA wal_autocheckpoint = 0")
        self._conn.execute("CREATE TABLE IF NOT EXISTS floor_writes (id TEXT, at TEXT)")

    def step(self, attendee_id: str) -> float:
        """Seconds for one lookup and one insert."""
        import time

        started = time.perf_counter()
        self._conn.execute("SELECT * FROM attendees WHERE id = ?", (attendee_id,)).fetchone()
        self._conn.execute("INSERT INTO floor_writes VALUES (?, datetime('now'))", (attendee_id,))
        return time.perf_counter() - started

    def close(self) -> None:
        try:
            self._conn.execute("DROP TABLE IF EXISTS floor_writes")
        finally:
            self._conn.close()


class WalPages:
    """Counts the pages a kind of write adds to an event file's write-ahead log.

    It turns the connection's automatic checkpoints off and empties the log before each
    count, so the log then holds exactly what the writes committed.
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
    import time

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
