"""The hub on PostgreSQL: the same contract as SQLite, and hub_seq delivered exactly once
to a puller while sixteen pushers commit concurrently."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.changes import Change, ChangeKind
from kiosk.core.ids import uuid7
from kiosk.services.desk import Desk
from kiosk.store.event_store import EventStore
from kiosk.store.hub_records import DeviceRole, EnrolGrant, HubDevice
from kiosk.sync.credentials import secret_hash
from kiosk.sync.hub_postgres import PostgresHubLog
from tests.conftest import need_real_part
from tests.unit.sync.hub_fixtures import (
    derived_state,
    enrol,
    fresh_postgres_database,
    make_event,
    postgres_url,
    running_hub,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_hub() -> Iterator[PostgresHubLog]:
    url = postgres_url()
    if not url:
        need_real_part("PostgreSQL: set KIOSK_TEST_POSTGRES (.ci/run starts a server)")
    with fresh_postgres_database(url) as database:
        hub = PostgresHubLog(database, max_connections=24)
        yield hub
        hub.close()


def _changes(device: str, count: int, start: int = 1) -> list[Change]:
    return [Change(uuid7(), device, seq, f"{1_800_000_000_000 + seq:013d}.00000.{device}",
                   ChangeKind.CHECKIN, {"n": seq}) for seq in range(start, start + count)]


def test_appends_are_idempotent_and_numbered_from_one(pg_hub: PostgresHubLog) -> None:
    batch = _changes("d1", 5)
    assert pg_hub.append(batch, "d1") == [1, 2, 3, 4, 5]
    assert pg_hub.append(batch[2:] + _changes("d1", 1, 6), "d1") == [3, 4, 5, 6]
    assert [c.hub_seq for c in pg_hub.read(0, 100)] == [1, 2, 3, 4, 5, 6]
    assert pg_hub.read(4, 1)[0].payload == {"n": 5}
    assert pg_hub.high_water() == 6


def test_tokens_are_single_use_and_devices_can_be_revoked(pg_hub: PostgresHubLog) -> None:
    pg_hub.add_token(secret_hash("t"), EnrolGrant("Desk 9", DeviceRole.DESK), 2_000)
    device = HubDevice("d9", "", DeviceRole.DESK, "ab" * 32, 0)
    assert pg_hub.enrol(secret_hash("t"), 3_000, device, secret_hash("k")) is None  # expired
    pg_hub.add_token(secret_hash("u"), EnrolGrant("Desk 9", DeviceRole.DESK), 9_000)
    assert pg_hub.enrol(secret_hash("u"), 3_000, device, secret_hash("k")).name == "Desk 9"
    assert pg_hub.enrol(secret_hash("u"), 3_000, device, secret_hash("k2")) is None  # used
    assert pg_hub.device_by_key_hash(secret_hash("k")).device_id == "d9"
    assert pg_hub.revoke("d9") and pg_hub.device("d9").revoked


def test_sixteen_pushers_and_a_puller_see_each_hub_seq_exactly_once(pg_hub: PostgresHubLog
                                                                    ) -> None:
    pushers, batches, per_batch = 16, 25, 8
    done = threading.Event()
    seen: list[int] = []
    errors: list[BaseException] = []

    def push(n: int) -> None:
        try:
            for b in range(batches):
                pg_hub.append(_changes(f"p{n}", per_batch, 1 + b * per_batch), f"p{n}")
        except BaseException as exc:
            errors.append(exc)

    def pull() -> None:
        cursor = 0
        while True:
            finished = done.is_set()
            page = pg_hub.read(cursor, 500)
            seen.extend(c.hub_seq for c in page)
            if page:
                cursor = page[-1].hub_seq
            elif finished:
                return

    puller = threading.Thread(target=pull)
    puller.start()
    threads = [threading.Thread(target=push, args=(n,)) for n in range(pushers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    puller.join()
    assert not errors
    total = pushers * batches * per_batch
    assert seen == list(range(1, total + 1))  # nothing skipped, nothing twice, in order


def test_desks_sync_through_a_postgres_hub(pg_hub: PostgresHubLog, tmp_path: Path) -> None:
    event = make_event(tmp_path)
    with running_hub(pg_hub, event):
        a = EventStore.open(tmp_path / "a.db", create=True)
        b = EventStore.open(tmp_path / "b.db", create=True)
        sync_a, sync_b = enrol(pg_hub, a, "Desk A"), enrol(pg_hub, b, "Desk B")
        sync_a.sync_once()
        sync_b.sync_once()
        Desk(a, "Desk A").scan(event.codes[0])
        Desk(b, "Desk B").scan(event.codes[0])
        for syncer in (sync_a, sync_b, sync_a):
            syncer.sync_once()
        assert derived_state(a) == derived_state(b)
        assert sync_b.conflict_count() == 1
        sync_a.close()
        sync_b.close()
