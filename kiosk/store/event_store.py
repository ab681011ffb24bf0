"""The event database as the rest of the app sees it: record changes, receive them, rebuild."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kiosk.core.changes import (
    KEY_SWAP,
    Change,
    ChangeKind,
    LeftOut,
    NewChange,
    as_received,
    key_set_by,
    payload_problem,
)
from kiosk.core.hlc import HybridClock, Stamp, system_wall_ms
from kiosk.core.ids import new_device_id, uuid7
from kiosk.core.refusal import Refusal
from kiosk.store.appliers import apply_change, apply_changes
from kiosk.store.appliers import payload_json as _payload_json
from kiosk.store.database import BUSY_TIMEOUT_MS, connect
from kiosk.store.outputs import new_private_file
from kiosk.store.schema import DERIVED_TABLES

log = logging.getLogger(__name__)

_INSERT_CHANGE = (
    "INSERT INTO changes (change_id, device_id, device_seq, hlc, kind, payload, hub_seq) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def change_from_row(row: Sequence[Any]) -> Change:
    change_id, device_id, device_seq, hlc, kind, payload, hub_seq = row
    return Change(change_id, device_id, device_seq, hlc, ChangeKind(kind), json.loads(payload),
                  hub_seq)


class ChangeRefused(ValueError, Refusal):
    """A change this device was about to record breaks its kind's rules: nothing is written.

    The same rules decide what the hub and every desk take in, so a change recorded here can
    never be refused later and block this desk's sync. Use cases check their input first and
    say what is wrong in their own words; this is the backstop."""


@dataclass(frozen=True)
class Written:
    """What one committed write did: the changes it appended to the log (made here or taken
    in from elsewhere) and the local tables it touched (print jobs, settings, sync state)."""

    changes: tuple[Change, ...]
    local: frozenset[str] = frozenset()


# How long a write waits for another program (another kiosk process) to let go of the file.
LOCK_WAIT_S = 5.0


class EventReader:
    """Reading an event's database: the connection, this device's id, local settings."""

    def __init__(self, conn: sqlite3.Connection, device_id: str,
                 wall: Callable[[], int] = system_wall_ms) -> None:
        self.conn = conn
        self.device_id = device_id
        self.wall = wall

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def secret(self, key: str) -> bytes | None:
        row = self.conn.execute("SELECT value FROM secrets WHERE key = ?", (key,)).fetchone()
        return bytes(row[0]) if row else None

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


class EventStore(EventReader):
    """One event's database on this device, as its one writer sees it.

    Every write to shared data goes through :meth:`record`, which checks the change against
    its kind's rules, appends it to the change log and applies it, in one transaction. The
    store belongs to its file's door (:class:`kiosk.store.event_file.EventFile`), which runs
    every write on one connection, one at a time.
    """

    def __init__(
        self, db: Database, wall: Callable[[], int] = system_wall_ms,
    ) -> None:
        self.db = db
        conn: sqlite3.Connection = db.conn
        device_id = _setting(conn, "device_id")
        if device_id is None:
            device_id = new_device_id()
            conn.execute("INSERT INTO settings (key, value) VALUES ('device_id', ?)",
                         (device_id,))
        super().__init__(conn, device_id, wall)
        self._seq = 0
        self.clock = HybridClock(device_id, wall, None)
        self._catch_up()
        self._appended: list[Change] = []
        self._touched: set[str] = set()
        self._listeners: list[Callable[[Written], None]] = []
        self._listeners_lock = threading.Lock()
        self._door_holds: list[Any] = []  # one per EventStore.open of this file
        self.door: Any = None  # the EventFile this store belongs to (it sets this)

    @classmethod
    def connect(cls, path: str | Path, wall: Callable[[], int] = system_wall_ms,
                create: bool = False) -> EventStore:
        """A store on a connection of its own: only the door calls this."""
        return cls(connect(path, create), wall)

    @classmethod
    def open(
        cls, path: str | Path, wall: Callable[[], int] = system_wall_ms, create: bool = False,
    ) -> EventStore:
        """The store of this process's door to ``path``, for inline use in this thread (the
        command line, tests); :meth:`close` gives the door back. ``create`` makes a new
        event file (only ``kiosk init``, a new desk and the demo do)."""
        from kiosk.store.event_file import EventFile

        door = EventFile.open(path, wall=wall, create=create)
        try:
            store = door.store
        except RuntimeError:
            door.close()
            raise
        door.hold_inline(True)
        store._door_holds.append(door)
        return store

    def close(self) -> None:
        """Give back the door this store was opened through (the file closes with the last
        user)."""
        if self._door_holds:
            door = self._door_holds.pop()
            door.hold_inline(False)
            door.close()

    def close_connection(self) -> None:
        self.conn.close()

    # -- local settings (not synced) ------------------------------------------------------

    def set_setting(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
        self.touch("settings")

    def set_secret(self, key: str, value: bytes) -> None:
        self.conn.execute(
            "INSERT INTO secrets (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def touch(self, table: str) -> None:
        """Note that this write changed a local table (announced with the write)."""
        self._touched.add(table)
        if not self.conn.in_transaction:
            self._announce()

    # -- announcing -------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[Written], None]) -> Callable[[], None]:
        with self._listeners_lock:
            self._listeners.append(listener)

        def stop() -> None:
            with self._listeners_lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)
        return stop

    def _announce(self) -> None:
        if not self._appended and not self._touched:
            return
        written = Written(tuple(self._appended), frozenset(self._touched))
        self._appended, self._touched = [], set()
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(written)
            except Exception:  # one listener's fault must not undo or stop a write
                log.exception("a listener to the event file failed")

    # -- writing --------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes into one all-or-nothing transaction (nests as a savepoint)."""
        if self.conn.in_transaction:
            seq_before, appended_before = self._seq, len(self._appended)
            try:
                with self.db.atomic():  # a savepoint
                    yield
            except BaseException:
                self._seq = seq_before
                del self._appended[appended_before:]
                raise
            return
        self._begin_immediate()
        try:
            # Another process on this file (a second desk, `kiosk checkin`) may have written
            # since: continue this device's sequence and clock from what is there.
            self._catch_up()
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._appended, self._touched = [], set()
            self._catch_up()
            raise
        self._announce()

    def _begin_immediate(self) -> None:
        """Take the write lock, waiting while another process holds it (an import there
        writes in batches and lets go between them), up to ``LOCK_WAIT_S``."""
        # SQLite's own busy handler sleeps longer and longer (up to 100 ms) between looks,
        # and would keep missing the short gaps between another process's batches.
        self.conn.execute("PRAGMA busy_timeout = 0")
        deadline = time.monotonic() + LOCK_WAIT_S
        try:
            while True:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.001)
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def _catch_up(self) -> None:
        seq, last = self.conn.execute(
            "SELECT (SELECT coalesce(max(device_seq), 0) FROM changes WHERE device_id = ?), "
            "(SELECT max(hlc) FROM changes)", (self.device_id,)).fetchone()
        self._seq = seq
        if last:
            self.clock.observe(Stamp.parse(last))

    def record(self, kind: ChangeKind | NewChange, payload: dict[str, Any] | None = None
               ) -> Change:
        """Check a change made on this device against its kind's rules, append it and apply
        it, durably, in one transaction (inside :meth:`transaction` it joins that one).
        Give a ``NewChange`` from a kind's builder (``kiosk.core.changes``), or a kind and
        its payload.

        Raises ChangeRefused, writing nothing, when the change breaks its kind's rules."""
        if isinstance(kind, NewChange):
            made, content = kind.kind, kind.payload
        else:
            made, content = kind, payload or {}
        _check(made, content)
        if self.conn.in_transaction:
            return self._append(made, content)
        with self.transaction():
            return self._append(made, content)

    def record_many(
        self, items: Iterable[tuple[ChangeKind, dict[str, Any]] | NewChange],
    ) -> Change | None:
        """Check, append and apply many changes in one transaction (in bulk where it can).

        Returns the last change recorded, or None when there were none.
        """
        last = None
        with self.transaction():
            batch: list[Change] = []
            for item in items:
                if isinstance(item, NewChange):
                    kind, payload = item.kind, item.payload
                else:
                    kind, payload = item
                _check(kind, payload)
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
        self._appended.extend(batch)
        return batch[-1]

    def next_stamp(self) -> str:
        """A stamp for a value that must sort after every change made so far (e.g. import base)."""
        return self.clock.now().encode()

    def _append(self, kind: ChangeKind, payload: dict[str, Any]) -> Change:
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
        self._appended.append(change)
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
                change = as_received(change)  # an older device's retired fields stay out
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
            self._appended.extend(fresh)
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

    def copy_for_desk(self, target: Path) -> None:
        """Write a copy for another device: same event and log, no secrets, no local state.
        The copy is private (0600) from the moment it exists."""
        new_private_file(target)
        self.conn.execute("VACUUM INTO ?", (str(target),))
        copy = sqlite3.connect(target, isolation_level=None)
        try:
            copy.execute("PRAGMA journal_mode = WAL")
            copy.execute("BEGIN")
            copy.execute("DELETE FROM secrets")
            copy.execute("DELETE FROM import_runs")
            copy.execute("DELETE FROM settings")
            copy.execute("DELETE FROM print_jobs")
            copy.execute("DELETE FROM kept_columns")  # the organisers' own, never a desk's
            copy.execute("DELETE FROM connector_pushes")  # desks never talk to pretix
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


def _setting(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, 517) or \
        "locked" in str(exc)


def _check(kind: ChangeKind, payload: dict[str, Any]) -> None:
    problem = payload_problem(kind, payload, strict=True)
    if problem is not None:
        raise ChangeRefused(f"A {kind.value} change was refused: {problem}.")
