"""What a person is told when the event file or the disk fails: one message per fault, the
same words at the desk, in the console and on the command line."""

from __future__ import annotations

import errno
import logging
from pathlib import Path

from kiosk.core.refusal import Refusal
from kiosk.store.database import DatabaseFault, EventFileError

log = logging.getLogger(__name__)


def plain_message(exc: BaseException, path: str | Path | None = None) -> str:
    """A fault in words a volunteer can act on; never "open another file" (that would
    split the day's check-ins over two files)."""
    name = Path(path).name if path else "The event file"
    if isinstance(exc, EventFileError):
        return str(exc)
    text = str(exc).lower()
    code = getattr(exc, "errno", None)
    if code == errno.ENOSPC or "disk is full" in text or "database or disk is full" in text:
        return (f"The disk holding {name} is full, so this was not saved. Free some space "
                "(or ask staff to), then try again; nothing recorded before is lost.")
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or "readonly" in text \
            or "read-only" in text:
        return (f"{name} cannot be written to (the file or its folder is read-only). Ask staff "
                "to make it writable, or move it to a folder you can write to; nothing "
                "recorded before is lost.")
    if "locked" in text or "busy" in text:
        return (f"{name} is busy: another program has it open and locked. This was not saved; "
                "close the other program, or try again in a moment.")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return (f"{name} is damaged. Ask staff to restore the latest backup "
                "(kiosk backups EVENT.db --restore 1).")
    if isinstance(exc, DatabaseFault | OSError):
        return f"{name} could not be read or written ({exc}). Try again, or ask staff."
    return "Something went wrong and this was not saved. Try again, or ask staff."


def describe(exc: BaseException, path: str | Path | None = None) -> str:
    """Anything an action raised, as a person is told it: a refusal in its own words, a
    fault of the disk or the file in plain words, anything else as "something went wrong"
    (and the details, never personal data, in the log)."""
    if isinstance(exc, Refusal):
        return str(exc)
    if isinstance(exc, DatabaseFault | OSError):
        return plain_message(exc, path)
    log.error("an action failed: %s", type(exc).__name__, exc_info=exc)
    return "Something went wrong and this was not saved. Try again, or ask staff."


def is_fault(exc: BaseException) -> bool:
    """A fault of the disk or the event file (not a refusal, not a bug)."""
    return isinstance(exc, DatabaseFault | OSError) and not isinstance(exc, Refusal)
