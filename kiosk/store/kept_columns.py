"""Columns of a registration file the organisers chose to keep: in their own copy only."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

# The table (schema migration m004) is local: never in the change log, so never synced,
# bundled or loaded into a hub; a desk copy is made without its rows.
TABLE = "kept_columns"


def kept_for(conn: sqlite3.Connection, attendee_id: str) -> dict[str, str]:
    """Heading -> value of the columns kept for one person ({} when none)."""
    row = conn.execute("SELECT columns FROM kept_columns WHERE attendee_id = ?",
                       (attendee_id,)).fetchone()
    return json.loads(row[0]) if row else {}


def all_kept(conn: sqlite3.Connection) -> dict[str, dict[str, str]]:
    """Every person's kept columns, by attendee id."""
    return {attendee_id: json.loads(columns)
            for attendee_id, columns in conn.execute("SELECT attendee_id, columns "
                                                     "FROM kept_columns")}


def keep(conn: sqlite3.Connection, rows: Iterable[tuple[str, dict[str, str]]]) -> None:
    """Set people's kept columns; an empty mapping removes what was kept."""
    gone, kept = [], []
    for attendee_id, columns in rows:
        if columns:
            kept.append((attendee_id, json.dumps(columns, ensure_ascii=False,
                                                 sort_keys=True)))
        else:
            gone.append((attendee_id,))
    conn.executemany("DELETE FROM kept_columns WHERE attendee_id = ?", gone)
    conn.executemany("INSERT INTO kept_columns (attendee_id, columns) VALUES (?, ?) "
                     "ON CONFLICT (attendee_id) DO UPDATE SET columns = excluded.columns",
                     kept)


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM kept_columns").fetchone()[0])


def remove_all(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM kept_columns")
