"""A desk checks the hub's registry where it can: a device id made from a key (kiosk.core.ids)
listed with another key is left out, so even a hub whose database was tampered with cannot
hand a desk's id to another key and have desks take changes signed with it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.core.change_signatures import ChangeSigner
from kiosk.core.changes import Change, ChangeKind
from kiosk.core.hlc import Stamp
from kiosk.core.ids import belongs_to, is_bound_id, uuid7
from kiosk.services.desk import Desk
from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.store.sync_attention import needs_attention
from kiosk.sync.hub_server import HubThread
from tests.unit.sync.hub_fixtures import Event, enrol, make_event


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("event"))


def _desk(hub: HubThread, tmp_path: Path, name: str):
    store = EventStore.open(tmp_path / f"{name}.db", create=True)
    syncer = enrol(hub.hub, store, name)
    syncer.sync_once()
    return store, syncer


def _checked_in(store: EventStore, attendee_id: str) -> bool:
    return store.conn.execute("SELECT checked_in_hlc FROM attendees WHERE id = ?",
                              (attendee_id,)).fetchone()[0] is not None


def test_a_desk_refuses_a_registry_entry_pairing_an_id_with_another_key(
        hub: HubThread, tmp_path: Path, event: Event) -> None:
    desk1, sync1 = _desk(hub, tmp_path, "Desk 1")
    desk2, sync2 = _desk(hub, tmp_path, "Desk 2")
    assert is_bound_id(desk1.device_id)
    real_key = desk1.signer().public_key
    assert Desk(desk1, "Desk 1").scan(event.codes[0]).outcome.value == "ok"
    sync1.sync_once()
    sync2.sync_once()
    checkin = next(c for c in desk1.changes() if c.kind is ChangeKind.CHECKIN)
    person = checkin.payload["attendee_id"]
    assert _checked_in(desk2, person)

    # Whoever holds the hub's database pairs Desk 1's id with a key of theirs, and serves an
    # undo in Desk 1's name signed with it (the hub's own key still signs the registry).
    theirs = ChangeSigner(Ed25519PrivateKey.generate().private_bytes_raw())
    assert not belongs_to(desk1.device_id, theirs.public_key)
    with sqlite3.connect(hub.hub.location) as tampered:
        tampered.execute("UPDATE hub_authors SET public_key = ? WHERE author_id = ?",
                         (theirs.public_key, desk1.device_id))
    stamp = Stamp(Stamp.parse(checkin.hlc).wall_ms + 1000, 0, desk1.device_id)
    undo = theirs.sign(Change(uuid7(stamp.wall_ms), desk1.device_id, 10_000, stamp.encode(),
                              ChangeKind.CHECKIN_VOID, {"target": checkin.change_id,
                                                        "at": "2026-11-28T09:30:00"}))
    hub.hub.append([undo], "tampered")

    # Desk 2 keeps the key it knew for Desk 1, and the undo is not taken in.
    sync2.sync_once()
    assert sync_state.known_devices(desk2)[desk1.device_id].public_key == real_key
    assert _checked_in(desk2, person)
    assert desk2.conn.execute("SELECT count(*) FROM changes WHERE change_id = ?",
                              (undo.change_id,)).fetchone()[0] == 0
    # A desk enrolled now never learns the other key for Desk 1's id: Desk 1's changes wait
    # there (under "needs attention") instead of being checked against it.
    desk3, _ = _desk(hub, tmp_path, "Desk 3")
    assert desk1.device_id not in sync_state.known_devices(desk3)
    assert not _checked_in(desk3, person)
    assert any(i.kind.value == "held" for i in needs_attention(desk3))
