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

from kiosk.core.change_signatures import ChangeSigner, signature_problem
from kiosk.core.changes import (
    KEY_SWAP,
    KINDS,
    Change,
    ChangeKind,
    LeftOut,
    NewChange,
    as_received,
    key_set_by,
    payload_problem,
)
from kiosk.core.hlc import HybridClock, Stamp, system_wall_ms
from kiosk.core.ids import uuid7
from kiosk.core.refusal import Refusal
from kiosk.core.signing_keys import new_signing_key
from kiosk.store.appliers import apply_change, apply_changes
from kiosk.store.appliers import payload_json as _payload_json
from kiosk.store.database import BUSY_TIMEOUT_MS, connect
from kiosk.store.incarnations import (
    SIGNING_KEY,
    incarnations,
    moved_since_last_use,
    new_own_device_id,
    note_incarnation,
    start_new_incarnation,
)
from kiosk.store.outputs import temporary_beside
from kiosk.store.schema import DERIVED_TABLES

log = logging.getLogger(__name__)

# Before each write: this file's device (a restore can change it), where this device's
# sequence has got to and the newest stamp, should another process have written meanwhile.
_CATCH_UP = (
    "SELECT (SELECT value FROM settings WHERE key = 'device_id'), "
    "(SELECT coalesce(max(device_seq), 0) FROM changes WHERE device_id = ?), "
    "(SELECT max(hlc) FROM changes)"
)
_INSERT_CHANGE = (
    "INSERT INTO changes (change_id, device_id, device_seq, hlc, kind, payload, hub_seq, "
    "signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
CHANGE_COLUMNS = "change_id, device_id, device_seq, hlc, kind, payload, hub_seq, signature"

CLOCK_CORRECTION = "clock_correction_ms"  # the hub's time minus this computer's (setting)
LEGACY_UNTIL = "hub_legacy_until"  # the hub holds unsigned changes up to this number
_OWN_SIGNED = "own_changes_signed"  # this file's own unsent changes carry signatures


def change_from_row(row: Sequence[Any]) -> Change:
    change_id, device_id, device_seq, hlc, kind, payload, hub_seq, *rest = row
    return Change(change_id, device_id, device_seq, hlc, ChangeKind(kind), json.loads(payload),
                  hub_seq, rest[0] if rest else "")


# Why a change from elsewhere waits instead of being applied (``sync_held.waits_for``).
WAITS_FOR_PERSON = "person"
WAITS_FOR_DEVICE = "device"


class ChangeRefused(ValueError, Refusal):
    """A change this device was about to record breaks its kind's rules: nothing is written.

    The same rules decide what the hub and every desk take in, so a change recorded here can
    never be refused later and block this desk's sync. Use cases check their input first and
    say what is wrong in their own words; this is the backstop."""


# In ``Written.local`` when another program (a `kiosk import` or `kiosk checkin` beside a
# running desk) wrote to the file since this process last did: counts and lists shown from
# it may be out of date. Noticed at this process's next write, announced with it.
ELSEWHERE = "elsewhere"


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
            f"SELECT {CHANGE_COLUMNS} FROM changes WHERE hlc > ? ORDER BY hlc",
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
        device_id = _identity(conn)
        super().__init__(conn, device_id, wall)
        self._seq = 0
        self._correction = int(_setting(conn, CLOCK_CORRECTION) or 0)
        self.clock = HybridClock(device_id, self.stamp_wall, None)
        self._signer: ChangeSigner | None = None
        self._last_seen: str | None = None  # the log's newest stamp as this process left it
        self._caught_up = False
        self._written_elsewhere = False  # another process wrote: told with the next write
        self._catch_up()
        self._sign_own_unsent()
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
        for change in self._appended:  # what this write left as the log's newest
            if self._last_seen is None or change.hlc > self._last_seen:
                self._last_seen = change.hlc
        if self._written_elsewhere:
            self._written_elsewhere = False
            self._touched.add(ELSEWHERE)
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
        """Before each write: carry on from what another process on this file (a second desk,
        `kiosk checkin`, `kiosk import`) may have written since this one last did, and note
        that it did (announced with this write as ``ELSEWHERE``)."""
        current, seq, last = self.conn.execute(_CATCH_UP, (self.device_id,)).fetchone()
        if current and current != self.device_id:
            # The file was put back from a backup under us: carry on as its new incarnation.
            self.device_id = current
            self.clock = HybridClock(current, self.stamp_wall, None)
            self._signer = None
            self._last_seen = None
            seq = self.conn.execute("SELECT coalesce(max(device_seq), 0) FROM changes "
                                    "WHERE device_id = ?", (current,)).fetchone()[0]
        if self._caught_up and (seq != self._seq or last != self._last_seen):
            self._written_elsewhere = True
        self._caught_up = True
        self._seq = seq
        if last and last != self._last_seen:
            self._last_seen = last
            self.clock.observe(Stamp.parse(last))

    # -- this device's key and clock --------------------------------------------------------

    def signer(self) -> ChangeSigner:
        """This device's key for signing its changes (and bundles), made on first use."""
        if self._signer is None:
            key = self.secret(SIGNING_KEY)
            if key is None:
                key = new_signing_key()
                self.set_secret(SIGNING_KEY, key)
            self._signer = ChangeSigner(key)
        return self._signer

    def stamp_wall(self) -> int:
        """The time this device stamps its changes with: its clock, corrected by what the hub
        last measured (a desk whose clock is hours off still orders its check-ins right)."""
        return self.wall() + self._correction

    def set_clock_correction(self, hub_minus_here_ms: int) -> None:
        """Stamp changes with the hub's time from now on (0: this computer's own clock)."""
        if hub_minus_here_ms == self._correction:
            return
        self._correction = hub_minus_here_ms
        self.set_setting(CLOCK_CORRECTION, str(hub_minus_here_ms))

    @property
    def clock_correction_ms(self) -> int:
        return self._correction

    def _sign_own_unsent(self) -> None:
        """Sign this device's changes from before changes were signed that no hub has yet
        (once per file): they are its own, and the hub takes no unsigned change."""
        if _setting(self.conn, _OWN_SIGNED) is not None:
            return
        mine = incarnations(self.conn) or [self.device_id]
        marks = ", ".join("?" * len(mine))
        try:
            with self.transaction():
                rows = self.conn.execute(
                    f"SELECT {CHANGE_COLUMNS} FROM changes WHERE device_id IN ({marks}) "
                    "AND signature = '' AND hub_seq IS NULL", mine).fetchall()
                signer = self.signer()
                self.conn.executemany(
                    "UPDATE changes SET signature = ? WHERE change_id = ?",
                    [(signed.signature, signed.change_id)
                     for signed in (signer.sign(change_from_row(row)) for row in rows)])
                self.set_setting(_OWN_SIGNED, "1")
        except sqlite3.OperationalError:
            log.warning("this file's own earlier changes could not be signed yet (read-only?)")

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
        signer = self.signer()
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
                batch.append(signer.new_change(uuid7(stamp.wall_ms), self.device_id,
                                               self._seq, stamp.encode(), kind, payload))
                if len(batch) == 2_000:
                    last = self._store_batch(batch)
                    batch = []
            if batch:
                last = self._store_batch(batch)
        return last

    def _store_batch(self, batch: list[Change]) -> Change:
        encoded = [_payload_json(c.payload) for c in batch]
        self.conn.executemany(_INSERT_CHANGE, [
            (c.change_id, c.device_id, c.device_seq, c.hlc, c.kind.value, text, None,
             c.signature)
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
        change = self.signer().new_change(uuid7(stamp.wall_ms), self.device_id, self._seq,
                                          stamp.encode(), kind, payload)
        self.conn.execute(
            _INSERT_CHANGE,
            (change.change_id, change.device_id, change.device_seq, change.hlc, change.kind.value,
             _payload_json(payload), None, change.signature),
        )
        apply_change(self.conn, change)
        self._appended.append(change)
        return change

    def receive(self, changes: Iterable[Change], check_authors: bool = False,
                bundled_by: str | None = None) -> list[Change]:
        """Take in changes made elsewhere (a pull, a bundle): each is stored and applied once.

        An ill-formed one (a faulty or hostile device's) is left out and noted, so it can
        never stop this desk's sync; one that names a person this file does not have yet is
        held and applied when they arrive. ``check_authors`` (every change from the network
        or a bundle): each must be its author's, signed with the key the organisers' hub
        registered for that device (``sync_devices``) or this device's own; a forged or
        unsigned one is left out, one from a device not heard of yet is held.
        ``bundled_by``: the changes came in a bundle whose signature by that device was
        checked (so its own unsigned changes from before signatures are its). Without
        ``check_authors`` only changes known to be authentic come in (a replay, tests).

        Returns the changes that were new here. The caller wraps this in a transaction with
        whatever else must be durable at the same moment (e.g. the sync cursor).
        """
        fresh: list[Change] = []
        with self.transaction():
            trust = self._trust(bundled_by) if check_authors or bundled_by else None
            for change in changes:
                taken = self._take_in(change, trust)
                if taken is not None:
                    fresh.append(taken)
            if fresh and self._anything_held():
                fresh.extend(self.release_held(trust))
            self._appended.extend(fresh)
        return fresh

    def _anything_held(self) -> bool:
        return self.conn.execute("SELECT 1 FROM sync_held LIMIT 1").fetchone() is not None

    def release_held(self, trust: _Trust | None = None) -> list[Change]:
        """Apply the held changes whose person or device has arrived (in a transaction)."""
        if not self._anything_held():
            return []
        trust = trust or self._trust(None)
        released: list[Change] = []
        while True:
            rows = self.conn.execute(
                f"SELECT {CHANGE_COLUMNS}, waits_for FROM sync_held ORDER BY hlc").fetchall()
            progress = False
            for row in rows:
                change = change_from_row(row[:-1])
                self.conn.execute("DELETE FROM sync_held WHERE change_id = ?",
                                  (change.change_id,))
                # One held for its person had its author checked (if asked) when it came.
                taken = self._take_in(change, trust if row[-1] == WAITS_FOR_DEVICE else None)
                if taken is not None:
                    released.append(taken)
                    progress = True
            if not progress:
                return released

    def _take_in(self, change: Change, trust: _Trust | None) -> Change | None:
        problem = payload_problem(change.kind, change.payload) \
            or self._changes_ticket_key(change)
        if problem is not None:
            self._leave_out(change, problem)
            return None
        row = self.conn.execute("SELECT hub_seq FROM changes WHERE change_id = ?",
                                (change.change_id,)).fetchone()
        if row is not None:
            if row[0] is None and change.hub_seq is not None:
                self.conn.execute("UPDATE changes SET hub_seq = ? WHERE change_id = ?",
                                  (change.hub_seq, change.change_id))
            return None
        authorship = None if trust is None else trust.problem(change)
        if authorship is _WAIT:
            self._hold(change, WAITS_FOR_DEVICE)
            return None
        if authorship is not None:
            self._leave_out(change, authorship)
            return None
        if KINDS[change.kind].needs_people and not self._people_here(change):
            self._hold(change, WAITS_FOR_PERSON)
            return None
        change = as_received(change)  # an older device's retired fields stay out
        self.conn.execute(
            _INSERT_CHANGE,
            (change.change_id, change.device_id, change.device_seq, change.hlc,
             change.kind.value, _payload_json(change.payload), change.hub_seq,
             change.signature))
        self.clock.observe(Stamp.parse(change.hlc))
        apply_change(self.conn, change)
        return change

    def _people_here(self, change: Change) -> bool:
        named = [i for i in KINDS[change.kind].names(change.payload) if i]
        found = sum(self.conn.execute("SELECT 1 FROM attendees WHERE id = ?", (i,)).fetchone()
                    is not None for i in named)
        return found == len(named)

    def _hold(self, change: Change, waits_for: str) -> None:
        self.conn.execute(
            "INSERT INTO sync_held (change_id, device_id, device_seq, hlc, kind, payload, "
            "hub_seq, signature, waits_for, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "datetime('now')) ON CONFLICT (change_id) DO UPDATE SET "
            "hub_seq = coalesce(sync_held.hub_seq, excluded.hub_seq), "
            "waits_for = excluded.waits_for",
            (change.change_id, change.device_id, change.device_seq, change.hlc,
             change.kind.value, _payload_json(change.payload), change.hub_seq,
             change.signature, waits_for))

    def _trust(self, bundled_by: str | None) -> _Trust:
        keys = dict(self.conn.execute("SELECT device_id, public_key FROM sync_devices"))
        own = self.signer().public_key
        for device_id in [*incarnations(self.conn), self.device_id]:
            keys[device_id] = own
        legacy = int(_setting(self.conn, LEGACY_UNTIL) or 0)
        return _Trust(keys, legacy, bundled_by)

    def _changes_ticket_key(self, change: Change) -> str | None:
        key = key_set_by(change.kind, change.payload)
        if key is None:
            return None
        row = self.conn.execute("SELECT value FROM event WHERE key = 'public_key'").fetchone()
        if row is not None and json.loads(row[0]) != key:
            return KEY_SWAP
        tag = change.payload.get("fields", {}).get("event_tag")
        row = self.conn.execute("SELECT value FROM event WHERE key = 'event_tag'").fetchone()
        if tag and row is not None and json.loads(row[0]) != tag:
            return OTHER_EVENT
        return None

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

        The secrets are taken out of a copy in memory, so the signing key never reaches the
        disk in it; the copy is written to a private (0600) temporary file beside ``target``
        and renamed into place once whole, so an interrupted package leaves nothing there."""
        stripped = sqlite3.connect(":memory:", isolation_level=None)
        try:
            self.conn.backup(stripped)
            _strip_for_desk(stripped)
            with temporary_beside(target) as partial:
                stripped.execute("VACUUM INTO ?", (str(partial),))  # no free pages left over
                copy = sqlite3.connect(partial, isolation_level=None)
                try:
                    copy.execute("PRAGMA journal_mode = WAL")
                finally:
                    copy.close()
        finally:
            stripped.close()

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


OTHER_EVENT = "it belongs to another event"
_WAIT = "wait"  # a change from a device not known here yet: held, not refused


@dataclass(frozen=True)
class _Trust:
    """Whose changes this file takes in: each device's registered key (its own included),
    and up to which hub number the hub holds changes from before signatures."""

    keys: dict[str, str]
    legacy_until: int
    bundled_by: str | None

    def problem(self, change: Change) -> str | None:
        if not change.signature:
            if change.device_id == self.bundled_by:
                return None  # its bundle's signature covers it
            if change.hub_seq is not None and change.hub_seq <= self.legacy_until:
                return None  # the hub held it before changes were signed
        key = self.keys.get(change.device_id)
        if key is None and change.signature:
            return _WAIT
        return signature_problem(change, key)


def _identity(conn: sqlite3.Connection) -> str:
    """The device id this file records changes under, made on its first use (and a new one
    for a copy). Decided under the write lock: desks opening a new copy at the same moment
    (two windows, `kiosk checkin` beside one) take turns and agree, rather than each making
    a key and one failing."""
    try:
        conn.execute("BEGIN IMMEDIATE")  # waits up to the connection's busy timeout
    except sqlite3.OperationalError:  # read-only, or held past the busy timeout: unlocked
        return _this_incarnation(conn, _setting(conn, "device_id") or _made_identity(conn))
    try:
        device_id = _setting(conn, "device_id") or _made_identity(conn)
        device_id = _this_incarnation(conn, device_id)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return device_id


def _made_identity(conn: sqlite3.Connection) -> str:
    device_id = new_own_device_id(conn)
    conn.execute("INSERT INTO settings (key, value) VALUES ('device_id', ?)", (device_id,))
    conn.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, '1')", (_OWN_SIGNED,))
    return device_id


def _this_incarnation(conn: sqlite3.Connection, device_id: str) -> str:
    """The device id to carry on under: a file copied or moved since it was last used starts
    a new incarnation, so it never reuses numbers its other copy may have sent."""
    try:
        note_incarnation(conn, device_id, "first")
        if moved_since_last_use(conn):
            return start_new_incarnation(conn, "copied")
    except sqlite3.OperationalError:
        log.warning("this event file cannot be written to; carrying on as it is")
    return device_id


def _strip_for_desk(copy: sqlite3.Connection) -> None:
    """Take out of a copy what stays with the organisers: secrets, local state."""
    copy.execute("BEGIN")
    copy.execute("DELETE FROM secrets")
    copy.execute("DELETE FROM import_runs")
    copy.execute("DELETE FROM settings")
    copy.execute("DELETE FROM print_jobs")
    copy.execute("DELETE FROM kept_columns")  # the organisers' own, never a desk's
    copy.execute("DELETE FROM connector_pushes")  # desks never talk to pretix
    for table in ("sync_hub", "sync_cursor", "sync_devices", "sync_incarnations",
                  "sync_held", "sync_refused", "sync_left_out"):
        copy.execute(f"DELETE FROM {table}")
    copy.execute("INSERT INTO settings (key, value) VALUES ('role', 'desk')")
    copy.execute("COMMIT")


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
