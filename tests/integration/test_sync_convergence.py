"""A hub and three desks on loopback: random work, random partitions, random sync orders —
every desk ends with the same derived state and every change exactly once."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.hlc import FakeWall
from kiosk.services.desk import Desk
from kiosk.store import queries
from kiosk.store.event_store import EventStore
from tests.conftest import need_real_part
from tests.unit.sync.hub_fixtures import (
    Event,
    change_ids,
    derived_state,
    enrol,
    fresh_postgres_database,
    make_event,
    postgres_url,
    running_hub,
    sqlite_hub,
)

DESKS = "abc"


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("event"))


work = st.one_of(
    st.tuples(st.just("scan"), st.integers(0, 7)),
    st.tuples(st.just("undo"), st.just(0)),
    st.tuples(st.just("edit"), st.integers(0, 7)),
    st.tuples(st.just("walkin"), st.just(0)),
    st.tuples(st.just("push"), st.just(0)),
    st.tuples(st.just("pull"), st.just(0)),
    st.tuples(st.just("cut"), st.just(0)),  # the desk's network goes down…
    st.tuples(st.just("heal"), st.just(0)),  # …and comes back
)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(st.tuples(st.sampled_from(DESKS), work), max_size=30),
       final_order=st.permutations(list(DESKS)))
def test_desks_converge_through_the_hub(event: Event, tmp_path_factory: pytest.TempPathFactory,
                                        ops: list, final_order: list[str]) -> None:
    folder = tmp_path_factory.mktemp("run")
    _converge(event, folder, sqlite_hub(folder), ops, final_order)


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(st.tuples(st.sampled_from(DESKS), work), max_size=30),
       final_order=st.permutations(list(DESKS)))
def test_desks_converge_through_a_postgresql_hub(
    event: Event, tmp_path_factory: pytest.TempPathFactory, ops: list, final_order: list[str]
) -> None:
    url = postgres_url()
    if not url:
        need_real_part("PostgreSQL: set KIOSK_TEST_POSTGRES (.ci/run starts a server)")
    from kiosk.sync.hub_postgres import PostgresHubLog

    folder = tmp_path_factory.mktemp("run")
    with fresh_postgres_database(url) as database:
        _converge(event, folder, PostgresHubLog(database), ops, final_order)


def _converge(event: Event, folder, hub, ops: list, final_order: list[str]) -> None:
    with running_hub(hub, event):
        stores, walls, syncers, desks = {}, {}, {}, {}
        for n, name in enumerate(DESKS):
            shutil.copy(event.package, folder / f"{name}.db")
            walls[name] = FakeWall(1_800_000_000_000 + n * 7)
            stores[name] = EventStore.open(folder / f"{name}.db", walls[name])
            syncers[name] = enrol(hub, stores[name], f"Desk {name.upper()}")
            desks[name] = Desk(stores[name], f"Desk {name.upper()}")
        cut: set[str] = set()
        for n, (who, (kind, arg)) in enumerate(ops):
            walls[who].advance(5_000)
            store, desk = stores[who], desks[who]
            if kind == "scan":
                desk.scan(event.codes[arg])
            elif kind == "undo":
                desk.undo()
            elif kind == "edit":
                person = queries.list_attendees(store.conn, status="all")[arg]
                desk.edit(person.id, badge_name=f"Name {who} {n}")
            elif kind == "walkin":
                desk.walk_in(f"Walk {n}", who)
            elif kind == "cut":
                cut.add(who)
            elif kind == "heal":
                cut.discard(who)
            elif who not in cut:
                (syncers[who].push if kind == "push" else syncers[who].pull)()
        for name in final_order:
            syncers[name].sync_once()
        for name in final_order:
            syncers[name].sync_once()
        states = [derived_state(stores[name]) for name in DESKS]
        assert states[0] == states[1] == states[2]
        ids = [change_ids(stores[name]) for name in DESKS]
        assert ids[0] == ids[1] == ids[2]
        held = hub.read(0, 100_000)
        assert sorted(c.change_id for c in held) == ids[0]  # each change once at the hub
        assert [c.hub_seq for c in held] == list(range(1, len(held) + 1))
        for name in DESKS:
            seqs = [row[0] for row in stores[name].conn.execute(
                "SELECT hub_seq FROM changes ORDER BY hub_seq")]
            assert seqs == list(range(1, len(held) + 1))  # every change acknowledged, once
        for syncer in syncers.values():
            syncer.close()
        for store in stores.values():
            store.close()
    hub.close()
