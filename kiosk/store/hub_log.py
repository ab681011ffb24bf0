"""The hub's own log and device registry in SQLite (the default, zero-set-up back end)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from kiosk.core.changes import Change, ChangeKind, as_received
from kiosk.store.appliers import payload_json
from kiosk.store.hub_records import (
    DeviceRole,
    DuplicateSequence,
    EnrolGrant,
    HubDevice,
    WipeNotAllowed,
)

hub_migrations = Migrations("kiosk.hub")


@hub_migrations()
def m001_hub_log(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE hub_changes (
            hub_seq INTEGER PRIMARY KEY,
            change_id TEXT NOT NULL UNIQUE,
            device_id TEXT NOT NULL,
            device_seq INTEGER NOT NULL,
            hlc TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            pushed_by TEXT NOT NULL,
            UNIQUE (device_id, device_seq)
        );
        CREATE TABLE hub_devices (
            device_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            key_hash TEXT NOT NULL UNIQUE,
            public_key TEXT NOT NULL,
            enrolled_ms INTEGER NOT NULL,
            revoked INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE hub_tokens (
            token_hash TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            expires_ms INTEGER NOT NULL,
            used INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE hub_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """
    )


@hub_migrations()
def m002_wipe_orders(db: Database) -> None:
    # A lost desk told to wipe itself: when the organisers asked, when it confirmed, and how
    # many of its changes it could not send first. Enrolling again clears them.
    db.executescript(
        """
        ALTER TABLE hub_devices ADD COLUMN wipe_ordered_ms INTEGER;
        ALTER TABLE hub_devices ADD COLUMN wiped_ms INTEGER;
        ALTER TABLE hub_devices ADD COLUMN wipe_unsent INTEGER NOT NULL DEFAULT 0;
        """
    )


_DEVICE_COLUMNS = ("device_id, name, role, public_key, enrolled_ms, revoked, wipe_ordered_ms, "
                   "wiped_ms, wipe_unsent")


def _device(row: Sequence[Any]) -> HubDevice:
    device_id, name, role, public_key, enrolled_ms, revoked, ordered, wiped, unsent = row
    return HubDevice(str(device_id), str(name), DeviceRole(str(role)), str(public_key),
                     int(enrolled_ms), bool(revoked),
                     None if ordered is None else int(ordered),
                     None if wiped is None else int(wiped), int(unsent))


