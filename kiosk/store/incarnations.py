"""A device's incarnations: the ids one event file records changes under.

A file put back from a backup, or copied to another computer or folder, must not carry on
numbering changes where its copy left off: the hub may already hold those numbers from the
file as it was. So it starts a new incarnation — a fresh device id, signed with the same
key — and everything recorded before (under the old ids) is still recognised by change id.
"""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

from kiosk.core.ids import new_device_id

HOME = "home"  # local setting: the computer and folder this file was last used in


def incarnations(conn: sqlite3.Connection) -> list[str]:
    """Every device id this file has recorded changes under, the current one last."""
    return [row[0] for row in conn.execute(
        "SELECT device_id FROM sync_incarnations ORDER BY started_at, rowid")]


def note_incarnation(conn: sqlite3.Connection, device_id: str, why: str) -> None:
    if conn.execute("SELECT 1 FROM sync_incarnations WHERE device_id = ?",
                    (device_id,)).fetchone():
        return
    conn.execute("INSERT OR IGNORE INTO sync_incarnations (device_id, started_at, why) "
                 "VALUES (?, datetime('now'), ?)", (device_id, why))


def start_new_incarnation(conn: sqlite3.Connection, why: str) -> str:
    """Carry on under a new device id (after a restore, or in a copy); returns it. A wipe
    ordered for this desk still applies to it."""
    row = conn.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()
    if row is not None:
        note_incarnation(conn, row[0], "before")
    new = new_device_id()
    conn.execute("INSERT INTO settings (key, value) VALUES ('device_id', ?) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (new,))
    note_incarnation(conn, new, why)
    conn.execute("UPDATE sync_wipe SET device_id = ?", (new,))
    return new


def home_of(conn: sqlite3.Connection) -> str | None:
    """This computer and the file's folder, or None for a database in memory."""
    row = conn.execute("PRAGMA database_list").fetchone()
    path = row[2] if row else ""
    if not path:
        return None
    return f"{socket.gethostname()}|{Path(path).resolve()}"


def moved_since_last_use(conn: sqlite3.Connection) -> bool:
    """Whether the file was copied or moved (another computer or folder) since it was last
    opened; notes where it is now either way."""
    here = home_of(conn)
    if here is None:
        return False
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (HOME,)).fetchone()
    if row is not None and row[0] == here:
        return False
    conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (HOME, here))
    return row is not None
