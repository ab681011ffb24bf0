"""Rolling snapshots of an event file (``VACUUM INTO``) beside it, and restoring one."""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.core.refusal import Refusal
from kiosk.store.database import check_is_kiosk_file
from kiosk.store.faults import EventFileError, Fault, described, fault_of
from kiosk.store.outputs import (
    leftovers,
    new_private_file,
    overwrite_and_delete,
    private_folder,
)

# Snapshots kept beside an event file; the oldest go first.
KEEP_BACKUPS = 5


class BackupError(Refusal):
    """A snapshot cannot be taken or restored; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    """One snapshot: number 1 is the newest."""

    number: int
    path: Path
    taken_at: str
    size: int
    attendees: int | None  # None when the snapshot cannot be read
    checkins: int | None


def backup_folder(event_path: str | Path) -> Path:
    """``EVENT-backups/`` beside ``EVENT.db``."""
    path = Path(event_path).expanduser().resolve()
    return path.parent / f"{path.stem}-backups"


def _snapshot_files(event_path: str | Path) -> list[Path]:
    """Snapshots, newest first (their names sort by the time they were taken)."""
    folder = backup_folder(event_path)
    if not folder.is_dir():
        return []
    stem = Path(event_path).stem
    return sorted(folder.glob(f"{stem}-????????-??????-??????.db"), reverse=True)


def has_backups(event_path: str | Path) -> bool:
    """Whether snapshots of an event file of this name lie beside ``event_path``."""
    return bool(_snapshot_files(event_path))


def check_event_file(event_path: str | Path, written_over: bool = False) -> Path:
    """The event file backups may act on, or the fault that says why not (EventFileFault):
    only a kiosk event file, so nothing is made beside another program's file. With
    ``written_over`` (listing, restoring), a damaged file, or anything at all where
    snapshots of that name lie beside it (the event file written over), is acted on too."""
    file = Path(event_path).expanduser().resolve()
    if not file.is_file():
        raise described(Fault.MISSING, file)
    if written_over and has_backups(file):
        return file
    check_is_kiosk_file(file)
    if not written_over and not readable(file):
        raise described(Fault.DAMAGED, file)
    return file


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)


def take_backup(event_path: str | Path, keep: int = KEEP_BACKUPS, event: Any = None) -> Path:
    """Snapshot the event file now and drop all but the newest ``keep`` snapshots.

    Safe while a desk is checking people in: ``VACUUM INTO`` copies one consistent moment
    and the snapshot is written beside, then renamed, so a half-written one never counts.
    ``event`` is the file's door when this process has it open: the copy is made through
    one of its read connections rather than a connection of its own.
    """
    source = Path(event_path).expanduser().resolve()
    if event is None:
        from kiosk.store.event_file import EventFile

        if EventFile.is_open(source):
            event = EventFile.open(source)
            try:
                return take_backup(source, keep, event)
            finally:
                event.close()
        check_event_file(source)  # nothing is made beside another program's file
    folder = private_folder(backup_folder(source))
    now = datetime.now()
    target = folder / f"{source.stem}-{now:%Y%m%d-%H%M%S-%f}.db"
    partial = target.with_suffix(".part")
    partial.unlink(missing_ok=True)
    new_private_file(partial)  # the snapshot is private from its first byte
    try:
        if event is not None:
            event.snapshot_into(partial)
        else:
            conn = _read_only(source)
            try:
                conn.execute("VACUUM INTO ?", (str(partial),))
            finally:
                conn.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise _snapshot_fault(exc, source, partial) from exc
    partial.replace(target)
    for old in _snapshot_files(source)[max(keep, 1):]:
        old.unlink(missing_ok=True)
    return target


def _snapshot_fault(exc: sqlite3.Error, source: Path, partial: Path) -> EventFileError:
    """Why a snapshot failed, as the fault it is: the disk only when it is full."""
    fault = fault_of(exc, partial)
    if fault is not Fault.DISK_FULL and not readable(source):
        fault = Fault.DAMAGED
    if fault is not None:
        return described(fault, source)
    return EventFileError(f"Could not take a backup of {source.name} ({exc}). Try again, or "
                          "ask staff; nothing recorded before is lost.")


def backup_due(event_path: str | Path, every_seconds: float = 300) -> bool:
    """Whether the newest snapshot is older than ``every_seconds`` (or there is none)."""
    files = _snapshot_files(event_path)
    return not files or time.time() - files[0].stat().st_mtime >= every_seconds


def _counts(path: Path) -> tuple[int | None, int | None]:
    try:
        conn = _read_only(path)
        try:
            return (conn.execute("SELECT count(*) FROM attendees").fetchone()[0],
                    conn.execute("SELECT count(*) FROM checkins").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None, None


def list_backups(event_path: str | Path) -> list[Backup]:
    """The snapshots of an event file, newest first, with what each holds."""
    found = []
    for number, path in enumerate(_snapshot_files(event_path), start=1):
        stat = path.stat()
        taken = datetime.fromtimestamp(stat.st_mtime).isoformat(timespec="seconds")
        found.append(Backup(number, path, taken, stat.st_size, *_counts(path)))
    return found


@dataclass(frozen=True)
class Restored:
    """What a restore did: the snapshot of the file as it was just before (None when it
    could not be read), and where a damaged file was set aside whole (None when it was not
    damaged)."""

    before: Path | None
    set_aside: Path | None = None


def readable(path: str | Path) -> bool:
    """Whether an event file opens and passes SQLite's quick integrity check (reading only)."""
    file = Path(path).expanduser()
    if not file.is_file() or file.stat().st_size == 0:
        return False
    try:
        conn = _read_only(file)
        try:
            return conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def set_aside(event_path: str | Path) -> Path:
    """Move a damaged event file, with its write-ahead log, out of the way whole
    (``EVENT.damaged-<time>.db``): staff or a specialist may still recover from it. The
    name is one no file has yet (a second restore in the same moment never replaces the
    first damaged file, which may hold the only copy of some check-ins)."""
    file = Path(event_path).expanduser().resolve()
    aside = _unused_name(file.with_name(
        f"{file.stem}.damaged-{datetime.now():%Y%m%d-%H%M%S}{file.suffix}"))
    for suffix in ("-wal", "-shm"):
        part = Path(f"{file}{suffix}")
        if part.exists():
            os.replace(part, _unused_name(Path(f"{aside}{suffix}")))
    if file.exists():
        os.replace(file, aside)  # over the empty file that reserved the name
    else:
        aside.unlink()
    return aside


