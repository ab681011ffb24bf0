"""Files the kiosk writes: never over an event file, only this user can read them, whole or
not at all.

Everything the kiosk writes can hold personal data (badges, tickets, exports, reports,
backups, desk copies, bundles), so every such file is created readable by this user only
(0600), in folders only they can open (0700) when the kiosk makes the folder. An output is
written to a temporary file beside its target and renamed into place once complete: an
interrupted or failed write (a kill, a full disk) leaves the old file whole. And an output
never replaces an input: a path that holds an event file, its write-ahead log or a backup is
refused, as is a file name whose extension does not fit what is written.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kiosk.core.refusal import Refusal

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
_SQLITE_HEADER = b"SQLite format 3\x00"
# Files that belong to an event file beside it.
_EVENT_COMPANIONS = ("-wal", "-shm", "-journal", ".desk-lock")


class OutputRefused(Refusal):
    """An output cannot go where it was asked to; the message says why and what to do."""


def holds_event_data(path: Path) -> str:
    """Why writing over ``path`` would destroy recorded data, or "" when it would not."""
    name = path.name
    if any(name.endswith(ending) for ending in _EVENT_COMPANIONS):
        return "it belongs to an event file"
    if path.parent.name.endswith("-backups"):
        return "it is in an event file's backups folder"
    try:
        with path.open("rb") as existing:
            header = existing.read(len(_SQLITE_HEADER))
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        return ""
    except OSError:
        return ""
    if header == _SQLITE_HEADER:
        return "it is a database (an event file, a desk copy or a backup)"
    return ""


def check_output(path: str | os.PathLike[str], suffixes: tuple[str, ...], what: str) -> Path:
    """The path an output may be written to, or OutputRefused saying why not.

    ``suffixes`` are the file name endings the output may have (".pdf", …); ``what`` names
    the output for the message ("The badges")."""
    target = Path(path).expanduser()
    if suffixes and target.suffix.lower() not in suffixes:
        wanted = " or ".join(suffixes)
        example = target.with_suffix(suffixes[0]).name if target.name else f"out{suffixes[0]}"
        raise OutputRefused(f"{what} can only be written to a file ending in {wanted} "
                            f"(for example {example}); nothing was written.")
    if target.is_dir():
        raise OutputRefused(f"{target} is a folder. Give a file name for {what.lower()}.")
    problem = holds_event_data(target)
    if problem:
        raise OutputRefused(f"{target.name} was not written over: {problem}. Choose a new file "
                            "name; nothing was changed.")
    if not target.parent.is_dir():
        raise OutputRefused(f"The folder {target.parent} does not exist. Choose another place "
                            "to write to.")
    return target


@contextlib.contextmanager
def private_output(
    path: str | os.PathLike[str], suffixes: tuple[str, ...], what: str,
    text: bool = False, **open_options: Any,
) -> Iterator[Any]:
    """Open an output for writing: a private temporary file beside ``path`` that replaces
    it only once the ``with`` block finished without error (and the data is on the disk)."""
    target = check_output(path, suffixes, what)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                         dir=target.parent)  # mkstemp: 0600
    try:
        with os.fdopen(handle, "w" if text else "wb", **open_options) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(target.parent)


@contextlib.contextmanager
def temporary_beside(target: Path) -> Iterator[Path]:
    """An empty private (0600) temporary file beside ``target`` for a database to be
    written into (``VACUUM INTO``); renamed to ``target`` once the ``with`` block finished
    without error, else removed with its companions (``-wal``, ``-shm``, ``-journal``)."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                    dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    except BaseException:
        for part in (temporary, *(Path(f"{temporary}{end}") for end in _EVENT_COMPANIONS)):
            with contextlib.suppress(OSError):
                part.unlink()
        raise
    _sync_folder(target.parent)


def write_private(path: str | os.PathLike[str], data: bytes, suffixes: tuple[str, ...],
                  what: str) -> Path:
    """Write ``data`` as a private output (see :func:`private_output`)."""
    with private_output(path, suffixes, what) as out:
        out.write(data)
    return Path(path)


def private_folder(path: str | os.PathLike[str]) -> Path:
    """A folder the kiosk makes for its files (backups, badges, tickets): 0700 when it makes
    it. A folder that was there already (a person's own) keeps its permissions."""
    folder = Path(path)
    if not folder.exists():
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        os.chmod(folder, PRIVATE_FOLDER)  # mkdir's mode passes through the umask
    return folder


def new_private_file(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` empty and private (0600), e.g. for SQLite to write a database into:
    SQLite gives its write-ahead log and other files the database file's permissions."""
    target = Path(path)
    handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    os.close(handle)
    return target


def make_private(path: str | os.PathLike[str]) -> None:
    """Take away others' access to an existing file this user owns (files made by older
    versions). Only ever takes away: a file made read-only stays read-only."""
    target = Path(path)
    with contextlib.suppress(OSError):
        info = target.stat()
        mode = stat.S_IMODE(info.st_mode)
        if info.st_uid == os.getuid() and mode & 0o077:
            os.chmod(target, mode & ~0o077)


def leftovers(folder: str | os.PathLike[str]) -> list[Path]:
    """Temporary files an interrupted write left in ``folder`` (they may hold personal
    data and are never anything a person made)."""
    place = Path(folder)
    if not place.is_dir():
        return []
    return sorted(p for p in place.iterdir() if p.is_file() and (
        p.name.endswith((".part", ".part-journal", ".part-wal", ".part-shm"))))


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (the folder's entry), where the system allows it."""
    with contextlib.suppress(OSError, AttributeError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def overwrite_and_delete(path: Path) -> None:
    """Overwrite a file with zeros, then delete it (best effort on SSDs and copy-on-write
    file systems, which may keep old blocks elsewhere)."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.write(b"\0" * size)
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
