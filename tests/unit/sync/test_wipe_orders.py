"""Wipe orders: signed by the hub, checked at the desk; stored on the hub's device rows."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.store.hub_log import SqliteHubLog
from kiosk.store.hub_records import DeviceRole, EnrolGrant, HubDevice, WipeNotAllowed
from kiosk.sync.credentials import secret_hash
from kiosk.sync.wipe_orders import (
    ForgedWipeOrder,
    HubKeys,
    WipeOrder,
    hub_public_key,
    hub_signing_key,
    new_hub_key,
    signed_order,
    verify,
)

HUB_KEY = new_hub_key()
DEVICE_KEY = "the-desk's-own-device-key"
ORDER = WipeOrder("hub1", "desk7", secret_hash(DEVICE_KEY), 1_700_000_000_123)


def _keys(**changes: Any) -> HubKeys:
    values = {"hub_id": "hub1", "hub_public_key": hub_public_key(HUB_KEY),
              "pinned_tls": True, "device_id": "desk7", "device_key": DEVICE_KEY}
    return HubKeys(**(values | changes))


def test_an_order_signed_by_the_hub_for_this_desk_is_accepted() -> None:
    assert verify(signed_order(ORDER, HUB_KEY), _keys()) == ORDER


@pytest.mark.parametrize(("field", "value"), [
    ("hub_id", "hub2"), ("device_id", "desk8"), ("key_sha256", secret_hash("old key")),
    ("ordered_ms", 1_700_000_000_124), ("action", "keep"), ("format", "kiosk-wipe-order/2"),
])
def test_changing_any_field_breaks_the_signature(field: str, value: Any) -> None:
    wire = signed_order(ORDER, HUB_KEY)
    wire["order"][field] = value
    with pytest.raises(ForgedWipeOrder, match="not signed by this desk's hub"):
        verify(wire, _keys())


@pytest.mark.parametrize(("keys", "why"), [
    ({"hub_id": "hub2"}, "from another hub"),
    ({"device_id": "desk8"}, "for another desk"),
    ({"device_key": "a new key after enrolling again"}, "for another desk"),
])
def test_a_genuine_order_for_someone_else_is_refused(keys: dict[str, Any], why: str) -> None:
    with pytest.raises(ForgedWipeOrder, match=why):
        verify(signed_order(ORDER, HUB_KEY), _keys(**keys))


def test_an_order_signed_by_another_key_is_refused_even_if_it_offers_that_key() -> None:
    other = new_hub_key()
    with pytest.raises(ForgedWipeOrder, match="not signed by this desk's hub"):
        verify(signed_order(ORDER, other), _keys())


def test_a_desk_without_the_hubs_key_trusts_the_offered_key_only_over_pinned_tls() -> None:
    wire = signed_order(ORDER, HUB_KEY)
    assert verify(wire, _keys(hub_public_key="")) == ORDER
    with pytest.raises(ForgedWipeOrder, match="does not know its hub's signing key"):
        verify(wire, _keys(hub_public_key="", pinned_tls=False))


def _mangled() -> list[Any]:
    good = signed_order(ORDER, HUB_KEY)
    extra = copy.deepcopy(good)
    extra["order"]["also"] = "wipe the hub"
    missing = copy.deepcopy(good)
    del missing["order"]["device_id"]
    return [None, [], "wipe", 7, {}, {"order": "x"}, {"order": {}},
            good | {"signature": "zz"}, good | {"signature": None},
            {k: v for k, v in good.items() if k != "signature"},
            good | {"order": good["order"] | {"ordered_ms": "soon"}},
            good | {"order": good["order"] | {"ordered_ms": None}},
            good | {"hub_key": "not hex"}, extra, missing]


@pytest.mark.parametrize("raw", _mangled())
def test_garbage_is_refused_plainly(raw: Any) -> None:
    with pytest.raises(ForgedWipeOrder, match="nothing was wiped"):
        verify(raw, _keys(hub_public_key="" if raw is not None else hub_public_key(HUB_KEY)))


def test_a_stored_key_that_is_damaged_refuses_rather_than_crashes() -> None:
    with pytest.raises(ForgedWipeOrder):
        verify(signed_order(ORDER, HUB_KEY), _keys(hub_public_key="zz"))


# -- the hub's side ---------------------------------------------------------------------------

def _hub_with_desk(path: Path, role: DeviceRole = DeviceRole.DESK) -> SqliteHubLog:
    hub = SqliteHubLog(path)
    hub.add_token(secret_hash("t"), EnrolGrant("Desk 7", role), 10_000)
    hub.enrol(secret_hash("t"), 1_000, HubDevice("desk7", "", role, "ab" * 32, 0),
              secret_hash("k1"))
    return hub


def test_an_order_is_stored_kept_on_repeat_and_survives_reopening(tmp_path: Path) -> None:
    hub = _hub_with_desk(tmp_path / "hub.db")
    assert hub.order_wipe("nobody", 5_000) is None
    first = hub.order_wipe("desk7", 5_000)
    assert first.wipe_pending and first.wipe_ordered_ms == 5_000 and not first.revoked
    assert hub.order_wipe("desk7", 6_000).wipe_ordered_ms == 5_000
    hub.close()
    reopened = SqliteHubLog(tmp_path / "hub.db")
    assert reopened.device_by_key_hash(secret_hash("k1")).wipe_ordered_ms == 5_000
    reopened.close()


def test_confirming_needs_the_same_order_and_revokes_the_device(tmp_path: Path) -> None:
    hub = _hub_with_desk(tmp_path / "hub.db")
    hub.order_wipe("desk7", 5_000)
    assert hub.confirm_wipe("desk7", 4_999, 7_000, 0) is None
    done = hub.confirm_wipe("desk7", 5_000, 7_000, 3)
    assert (done.wiped_ms, done.wipe_unsent, done.revoked, done.wipe_pending) == \
        (7_000, 3, True, False)
    assert hub.confirm_wipe("desk7", 5_000, 8_000, 0) is None  # once
    hub.close()


def test_enrolling_again_clears_the_order_and_a_hub_cannot_be_wiped(tmp_path: Path) -> None:
    hub = _hub_with_desk(tmp_path / "hub.db")
    hub.order_wipe("desk7", 5_000)
    hub.add_token(secret_hash("t2"), EnrolGrant("Desk 7", DeviceRole.DESK), 10_000)
    again = hub.enrol(secret_hash("t2"), 2_000, HubDevice("desk7", "", DeviceRole.DESK,
                                                          "ab" * 32, 0), secret_hash("k2"))
    assert again is not None
    assert hub.device("desk7").wipe_ordered_ms is None
    hub.close()
    venue = _hub_with_desk(tmp_path / "venue.db", DeviceRole.HUB)
    with pytest.raises(WipeNotAllowed):
        venue.order_wipe("desk7", 5_000)
    assert venue.device("desk7").wipe_ordered_ms is None
    venue.close()


def test_the_hubs_signing_key_is_made_once_and_kept(tmp_path: Path) -> None:
    hub = SqliteHubLog(tmp_path / "hub.db")
    key = hub_signing_key(hub)
    assert hub_signing_key(hub) == key
    hub.close()
    hub = SqliteHubLog(tmp_path / "hub.db")
    assert hub_signing_key(hub) == key and len(key) == 32
    hub.close()


# -- the desk's record -----------------------------------------------------------------------

def test_the_desks_record_belongs_to_its_device_and_enrolling_again_clears_it(
        store: EventStore, tmp_path: Path) -> None:
    link = sync_state.HubLink("https://hub", "ff", "", "hub1", "Desk 7", "aa" * 32)
    sync_state.save_hub_link(store, link, b"key")
    assert sync_state.hub_link(store) == replace(link, device_id=store.device_id)
    sync_state.record_wipe_order(store, 5_000, 2)
    record = sync_state.wipe_record(store)
    assert (record.ordered_ms, record.unsent, record.wiped_at) == (5_000, 2, None)
    sync_state.record_wiped(store)
    sync_state.record_wipe_confirmed(store)
    record = sync_state.wipe_record(store)
    assert record.wiped_at and record.confirmed_at
    assert store.secret(sync_state.DEVICE_KEY) is None
    copy_path = tmp_path / "copy.db"
    store.copy_for_desk(copy_path)
    desk_copy = EventStore.open(copy_path)
    assert desk_copy.device_id != store.device_id
    assert sync_state.wipe_record(desk_copy) is None  # a copy made from it is not "wiped"
    desk_copy.close()
    sync_state.save_hub_link(store, link, b"new key")
    assert sync_state.wipe_record(store) is None
