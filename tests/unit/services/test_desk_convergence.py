"""Two desks working offline, merged in either order, end in the same state."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.hlc import FakeWall
from kiosk.services.demo import create_demo_event
from kiosk.services.desk import Desk
from kiosk.services.ticket_issuing import make_desk_package, ticket_code
from kiosk.store import checkins, queries
from kiosk.store.event_store import EventStore
from kiosk.store.schema import DERIVED_TABLES


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("event")
    organiser, _ = create_demo_event(folder / "organiser.db", attendees=12, seed=4)
    people = queries.list_attendees(organiser.conn, status="all")
    codes = [ticket_code(organiser, a) for a in people]
    make_desk_package(organiser, folder / "desk.db")
    organiser.close()
    return folder / "desk.db", codes


def _state(store: EventStore) -> dict[str, list[tuple]]:
    state = {}
    for table in DERIVED_TABLES:
        if table == "attendee_search":
            continue
        columns = "*" if table != "attendees" else \
            "id, first_name, last_name, badge_name, organisation, category, checked_in_hlc"
        state[table] = sorted(map(tuple, store.conn.execute(f"SELECT {columns} FROM {table}")),
                              key=repr)
    return state


operation = st.one_of(
    st.tuples(st.just("scan"), st.integers(0, 11)),
    st.tuples(st.just("undo"), st.just(0)),
    st.tuples(st.just("edit"), st.integers(0, 11)),
    st.tuples(st.just("walkin"), st.just(0)),
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from("ab"), operation), max_size=25))
def test_merging_in_either_order_converges(
    packages: tuple[Path, list[str]], tmp_path_factory: pytest.TempPathFactory, ops: list
) -> None:
    package, codes = packages
    folder = tmp_path_factory.mktemp("run")
    stores = {}
    for name, start in (("a", 1_800_000_000_000), ("b", 1_800_000_000_007)):
        shutil.copy(package, folder / f"{name}.db")
        wall = FakeWall(start)
        stores[name] = (EventStore.open(folder / f"{name}.db", wall, create=True), wall)
    desks = {name: Desk(store, f"Desk {name.upper()}") for name, (store, _) in stores.items()}
    for n, (who, (kind, arg)) in enumerate(ops):
        store, wall = stores[who]
        wall.advance(5_000)
        desk = desks[who]
        if kind == "scan":
            desk.scan(codes[arg])
        elif kind == "undo":
            desk.undo()
        elif kind == "edit":
            person = queries.list_attendees(store.conn, status="all")[arg]
            desk.edit(person.id, badge_name=f"Name {who} {n}")
        else:
            desk.walk_in(f"Walk {n}", who)
    a, b = stores["a"][0], stores["b"][0]
    from_a, from_b = list(a.changes()), list(b.changes())
    a.receive(from_b)
    b.receive(list(reversed(from_a)))
    assert _state(a) == _state(b)
    # Each person counts once; extra check-ins are flagged, never lost.
    total = a.conn.execute("SELECT count(*) FROM checkins").fetchone()[0]
    voided = a.conn.execute("SELECT count(*) FROM checkin_voids").fetchone()[0]
    counted = a.conn.execute(
        "SELECT count(DISTINCT attendee_id) FROM checkins c WHERE NOT EXISTS "
        "(SELECT 1 FROM checkin_voids v WHERE v.target_id = c.change_id)").fetchone()[0]
    assert total - voided == counted + len(checkins.duplicate_checkins(a.conn))
    for store, _ in stores.values():
        store.close()
