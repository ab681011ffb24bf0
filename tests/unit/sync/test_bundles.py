"""Offline bundles: signed and encrypted; verified before anything is taken in; idempotent."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kiosk.services.desk import Desk
from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.store.hub_log import SqliteHubLog
from kiosk.store.hub_records import DeviceRole, HubDevice
from kiosk.sync.bundles import BundleRefused, public_key_hex
from kiosk.sync.credentials import secret_hash
from kiosk.sync.desk_bundles import export_bundle, import_bundle
from kiosk.sync.enrolment import signing_key
from kiosk.sync.hub_app import import_bundle_into_hub
from kiosk.sync.hub_import import load_event_into_hub
from tests.unit.sync.hub_fixtures import Event, derived_state, make_event


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("event"))


@pytest.fixture
def desks(tmp_path: Path, event: Event) -> tuple[EventStore, EventStore]:
    for name in "ab":
        shutil.copy(event.package, tmp_path / f"{name}.db")
    a = EventStore.open(tmp_path / "a.db", create=True)
    b = EventStore.open(tmp_path / "b.db", create=True)
    Desk(a, "Desk A").scan(event.codes[0])
    Desk(a, "Desk A").walk_in("Amani", "Tesfay")
    yield a, b
    a.close()
    b.close()


def test_a_bundle_carries_a_desks_changes_once(desks) -> None:
    a, b = desks
    data, count = export_bundle(a)
    assert count == 3  # scan, walk-in and its check-in
    assert b"Tesfay" not in data and b"Amani" not in data  # encrypted
    pending_before = sync_state.pending_count(b)
    first = import_bundle(b, data, trust_new_device=True)
    assert (first.received, first.new) == (3, 3)
    assert derived_state(a) == derived_state(b)
    again = import_bundle(b, data)  # the device is known now; nothing changes
    assert (again.received, again.new) == (3, 0)
    assert sync_state.pending_count(b) == pending_before + 3  # b pushes them on to the hub


def test_an_unknown_device_is_refused_unless_trusted(desks) -> None:
    a, b = desks
    data, _ = export_bundle(a)
    with pytest.raises(BundleRefused, match="does not know"):
        import_bundle(b, data)
    assert b.change_count() < a.change_count()


@pytest.mark.parametrize("where", ["sealed", "header", "signature"])
def test_a_tampered_bundle_is_refused_whole(desks, where: str) -> None:
    a, b = desks
    data, _ = export_bundle(a)
    outer = json.loads(data)
    if where == "sealed":
        sealed = bytearray(outer["sealed"].encode())
        sealed[40] = ord("A") if sealed[40] != ord("A") else ord("B")
        outer["sealed"] = sealed.decode()
    elif where == "header":
        outer["header"]["count"] = 1
    else:
        outer["signature"] = "00" + outer["signature"][2:]
    before = b.change_count()
    with pytest.raises(BundleRefused):
        import_bundle(b, json.dumps(outer).encode(), trust_new_device=True)
    assert b.change_count() == before


def test_a_revoked_device_and_another_events_bundle_are_refused(desks, tmp_path: Path) -> None:
    a, b = desks
    data, _ = export_bundle(a)
    sync_state.save_known_devices(b, [sync_state.KnownDevice(
        a.device_id, "Desk A", public_key_hex(signing_key(a)), revoked=True)])
    with pytest.raises(BundleRefused, match="removed"):
        import_bundle(b, data)
    (tmp_path / "other").mkdir()
    other = make_event(tmp_path / "other")
    stranger = EventStore.open(other.package)
    with pytest.raises(BundleRefused, match="another event"):
        import_bundle(stranger, data, trust_new_device=True)
    stranger.close()


def test_the_hub_imports_bundles_from_enrolled_devices_only(desks, tmp_path: Path,
                                                            event: Event) -> None:
    a, _ = desks
    hub = SqliteHubLog(tmp_path / "hub.db")
    shutil.copy(event.organiser, tmp_path / "org.db")
    organiser = EventStore.open(tmp_path / "org.db", create=True)
    load_event_into_hub(hub, organiser)
    data, _ = export_bundle(a)
    with pytest.raises(BundleRefused, match="does not know"):
        import_bundle_into_hub(hub, data, "usb")
    from kiosk.store.hub_records import EnrolGrant

    hub.add_token(secret_hash("t"), EnrolGrant("Desk A", DeviceRole.DESK), 10**15)
    hub.enrol(secret_hash("t"), 0, HubDevice(a.device_id, "", DeviceRole.DESK,
                                             public_key_hex(signing_key(a)), 0), "kh")
    reply = import_bundle_into_hub(hub, data, "usb")
    assert (reply.received, reply.new) == (3, 3)
    assert import_bundle_into_hub(hub, data, "usb").new == 0
    hub.revoke(a.device_id)
    with pytest.raises(BundleRefused, match="removed"):
        import_bundle_into_hub(hub, data, "usb")
    hub.close()
    organiser.close()


def test_a_bundle_holding_an_ill_formed_change_is_refused_whole(desks) -> None:
    a, b = desks
    seq = a.conn.execute("SELECT max(device_seq) FROM changes WHERE device_id = ?",
                         (a.device_id,)).fetchone()[0]
    # A faulty copy of the app wrote a check-in without saying who.
    a.conn.execute(
        "INSERT INTO changes (change_id, device_id, device_seq, hlc, kind, payload) "
        "VALUES ('01900000-0000-7000-8000-0000000000ff', ?, ?, ?, 'checkin', '{\"at\": 1}')",
        (a.device_id, seq + 1, a.next_stamp()))
    data, _ = export_bundle(a)
    before = b.change_count()
    with pytest.raises(BundleRefused, match=r"cannot be read \(checkin: attendee_id must be "
                                            r"text\); nothing was imported"):
        import_bundle(b, data, trust_new_device=True)
    assert b.change_count() == before
