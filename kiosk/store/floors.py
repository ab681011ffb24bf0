"""Bare SQLite operations that benchmarks report beside our own figures, as their floor."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
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


def bare_lookup_and_insert(path: Path, attendee_ids: Sequence[str]) -> list[float]:
    """Seconds per (indexed lookup of one attendee + one durable insert), in the event file."""
    import time

    conn = sqlite3.connect(path, isolation_level=None)
    timings = []
    try:
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE IF NOT EXISTS floor_writes (id TEXT, at TEXT)")
        for attendee_id in attendee_ids:
            started = time.perf_counter()
            conn.execute("SELECT * FROM attendees WHERE id = ?", (attendee_id,)).fetchone()
            conn.execute("INSERT INTO floor_writes VALUES (?, datetime('now'))", (attendee_id,))
            timings.append(time.perf_counter() - started)
        conn.execute("DROP TABLE floor_writes")
    finally:
        conn.close()
    return timings


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
