"""Codes from the registration system a desk checks offline: pretix's keys, withdrawn codes."""

from __future__ import annotations

import json
import sqlite3


def pretix_keys(conn: sqlite3.Connection) -> list[str]:
    """The event's pretix keys for signed secrets (hex), none when it has no pretix link."""
    row = conn.execute("SELECT value FROM event WHERE key = 'pretix_keys'").fetchone()
    return list(json.loads(row[0])) if row else []


def withdrawn(conn: sqlite3.Connection, code: str) -> str | None:
    """"revoked" or "blocked" when the registration system withdrew ``code``, else None."""
    row = conn.execute(
        "SELECT event.key FROM event, json_each(event.value) "
        "WHERE event.key IN ('revoked_codes', 'blocked_codes') AND json_each.value = ? "
        "LIMIT 1", (code,)).fetchone()
    if row is None:
        return None
    return "revoked" if row[0] == "revoked_codes" else "blocked"
