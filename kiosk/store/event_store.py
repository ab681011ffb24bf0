"""The event database as the rest of the app sees it: record changes, receive them, rebuild."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kiosk.core.change_rules import KEY_SWAP, LeftOut, key_set_by, payload_problem
from kiosk.core.changes import Change, ChangeKind
from kiosk.core.hlc import HybridClock, Stamp, system_wall_ms
from kiosk.core.ids import new_device_id, uuid7
from kiosk.store.appliers import apply_change, apply_changes
from kiosk.store.appliers import payload_json as _payload_json
from kiosk.store.checkpointer import WalCheckpointer
from kiosk.store.database import connect
from kiosk.store.schema import DERIVED_TABLES

_INSERT_CHANGE = (
    "INSERT INTO changes (change_id, device_id, device_seq, hlc, kind, payload, hub_seq) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def change_from_row(row: Sequence[Any]) -> Change:
    change_id, device_id, device_seq, hlc, kind, payload, hub_seq = row
    return Change(change_id, device_id, device_seq, hlc, ChangeKind(kind), json.loads(payload),
                  hub_seq)


class EventStore:
    """One event's database on this device.

    Every write to shared data goes through :meth:`record`, which appends to the change log
    and applies the change in one transaction. Only one thread may write at a time: the app
    gives the store to its single writer thread.
    """

    def __init__(
        self, db: Database, wall: Callable[[], int] = system_wall_ms,
        checkpointer: WalCheckpointer | None = None,
    ) -> None:
        self.db = db
        self._checkpointer = checkpointer
        self.conn: sqlite3.Connection = db.conn
        self.wall = wall
        device_id = self.setting("device_id")
        if device_id is None:
            device_id = new_device_id()
            self.set_setting("device_id", device_id)
        self.device_id = device_id
        self._seq = self.conn.execute(
            "SELECT coalesce(max(device_seq), 0) FROM changes WHERE device_id = ?", (device_id,)
        ).fetchone()[0]
        last = self.conn.execute("SELECT max(hlc) FROM changes").fetchone()[0]
        self.clock = HybridClock(device_id, wall, Stamp.parse(last) if last else None)
        self._data_version = self._read_data_version()

    @classmethod
    def open(
        cls, path: str | Path, wall: Callable[[], int] = system_wall_ms,
        background_checkpoints: bool = False,
    ) -> EventStore:
        """Open an event file. A long-running desk passes ``background_checkpoints`` so no
        check-in ever pays for copying the write-ahead log back into the database."""
        db = connect(path)
        checkpointer = None
        if background_checkpoints and str(path) != ":memory:":
            db.conn.execute("PRAGMA wal_autocheckpoint = 0")
            checkpointer = WalCheckpointer(path)
            checkpointer.start()
        return cls(db, wall, checkpointer)

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self.conn.close()

    # -- local settings (not synced) ------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def secret(self, key: str) -> bytes | None:
        row = self.conn.execute("SELECT value FROM secrets WHERE key = ?", (key,)).fetchone()
        return bytes(row[0]) if row else None

    def set_secret(self, key: str, value: bytes) -> None:
        self.conn.execute(
            "INSERT INTO secrets (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- writing --------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes into one all-or-nothing transaction (nests as a savepoint)."""
        seq_before = self._seq
        try:
            if self.conn.in_transaction:
                with self.db.atomic():  # a savepoint
                    yield
            else:
                # IMMEDIATE: the write lock first, so what the transaction reads is current
                # even when another connection (the print worker's) has just written.
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield
                    self.conn.execute("COMMIT")
                except BaseException:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise
        except BaseException:
            self._seq = seq_before
            raise

    def record(self, kind: ChangeKind, payload: dict[str, Any]) -> Change:
        """Append a change made on this device and apply it, durably, in one transaction.

        Inside :meth:`transaction` the change joins that transaction instead.
        """
        if self.conn.in_transaction:
            return self._append(kind, payload)
        with self.transaction():
            return self._append(kind, payload)

    def record_many(self, items: Iterable[tuple[ChangeKind, dict[str, Any]]]) -> Change | None:
        """Append and apply many changes in one transaction (in bulk where it can).

        Returns the last change recorded, or None when there were none.
        """
        last = None
        with self.transaction():
            self._catch_up()
            batch: list[Change] = []
            for kind, payload in items:
                stamp = self.clock.now()
                self._seq += 1
                batch.append(Change(uuid7(stamp.wall_ms), self.device_id, self._seq,
                                    stamp.encode(), kind, payload))
                if len(batch) == 2_000:
                    last = self._store_batch(batch)
                    batch = []
            if batch:
                last = self._store_batch(batch)
        return last

    def _store_batch(self, batch: list[Change]) -> Change:
        encoded = [_payload_json(c.payload) for c in batch]
        self.conn.executemany(_INSERT_CHANGE, [
            (c.change_id, c.device_id, c.device_seq, c.hlc, c.kind.value, text, None)
            for c, text in zip(batch, encoded, strict=True)
        ])
        apply_changes(self.conn, batch)
        return batch[-1]

    def next_stamp(self) -> str:
        """A stamp for a value that must sort after every change made so far (e.g. import base)."""
        return self.clock.now().encode()

    def _read_data_version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def _catch_up(self) -> None:
        """Continue this device's sequence and clock where another connection of this device
        (the print worker's) appended since: SQLite's data_version moves only then."""
        version = self._read_data_version()
        if version == self._data_version:
            return
        self._data_version = version
        seq = self.conn.execute(
            "SELECT coalesce(max(device_seq), 0) FROM changes WHERE device_id = ?",
            (self.device_id,),
        ).fetchone()[0]
        self._seq = max(self._seq, seq)
        last = self.conn.execute("SELECT max(hlc) FROM changes").fetchone()[0]
        if last:
            self.clock.observe(Stamp.parse(last))

    def _append(self, kind: ChangeKind, payload: dict[str, Any]) -> Change:
        self._catch_up()
        stamp = self.clock.now()
        self._seq += 1
        change = Change(uuid7(stamp.wall_ms), self.device_id, self._seq, stamp.encode(), kind,
                        payload)
        self.conn.execute(
            _INSERT_CHANGE,
            (change.change_id, change.device_id, change.device_seq, change.hlc, change.kind.value,
             _payload_json(payload), None),
        )
        apply_change(self.conn, change)
        return change

    def receive(self, changes: Iterable[Change]) -> list[Change]:
        """Take in changes made elsewhere (a pull, a bundle): each is stored and applied once.
        An ill-formed one (a faulty or hostile device's) is left out and noted, so it can
        never stop this desk's sync.

        Returns the changes that were new here. The caller wraps this in a transaction with
        whatever else must be durable at the same moment (e.g. the sync cursor).
        """
        fresh = []
        with self.transaction():
            for change in changes:
                problem = payload_problem(change.kind, change.payload) \
                    or self._changes_ticket_key(change)
                if problem is not None:
                    self._leave_out(change, problem)
                    continue
                cursor = self.conn.execute(
                    _INSERT_CHANGE.replace("INSERT", "INSERT OR IGNORE", 1),
                    (change.change_id, change.device_id, change.device_seq, change.hlc,
                     change.kind.value, _payload_json(change.payload), change.hub_seq),
                )
                if cursor.rowcount:
                    self.clock.observe(Stamp.parse(change.hlc))
                    apply_change(self.conn, change)
                    fresh.append(change)
                elif change.hub_seq is not None:
                    self.conn.execute(
                        "UPDATE changes SET hub_seq = ? WHERE change_id = ? AND hub_seq IS NULL",
                        (change.hub_seq, change.change_id),
                    )
        return fresh

    def _changes_ticket_key(self, change: Change) -> str | None:
        key = key_set_by(change.kind, change.payload)
        if key is None:
            return None
        row = self.conn.execute("SELECT value FROM event WHERE key = 'public_key'").fetchone()
        return KEY_SWAP if row is not None and json.loads(row[0]) != key else None

    def _leave_out(self, change: Change, problem: str) -> None:
        self.note_left_out([LeftOut(str(change.change_id), str(change.device_id),
                                    str(change.kind), problem)])

    def note_left_out(self, items: Iterable[LeftOut]) -> None:
        """Changes from elsewhere that were not taken in (ill-formed, or of a kind this version
        does not know): neither stored nor applied, but noted for staff to hear of."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO sync_left_out (change_id, device_id, kind, problem, at) "
            "VALUES (?, ?, ?, ?, datetime('now'))",
            [(i.change_id[:100], i.device_id[:100], i.kind[:60], i.problem) for i in items],
        )

    def record_import_run(self, hlc: str, file_name: str, preset: str, report: str) -> None:
        """Keep a local note of an import (not synced): when, which file, what it did."""
        self.conn.execute(
            "INSERT OR REPLACE INTO import_runs (hlc, file_name, preset, report, at) "
            "VALUES (?, ?, ?, ?, datetime('now'))",
            (hlc, file_name, preset, report),
        )

    # -- reading the log ------------------------------------------------------------------

    def changes(self, after_hlc: str = "") -> Iterator[Change]:
        rows = self.conn.execute(
            "SELECT change_id, device_id, device_seq, hlc, kind, payload, hub_seq FROM changes "
            "WHERE hlc > ? ORDER BY hlc",
            (after_hlc,),
        )
        for row in rows:
            yield change_from_row(row)

    def change_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM changes").fetchone()[0]

    def copy_for_desk(self, target: Path) -> None:
        """Write a copy for another device: same event and log, no secrets, no local state."""
        self.conn.execute("VACUUM INTO ?", (str(target),))
        copy = sqlite3.connect(target, isolation_level=None)
        try:
            copy.execute("PRAGMA journal_mode = WAL")
            copy.execute("BEGIN")
            copy.execute("DELETE FROM secrets")
            copy.execute("DELETE FROM import_runs")
            copy.execute("DELETE FROM settings")
            copy.execute("DELETE FROM print_jobs")
            for table in ("sync_hub", "sync_cursor", "sync_devices"):
                copy.execute(f"DELETE FROM {table}")
            copy.execute("INSERT INTO settings (key, value) VALUES ('role', 'desk')")
            copy.execute("COMMIT")
            copy.execute("VACUUM")  # the deleted key must not linger in free pages
        finally:
            copy.close()

    # -- rebuilding -----------------------------------------------------------------------

    def rebuild(self) -> int:
        """Clear the derived tables and replay the whole log; returns the changes replayed."""
        with self.transaction():
            for table in DERIVED_TABLES:
                self.conn.execute(f"DELETE FROM {table}")
            self.conn.execute("DELETE FROM checkpoints WHERE id != 'main'")
            replay = list(self.changes())
            apply_changes(self.conn, replay)
        return len(replay)
