"""Killed processes: the hub SIGKILLed mid-push and restarted, a desk's sync SIGKILLed at
random moments, a pull that fails half-way — nothing lost, nothing doubled."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kiosk.services.desk import Desk
from kiosk.services.syncer import Syncer
from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.store.hub_log import SqliteHubLog
from kiosk.store.hub_records import DeviceRole, EnrolGrant
from kiosk.sync.client import HubUnreachable
from kiosk.sync.enrolment import connect_desk, issue_token
from kiosk.sync.hub_import import load_event_into_hub
from kiosk.sync.hub_server import HubAddress
from kiosk.sync.hub_storage import open_hub_log
from tests.conftest import need_real_part
from tests.unit.sync.hub_fixtures import (
    Event,
    change_ids,
    fresh_postgres_database,
    make_event,
    postgres_url,
    running_hub,
    sqlite_hub,
)

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("event"), attendees=40)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _kiosk(*args: str) -> list[str]:
    return [sys.executable, "-m", "kiosk.cli.sync", *args]


def _start_hub(db: str | Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen(_kiosk("hub", "--db", str(db), "--port", str(port)), cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"https://127.0.0.1:{port}/v1/health", verify=False, timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the hub did not start")


def _loaded_hub(folder: Path, event: Event, location: str | None = None) -> str:
    """The event loaded into a hub database: a SQLite file, or ``location`` (PostgreSQL)."""
    import shutil

    db = location or str(folder / "hub.db")
    shutil.copy(event.organiser, folder / "org.db")
    organiser = EventStore.open(folder / "org.db", create=True)
    hub = open_hub_log(db)
    load_event_into_hub(hub, organiser)
    hub.close()
    organiser.close()
    return db


@pytest.fixture(params=["sqlite", "postgresql"])
def hub_location(request: pytest.FixtureRequest, tmp_path: Path, event: Event):
    if request.param == "sqlite":
        yield _loaded_hub(tmp_path, event)
        return
    url = postgres_url()
    if not url:
        need_real_part("PostgreSQL: set KIOSK_TEST_POSTGRES (.ci/run starts a server)")
    with fresh_postgres_database(url) as database:
        yield _loaded_hub(tmp_path, event, database)


def _busy_desk(folder: Path, event: Event, name: str, walkins: int) -> EventStore:
    import shutil

    shutil.copy(event.package, folder / f"{name}.db")
    store = EventStore.open(folder / f"{name}.db", create=True)
    desk = Desk(store, name)
    for code in event.codes:
        desk.scan(code)
    for n in range(walkins):
        desk.walk_in(f"Walk {n}", name)
    return store


def _assert_exactly_once(hub_db: str, store: EventStore) -> None:
    hub = open_hub_log(str(hub_db))
    held = hub.read(0, 1_000_000)
    hub.close()
    assert [c.hub_seq for c in held] == list(range(1, len(held) + 1))
    assert sorted(c.change_id for c in held) == change_ids(store)
    rows = dict(store.conn.execute("SELECT change_id, hub_seq FROM changes"))
    assert rows == {c.change_id: c.hub_seq for c in held}  # acks agree with the hub


def test_the_hub_killed_mid_push_loses_and_doubles_nothing(tmp_path: Path, event: Event,
                                                           hub_location: str) -> None:
    db = hub_location
    port = _free_port()
    hub = _start_hub(db, port)
    log = open_hub_log(db)
    token = issue_token(log, EnrolGrant("Desk K", DeviceRole.DESK))
    _hub_start = log.high_water()
    log.close()
    store = _busy_desk(tmp_path, event, "Desk K", walkins=3000)
    connect_desk(store, token.text())
    syncer = Syncer(store)
    import threading

    failure: list[BaseException] = []

    def push() -> None:
        try:
            syncer.push()
        except HubUnreachable as exc:
            failure.append(exc)

    pusher = threading.Thread(target=push)
    pusher.start()
    # Kill the hub as soon as it has committed the first batch of ~6,000 changes: part-way
    # through the push, however fast this machine is.
    watcher = open_hub_log(db)
    deadline = time.monotonic() + 60
    while watcher.high_water() == _hub_start and time.monotonic() < deadline:
        time.sleep(0.002)
    watcher.close()
    hub.send_signal(signal.SIGKILL)
    hub.wait()
    pusher.join(30)
    assert failure, "the push finished before the kill; make the desk busier"
    assert sync_state.pending_count(store) > 0
    hub = _start_hub(db, port)
    try:
        syncer.sync_once()
        syncer.sync_once()
        assert sync_state.pending_count(store) == 0
        _assert_exactly_once(db, store)
    finally:
        syncer.close()
        hub.send_signal(signal.SIGTERM)
        hub.wait(10)


def test_a_desk_killed_at_random_moments_of_syncing_ends_consistent(
        tmp_path: Path, event: Event) -> None:
    db = _loaded_hub(tmp_path, event)
    log = SqliteHubLog(db)
    with running_hub(log) as server:
        # a second desk puts plenty on the hub for this one to pull
        other = _busy_desk(tmp_path, event, "Desk O", walkins=1500)
        connect_desk(other, issue_token(log, EnrolGrant("Desk O", DeviceRole.DESK),
                                        HubAddress(server.address.url,
                                                   server.address.fingerprint)).text())
        Syncer(other).push()
        store = _busy_desk(tmp_path, event, "Desk V", walkins=1500)
        connect_desk(store, issue_token(log, EnrolGrant("Desk V", DeviceRole.DESK)).text())
        store.close()
        rng = random.Random(3)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        for _ in range(6):
            child = subprocess.Popen(_kiosk("sync", str(tmp_path / "Desk V.db"), "--once"),
                                     cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 1.2))
            child.send_signal(signal.SIGKILL)
            child.wait()
        store = EventStore.open(tmp_path / "Desk V.db", create=True)
        cursor = sync_state.cursor(store)
        held = {r[0] for r in store.conn.execute(
            "SELECT hub_seq FROM changes WHERE hub_seq IS NOT NULL")}
        assert set(range(1, cursor + 1)) <= held  # the cursor never runs ahead of the data
        syncer = Syncer(store)
        syncer.sync_once()
        syncer.close()
        Syncer(other).sync_once()
        _assert_exactly_once(db, store)
        assert change_ids(other) == change_ids(store)
    log.close()


def test_a_pull_that_fails_half_way_keeps_the_cursor_with_the_data(
        tmp_path: Path, event: Event, monkeypatch: pytest.MonkeyPatch) -> None:
    hub = sqlite_hub(tmp_path)
    with running_hub(hub, event) as server:
        store = EventStore.open(tmp_path / "new.db", create=True)
        connect_desk(store, issue_token(hub, EnrolGrant("Desk F", DeviceRole.DESK)).text())
        syncer = Syncer(store)
        original = store.receive
        calls = {"n": 0}

        def failing(changes, **how):  # the desk dies while applying its second page
            calls["n"] += 1
            fresh = original(changes, **how)
            if calls["n"] == 2:
                raise KeyboardInterrupt
            return fresh

        monkeypatch.setattr("kiosk.services.syncer.PULL_PAGE", 10)
        store.conn.execute("INSERT INTO sync_cursor (id, hub_seq) VALUES (1, 0)")
        monkeypatch.setattr(store, "receive", failing)
        syncer._pull_snapshot = lambda client: 0  # page by page, to fail in between
        syncer.refresh_devices()  # the hub's registry: whose changes this desk takes
        with pytest.raises(KeyboardInterrupt):
            syncer.pull()
        assert sync_state.cursor(store) == 10
        assert store.change_count() == 10
        monkeypatch.setattr(store, "receive", original)
        syncer.pull()
        assert sync_state.cursor(store) == server.hub.high_water() == store.change_count()
        syncer.close()
    hub.close()
