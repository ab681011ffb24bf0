"""The one rule for which record a person's merged records end at (their survivor)."""

from __future__ import annotations

import sqlite3


def survivor_id(conn: sqlite3.Connection, attendee_id: str) -> str:
    """The record a chain of merges from ``attendee_id`` ends at: the survivor. Should two
    desks have merged two records into each other at the same time (a cycle), the smallest
    id of the cycle is the survivor, on every device alike."""
    seen: list[str] = []
    current = attendee_id
    while current not in seen:
        seen.append(current)
        row = conn.execute("SELECT merged_into FROM attendees WHERE id = ?", (current,)).fetchone()
        if row is None or row[0] is None:
            return current
        current = row[0]
    return min(seen[seen.index(current):])
