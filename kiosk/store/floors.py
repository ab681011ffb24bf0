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
