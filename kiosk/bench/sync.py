"""Sync: bulk push and pull, many desks pushing at once, a check-in from desk to desk."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.bench.figures import Figure
from kiosk.core.changes import attendee, checkin
from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.store.hub_records import DeviceRole, EnrolGrant
from kiosk.sync.client import HubClient
from kiosk.sync.enrolment import connect_desk, issue_token
from kiosk.sync.hub_server import HubThread
from kiosk.sync.hub_storage import HubLog, open_hub_log
from kiosk.sync.registry import hub_registry


def _checkins(store: EventStore, count: int, tag: str) -> None:
    store.record_many(
        checkin.check_in(f"{tag}-{n % 5000}", "2026-11-28T09:00:00", desk=tag,
                         operator="bench")
        for n in range(count))


def _desk(folder: Path, hub: HubLog, name: str) -> EventStore:
    store = EventStore.open(folder / f"{name}.db", create=True)
    connect_desk(store, issue_token(hub, EnrolGrant(name, DeviceRole.DESK)).text())
    return store


def _register(store: EventStore, ids: list[str]) -> None:
    """The people the check-ins name (a desk holds a check-in for someone it lacks)."""
    base = store.next_stamp()
    store.record_many(attendee.registration(i, {"first_name": "Bench", "last_name": i}, base)
                      for i in ids)


def _take_registry(hub: HubLog, *stores: EventStore) -> None:
    """Each desk takes the hub's registry of device keys, as its syncer does before a pull:
    without it, changes from a desk it has not heard of are held, not applied."""
    registry = hub_registry(hub)
    for store in stores:
        sync_state.save_known_devices(store, registry.devices, registry.legacy_until)


def _client(store: EventStore) -> HubClient:
    link = sync_state.hub_link(store)
    assert link is not None
    key = store.secret(sync_state.DEVICE_KEY)
    assert key is not None
    return HubClient(link.url, key.decode(), link.certificate or None)


def _push_all(store: EventStore, client: HubClient, batch: int = 2_000) -> int:
    sent = 0
    while changes := sync_state.unacknowledged(store, batch):
        result = client.push(changes, 0)
        sync_state.acknowledge(store, result.acks)
        sent += len(changes)
    return sent


def _pull_all(store: EventStore, client: HubClient) -> int:
    pulled = 0
    while True:
        page = client.pull(sync_state.cursor(store), 2_000)
        if not page.changes:
            return pulled
        pulled += len(sync_state.receive_page(store, page.changes, page.next))


def push_and_pull(hub_location: Callable[[Path], str], changes: int = 10_000
                  ) -> list[Figure]:
    """A desk pushes ``changes`` check-ins over HTTPS on loopback; a new desk pulls them."""
    with tempfile.TemporaryDirectory(prefix="kiosk-sync-bench-") as tmp:
        folder = Path(tmp)
        hub = open_hub_log(hub_location(folder))
        with HubThread(hub):
            a, b = _desk(folder, hub, "A"), _desk(folder, hub, "B")
            _take_registry(hub, b)
            _register(a, [f"a-{n}" for n in range(min(changes, 5000))])
            with _client(a) as client_a, _client(b) as client_b:
                _push_all(a, client_a)
                _pull_all(b, client_b)  # the people, before the clock starts
                _checkins(a, changes, "a")
                started = time.perf_counter()
                _push_all(a, client_a)
                pushed = time.perf_counter() - started
                started = time.perf_counter()
                applied = _pull_all(b, client_b)
                pulled = time.perf_counter() - started
                if applied != changes:
                    raise RuntimeError(f"desk B applied {applied} of {changes} changes")
            a.close()
            b.close()
        hub.close()
    return [Figure(f"push {changes:,} changes to the hub", pushed, "s",
                       note=f"{changes / pushed:,.0f} changes/s, HTTPS on loopback"),
            Figure(f"pull {changes:,} changes from the hub", pulled, "s",
                       note=f"{changes / pulled:,.0f} changes/s, applied at the desk")]


def many_desks(hub_location: Callable[[Path], str], label: str, desks: int = 20,
               per_desk: int = 200) -> Figure:
    """Hub throughput: ``desks`` desks each pushing check-ins one at a time, all at once."""
    with tempfile.TemporaryDirectory(prefix="kiosk-sync-bench-") as tmp:
        folder = Path(tmp)
        hub = open_hub_log(hub_location(folder))
        with HubThread(hub):
            stores = [_desk(folder, hub, f"D{n}") for n in range(desks)]
            for n, store in enumerate(stores):
                _checkins(store, per_desk, f"d{n}")
            clients = [_client(s) for s in stores]
            barrier = threading.Barrier(desks + 1)

            def run(store: EventStore, client: HubClient) -> None:
                barrier.wait()
                _push_all(store, client, batch=1)

            threads = [threading.Thread(target=run, args=pair) for pair in zip(stores, clients,
                                                                                 strict=True)]
            for t in threads:
                t.start()
            barrier.wait()
            started = time.perf_counter()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
            for client in clients:
                client.close()
            for store in stores:
                store.close()
        hub.close()
    total = desks * per_desk
    return Figure(f"hub throughput, {desks} desks pushing check-ins ({label})",
                      total / elapsed, "/s", note=f"{total:,} single-change pushes in "
                      f"{elapsed:.1f} s")


def desk_to_desk(hub_location: Callable[[Path], str], rounds: int = 30) -> Figure:
    """A check-in at desk A until it is applied at desk B (budget 2 s): A pushes as soon as
    it records, as the desk's syncer does when nudged; B waits in a long-poll pull."""
    timings: list[float] = []
    with tempfile.TemporaryDirectory(prefix="kiosk-sync-bench-") as tmp:
        folder = Path(tmp)
        hub = open_hub_log(hub_location(folder))
        with HubThread(hub):
            a, b = _desk(folder, hub, "A"), _desk(folder, hub, "B")
            _take_registry(hub, b)
            _register(a, [f"r{n}-0" for n in range(rounds)])
            with _client(a) as client_a, _client(b) as client_b:
                _push_all(a, client_a)
                _pull_all(b, client_b)
                for n in range(rounds):
                    arrived = threading.Event()

                    def wait_for_it(arrived: threading.Event = arrived) -> None:
                        deadline = time.monotonic() + 60
                        while not arrived.is_set() and time.monotonic() < deadline:
                            page = client_b.pull(sync_state.cursor(b), 100, wait=10)
                            if sync_state.receive_page(b, page.changes, page.next):
                                arrived.set()

                    watcher = threading.Thread(target=wait_for_it)
                    watcher.start()
                    time.sleep(0.05)  # B is waiting, as it would be all day
                    started = time.perf_counter()
                    _checkins(a, 1, f"r{n}")
                    _push_all(a, client_a)
                    watcher.join()
                    if not arrived.is_set():
                        raise RuntimeError("a check-in at desk A never reached desk B")
                    timings.append(time.perf_counter() - started)
            a.close()
            b.close()
        hub.close()
    timings.sort()
    return Figure("check-in at desk A visible at desk B, p95",
                      timings[int(0.95 * (len(timings) - 1))], "s", budget=2.0,
                      note=f"{rounds} check-ins; median {timings[len(timings) // 2] * 1000:.0f} ms")


def sqlite_hub(folder: Path) -> str:
    return str(folder / "hub.db")


def bench_sync(workdir: Path, attendees: int) -> list[Figure]:
    """Every sync figure: on a SQLite hub, and on PostgreSQL when ``KIOSK_BENCH_POSTGRES``
    names a server. A trial run (a few hundred attendees) moves less."""
    full = attendees >= 10_000
    changes, per_desk, rounds = (10_000, 200, 30) if full else (200, 5, 3)
    figures = [*push_and_pull(sqlite_hub, changes), many_desks(sqlite_hub, "SQLite",
                                                               per_desk=per_desk),
               desk_to_desk(sqlite_hub, rounds)]
    postgres_url = os.environ.get("KIOSK_BENCH_POSTGRES")
    if postgres_url:
        figures.append(many_desks(_fresh_postgres(postgres_url), "PostgreSQL",
                                  per_desk=per_desk))
    return figures


def _fresh_postgres(url: str) -> Callable[[Path], str]:
    """A new database on the server for each run (left in place: the server is a test one)."""
    import uuid

    import psycopg

    def make(folder: Path) -> str:
        name = f"kiosk_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"{url.rpartition('/')[0]}/{name}"
    return make
