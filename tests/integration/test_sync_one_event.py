"""One event per hub: a hub refuses another event's changes, a desk refuses a hub of another
event, and a central hub refuses a venue hub of another event (SQLite and PostgreSQL hubs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.services.desk import Desk
from kiosk.services.syncer import Syncer
from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.store.hub_records import DeviceRole, EnrolGrant
from kiosk.sync.client import HubRefused
from kiosk.sync.enrolment import connect_desk, issue_token
from kiosk.sync.forwarding import FORWARDED, connect_upstream, forward
from kiosk.sync.hub_intake import served_event
from kiosk.sync.hub_server import HubThread
from tests.unit.sync.hub_fixtures import Event, enrol, hub_log, make_event, running_hub

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("event"))


@pytest.fixture(scope="module")
def other_event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("other"), attendees=4, seed=7)


@pytest.fixture(params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path: Path, event: Event) -> Iterator[HubThread]:
    with hub_log(request.param, tmp_path) as log, running_hub(log, event) as server:
        yield server


def _copy(event: Event, path: Path) -> EventStore:
    path.write_bytes(event.package.read_bytes())
    return EventStore.open(path)


def test_a_push_declaring_another_event_is_refused_whole(
        hub: HubThread, tmp_path: Path, event: Event, other_event: Event) -> None:
    desk = EventStore.open(tmp_path / "desk.db", create=True)
    syncer = enrol(hub.hub, desk, "Desk 1")
    syncer.sync_once()
    assert Desk(desk, "Desk 1").scan(event.codes[0]).outcome.value == "ok"
    checkin = sync_state.unacknowledged(desk, 10)
    before = hub.hub.high_water()
    other = _copy(other_event, tmp_path / "other.db")
    theirs = served_event_of(other)
    assert theirs and theirs != served_event(hub.hub)
    with pytest.raises(HubRefused) as refused:
        syncer.client().push(checkin, 0, event=theirs)
    assert refused.value.status == 409 and "another event" in str(refused.value)
    # Another event's changes without saying so: refused all the same.
    with pytest.raises(HubRefused) as refused:
        syncer.client().push(sync_state.unacknowledged(other, 50), 0)
    assert refused.value.status == 409
    assert hub.hub.high_water() == before  # nothing of either stored
    assert syncer.sync_once().pushed == 1  # the desk's own push still goes through
    other.close()
    desk.close()


def test_a_desk_refuses_a_hub_of_another_event_and_takes_nothing_from_it(
        hub: HubThread, tmp_path: Path, other_event: Event) -> None:
    desk = _copy(other_event, tmp_path / "other-desk.db")
    connect_desk(desk, issue_token(hub.hub, EnrolGrant("Desk 1", DeviceRole.DESK)).text())
    syncer = Syncer(desk)
    held = desk.change_count()
    with pytest.raises(HubRefused) as refused:
        syncer.pull()  # the desk's own check, whatever the hub would say to a push
    assert refused.value.status == 409 and "another event" in str(refused.value)
    with pytest.raises(HubRefused):
        syncer.sync_once()
    assert desk.change_count() == held
    assert sync_state.cursor(desk) == 0
    assert hub.hub.high_water() == len(list(hub.hub.read(0, 100_000)))
    syncer.close()
    desk.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_central_hub_refuses_a_venue_hub_of_another_event(
        backend: str, tmp_path: Path, event: Event, other_event: Event) -> None:
    with hub_log("sqlite", tmp_path) as venue, hub_log(backend, tmp_path) as central, \
            running_hub(venue, event), running_hub(central, other_event) as central_server:
        token = issue_token(central, EnrolGrant("Venue hub", DeviceRole.HUB),
                            central_server.address)
        connect_upstream(venue, token.text())
        before = central.high_water()
        with pytest.raises(HubRefused) as refused:
            forward(venue)
        assert refused.value.status == 409
        assert "another event" in str(refused.value) and "Forward it to" in str(refused.value)
        assert central.high_water() == before
        assert venue.setting(FORWARDED) == "0"  # sent again once it is put right


def served_event_of(store: EventStore) -> str | None:
    from kiosk.sync.hub_intake import event_identity

    return event_identity(sync_state.event_updates(store))
