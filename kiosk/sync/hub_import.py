"""Loading an organiser's event file straight into the hub's storage (on the hub machine).

Through the same intake as a push (kiosk.sync.hub_intake): a file of another event is
refused whole; the file's own device ids (and the desks it trusts) are registered with
their keys, vouched for by the hub machine; each change must be its author's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from kiosk.store import sync_state
from kiosk.store.event_file import EventFile, Priority
from kiosk.store.event_store import EventReader, EventStore
from kiosk.store.hub_records import HubAuthor
from kiosk.sync.hub_intake import Intake, check_event, event_identity, take_in
from kiosk.sync.hub_storage import HubLog

BATCH = 2_000


@dataclass(frozen=True)
class HubImport:
    sent: int
    new: int
    refused: int = 0  # changes the hub would not take (each noted in the file, with why)


def file_authors(reader: EventReader, public_key: str) -> list[HubAuthor]:
    """The device ids whose changes this file sends, with their keys: its own incarnations,
    and the devices it knows (from its hub, or trusted by hand for a bundle)."""
    mine = [HubAuthor(device_id, public_key, "", "Organisers' file")
            for device_id in sync_state.own_incarnations(reader)]
    known = [HubAuthor(d.device_id, d.public_key, "", d.name)
             for d in sync_state.known_devices(reader).values() if not d.revoked]
    return mine + known


def _event_of(reader: EventReader) -> str | None:
    return event_identity(sync_state.event_updates(reader))


def load_event_into_hub(hub: HubLog, store: EventStore) -> HubImport:
    """Append every change of the event file the hub does not hold; the file records the
    hub's numbers, so a later `kiosk sync` of it sends nothing twice. Raises OtherEvent
    for a file of another event than the hub's."""
    event = _event_of(store)
    check_event(hub, event)
    authors = file_authors(store, store.signer().public_key)
    sent = new = refused = 0
    while True:
        batch = sync_state.unacknowledged(store, BATCH)
        if not batch:
            break
        intake = take_in(hub, batch, f"import:{store.device_id}", authors=authors, event=event)
        _note(store, intake)
        sent += len(batch)
        new += intake.new
        refused += len(intake.refused)
    return HubImport(sent, new, refused)


def _note(store: EventStore, intake: Intake) -> None:
    sync_state.acknowledge(store, intake.acks)
    if intake.refused:
        sync_state.record_refused(store, intake.refused)


def load_event_file_into_hub(hub: HubLog, event: EventFile) -> HubImport:
    """The same through the event file's door: each batch is read on a read connection and
    acknowledged in a short write, so a desk in this process scans on meanwhile."""
    identity = event.read(_event_of)
    check_event(hub, identity)
    public_key = event.write(lambda store: store.signer().public_key, priority=Priority.BULK)
    authors = event.read(lambda reader: file_authors(reader, public_key))
    sent = new = refused = 0
    while True:
        batch = event.read(lambda reader: sync_state.unacknowledged(reader, BATCH))
        if not batch:
            break
        intake = take_in(hub, batch, f"import:{event.device_id}", authors=authors,
                         event=identity)
        event.write(partial(_note, intake=intake), priority=Priority.BULK)
        sent += len(batch)
        new += intake.new
        refused += len(intake.refused)
    return HubImport(sent, new, refused)
