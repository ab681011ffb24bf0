"""Local tables for after the event: a log of exports and wipes, and the counts a wipe keeps."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

retention_migrations = Migrations("kiosk.retention")


@retention_migrations()
def m001_retention_log_and_figures(db: Database) -> None:
    db.executescript(
        """
        -- Local to this device, never synced, never personal: what left the database
        -- (exports, reports) and what was removed from it (wipes), for the audit trail.
        CREATE TABLE retention_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        );
        -- The anonymous figures of the event report, kept when personal data is wiped.
        CREATE TABLE retention_figures (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            figures TEXT NOT NULL,
            at TEXT NOT NULL
        );
        """
    )


def ensure_retention_tables(conn: sqlite3.Connection) -> None:
    """Bring this migration set up to date (a no-op once ``connect`` applies it)."""
    retention_migrations.apply(Database(conn))
