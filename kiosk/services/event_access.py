"""The event file's one door as the app's front ends (the windows, the command line) reach
it: they open it here and hand it to use cases; they never touch the store themselves."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from kiosk.store.database import EventFileError
from kiosk.store.event_file import EventFile, Priority
from kiosk.store.event_store import ELSEWHERE, ChangeRefused, EventReader, EventStore, Written
from kiosk.store.outputs import OutputRefused, check_output, private_output, write_private

__all__ = [
    "ELSEWHERE",
    "REBUILT",
    "ChangeRefused",
    "EventFile",
    "EventFileError",
    "EventReader",
    "EventStore",
    "OutputRefused",
    "Priority",
    "Written",
    "as_read",
    "check_output",
    "private_output",
    "write_private",
]

# In ``Written.local`` when a write rebuilt the file under everyone reading it (a wipe, an
# anonymise, a backup put back): whatever a screen shows from it must be read again whole.
REBUILT = "rebuilt"

T = TypeVar("T")


def as_read(op: Callable[[EventStore], T]) -> Callable[[EventReader], T]:
    """A use case written against the store, run as a read (``event.read(as_read(op))``):
    only for ones that only read; a write in it fails (a read connection is read-only)."""
    return cast("Callable[[EventReader], T]", op)
