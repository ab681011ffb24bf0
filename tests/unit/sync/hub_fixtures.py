"""Helpers for sync tests: an organiser's event, a hub on loopback, enrolled desks."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.hlc import FakeWall
from kiosk.services.demo import create_demo_event
from kiosk.services.syncer import Syncer
from kiosk.services.ticket_issuing import make_desk_package, ticket_code
from kiosk.store import queries
from kiosk.store.event_store import EventStore
from kiosk.store.hub_log import SqliteHubLog
from kiosk.store.hub_records import DeviceRole, EnrolGrant
from kiosk.store.schema import DERIVED_TABLES
from kiosk.sync.enrolment import connect_desk, issue_token
from kiosk.sync.hub_import import load_event_into_hub
from kiosk.sync.hub_server import HubThread
from kiosk.sync.hub_storage import HubLog
from kiosk.sync.rate_limits import PushLimits


@dataclass(frozen=True)
class Event:
    organiser: Path  # the organiser's event file (holds the signing key)
    package: Path  # a desk copy made from it
    codes: list[str]  # every active attendee's ticket code


def make_event(folder: Path, attendees: int = 12, seed: int = 4) -> Event:
    organiser, _ = create_demo_event(folder / "organiser.db", attendees=attendees, seed=seed)
    people = queries.list_attendees(organiser.conn, status="active")
    codes = [ticket_code(organiser, a) for a in people]
    make_desk_package(organiser, folder / "package.db")
    organiser.close()
    return Event(folder / "organiser.db", folder / "package.db", codes)


@contextmanager
def running_hub(hub: HubLog, event: Event | None = None, tls: bool = True,
                limits: PushLimits | None = None) -> Iterator[HubThread]:
    if event is not None:
        # From a copy: loading records the hub's numbers in the file, and the event
        # fixture is shared between hubs.
        copy = event.organiser.with_name(f"organiser-{uuid.uuid4().hex[:6]}.db")
        shutil.copy(event.organiser, copy)
        organiser = EventStore.open(copy)
        load_event_into_hub(hub, organiser)
        organiser.close()
    with HubThread(hub, tls=tls, limits=limits) as server:
        yield server


def sqlite_hub(folder: Path) -> SqliteHubLog:
    return SqliteHubLog(folder / f"hub-{uuid.uuid4().hex[:6]}.db")


def enrol(hub: HubLog, store: EventStore, name: str,
          role: DeviceRole = DeviceRole.DESK) -> Syncer:
    connect_desk(store, issue_token(hub, EnrolGrant(name, role)).text())
    return Syncer(store)


def open_desk(path: Path, wall: FakeWall | None = None) -> EventStore:
    return EventStore.open(path, wall, create=True) if wall else EventStore.open(path, create=True)


def derived_state(store: EventStore) -> dict[str, list[tuple]]:
    """Every derived table (but the search index), as sorted rows: equal on converged desks."""
    state = {}
    for table in DERIVED_TABLES:
        if table == "attendee_search":
            continue
        columns = "*" if table != "attendees" else \
            "id, first_name, last_name, badge_name, organisation, category, checked_in_hlc, " \
            "status, merged_into, ticket_serial"
        state[table] = sorted(map(tuple, store.conn.execute(f"SELECT {columns} FROM {table}")),
                              key=repr)
    return state


def change_ids(store: EventStore) -> list[str]:
    return sorted(row[0] for row in store.conn.execute("SELECT change_id FROM changes"))


def postgres_url() -> str | None:
    return os.environ.get("KIOSK_TEST_POSTGRES")


@contextmanager
def hub_log(kind: str, folder: Path) -> Iterator[HubLog]:
    """An empty hub database of either back end ("sqlite" or "postgres")."""
    if kind == "sqlite":
        log = sqlite_hub(folder)
        try:
            yield log
        finally:
            log.close()
        return
    from kiosk.sync.hub_postgres import PostgresHubLog
    from tests.conftest import need_real_part

    url = postgres_url()
    if not url:
        need_real_part("PostgreSQL: set KIOSK_TEST_POSTGRES (.ci/run starts a server)")
    assert url is not None
    with fresh_postgres_database(url) as database:
        pg = PostgresHubLog(database)
        try:
            yield pg
        finally:
            pg.close()


@contextmanager
def fresh_postgres_database(url: str) -> Iterator[str]:
    """A new, empty database on the test server for one test; dropped afterwards."""
    import psycopg

    name = f"kiosk_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