class SqliteHubLog:
    """A hub's storage in one SQLite file.

    One connection behind a lock: SQLite has one writer at a time anyway, and numbering
    changes under the lock means ``hub_seq`` is assigned in commit order.
    """

    def __init__(self, path: str | Path) -> None:
        self.location = str(path)
        self._conn = sqlite3.connect(self.location, isolation_level=None,
                                     check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = FULL")
        self._conn.execute("PRAGMA busy_timeout = 10000")
        hub_migrations.apply(Database(self._conn))
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- the log --------------------------------------------------------------------------

    def append(self, changes: Sequence[Change], pushed_by: str) -> list[int]:
        """Store the changes not held yet, numbered in order; the hub_seq of each one given."""
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                numbers = self._append_locked(conn, changes, pushed_by)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        return numbers

    @staticmethod
    def _append_locked(conn: sqlite3.Connection, changes: Sequence[Change],
                       pushed_by: str) -> list[int]:
        numbers: list[int] = []
        next_seq = conn.execute("SELECT coalesce(max(hub_seq), 0) FROM hub_changes"
                                ).fetchone()[0] + 1
        for change in changes:
            row = conn.execute("SELECT hub_seq FROM hub_changes WHERE change_id = ?",
                               (change.change_id,)).fetchone()
            if row is not None:
                numbers.append(row[0])
                continue
            try:
                conn.execute(
                    "INSERT INTO hub_changes (hub_seq, change_id, device_id, device_seq, hlc, "
                    "kind, payload, pushed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (next_seq, change.change_id, change.device_id, change.device_seq,
                     change.hlc, change.kind.value, payload_json(as_received(change).payload),
                     pushed_by),
                )
            except sqlite3.IntegrityError as exc:
                raise DuplicateSequence(change.device_id, change.device_seq) from exc
            numbers.append(next_seq)
            next_seq += 1
        return numbers

    def read(self, after: int, limit: int) -> list[Change]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT change_id, device_id, device_seq, hlc, kind, payload, hub_seq "
                "FROM hub_changes WHERE hub_seq > ? ORDER BY hub_seq LIMIT ?",
                (after, limit),
            ).fetchall()
        return [Change(r[0], r[1], r[2], r[3], ChangeKind(r[4]), json.loads(r[5]), r[6])
                for r in rows]

    def event_updates(self) -> list[Change]:
        """The event's own changes (name, keys…): what bundle keys are derived from."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT change_id, device_id, device_seq, hlc, kind, payload, hub_seq "
                "FROM hub_changes WHERE kind = ? ORDER BY hlc",
                (ChangeKind.EVENT_UPDATE.value,)).fetchall()
        return [Change(r[0], r[1], r[2], r[3], ChangeKind(r[4]), json.loads(r[5]), r[6])
                for r in rows]

    def high_water(self) -> int:
        with self._lock:
            return self._conn.execute(
                "SELECT coalesce(max(hub_seq), 0) FROM hub_changes").fetchone()[0]

    # -- settings -------------------------------------------------------------------------

    def setting(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM hub_settings WHERE key = ?",
                                     (key,)).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO hub_settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    # -- enrolment and devices ------------------------------------------------------------

    def add_token(self, token_hash: str, grant: EnrolGrant, expires_ms: int) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO hub_tokens (token_hash, name, role, expires_ms) VALUES (?, ?, ?, ?)",
                (token_hash, grant.name, grant.role.value, expires_ms))

    def enrol(self, token_hash: str, now_ms: int, device: HubDevice, key_hash: str
              ) -> HubDevice | None:
        """Spend a token (once, before it expires) on a device; None when it cannot be used."""
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(
                    "UPDATE hub_tokens SET used = 1 WHERE token_hash = ? AND used = 0 "
                    "AND expires_ms > ? RETURNING name, role", (token_hash, now_ms)).fetchone()
                enrolled = None
                if row is not None:
                    enrolled = HubDevice(device.device_id, row[0], DeviceRole(row[1]),
                                         device.public_key, now_ms)
                    conn.execute(
                        "INSERT OR REPLACE INTO hub_devices (device_id, name, role, key_hash, "
                        "public_key, enrolled_ms, revoked) VALUES (?, ?, ?, ?, ?, ?, 0)",
                        (enrolled.device_id, enrolled.name, enrolled.role.value, key_hash,
                         enrolled.public_key, now_ms))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        return enrolled

    def device_by_key_hash(self, key_hash: str) -> HubDevice | None:
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_DEVICE_COLUMNS} FROM hub_devices WHERE key_hash = ?",
                (key_hash,)).fetchone()
        return _device(row) if row else None

    def device(self, device_id: str) -> HubDevice | None:
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_DEVICE_COLUMNS} FROM hub_devices WHERE device_id = ?",
                (device_id,)).fetchone()
        return _device(row) if row else None

    def devices(self) -> list[HubDevice]:
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_DEVICE_COLUMNS} FROM hub_devices ORDER BY enrolled_ms").fetchall()
        return [_device(r) for r in rows]

    def revoke(self, device_id: str) -> bool:
        with self._lock:
            cursor = self._conn.execute(
                "UPDATE hub_devices SET revoked = 1 WHERE device_id = ?", (device_id,))
        return cursor.rowcount > 0

    def order_wipe(self, device_id: str, now_ms: int) -> HubDevice | None:
        """Tell a device to wipe its data next time it calls (kept if already ordered)."""
        with self._lock:
            row = self._conn.execute("SELECT role FROM hub_devices WHERE device_id = ?",
                                     (device_id,)).fetchone()
            if row is None:
                return None
            if row[0] == DeviceRole.HUB.value:
                raise WipeNotAllowed(device_id)
            self._conn.execute(
                "UPDATE hub_devices SET wipe_ordered_ms = coalesce(wipe_ordered_ms, ?) "
                "WHERE device_id = ?", (now_ms, device_id))
        return self.device(device_id)

    def confirm_wipe(self, device_id: str, ordered_ms: int, now_ms: int, unsent: int
                     ) -> HubDevice | None:
        """The device says it carried out this order: note when, and revoke its key."""
        with self._lock:
            cursor = self._conn.execute(
                "UPDATE hub_devices SET wiped_ms = ?, wipe_unsent = ?, revoked = 1 "
                "WHERE device_id = ? AND wipe_ordered_ms = ? AND wiped_ms IS NULL",
                (now_ms, unsent, device_id, ordered_ms))
        return self.device(device_id) if cursor.rowcount else None
