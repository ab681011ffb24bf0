"""A restored desk carries on: backup → check-ins → sync → restore → check-ins → sync leaves
nothing refused or lost (SQLite and PostgreSQL hubs); so does a desk file copied elsewhere."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.changes import ChangeKind
from kiosk.services import retention
from kiosk.services.desk import Desk
from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.sync.hub_server import HubThread
from tests.unit.sync.hub_fixtures import Event, enrol, hub_log, make_event, running_hub


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("event"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hub(request: pytest.FixtureRequest, tmp_path: Path, event: Event) -> Iterator[HubThread]:
    with hub_log(request.param, tmp_path) as log, running_hub(log, event) as server:
        yield server


def _hub_checkins(hub: HubThread) -> set[str]:
    return {c.change_id for c in hub.hub.read(0, 100_000) if c.kind is ChangeKind.CHECKIN}


def _desk_checkins(store: EventStore) -> set[str]:
    return {row[0] for row in store.conn.execute("SELECT change_id FROM checkins")}


def test_a_restored_desk_carries_on_and_loses_nothing(hub: HubThread, tmp_path: Path,
                                                      event: Event) -> None:
    path = tmp_path / "desk.db"
    store = EventStore.open(path, create=True)
    enrol(hub.hub, store, "Desk 1").sync_once()
    retention.take_backup(path)
    for code in event.codes[:2]:
        assert Desk(store, "Desk 1").scan(code).outcome.value == "ok"
    assert enrol_sync(store).pushed == 2
    store.close()

    retention.restore_backup(path, 1)
    store = EventStore.open(path)
    syncer = enrol_sync_syncer(store)
    assert syncer.sync_once().pulled >= 2  # the check-ins made after the backup come back
    for code in event.codes[2:4]:
        assert Desk(store, "Desk 1").scan(code).outcome.value == "ok"
    report = syncer.sync_once()
    assert report.pushed == 2 and report.pending == 0
    assert sync_state.refused_changes(store) == []
    assert _desk_checkins(store) <= _hub_checkins(hub) and len(_hub_checkins(hub)) == 4
    assert len(_desk_checkins(store)) == 4
    store.close()


def test_a_desk_file_copied_to_another_computer_carries_on_beside_its_original(
        hub: HubThread, tmp_path: Path, event: Event) -> None:
    path = tmp_path / "desk.db"
    store = EventStore.open(path, create=True)
    enrol(hub.hub, store, "Desk 1").sync_once()
    store.close()
    (tmp_path / "elsewhere").mkdir()
    shutil.copy(path, tmp_path / "elsewhere" / "desk.db")
    original = EventStore.open(path)
    copy = EventStore.open(tmp_path / "elsewhere" / "desk.db")
    assert copy.device_id != original.device_id  # a new incarnation, same key
    assert Desk(original, "Desk 1").scan(event.codes[4]).outcome.value == "ok"
    assert Desk(copy, "Desk 1").scan(event.codes[5]).outcome.value == "ok"
    for store in (original, copy):
        report = enrol_sync_syncer(store).sync_once()
        assert report.pending == 0 and sync_state.refused_changes(store) == []
    assert len(_hub_checkins(hub)) == 2


def enrol_sync(store: EventStore):
    return enrol_sync_syncer(store).sync_once()


def enrol_sync_syncer(store: EventStore):
    from kiosk.services.syncer import Syncer

    return Syncer(store)
