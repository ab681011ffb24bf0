"""A real hub on loopback over HTTPS: enrolment and pinning, push and pull, refusals."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from kiosk.core.changes import Change, ChangeKind
from kiosk.core.checkin_rules import Outcome
from kiosk.core.hlc import FakeWall
from kiosk.services.desk import Desk
from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.store.hub_records import DeviceRole, EnrolGrant
from kiosk.sync.client import HubClient, HubRefused
from kiosk.sync.credentials import EnrolToken
from kiosk.sync.enrolment import EnrolmentRefused, connect_desk, issue_token
from kiosk.sync.tls import self_signed
from tests.unit.sync.hub_fixtures import (
    Event,
    derived_state,
    enrol,
    make_event,
)


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("event"))


def _raw(hub, key: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=hub.address.url + "/v1", verify=False, headers=headers)


def test_a_new_desk_enrols_receives_the_event_and_checks_in(hub, tmp_path: Path, event: Event
                                                            ) -> None:
    store = EventStore.open(tmp_path / "new-desk.db", create=True)
    syncer = enrol(hub.hub, store, "Desk 2")
    report = syncer.sync_once()
    assert report.pulled == hub.hub.high_water() > 0
    assert sync_state.hub_link(store).desk_name == "Desk 2"
    assert store.setting("desk_name") == "Desk 2"
    result = Desk(store, "Desk 2").scan(event.codes[0])
    assert result.outcome is Outcome.OK
    assert syncer.sync_once().pushed == 1
    assert syncer.status.online and syncer.status.pending == 0
    # the key is kept only hashed at the hub
    key = store.secret(sync_state.DEVICE_KEY).decode()
    raw = Path(hub.hub.location).read_bytes()
    assert key.encode() not in raw


def test_a_token_works_once_and_a_wrong_fingerprint_is_refused(hub, tmp_path: Path) -> None:
    token = issue_token(hub.hub, EnrolGrant("Desk 3", DeviceRole.DESK))
    connect_desk(EventStore.open(tmp_path / "a.db", create=True), token.text())
    with pytest.raises(HubRefused, match="used already or has expired"):
        connect_desk(EventStore.open(tmp_path / "b.db", create=True), token.text())
    other_cert, _ = self_signed("127.0.0.1")
    from kiosk.sync.tls import fingerprint

    fresh = issue_token(hub.hub, EnrolGrant("Desk 4", DeviceRole.DESK))
    forged = EnrolToken(fresh.url, fingerprint(other_cert), fresh.secret)
    with pytest.raises(EnrolmentRefused, match="not the hub this token was made for"):
        connect_desk(EventStore.open(tmp_path / "c.db", create=True), forged.text())


def test_an_expired_token_is_refused(hub, tmp_path: Path) -> None:
    token = issue_token(hub.hub, EnrolGrant("Late desk", DeviceRole.DESK), lifetime_s=-1)
    with pytest.raises(HubRefused, match="expired"):
        connect_desk(EventStore.open(tmp_path / "late.db", create=True), token.text())


def test_replayed_pushes_are_stored_once(hub, tmp_path: Path, event: Event) -> None:
    store = EventStore.open(tmp_path / "d.db", create=True)
    syncer = enrol(hub.hub, store, "Desk R")
    syncer.sync_once()
    Desk(store, "Desk R").scan(event.codes[1])
    pending = sync_state.unacknowledged(store, 100)
    client = syncer.client()
    first = client.push(pending, 0)
    before = hub.hub.high_water()
    for _ in range(3):
        again = client.push(pending, 0)
        assert again.acks == first.acks
    assert hub.hub.high_water() == before


def test_wrong_and_revoked_keys_garbage_and_oversized_bodies_are_refused(
        hub, tmp_path: Path) -> None:
    store = EventStore.open(tmp_path / "e.db", create=True)
    syncer = enrol(hub.hub, store, "Desk K")
    key = store.secret(sync_state.DEVICE_KEY).decode()
    with _raw(hub) as anonymous:
        assert anonymous.get("/changes").status_code == 401
        assert anonymous.get("/health").status_code == 200
        assert "/v1/push" in anonymous.get("/../openapi.json").text or \
            "/v1/push" in httpx.get(hub.address.url + "/openapi.json", verify=False).text
    with _raw(hub, "not-a-key") as wrong:
        assert wrong.get("/changes").status_code == 401
    with _raw(hub, key) as desk:
        garbage = desk.post("/push", content=b"\x00{not json", headers={
            "Content-Type": "application/json"})
        assert garbage.status_code == 422
        bad_change = desk.post("/push", json={"changes": [{"change_id": "x"}],
                                              "sent_at_ms": 0})
        assert bad_change.status_code == 422
        huge = desk.post("/push", content=b"[" + b" " * (17 * 1024 * 1024) + b"]",
                         headers={"Content-Type": "application/json"})
        assert huge.status_code == 413
        assert desk.get("/health").json()["status"] == "ok"  # still serving
        assert desk.get("/changes").status_code == 200
    assert hub.hub.revoke(store.device_id)
    with pytest.raises(HubRefused, match="removed from the hub"):
        syncer.sync_once()
    assert syncer.status.state.value == "refused"
    with _raw(hub, key) as revoked:
        assert revoked.get("/changes").status_code == 403


def test_only_organisers_list_and_revoke_devices(hub, tmp_path: Path) -> None:
    desk = EventStore.open(tmp_path / "f.db", create=True)
    organiser = EventStore.open(tmp_path / "g.db", create=True)
    desk_sync = enrol(hub.hub, desk, "Desk L")
    org_sync = enrol(hub.hub, organiser, "Console", DeviceRole.ORGANISER)
    names = {d.name for d in desk_sync.client().devices()}
    assert {"Desk L", "Console"} <= names
    with pytest.raises(HubRefused, match="organisers"):
        desk_sync.client().revoke(organiser.device_id)
    assert org_sync.client().revoke(desk.device_id).revoked
    with pytest.raises(HubRefused):
        desk_sync.client().devices()


def test_a_long_poll_wakes_within_moments_of_a_push(hub, tmp_path: Path, event: Event) -> None:
    a = EventStore.open(tmp_path / "a.db", create=True)
    b = EventStore.open(tmp_path / "b.db", create=True)
    sync_a, sync_b = enrol(hub.hub, a, "Desk A"), enrol(hub.hub, b, "Desk B")
    sync_a.sync_once()
    sync_b.sync_once()
    woke: list[int] = []
    waiter = threading.Thread(target=lambda: woke.append(sync_b.pull(wait=20)))
    waiter.start()
    time.sleep(0.3)
    Desk(a, "Desk A").scan(event.codes[2])
    sync_a.push()
    waiter.join(10)
    assert woke == [1]  # well before the 20 s wait ran out (join would have failed)


def test_clocks_a_day_apart_agree_and_each_desk_is_told_of_its_own_clock(
        tmp_path: Path, event: Event, hub) -> None:
    import shutil

    now = time.time_ns() // 1_000_000
    walls = {"ahead": FakeWall(now + 24 * 3_600_000), "behind": FakeWall(now - 24 * 3_600_000)}
    stores, syncers = {}, {}
    for name, wall in walls.items():
        shutil.copy(event.package, tmp_path / f"{name}.db")
        stores[name] = EventStore.open(tmp_path / f"{name}.db", wall, create=True)
        syncers[name] = enrol(hub.hub, stores[name], name)
        syncers[name].sync_once()
    person = event.codes[3]
    Desk(stores["ahead"], "ahead").scan(person)
    attendee = stores["ahead"].conn.execute("SELECT id FROM attendees LIMIT 1").fetchone()[0]
    Desk(stores["ahead"], "ahead").edit(attendee, badge_name="From ahead")
    for wall in walls.values():
        wall.advance(60_000)  # a minute later, the desk a day behind scans and corrects
    Desk(stores["behind"], "behind").scan(person)
    Desk(stores["behind"], "behind").edit(attendee, badge_name="From behind")
    for _ in range(2):
        for name in ("behind", "ahead"):
            syncers[name].sync_once()
    assert derived_state(stores["ahead"]) == derived_state(stores["behind"])
    badge = stores["behind"].conn.execute("SELECT badge_name FROM attendees WHERE id = ?",
                                          (attendee,)).fetchone()[0]
    assert badge == "From behind"  # the later edit wins, though its desk's clock is a day slow
    first = stores["behind"].conn.execute(
        "SELECT device_id FROM checkins WHERE attendee_id = (SELECT attendee_id FROM checkins "
        "LIMIT 1) ORDER BY hlc LIMIT 1").fetchone()[0]
    assert first == stores["ahead"].device_id  # the earlier check-in counts
    assert "24 hours ahead of the hub's" in syncers["ahead"].status.clock_warning
    assert "24 hours behind the hub's" in syncers["behind"].status.clock_warning
    kinds = {item.kind.value for item in syncers["behind"].needs_attention()}
    assert {"double_checkin", "clashing_edit"} <= kinds


def test_pull_pages_and_cursor_move_together(hub, tmp_path: Path) -> None:
    store = EventStore.open(tmp_path / "p.db", create=True)
    syncer = enrol(hub.hub, store, "Desk P")
    client = syncer.client()
    first = client.pull(0, limit=5)
    assert [c.hub_seq for c in first.changes] == [1, 2, 3, 4, 5]
    assert first.next == 5 and first.high_water == hub.hub.high_water()
    assert client.pull(first.next, limit=5).changes[0].hub_seq == 6


def test_a_change_reusing_another_changes_number_is_refused_alone(hub, tmp_path: Path
                                                                  ) -> None:
    store = EventStore.open(tmp_path / "q.db", create=True)
    syncer = enrol(hub.hub, store, "Desk Q")
    existing = hub.hub.read(0, 1)[0]
    forged = Change("01900000-0000-7000-8000-000000000001", existing.device_id,
                    existing.device_seq, existing.hlc, ChangeKind.CHECKIN,
                    {"attendee_id": "A1", "at": "2026-11-28T09:00"})
    before = hub.hub.high_water()
    result = syncer.client().push([forged], 0)
    assert result.acks == [] and [c for c, _ in result.refused] == [forged.change_id]
    assert hub.hub.high_water() == before  # nothing stored
    assert HubClient(hub.address.url, None, None).close() is None


def test_a_kiosks_failed_find_me_tries_reach_the_organisers(hub, tmp_path: Path) -> None:
    """Counted on every console once synced: where and when, never what was typed."""
    from kiosk.core.changes import self_checkin
    from kiosk.services import dashboard as console

    kiosk = EventStore.open(tmp_path / "kiosk.db", create=True)
    organisers = EventStore.open(tmp_path / "organisers.db", create=True)
    try:
        kiosk_sync = enrol(hub.hub, kiosk, "Self 1")
        kiosk_sync.sync_once()
        for minute in range(2):
            kiosk.record(self_checkin.find_me_failed("Self 1", f"2026-11-28T09:0{minute}:00"))
        assert kiosk_sync.sync_once().pushed == 2
        enrol(hub.hub, organisers, "Console").sync_once()
        board = console.dashboard(organisers)
        assert board is not None
        assert [(d.desk, d.find_me_failed) for d in board.desks if d.find_me_failed] == [
            ("Self 1", 2)]
    finally:
        kiosk.close()
        organisers.close()
