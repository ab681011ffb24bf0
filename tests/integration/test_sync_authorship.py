"""Every change carries proof of its author: no desk can push in another desk's name, and no
push, valid or not, can make another device's later pushes fail (SQLite and PostgreSQL hubs)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.core.change_signatures import ChangeSigner
from kiosk.core.changes import Change, ChangeKind
from kiosk.core.hlc import Stamp
from kiosk.core.ids import uuid7
from kiosk.services.desk import Desk
from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.store.hub_records import DeviceRole, EnrolGrant
from kiosk.sync.client import HubClient, HubRefused
from kiosk.sync.credentials import EnrolToken
from kiosk.sync.desk_bundles import export_bundle, import_bundle
from kiosk.sync.enrolment import issue_token
from kiosk.sync.hub_import import load_event_into_hub
from kiosk.sync.hub_server import HubThread
from tests.unit.sync.hub_fixtures import (
    Event,
    derived_state,
    enrol,
    hub_log,
    make_event,
    running_hub,
)


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("event"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hub(request: pytest.FixtureRequest, tmp_path: Path, event: Event) -> Iterator[HubThread]:
    with hub_log(request.param, tmp_path) as log, running_hub(log, event) as server:
        yield server


def _desk(hub: HubThread, tmp_path: Path, name: str):
    store = EventStore.open(tmp_path / f"{name}.db", create=True)
    syncer = enrol(hub.hub, store, name)
    syncer.sync_once()
    return store, syncer


def _undo_in_the_name_of(victim: EventStore, checkin: Change, signer: ChangeSigner | None
                         ) -> Change:
    """An undo stamped with the victim desk's id and its next number."""
    seq = victim.conn.execute("SELECT max(device_seq) FROM changes WHERE device_id = ?",
                              (victim.device_id,)).fetchone()[0] + 1
    stamp = Stamp(Stamp.parse(checkin.hlc).wall_ms + 1000, 0, victim.device_id)
    forged = Change(uuid7(stamp.wall_ms), victim.device_id, seq, stamp.encode(),
                    ChangeKind.CHECKIN_VOID, {"target": checkin.change_id,
                                              "at": "2026-11-28T09:30:00"})
    return signer.sign(forged) if signer else forged


def test_a_desk_cannot_push_in_another_desks_name_nor_lock_it_out(
        hub: HubThread, tmp_path: Path, event: Event) -> None:
    desk1, sync1 = _desk(hub, tmp_path, "Desk 1")
    desk2, sync2 = _desk(hub, tmp_path, "Desk 2")
    desk3, sync3 = _desk(hub, tmp_path, "Desk 3")
    assert Desk(desk1, "Desk 1").scan(event.codes[0]).outcome.value == "ok"
    sync1.sync_once()
    checkin = next(c for c in desk1.changes() if c.kind is ChangeKind.CHECKIN)
    before = hub.hub.high_water()
    for signer in (None, desk3.signer()):  # unsigned, and signed with Desk 3's own key
        forged = _undo_in_the_name_of(desk1, checkin, signer)
        result = sync3.client().push([forged], 0)
        assert result.acks == []
        assert [c for c, _ in result.refused] == [forged.change_id]
    assert hub.hub.high_water() == before  # nothing of it stored
    sync2.sync_once()
    assert desk2.conn.execute("SELECT count(*) FROM checkin_voids").fetchone()[0] == 0
    assert desk2.conn.execute("SELECT checked_in_hlc FROM attendees WHERE id = ?",
                              (checkin.payload["attendee_id"],)).fetchone()[0] == checkin.hlc
    # Desk 1 carries on: its own next change (the number the forger tried) is taken.
    assert Desk(desk1, "Desk 1").scan(event.codes[1]).outcome.value == "ok"
    assert sync1.sync_once().pushed == 1
    assert sync_state.pending_count(desk1) == 0


