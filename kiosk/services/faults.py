"""What a person is told when the event file or the disk fails: one message per fault, the
same words at the desk, in the console and on the command line (kiosk.store.faults)."""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk.core.refusal import Refusal
from kiosk.store.database import DatabaseFault
from kiosk.store.faults import EventFileError, EventFileFault, Fault, described, fault_of

log = logging.getLogger(__name__)

__all__ = ["EventFileFault", "Fault", "as_fault", "describe", "exit_status", "is_fault",
           "plain_message"]


def plain_message(exc: BaseException, path: str | Path | None = None) -> str:
    """A fault in words a volunteer can act on; never "open another file" (that would
    split the day's check-ins over two files)."""
    if isinstance(exc, EventFileError):
        return str(exc)
    fault = fault_of(exc, path)
    if fault is not None:
        return str(described(fault, path or "The event file"))
    if isinstance(exc, DatabaseFault | OSError):
        name = Path(path).name if path else "The event file"
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
    return isinstance(exc, EventFileFault) or (
        isinstance(exc, DatabaseFault | OSError) and not isinstance(exc, Refusal))


def exit_status(exc: BaseException) -> int | None:
    """The command line's exit status for a fault of the file or the disk, if it is one."""
    if isinstance(exc, Refusal) and not isinstance(exc, EventFileFault):
        return None  # a refusal's words may say "busy"; it is not a fault
    fault = fault_of(exc)
    return fault.exit_status if fault is not None else None


def as_fault(exc: BaseException, path: str | Path) -> Refusal:
    """An error opening or writing the event file as the refusal a person is shown: the
    fault in its words (with its exit status) when it is one, else the error's own words."""
    if isinstance(exc, EventFileError):
        return exc
    fault = fault_of(exc, path)
    if fault is not None:
        return described(fault, path)
    return EventFileError(plain_message(exc, path))
