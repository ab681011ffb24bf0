"""The event file's one door as the app's front ends (the windows, the command line) reach
it: they open it here and hand it to use cases; they never touch the store themselves."""

from __future__ import annotations

from kiosk.store.database import EventFileError
from kiosk.store.event_file import EventFile, Priority
from kiosk.store.event_store import ChangeRefused, EventReader, EventStore, Written

__all__ = ["ChangeRefused", "EventFile", "EventFileError", "EventReader", "EventStore",
           "Priority", "Written"]
