"""The one door to an event file in this process: one writer, readers beside it.

Every part of the app that reads or writes an event file (the desk, the console's screens,
the print worker, sync, backups, the in-app hub, the command line) goes through the one
:class:`EventFile` this process holds for that file. Writes are operations run one at a time,
each as one transaction, on one write connection; reads run on their own connections, each
as one consistent snapshot. After each write the store announces the changes it appended
(:meth:`EventFile.subscribe`), so nothing polls the file to learn what changed.

Two modes:

* **threaded** (the app): a writer thread owns the write connection and takes operations
  from a queue, people's first (a scan waits behind at most one batch of an import, never
  behind the whole import); at most two read connections serve everyone else, and a
  background checkpoint runs on one of them. Three connections in all.
* **inline** (the command line, tests, the bench): no thread; an operation runs in the
  caller's thread on the one connection, under a lock.

In the spirit of datasette's write thread (``execute_write_fn``) and Anki's collection as
the only door.
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from enum import IntEnum
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from kiosk.core.hlc import system_wall_ms
from kiosk.store.database import EventFileError, connect_reader
from kiosk.store.event_store import EventReader, EventStore, Written

T = TypeVar("T")

# Read connections beside the writer's (the checkpoint borrows one too).
READ_CONNECTIONS = 2
# After a batch of bulk work, the lock is let go this long: a desk in another process
# waiting to write gets in between batches (it looks for the lock every millisecond).
BULK_PAUSE_S = 0.003
# How often the threaded door copies the write-ahead log back into the file.
CHECKPOINT_EVERY_S = 2.0
# SQLite's own default: an inline commit copies the log back once it holds this many pages.
AUTOCHECKPOINT_PAGES = 1000


class Priority(IntEnum):
    """Where a write waits in the queue: a person's action goes before background work."""

    INTERACTIVE = 0  # a scan, a check-in, a click in the console
    NORMAL = 1  # sync pages, print job updates
    BULK = 2  # one batch of an import: scans go between batches


class _Stop:
    """The writer thread's last item."""


