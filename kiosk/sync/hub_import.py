"""Loading an organiser's event file straight into the hub's storage (on the hub machine)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from kiosk.store import sync_state
from kiosk.store.event_file import EventFile, Priority
from kiosk.store.event_store import EventStore
from kiosk.sync.hub_storage import HubLog

BATCH = 5_000


@dataclass(frozen=True)
class HubImport:
    sent: int
    new: int


def load_event_into_hub(hub: HubLog, store: EventStore) -> HubImport:
    """Append every change of the event file the hub does not hold; the file records the
    hub's numbers, so a later `kiosk sync` of it sends nothing twice."""
    sent = new = 0
    before = hub.high_water()
    while True:
        batch = sync_state.unacknowledged(store, BATCH)
        if not batch:
            break
        numbers = hub.append(batch, f"import:{store.device_id}")
        sync_state.acknowledge(store, [(c.change_id, n) for c, n in zip(batch, numbers,
                                                                        strict=True)])
        sent += len(batch)
        new += sum(n > before for n in numbers)
    return HubImport(sent, new)


def load_event_file_into_hub(hub: HubLog, event: EventFile) -> HubImport:
    """The same through the event file's door: each batch is read on a read connection and
    acknowledged in a short write, so a desk in this process scans on meanwhile."""
    sent = new = 0
    before = hub.high_water()
    while True:
        batch = event.read(lambda reader: sync_state.unacknowledged(reader, BATCH))
        if not batch:
            break
        numbers = hub.append(batch, f"import:{event.device_id}")
        acks = [(c.change_id, n) for c, n in zip(batch, numbers, strict=True)]
        event.write(partial(sync_state.acknowledge, acks=acks), priority=Priority.BULK)
        sent += len(batch)
        new += sum(n > before for n in numbers)
    return HubImport(sent, new)
