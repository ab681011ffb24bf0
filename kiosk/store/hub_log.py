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
    LEGACY_UNTIL,
    AuthorTaken,
    DeviceRole,
    EnrolGrant,
    HubAuthor,
    HubDevice,
    Numbers,
    WipeNotAllowed,
)
from kiosk.store.outputs import make_private, new_private_file

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


@hub_migrations()
def m003_signed_changes_authors_clocks(db: Database) -> None:
    # Changes carry their author's signature; the hub keeps the key of every device id it
    # takes changes from, and how far each device's clock was off. What it held before
    # holds no signatures: noted as the legacy mark, served as it is.
    db.executescript(
        """
        ALTER TABLE hub_changes ADD COLUMN signature TEXT NOT NULL DEFAULT '';
        CREATE TABLE hub_authors (
            author_id TEXT PRIMARY KEY,
            public_key TEXT NOT NULL,
            device_id TEXT NOT NULL DEFAULT '',
            name TEXT NOT NULL DEFAULT '',
            registered_ms INTEGER NOT NULL DEFAULT 0
        );
        INSERT INTO hub_authors (author_id, public_key, device_id, name, registered_ms)
            SELECT device_id, public_key, device_id, name, enrolled_ms FROM hub_devices;
        ALTER TABLE hub_devices ADD COLUMN clock_offset_ms INTEGER;
        ALTER TABLE hub_devices ADD COLUMN clock_checked_ms INTEGER;
        """
    )
    db.execute("INSERT OR REPLACE INTO hub_settings (key, value) "
               "SELECT ?, coalesce(max(hub_seq), 0) FROM hub_changes", (LEGACY_UNTIL,))


_DEVICE_COLUMNS = ("device_id, name, role, public_key, enrolled_ms, revoked, wipe_ordered_ms, "
                   "wiped_ms, wipe_unsent, clock_offset_ms, clock_checked_ms")
_CHANGE_COLUMNS = "change_id, device_id, device_seq, hlc, kind, payload, hub_seq, signature"


def _device(row: Sequence[Any]) -> HubDevice:
    (device_id, name, role, public_key, enrolled_ms, revoked, ordered, wiped, unsent, clock,
     checked) = row
    return HubDevice(str(device_id), str(name), DeviceRole(str(role)), str(public_key),
                     int(enrolled_ms), bool(revoked),
                     None if ordered is None else int(ordered),
                     None if wiped is None else int(wiped), int(unsent),
                     None if clock is None else int(clock),
                     None if checked is None else int(checked))


def _change(r: Sequence[Any]) -> Change:
    return Change(r[0], r[1], r[2], r[3], ChangeKind(r[4]), json.loads(r[5]), r[6], r[7])


def _keep_private(file: Path) -> None:
    """The hub database holds every attendee, the hub's signing key and its TLS key: this
    user only. A new one is made private before SQLite writes a byte (its write-ahead log
    and shared-memory file take the database file's permissions); one made by an older
    version is tightened."""
    if str(file) == ":memory:" or not file.parent.is_dir():
        return  # nothing on disk, or SQLite says the folder is missing
    if not file.exists():
        try:
            new_private_file(file)
            return
        except FileExistsError:  # another process made it meanwhile
            pass
    for part in (file, Path(f"{file}-wal"), Path(f"{file}-shm")):
        make_private(part)