class EventFile:
    """One event file as this process sees it. Get it with :meth:`open`; :meth:`close` each
    time you opened it."""

    _open_files: ClassVar[dict[str, EventFile]] = {}
    _registry_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, path: str, wall: Callable[[], int], create: bool = False) -> None:
        self.path = path
        self._wall = wall
        self._users = 0
        self._store = EventStore.connect(path, wall, create)
        self._store.door = self
        self._lock = threading.RLock()  # inline mode: one caller at a time on the connection
        self._threaded = False
        self._queue: queue.PriorityQueue[tuple[int, int, Any]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._writer: threading.Thread | None = None
        self._readers: list[sqlite3.Connection] = []
        self._reader_slots = threading.Semaphore(READ_CONNECTIONS)
        self._readers_lock = threading.Lock()
        self._reader_count = 0
        self._stop_checkpoints = threading.Event()
        self._checkpointer: threading.Thread | None = None
        self._closed = False
        self._inline_holders = 0  # EventStore.open users: they use the store on their thread

    # -- opening and closing ----------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | Path, *, threaded: bool = False,
        wall: Callable[[], int] = system_wall_ms, create: bool = False,
    ) -> EventFile:
        """This process's door to the event file at ``path`` (opened on first use).

        ``threaded`` starts the writer thread (the app); a door opened inline by someone
        else in this process is given one then. Raises EventFileError when the file cannot
        be used.
        """
        key = _key(path)
        with cls._registry_lock:
            found = cls._open_files.get(key)
            if found is None:
                found = cls(key, wall, create)
                if key != ":memory:":  # each in-memory database is a file of its own
                    cls._open_files[key] = found
            elif wall is not system_wall_ms and wall is not found._wall:
                raise ValueError(f"{path} is already open with another clock")
            found._users += 1
        if threaded:
            found._start_threads()
        return found

    @classmethod
    def is_open(cls, path: str | Path) -> bool:
        with cls._registry_lock:
            return _key(path) in cls._open_files

    def close(self) -> None:
        """Give back this user's hold; the last one out stops the writer and closes the file."""
        with EventFile._registry_lock:
            self._users -= 1
            if self._users > 0:
                return
            if EventFile._open_files.get(self.path) is self:
                del EventFile._open_files[self.path]
        self._shut_down()

    def _shut_down(self) -> None:
        self._closed = True
        if self._writer is not None:
            done: Future[None] = Future()
            self._queue.put((99, next(self._order), (_Stop(), done)))
            self._writer.join(timeout=60)
            self._writer = None
        self._stop_checkpoints.set()
        if self._checkpointer is not None:
            self._checkpointer.join(timeout=10)
            self._checkpointer = None
        with self._readers_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
        with self._lock:  # an inline operation under way finishes first
            self._store.close_connection()

    def __enter__(self) -> EventFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def threaded(self) -> bool:
        return self._threaded

    @property
    def device_id(self) -> str:
        return self._store.device_id

    @property
    def wall(self) -> Callable[[], int]:
        return self._wall

    @property
    def store(self) -> EventStore:
        """The write connection's store, for inline use by the caller's own thread (the
        command line, tests). The app's code goes through :meth:`write` and :meth:`read`."""
        if self._threaded:
            raise RuntimeError("this event file has a writer thread: use write() and read()")
        return self._store

    @contextmanager
    def bulk_run(self) -> Iterator[None]:
        """Around a long run of bulk writes (an import). Inline, a commit no longer copies
        the log back into the file every thousand pages — the same pages of the indexes over
        and over — but once, when the run ends; with a writer thread the checkpointer does
        that already."""
        conn = self._store.conn
        if self._threaded or conn.in_transaction:  # inside a caller's transaction: as it is
            yield
            return
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
            with contextlib.suppress(sqlite3.Error):  # busy: the next commit does it
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def hold_inline(self, held: bool) -> None:
        """Someone uses the store directly on their own thread (EventStore.open): no writer
        thread may start under them."""
        with self._lock:
            self._inline_holders += 1 if held else -1

    # -- writing ----------------------------------------------------------------------------

    def write(
        self, op: Callable[[EventStore], T], *, priority: Priority = Priority.INTERACTIVE,
        atomic: bool = True, synced: bool = True,
    ) -> T:
        """Run ``op`` with the write store as one transaction and return what it returns.

        ``atomic=False`` runs it outside a transaction (VACUUM and the like). Called from
        inside another write (on the writer), it joins that write. ``synced=False`` (an
        import's batches): the commit does not wait for the disk; it is whole or absent,
        and becomes durable with the next write that waits — every check-in's does, and an
        import ends with one — so nothing a person was told is saved can be lost.
        """
        if threading.current_thread() is self._writer:
            return self._run(op, atomic, synced)
        if not self._threaded:
            with self._lock:
                joined = self._store.conn.in_transaction
                result = self._run(op, atomic, synced)
            if priority is Priority.BULK and not joined:
                time.sleep(BULK_PAUSE_S)  # let another process's desk in between batches
            return result
        return self.submit(op, priority=priority, atomic=atomic, synced=synced).result()

    def submit(
        self, op: Callable[[EventStore], T], *, priority: Priority = Priority.INTERACTIVE,
        atomic: bool = True, synced: bool = True,
    ) -> Future[T]:
        """Queue ``op`` for the writer; the future holds its answer (or its exception)."""
        future: Future[T] = Future()
        if self._closed:
            future.set_exception(EventFileError(f"{self.path} has been closed."))
            return future
        if not self._threaded:
            try:
                future.set_result(self.write(op, priority=priority, atomic=atomic,
                                             synced=synced))
            except BaseException as exc:  # handed to whoever waits on the future
                future.set_exception(exc)
            return future
        self._queue.put((int(priority), next(self._order), (op, future, atomic, synced)))
        return future

    def _run(self, op: Callable[[EventStore], T], atomic: bool, synced: bool = True) -> T:
        conn = self._store.conn
        if not atomic or conn.in_transaction:
            return op(self._store)
        if not synced:
            conn.execute("PRAGMA synchronous = NORMAL")
        try:
            with self._store.transaction():
                return op(self._store)
        finally:
            if not synced:
                conn.execute("PRAGMA synchronous = FULL")

    def _write_forever(self) -> None:
        while True:
            priority, _, item = self._queue.get()
            if isinstance(item[0], _Stop):
                item[1].set_result(None)
                return
            op, future, atomic, synced = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = self._run(op, atomic, synced)
            except BaseException as exc:  # handed to the caller, never kills the writer
                future.set_exception(exc)
            else:
                future.set_result(result)
            if priority == Priority.BULK and self._queue.empty():
                time.sleep(BULK_PAUSE_S)  # let another process's desk in between batches

    # -- reading ----------------------------------------------------------------------------

    def read(self, op: Callable[[EventReader], T]) -> T:
        """Run ``op`` on a read connection, as one consistent snapshot of the file."""
        if not self._threaded:
            with self._lock:
                return op(self._store)
        with self._reader() as conn:
            conn.execute("BEGIN")
            try:
                return op(EventReader(conn, self._store.device_id, self._wall))
            finally:
                conn.execute("ROLLBACK")

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        self._reader_slots.acquire()
        try:
            with self._readers_lock:
                conn = self._readers.pop() if self._readers else None
                if conn is None:
                    self._reader_count += 1
            if conn is None:
                conn = connect_reader(self.path)
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                with self._readers_lock:
                    if self._closed:
                        conn.close()
                    else:
                        self._readers.append(conn)
        finally:
            self._reader_slots.release()

    def snapshot_into(self, target: str | Path) -> None:
        """Write a consistent copy of the whole file to ``target`` (``VACUUM INTO``) from a
        read connection, so the writer goes on meanwhile."""
        if not self._threaded:
            with self._lock:
                self._store.conn.execute("VACUUM INTO ?", (str(target),))
            return
        with self._reader() as conn:
            conn.execute("PRAGMA query_only = OFF")
            try:
                conn.execute("VACUUM INTO ?", (str(target),))
            finally:
                conn.execute("PRAGMA query_only = ON")

    # -- listening --------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[Written], None]) -> Callable[[], None]:
        """Call ``listener`` after each write that appended changes or touched local tables
        (on the writing thread: be quick). Returns a function that stops it."""
        return self._store.subscribe(listener)

    # -- threads ----------------------------------------------------------------------------

    def _start_threads(self) -> None:
        with self._lock:
            if self._threaded:
                return
            if self._inline_holders:
                raise RuntimeError(f"{self.path} is in use inline on another thread: a "
                                   "writer thread cannot take it over")
            # Commits never pay for copying the log back: a checkpoint thread does it.
            self._store.conn.execute("PRAGMA wal_autocheckpoint = 0")
            self._writer = threading.Thread(target=self._write_forever, daemon=True,
                                            name=f"event-writer {Path(self.path).name}")
            self._checkpointer = threading.Thread(target=self._checkpoint_now_and_then,
                                                  daemon=True, name="wal-checkpoint")
            self._threaded = True
            self._writer.start()
            self._checkpointer.start()

    def _checkpoint_now_and_then(self) -> None:
        """PASSIVE never waits for, or blocks, the writer."""
        while not self._stop_checkpoints.wait(CHECKPOINT_EVERY_S):
            try:
                with self._reader() as conn:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:
                continue  # busy or a passing fault: next time

    def connection_count(self) -> int:
        """Connections this door holds to the file (one writer, the readers made so far)."""
        with self._readers_lock:
            return 1 + self._reader_count


def _key(path: str | Path) -> str:
    text = str(path)
    if text == ":memory:":
        return text
    return str(Path(text).expanduser().resolve())


def open_event_files() -> list[EventFile]:
    """Every event file this process has open (for tests and diagnostics)."""
    with EventFile._registry_lock:
        return list(EventFile._open_files.values())
