"""Opening an event database: pragmas for a kiosk that is unplugged without warning."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from kiosk.core.refusal import Refusal
from kiosk.store.outputs import make_private, new_private_file
from kiosk.store.retention_schema import retention_migrations
from kiosk.store.schema import migrations
from kiosk.store.sync_schema import sync_migrations

# Faults from the database (locked, disk full, damaged) as the layers above see them: only
# this package touches SQLite.
DatabaseFault = sqlite3.Error


# How long a statement waits for a lock another connection holds.
BUSY_TIMEOUT_MS = 5000


class EventFileError(Refusal):
    """The event file cannot be used; the message says why and what to do."""


def connect(path: str | Path) -> Database:
    """Open (creating if need be) an event database and bring its schema up to date."""
    target = str(path)
    if target != ":memory:":
        file = Path(target).expanduser().resolve()
        if not file.parent.is_dir():
            raise EventFileError(f"The folder {file.parent} does not exist.")
        # Personal data: this user only, the write-ahead log too (SQLite gives it the
        # database file's permissions). A file made by an older version is tightened.
        if not file.exists():
            new_private_file(file)
        for part in (file, Path(f"{file}-wal"), Path(f"{file}-shm")):
            make_private(part)
    try:
        conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db = Database(conn)
        migrations.apply(db)
        sync_migrations.apply(db)
        retention_migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise EventFileError(
            f"{target} is not a kiosk event file, or it is damaged ({exc}). "
            "Open another file, or restore a backup."
        ) from exc
    return db


def connect_reader(path: str | Path) -> sqlite3.Connection:
    """A read connection beside the writer's (an open event file's: it creates nothing)."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=rw", uri=True,
                           isolation_level=None,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA query_only = ON")
    return conn