def test_a_relayed_change_keeps_its_authors_signature(hub: HubThread, tmp_path: Path,
                                                      event: Event) -> None:
    desk1, sync1 = _desk(hub, tmp_path, "Desk 1")
    desk2, sync2 = _desk(hub, tmp_path, "Desk 2")
    Desk(desk1, "Desk 1").scan(event.codes[2])
    data, _ = export_bundle(desk1)
    assert import_bundle(desk2, data).new == 1  # Desk 2 knows Desk 1 from the hub's registry
    assert sync2.sync_once().pushed == 1  # relayed: the hub checks Desk 1's signature
    stored = [c for c in hub.hub.read(0, 10_000) if c.device_id == desk1.device_id]
    assert len(stored) == 1 and stored[0].signature
    assert sync1.sync_once().pushed == 1  # its author's own push is recognised by id
    assert derived_state(desk1) == derived_state(desk2)


def test_a_desk_leaves_out_a_forged_change_a_hub_serves_it(tmp_path: Path, event: Event,
                                                          hub: HubThread) -> None:
    desk1, _ = _desk(hub, tmp_path, "Desk 1")
    desk2, _ = _desk(hub, tmp_path, "Desk 2")
    Desk(desk1, "Desk 1").scan(event.codes[3])
    real = next(c for c in desk1.changes() if c.kind is ChangeKind.CHECKIN)
    altered = replace(real, payload={**real.payload, "desk": "Somewhere else"}, hub_seq=99)
    sync_state.receive_page(desk2, [altered], 99)
    assert desk2.conn.execute("SELECT count(*) FROM changes WHERE change_id = ?",
                              (real.change_id,)).fetchone()[0] == 0
    assert any(item.kind.value == "left_out" and "signature" in item.message
               for item in __import__("kiosk.store.sync_attention", fromlist=["x"])
               .needs_attention(desk2))


def test_a_desk_cannot_claim_another_devices_id_nor_lock_it_out(
        hub: HubThread, tmp_path: Path, event: Event) -> None:
    desk2, sync2 = _desk(hub, tmp_path, "Desk 2")
    # Device X: a desk copy made with `kiosk package`, never enrolled, exporting bundles.
    shutil.copy(event.package, tmp_path / "x.db")
    x = EventStore.open(tmp_path / "x.db")
    assert Desk(x, "Desk X").scan(event.codes[6]).outcome.value == "ok"
    bundle, _ = export_bundle(x)
    theirs = desk2.signer().public_key
    claim = {"author_id": x.device_id, "public_key": theirs, "name": "Desk X"}
    older = {**claim, "author_id": "0a1b2c3d4e"}  # a desk copy made by an older version
    sync2.client().push([], 0, [claim, older])  # "X is my own incarnation"
    assert hub.hub.author(x.device_id) is None and hub.hub.author("0a1b2c3d4e") is None
    # Nor can a token holder enrol under X's id with a key of their own.
    token = EnrolToken.parse(issue_token(hub.hub, EnrolGrant("Desk 9", DeviceRole.DESK)).text())
    pinned = sync_state.hub_link(desk2)
    assert pinned is not None
    with HubClient(token.url, None, pinned.certificate) as client, \
            pytest.raises(HubRefused) as refused:
        client.enrol(token.secret, x.device_id, theirs)
    assert refused.value.status == 409
    assert hub.hub.author(x.device_id) is None

    # The organisers import X's genuine bundle: its check-in reaches the hub as X's.
    organiser_path = tmp_path / "organiser.db"
    shutil.copy(event.organiser, organiser_path)
    organiser = EventStore.open(organiser_path)
    assert import_bundle(organiser, bundle, trust_new_device=True).new == 1
    result = load_event_into_hub(hub.hub, organiser)
    assert result.refused == 0 and sync_state.refused_changes(organiser) == []
    registered = hub.hub.author(x.device_id)
    assert registered is not None and registered.public_key == x.signer().public_key
    assert [c.kind for c in hub.hub.read(0, 100_000) if c.device_id == x.device_id] == \
        [ChangeKind.CHECKIN]
    organiser.close()
    x.close()
