"""Read-only views of an event for screens: who is registered and how many have arrived."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.core.models import Attendee, Event
from kiosk.store import queries
from kiosk.store.event_store import EventStore


@dataclass(frozen=True)
class EventOverview:
    event: Event
    attendees: list[Attendee]
    checked_in: int
    expected: int


def load_overview(path: str | Path) -> EventOverview:
    """Everything the first window shows, read on whichever thread calls this."""
    store = EventStore.open(path)
    try:
        event = queries.get_event(store.conn)
        if event is None:
            raise LookupError(f"{path} has no event in it yet.")
        checked_in, expected = queries.attendance_counts(store.conn)
        return EventOverview(event, queries.list_attendees(store.conn), checked_in, expected)
    finally:
        store.close()
