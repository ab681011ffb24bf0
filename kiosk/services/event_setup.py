"""Creating an event and its workshops: the organisers' first steps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.core import changes, tickets
from kiosk.core.models import DEFAULT_CATEGORIES, Event, Session
from kiosk.core.refusal import Refusal
from kiosk.core.text import words
from kiosk.store import queries
from kiosk.store.event_store import EventReader, EventStore

SIGNING_KEY = "event_signing_key"


class EventExists(Refusal):
    """An event file is already there; we never overwrite one."""


@dataclass(frozen=True)
class NewEvent:
    name: str
    date: str = ""
    venue: str = ""


def create_event(path: str | Path, details: NewEvent) -> EventStore:
    """Make a new event file holding the event's signing key (organisers' copy)."""
    target = Path(path)
    if target.exists() and target.stat().st_size > 0:
        raise EventExists(f"{target} already exists. Choose another file name.")
    store = EventStore.open(target, create=True)
    private = tickets.new_signing_key()
    public = tickets.public_key_of(private)
    with store.transaction():
        store.set_secret(SIGNING_KEY, private)
        store.set_setting("role", "organiser")
        store.record(changes.event.update(
            name=details.name, date=details.date, venue=details.venue,
            public_key=public.hex(), event_tag=tickets.event_tag_of(public),
            categories=list(DEFAULT_CATEGORIES)))
    return store


def session_id_for(name: str) -> str:
    """Workshops are identified by their name's words, so two desks adding one agree."""
    return "s-" + "-".join(words(name))[:60]


def add_session(store: EventStore, session: Session) -> Session:
    """A workshop as the demo makes it (people use ``event_settings.save_workshop``, which
    checks what they typed)."""
    store.record(changes.workshop.workshop(session.id, session.name, session.room,
                                           session.starts, session.ends, session.capacity))
    return session


def event_of(store: EventReader) -> Event:
    event = queries.get_event(store.conn)
    if event is None:
        raise LookupError("This file has no event in it yet. Create one with `kiosk init`.")
    return event
