"""Opening an event database: pragmas for a kiosk that is unplugged without warning."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from kiosk.store.faults import EventFileError, EventFileFault, Fault, described, fault_of

__all__ = ["BUSY_TIMEOUT_MS", "DatabaseFault", "EventFileError", "EventFileFault", "Fault",
           "check_is_kiosk_file", "connect", "connect_reader"]
from kiosk.store.connector_schema import connector_migrations
from kiosk.store.outputs import make_private, new_private_file
from kiosk.store.retention_schema import retention_migrations
from kiosk.store.schema import migrations
from kiosk.store.sync_schema import sync_migrations

# Faults from the database (locked, disk full, damaged) as the layers above see them: only
# this package touches SQLite.
DatabaseFault = sqlite3.Error


# How long a statement waits for a lock another connection holds.
BUSY_TIMEOUT_MS = 5000


# Tables every kiosk event file has, from its first migration on.
_KIOSK_TABLES = frozenset({"changes", "event", "settings", "attendees"})
_SQLITE_HEADER = b"SQLite format 3\x00"


def connect(path: str | Path, create: bool = False) -> Database:
    """Open an event database and bring its schema up to date; ``create`` makes a new one
    (only ``kiosk init``, a new desk's first connection and the demo do). Anything that is
    not a kiosk event file is refused before a byte of it changes. Raises EventFileFault."""
    target = str(path)
    if target != ":memory:":
        file = Path(target).expanduser().resolve()
        if not file.parent.is_dir():
            raise EventFileError(f"The folder {file.parent} does not exist.")
        if not file.exists() or (create and file.stat().st_size == 0):
            if not create:
                raise described(Fault.MISSING, file)
            # Personal data: this user only, the write-ahead log too (SQLite gives it the
            # database file's permissions).
            if not file.exists():
                try:
                    new_private_file(file)
                except OSError as exc:
                    raise _as_fault(exc, file) from exc
        else:
            check_is_kiosk_file(file)
            for part in (file, Path(f"{file}-wal"), Path(f"{file}-shm")):
                make_private(part)  # a file made by an older version is tightened
    conn = None
    try:
        conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # A savepoint's undo pages and a sort's scratch stay in memory: never in a temporary
        # file (they hold people's rows), and an import's batches do not write them twice.
        conn.execute("PRAGMA temp_store = MEMORY")
        db = Database(conn)
        migrations.apply(db)
        sync_migrations.apply(db)
        retention_migrations.apply(db)
        connector_migrations.apply(db)
        # A file that cannot be written to opens all the same (SQLite falls back to reading),
        # then every check-in would fail: a write that changes nothing finds out now.
        conn.execute("UPDATE settings SET value = value WHERE 0")
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()  # a file refused is let go (an unplugged stick can be taken out)
        raise _as_fault(exc, Path(target)) from exc
    return db


def _as_fault(exc: BaseException, file: Path) -> EventFileError:
    fault = fault_of(exc, file)
    if fault is None:
        return EventFileError(f"{file.name} could not be opened ({exc}). Try again, or ask "
                              "staff; nothing recorded before is lost.")
    return described(fault, file)


def check_is_kiosk_file(file: Path) -> None:
    """Refuse anything but a kiosk event file (another program's database, an empty file,
    a PDF), reading it only: nothing in it may change."""
    try:
        with file.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise _as_fault(exc, file) from exc
    if header != _SQLITE_HEADER:
        raise described(Fault.NOT_KIOSK, file)
    try:
        probe = sqlite3.connect(f"{file.as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in probe.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            probe.close()
    except sqlite3.DatabaseError as exc:
        fault = fault_of(exc, file)
        if fault is None:
            raise EventFileError(f"{file.name} could not be read ({exc}). Try again, or ask "
                                 "staff; nothing recorded before is lost.") from exc
        raise described(fault, file) from exc
    if not tables >= _KIOSK_TABLES:
        raise described(Fault.NOT_KIOSK, file)


def connect_reader(path: str | Path) -> sqlite3.Connection:
    """A read connection beside the writer's (an open event file's: it creates nothing)."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=rw", uri=True,
                           isolation_level=None,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA temp_store = MEMORY")  # a sort of people's rows: never in a file
    conn.execute("PRAGMA query_only = ON")
    return conn
