"""What went wrong with an event file, as one of a few faults a person can act on.

SQLite and the operating system say the same fault in many ways ("attempt to write a
readonly database", EROFS, EACCES…); a volunteer needs one honest name for it and what to
do. Each fault has its words here, the same at the desk, in the console and on the command
line (which exits with the fault's own status).
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from enum import Enum
from pathlib import Path

from kiosk.core.refusal import Refusal


class Fault(Enum):
    """(exit status, a short name) for each fault of an event file or its disk."""

    READ_ONLY = (5, "read-only")
    LOCKED = (6, "locked by another program")
    DISK_FULL = (7, "disk full")
    DAMAGED = (8, "damaged")
    NOT_KIOSK = (9, "not a kiosk event file")
    MISSING = (10, "missing")

    @property
    def exit_status(self) -> int:
        return self.value[0]


class EventFileError(Refusal):
    """The event file cannot be used; the message says why and what to do."""


class EventFileFault(EventFileError):
    """The event file cannot be used, for a reason a person can act on (``fault``)."""

    def __init__(self, fault: Fault, message: str) -> None:
        super().__init__(message)
        self.fault = fault


def fault_of(exc: BaseException, path: str | Path | None = None) -> Fault | None:
    """Which fault an error from SQLite or the operating system is, if it is one (``path``:
    the file it concerns, to tell a full disk behind SQLite's "disk I/O error")."""
    if isinstance(exc, EventFileFault):
        return exc.fault
    code = getattr(exc, "errno", None)
    extended = getattr(exc, "sqlite_errorcode", None)
    # The primary result code: extended ones (SQLITE_IOERR_SHMSIZE…) carry it in the low byte.
    sqlite_code = extended & 0xFF if isinstance(extended, int) else None
    text = str(exc).casefold()
    if sqlite_code == sqlite3.SQLITE_IOERR or "disk i/o error" in text:
        return Fault.DISK_FULL if path is not None and _nearly_full(Path(path)) else None
    if code == errno.ENOSPC or sqlite_code == sqlite3.SQLITE_FULL or "disk is full" in text:
        return Fault.DISK_FULL
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or "readonly" in text \
            or "read-only" in text or sqlite_code in (sqlite3.SQLITE_READONLY,
                                                      sqlite3.SQLITE_PERM):
        return Fault.READ_ONLY
    if sqlite_code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text \
            or "busy" in text:
        return Fault.LOCKED
    if sqlite_code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "malformed" in text \
            or "not a database" in text or "corrupt" in text:
        return Fault.DAMAGED
    if sqlite_code == sqlite3.SQLITE_CANTOPEN or "unable to open" in text:
        return Fault.READ_ONLY
    return None


def _nearly_full(path: Path) -> bool:
    """Whether the disk holding ``path`` has (next to) no room left."""
    try:
        return shutil.disk_usage(path.parent if not path.is_dir() else path).free < 256 * 1024
    except OSError:
        return False


def described(fault: Fault, path: str | Path) -> EventFileFault:
    """The fault in the words every part of the app uses. Never "open another file": that
    would split the day's check-ins over two files."""
    file = Path(path)
    name = file.name
    if fault is Fault.READ_ONLY:
        message = (f"{name} cannot be written to: the file or its folder ({file.parent}) is "
                   "read-only. Ask staff to make it writable (or copy it to a folder you "
                   "can write to and open it there); nothing recorded before is lost.")
    elif fault is Fault.LOCKED:
        holder = holders_of(file)
        who = f" ({', '.join(holder)})" if holder else ""
        message = (f"{name} is locked by another program{who}. Close that program, then try "
                   "again; nothing recorded before is lost.")
    elif fault is Fault.DISK_FULL:
        message = (f"The disk holding {name} is full. Free some space on it (or ask staff "
                   "to), then try again; nothing recorded before is lost.")
    elif fault is Fault.DAMAGED:
        message = (f"{name} is damaged and cannot be read. Restore the latest backup "
                   f"(`kiosk backups {name} --restore 1`, or Restore at the desk): the "
                   "damaged file is kept aside, whole, for staff.")
    elif fault is Fault.NOT_KIOSK and _backups_beside(file):
        message = (f"{name} is not a kiosk event file now, but backups of the event file "
                   f"{name} lie beside it: it may be the event file, written over by another "
                   f"program. Restore the latest backup (`kiosk backups {name} --restore 1`, "
                   "or Restore in the console): the file as it is now is kept aside, whole.")
    elif fault is Fault.NOT_KIOSK:
        message = (f"{name} is not a kiosk event file, so it was not opened (nothing in it "
                   "was changed). Choose the event file the organisers gave you.")
    else:
        message = (f"There is no event file at {file}. Check the name, or create one with "
                   f"`kiosk init {name}`.")
    return EventFileFault(fault, message)


def _backups_beside(path: Path) -> bool:
    from kiosk.store.backups import has_backups  # backups words its faults with this module

    return has_backups(path)


def holders_of(path: Path) -> list[str]:
    """The programs that have ``path`` open, where the system says (Linux's /proc)."""
    found: list[str] = []
    target = str(path.resolve())
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if any(os.readlink(fd) == target for fd in (entry / "fd").iterdir()):
                name = (entry / "comm").read_text().strip()
                found.append(f"{name}, process {entry.name}")
        except OSError:
            continue
    return found[:3]