class SqliteHubLog:
    """A hub's storage in one SQLite file.

    One connection behind a lock: SQLite has one writer at a time anyway, and numbering
    changes under the lock means ``hub_seq`` is assigned in commit order.
    """

    def __init__(self, path: str | Path) -> None:
        self.location = str(path)
        _keep_private(Path(self.location))
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

    def append(self, changes: Sequence[Change], pushed_by: str) -> Numbers:
        """Store the changes not held yet, numbered in order; the hub_seq of each one given
        (None for one that reuses another change's device and number: not stored)."""
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
                       pushed_by: str) -> Numbers:
        numbers: Numbers = []
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
                    "kind, payload, pushed_by, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (next_seq, change.change_id, change.device_id, change.device_seq,
                     change.hlc, change.kind.value, payload_json(as_received(change).payload),
                     pushed_by, change.signature),
                )
            except sqlite3.IntegrityError:
                numbers.append(None)  # its device and number are another change's
                continue
            numbers.append(next_seq)
            next_seq += 1
        return numbers

    def read(self, after: int, limit: int) -> list[Change]:
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_CHANGE_COLUMNS} FROM hub_changes WHERE hub_seq > ? "
                "ORDER BY hub_seq LIMIT ?", (after, limit),
            ).fetchall()
        return [_change(r) for r in rows]

    def known(self, change_ids: Sequence[str]) -> dict[str, int]:
        """The hub's number of each of these changes it holds already."""
        found: dict[str, int] = {}
        with self._lock:
            for start in range(0, len(change_ids), 500):
                chunk = list(change_ids[start:start + 500])
                marks = ", ".join("?" * len(chunk))
                found.update(self._conn.execute(
                    f"SELECT change_id, hub_seq FROM hub_changes WHERE change_id IN ({marks})",
                    chunk).fetchall())
        return found

    def event_updates(self) -> list[Change]:
        """The event's own changes (name, keys…): what bundle keys are derived from."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_CHANGE_COLUMNS} FROM hub_changes WHERE kind = ? ORDER BY hlc",
                (ChangeKind.EVENT_UPDATE.value,)).fetchall()
        return [_change(r) for r in rows]

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
                taken = conn.execute("SELECT public_key FROM hub_authors WHERE author_id = ?",
                                     (device.device_id,)).fetchone()
                if row is not None and taken is not None and taken[0] != device.public_key:
                    raise AuthorTaken("This device id is already registered with another key.")
                if row is not None:
                    enrolled = HubDevice(device.device_id, row[0], DeviceRole(row[1]),
                                         device.public_key, now_ms)
                    conn.execute(
                        "INSERT OR REPLACE INTO hub_devices (device_id, name, role, key_hash, "
                        "public_key, enrolled_ms, revoked) VALUES (?, ?, ?, ?, ?, ?, 0)",
                        (enrolled.device_id, enrolled.name, enrolled.role.value, key_hash,
                         enrolled.public_key, now_ms))
                    conn.execute(
                        "INSERT INTO hub_authors (author_id, public_key, device_id, name, "
                        "registered_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (author_id) DO "
                        "UPDATE SET device_id = excluded.device_id, name = excluded.name",
                        (enrolled.device_id, enrolled.public_key, enrolled.device_id,
                         enrolled.name, now_ms))
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

    def authors(self) -> list[HubAuthor]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT author_id, public_key, device_id, name FROM hub_authors "
                "ORDER BY registered_ms, author_id").fetchall()
        return [HubAuthor(*row) for row in rows]

    def author(self, author_id: str) -> HubAuthor | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT author_id, public_key, device_id, name FROM hub_authors "
                "WHERE author_id = ?", (author_id,)).fetchone()
        return HubAuthor(*row) if row else None

    def add_author(self, author: HubAuthor, now_ms: int) -> bool:
        """Register a device id and its key; False when it is taken (with another key)."""
        with self._lock:
            self._conn.execute(
                "INSERT OR IGNORE INTO hub_authors (author_id, public_key, device_id, name, "
                "registered_ms) VALUES (?, ?, ?, ?, ?)",
                (author.author_id, author.public_key, author.device_id, author.name, now_ms))
            row = self._conn.execute("SELECT public_key FROM hub_authors WHERE author_id = ?",
                                     (author.author_id,)).fetchone()
        return row is not None and row[0] == author.public_key

    def note_clock(self, device_id: str, offset_ms: int, now_ms: int) -> None:
        with self._lock:
            self._conn.execute(
                "UPDATE hub_devices SET clock_offset_ms = ?, clock_checked_ms = ? "
                "WHERE device_id = ?", (offset_ms, now_ms, device_id))

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
