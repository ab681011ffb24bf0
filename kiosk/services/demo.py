"""The demo event: a realistic fictional conference to try the kiosk on."""

from __future__ import annotations

from pathlib import Path

from kiosk.core.models import Session
from kiosk.services.demo_people import demo_records, workshops_for
from kiosk.services.event_setup import NewEvent, add_session, create_event, session_id_for
from kiosk.services.registration_import import ImportReport, import_records
from kiosk.store.event_store import EventStore

DEMO_EVENT = NewEvent(
    name="Together Against Trafficking 2026",
    date="2026-11-28",
    venue="Friends Meeting House, Manchester",
)


def create_demo_event(path: str | Path, attendees: int = 300, seed: int = 1) -> tuple[
    EventStore, ImportReport
]:
    """A new event file with four workshops and ``attendees`` fictional registrations."""
    store = create_event(path, DEMO_EVENT)
    with store.transaction():
        for workshop in workshops_for(attendees):
            add_session(
                store,
                Session(
                    id=session_id_for(workshop.name), name=workshop.name, room=workshop.room,
                    starts=workshop.starts, ends=workshop.ends, capacity=workshop.capacity,
                ),
            )
        report = import_records(
            store, demo_records(attendees, seed), [], source="demo", preset="demo"
        )
    return store, report
