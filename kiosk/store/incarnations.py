"""A device's incarnations: the ids one event file records changes under.

A file put back from a backup, or copied to another computer or folder, must not carry on
numbering changes where its copy left off: the hub may already hold those numbers from the
file as it was. So it starts a new incarnation — a fresh device id, signed with the same
key — and everything recorded before (under the old ids) is still recognised by change id.
Each id is made from the file's public key (kiosk.core.ids), so the hub can check that an
incarnation a desk introduces is really its own.
"""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

from kiosk.core.ids import new_device_id
from kiosk.core.signing_keys import new_signing_key, public_key_hex

HOME = "home"  # local setting: the computer and folder this file was last used in
SIGNING_KEY = "sync_signing_key"  # this device's Ed25519 key (secrets table)


def signing_public_key(conn: sqlite3.Connection) -> str:
    """The public half of this file's signing key (the key is made now if it has none)."""
    row = conn.execute("SELECT value FROM secrets WHERE key = ?", (SIGNING_KEY,)).fetchone()
    if row is not None:
        return public_key_hex(bytes(row[0]))
    key = new_signing_key()
    conn.execute("INSERT INTO secrets (key, value) VALUES (?, ?)", (SIGNING_KEY, key))
    return public_key_hex(key)


def new_own_device_id(conn: sqlite3.Connection) -> str:
    """A new device id for this file, made from its key."""
    return new_device_id(signing_public_key(conn))


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
    new = new_own_device_id(conn)
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
