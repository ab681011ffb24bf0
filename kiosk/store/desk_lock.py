"""One desk per event file per computer: a lock held beside the file while a desk has it open.

Two desk windows on one file would share one device id, each taking the other's check-ins
for its own. The lock is an advisory lock on a small file beside the event file (never the
event file itself: SQLite's own locks there must not be disturbed), so it goes with the
process however it ends.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kiosk.core.refusal import Refusal

if sys.platform == "win32":  # pragma: no cover - Windows
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class DeskLocked(Refusal):
    """Another desk on this computer has the event file open."""


def lock_path(event_path: str | Path) -> Path:
    path = Path(event_path).expanduser().resolve()
    return path.with_name(f"{path.name}.desk-lock")


class DeskLock:
    """Held while a desk has an event file open; released on close (or when the process
    ends)."""

    def __init__(self, fd: int, path: Path) -> None:
        self._fd: int | None = fd
        self.path = path

    @classmethod
    def take(cls, event_path: str | Path) -> DeskLock:
        path = lock_path(event_path)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(fd):
            os.close(fd)
            raise DeskLocked("This event file is already open as a desk on this computer. "
                             "Use that desk's window (it may be behind this one), or close "
                             "it first.")
        return cls(fd, path)

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        finally:
            # The (empty) file stays: deleting it could let two desks lock two files.
            os.close(fd)