def _unused_name(wanted: Path) -> Path:
    """``wanted``, or ``wanted`` numbered (``-2``, ``-3``…), whichever does not exist yet,
    reserved by creating it empty and private: nothing else can take it meanwhile."""
    candidate = wanted
    for number in range(2, 10_000):
        try:
            return new_private_file(candidate)
        except FileExistsError:
            candidate = wanted.with_name(f"{wanted.stem}-{number}{wanted.suffix}")
    raise BackupError(f"Too many files named like {wanted.name} in {wanted.parent}; ask "
                      "staff to move the old ones.")


def restore_backup(event_path: str | Path, number: int, keep: int = KEEP_BACKUPS,
                   conn: sqlite3.Connection | None = None) -> Restored:
    """Put snapshot ``number`` back as the event file, verified with an integrity check.

    The current file is snapshotted first, so a wrong restore can itself be undone; a
    current file that cannot be read (damaged, truncated, written over) is moved aside
    whole instead, since no snapshot of it can be taken. ``conn`` is the event file's own
    write connection when this process has the file open (the console's restore): the
    backup is copied in through it."""
    check_event_file(event_path, written_over=True)
    backups = list_backups(event_path)
    chosen = next((b for b in backups if b.number == number), None)
    if chosen is None:
        raise BackupError(f"There is no backup number {number}; there are {len(backups)}. "
                          "List them with `kiosk backups EVENT.db`.")
    if chosen.attendees is None or not readable(chosen.path):
        raise BackupError(f"Backup {number} ({chosen.path.name}) cannot be read; choose "
                          "another.")
    # Read it first: the snapshot of the current file may push the chosen one out.
    held = sqlite3.connect(":memory:")
    source = _read_only(chosen.path)
    try:
        source.backup(held)
    finally:
        source.close()
    file = Path(event_path).expanduser().resolve()
    aside = None
    before = None
    if readable(file):
        before = take_backup(file, keep=keep + 1)
    elif conn is None:
        aside = set_aside(file)
    target = conn
    try:
        if target is None:
            if aside is not None:
                new_private_file(file)
            target = sqlite3.connect(file, timeout=5, isolation_level=None)
        held.backup(target)
        target.execute("PRAGMA journal_mode = WAL")
        target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"Backup {number} was put back but does not check out whole; "
                              "restore another.")
        carry_on_as_new_incarnation(target)
    except sqlite3.OperationalError as exc:
        raise BackupError(f"The event file is in use ({exc}). Close the kiosk app on this "
                          "computer and try again.") from exc
    finally:
        if target is not None and target is not conn:
            target.close()
        held.close()
    return Restored(before, aside)


def carry_on_as_new_incarnation(conn: sqlite3.Connection) -> None:
    """A file put back from a backup carries on under a new device id: the hub may hold
    numbers this device used after the backup was taken, and must never be sent them again
    for other changes. What the backup holds is still recognised by change id."""
    from sqlite_utils import Database

    from kiosk.store.incarnations import start_new_incarnation
    from kiosk.store.schema import migrations
    from kiosk.store.sync_schema import sync_migrations

    db = Database(conn)
    migrations.apply(db)  # a backup made by an older version gains what this one keeps
    sync_migrations.apply(db)
    conn.execute("BEGIN IMMEDIATE")
    try:
        start_new_incarnation(conn, "restored")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def destroy_backups(event_path: str | Path) -> int:
    """Overwrite and delete every snapshot and the folder; returns how many files went."""
    folder = backup_folder(event_path)
    return destroy_folder(folder)


def destroy_folder(folder: Path) -> int:
    """Overwrite each file with zeros, delete it, then the folder (best effort on SSDs and
    copy-on-write file systems, which may keep old blocks elsewhere)."""
    if not folder.is_dir():
        return 0
    count = 0
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and not path.is_symlink():
            overwrite_and_delete(path)
            count += 1
        elif path.is_dir():
            path.rmdir()
        else:
            path.unlink()
    folder.rmdir()
    return count


def remove_leftovers(event_path: str | Path) -> int:
    """Half-made snapshots a killed backup or restore left in ``EVENT-backups/`` (they hold
    personal data and are listed nowhere): overwritten and deleted. Returns how many."""
    found = leftovers(backup_folder(event_path))
    for path in found:
        overwrite_and_delete(path)
    return len(found)
