"""Desk-side sync tables (hub link, pull cursor, known devices): local, never synced."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

sync_migrations = Migrations("kiosk.sync")


@sync_migrations()
def m001_hub_link_cursor_devices(db: Database) -> None:
    db.executescript(
        """
        -- The hub this desk is enrolled with (one row) and the certificate it pinned.
        -- The device key itself is in `secrets`, which desk copies never carry.
        CREATE TABLE sync_hub (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            url TEXT NOT NULL,
            fingerprint TEXT NOT NULL DEFAULT '',
            certificate TEXT NOT NULL DEFAULT '',
            hub_id TEXT NOT NULL DEFAULT '',
            desk_name TEXT NOT NULL DEFAULT '',
            enrolled_at TEXT NOT NULL
        );
        -- Everything up to `hub_seq` has been pulled and applied.
        CREATE TABLE sync_cursor (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            hub_seq INTEGER NOT NULL
        );
        -- Devices whose signed bundles this desk accepts (from the hub, or trusted by hand).
        CREATE TABLE sync_devices (
            device_id TEXT PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            public_key TEXT NOT NULL,
            revoked INTEGER NOT NULL DEFAULT 0
        );
        """
    )


@sync_migrations()
def m002_hub_key_and_wipe(db: Database) -> None:
    db.executescript(
        """
        -- The hub's Ed25519 public key (hex), learnt at enrolment: wipe orders must carry
        -- its signature.
        ALTER TABLE sync_hub ADD COLUMN hub_key TEXT NOT NULL DEFAULT '';
        -- A wipe the hub ordered (verified), for this device id: once here, the desk no
        -- longer syncs. Desk copies get a new device id, so a copy is not "wiped".
        CREATE TABLE sync_wipe (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            device_id TEXT NOT NULL,
            ordered_ms INTEGER NOT NULL,
            received_at TEXT NOT NULL,
            unsent INTEGER NOT NULL DEFAULT 0,
            wiped_at TEXT,
            confirmed_at TEXT
        );
        """
    )


@sync_migrations()
def m003_changes_left_out(db: Database) -> None:
    db.executescript(
        """
        -- Changes received from elsewhere that were ill-formed and left out (never stored,
        -- never applied), so staff can be told: which device, what kind, why. No payload.
        CREATE TABLE sync_left_out (
            change_id TEXT PRIMARY KEY,
            device_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            problem TEXT NOT NULL,
            at TEXT NOT NULL
        );
        """
    )


@sync_migrations()
def m004_incarnations_held_refused(db: Database) -> None:
    db.executescript(
        """
        -- Every device id this file has recorded changes under, all signed with its one key.
        -- A restored backup, or the file copied to another computer or folder, carries on
        -- under a new id (a new incarnation), so it never reuses a sequence number that the
        -- hub already holds.
        CREATE TABLE sync_incarnations (
            device_id TEXT PRIMARY KEY,
            started_at TEXT NOT NULL,
            why TEXT NOT NULL DEFAULT ''
        );
        INSERT INTO sync_incarnations (device_id, started_at, why)
            SELECT value, datetime('now'), 'first' FROM settings WHERE key = 'device_id';
        -- The device id this desk enrolled with: the hub's wipe orders name it.
        ALTER TABLE sync_hub ADD COLUMN device_id TEXT NOT NULL DEFAULT '';
        UPDATE sync_hub SET device_id = coalesce(
            (SELECT value FROM settings WHERE key = 'device_id'), '');
        -- What the hub says of each device: which enrolled device it belongs to, and how far
        -- its clock was off when it last synced (ms; the hub's measure).
        ALTER TABLE sync_devices ADD COLUMN owner TEXT NOT NULL DEFAULT '';
        ALTER TABLE sync_devices ADD COLUMN clock_off_ms INTEGER NOT NULL DEFAULT 0;
        -- Changes from elsewhere that are well-formed but cannot be applied yet: they name a
        -- person this file does not have, or come from a device it does not know yet. Applied
        -- as soon as what they wait for arrives; listed under "needs attention" meanwhile.
        CREATE TABLE sync_held (
            change_id TEXT PRIMARY KEY,
            device_id TEXT NOT NULL,
            device_seq INTEGER NOT NULL,
            hlc TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            hub_seq INTEGER,
            signature TEXT NOT NULL DEFAULT '',
            waits_for TEXT NOT NULL,  -- 'person' or 'device'
            at TEXT NOT NULL
        );
        -- This file's changes the hub refused, one by one, and why: not sent again until the
        -- hub's list of devices changes (a device it did not know may have been registered).
        CREATE TABLE sync_refused (
            change_id TEXT PRIMARY KEY,
            reason TEXT NOT NULL,
            at TEXT NOT NULL
        );
        """
    )
