"""Tables of the live link to the registration system (kiosk.connectors), organisers only."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

connector_migrations = Migrations("kiosk.connectors")


@connector_migrations()
def m001_connector_pushes(db: Database) -> None:
    db.executescript(
        """
        -- Local to the organisers' copy (emptied in a desk copy, never synced): what became
        -- of each check-in and undo told to the registration system. A check-in with no row
        -- here is still to be told; the change's id is the nonce that makes a retry safe.
        -- No personal data: change ids, the system's reason code and our words for it.
        CREATE TABLE connector_pushes (
            change_id TEXT PRIMARY KEY,
            state TEXT NOT NULL
                CHECK (state IN ('sending', 'pushed', 'already', 'refused', 'skipped')),
            attempts INTEGER NOT NULL DEFAULT 0,
            reason TEXT NOT NULL DEFAULT '',
            message TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX connector_pushes_reason ON connector_pushes (reason) WHERE reason != '';
        """
    )
