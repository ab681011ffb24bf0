"""The hub takes bounded, sane input from every way in: parameters and bodies validated (4xx,
never 5xx), per-push limits and per-device rate limits with messages a desk shows, one event
per hub database, and check-ins of people nobody created held at desks, not applied."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.cli import main
from kiosk.core.changes import ChangeKind
from kiosk.services.desk import Desk
from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.store.sync_attention import needs_attention
from kiosk.sync.client import HubBusy
from kiosk.sync.hub_server import HubThread
from kiosk.sync.protocol import MAX_NUMBER, MAX_PAGE, MAX_PUSH
from kiosk.sync.rate_limits import PushLimits
from tests.unit.sync.hub_fixtures import Event, enrol, hub_log, make_event, running_hub


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("event"))


def _raw(hub: HubThread, key: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=hub.address.url + "/v1", verify=False, headers=headers)


def _key(store: EventStore) -> str:
    key = store.secret(sync_state.DEVICE_KEY)
    assert key is not None
    return key.decode()


def test_out_of_range_parameters_are_refused_not_a_server_error(any_hub: HubThread,
                                                                tmp_path: Path) -> None:
    store = EventStore.open(tmp_path / "d.db", create=True)
    enrol(any_hub.hub, store, "Desk P")
    with _raw(any_hub, _key(store)) as desk:
        for query in ("after=" + "1" + "0" * 23, "after=-1", "limit=0", "limit=10000000",
                      "wait=nan", "wait=inf", "wait=31", "clock=" + "9" * 30, "after=x"):
            answer = desk.get(f"/changes?{query}")
            assert answer.status_code == 422, query
        assert desk.post("/devices/" + "x" * 500 + "/revoke").status_code in (403, 422)
        assert desk.post("/wiped", json={"ordered_ms": 10**30}).status_code == 422
        assert desk.get("/changes").status_code == 200
        # The largest values allowed reach the hub's database and are answered, not a 500.
        for query in (f"after={MAX_NUMBER}", "clock=0", f"clock={MAX_NUMBER}",
                      f"limit={MAX_PAGE}"):
            answer = desk.get(f"/changes?{query}")
            assert answer.status_code == 200, (query, answer.text)
        assert desk.get(f"/changes?after={MAX_NUMBER}").json()["changes"] == []


@pytest.fixture
def tight_hub(backend: str, tmp_path: Path, event: Event) -> Iterator[HubThread]:
    with hub_log(backend, tmp_path) as log, running_hub(
            log, event, limits=PushLimits(changes=40, bytes=10**9, window_s=3600.0)) as server:
        yield server


def test_too_many_changes_or_bytes_in_one_push_are_413_and_nothing_is_stored(
        any_hub: HubThread, tmp_path: Path, event: Event) -> None:
    store = EventStore.open(tmp_path / "f.db", create=True)
    syncer = enrol(any_hub.hub, store, "Desk F")
    syncer.sync_once()
    Desk(store, "Desk F").scan(event.codes[0])
    change = sync_state.unacknowledged(store, 1)[0]
    from kiosk.sync.protocol import change_json

    before = any_hub.hub.high_water()
    with _raw(any_hub, _key(store)) as desk:
        many = desk.post("/push", json={"changes": [change_json(change)] * (MAX_PUSH + 1),
                                        "sent_at_ms": 0})
        assert many.status_code == 413 and "at most 2,000" in many.json()["detail"]
        junk = {"attendee_id": "nobody", "at": "2026-11-28T09:00:00", "desk": "x" * 9_000}
        big = [dict(change_json(change), payload=junk)] * 1_000
        answer = desk.post("/push", content=json.dumps({"changes": big, "sent_at_ms": 0}),
                           headers={"Content-Type": "application/json"})
        assert answer.status_code == 413 and "Nothing was stored" in answer.json()["detail"]
    assert any_hub.hub.high_water() == before


def test_a_flooding_desk_is_slowed_down_with_a_message_it_shows(
        tight_hub: HubThread, tmp_path: Path, event: Event) -> None:
    store = EventStore.open(tmp_path / "g.db", create=True)
    syncer = enrol(tight_hub.hub, store, "Desk G")
    syncer.sync_once()
    from kiosk.core.changes import self_checkin

    for n in range(60):  # a faulty desk recording far more than people could
        store.record(self_checkin.find_me_failed("Desk G", f"2026-11-28T09:{n:02d}:00"))
    assert sync_state.pending_count(store) > 40
    with pytest.raises(HubBusy, match="slowing it down"):
        syncer.sync_once()
    assert syncer.status.state.value == "offline"
    assert "slowing it down" in syncer.status.error


def test_a_made_up_device_and_check_ins_of_nobody(any_hub: HubThread, tmp_path: Path,
                                                  event: Event) -> None:
    from kiosk.core.changes import Change
    from kiosk.core.ids import uuid7

    rogue = EventStore.open(tmp_path / "rogue.db", create=True)
    rogue_sync = enrol(any_hub.hub, rogue, "Desk R")
    rogue_sync.sync_once()
    good = EventStore.open(tmp_path / "good.db", create=True)
    good_sync = enrol(any_hub.hub, good, "Desk S")
    good_sync.sync_once()
    template = Change(uuid7(), "madeup0001", 1, "1790000000000.00000.madeup0001",
                      ChangeKind.CHECKIN, {"attendee_id": "nobody", "at": "2026-11-28T09:00"})
    made_up = rogue.signer().sign(template)
    result = rogue_sync.client().push([made_up], 0)
    assert result.acks == [] and "not registered" in result.refused[0][1]
    # Signed by a real desk, a check-in of a person nobody created is stored at the hub…
    nobody = rogue.record(ChangeKind.CHECKIN, {"attendee_id": "nobody-yet",
                                               "at": "2026-11-28T09:00:00"})
    assert rogue_sync.sync_once().pushed == 1
    good_sync.sync_once()
    # …but a desk holds it under "needs attention" rather than counting it.
    assert good.conn.execute("SELECT count(*) FROM checkins").fetchone()[0] == 0
    held = [i for i in needs_attention(good) if i.kind.value == "held"]
    assert held and held[0].change_ids == (nobody.change_id,)
    # When that person arrives (a walk-in the rogue desk had not sent yet), it applies.
    rogue.record(ChangeKind.WALKIN, {"id": "nobody-yet", "fields": {
        "first_name": "Late", "last_name": "Arrival"}, "desk": "Desk R",
        "at": "2026-11-28T09:01:00"})
    rogue_sync.sync_once()
    good_sync.sync_once()
    assert good.conn.execute("SELECT attendee_id FROM checkins").fetchall() == [("nobody-yet",)]
    assert not [i for i in needs_attention(good) if i.kind.value == "held"]


def test_hub_import_refuses_a_second_event(tmp_path: Path, event: Event,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "other").mkdir()
    other = make_event(tmp_path / "other", attendees=20, seed=9)
    hub_path = tmp_path / "hub.db"
    assert main(["hub-import", "--db", str(hub_path), str(event.organiser)]) == 0
    capsys.readouterr()
    before = len(list(_all(hub_path)))
    assert main(["hub-import", "--db", str(hub_path), str(other.organiser)]) != 0
    assert "holds another event" in capsys.readouterr().err
    assert len(list(_all(hub_path))) == before


def _all(hub_path: Path):
    from kiosk.store.hub_log import SqliteHubLog

    log = SqliteHubLog(hub_path)
    try:
        return log.read(0, 1_000_000)
    finally:
        log.close()


_ENDPOINTS = [("GET", "/changes"), ("POST", "/push"), ("GET", "/snapshot"),
              ("GET", "/registry"), ("GET", "/devices"), ("POST", "/wiped"),
              ("POST", "/enrol"), ("POST", "/bundles"), ("GET", "/health"),
              ("POST", "/devices/{id}/revoke")]
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats()
                     | st.text(max_size=40),
                     lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)
_FIELDS = ["changes", "sent_at_ms", "event", "authors", "change_id", "device_id", "device_seq",
           "hlc", "kind", "payload", "hub_seq", "signature", "token", "public_key",
           "ordered_ms", "unsent"]


def test_fuzzed_requests_get_no_server_error_and_store_nothing(any_hub: HubThread,
                                                               tmp_path: Path) -> None:
    """Hypothesis over the protocol's fields and the OpenAPI paths: every answer is below
    500, and a refused request stores nothing."""
    store = EventStore.open(tmp_path / "z.db", create=True)
    enrol(any_hub.hub, store, "Desk Z")
    key = _key(store)
    schema = httpx.get(any_hub.address.url + "/openapi.json", verify=False).json()
    assert {f"/v1{p}".replace("{id}", "{device_id}") for _, p in _ENDPOINTS} <= set(
        schema["paths"])
    change = {"change_id": "01900000-0000-7000-8000-000000000001", "device_id": "abc",
              "device_seq": 1, "hlc": "1790000000000.00000.abc", "kind": "checkin",
              "payload": {"attendee_id": "A1", "at": "2026"}}
    client = _raw(any_hub, key)

    @settings(max_examples=150, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(endpoint=st.sampled_from(_ENDPOINTS),
           body=st.one_of(_JSON, st.dictionaries(st.sampled_from(_FIELDS), _JSON, max_size=5),
                          st.builds(lambda extra: {"changes": [change | extra],
                                                   "sent_at_ms": 1},
                                    st.dictionaries(st.sampled_from(_FIELDS), _JSON,
                                                    max_size=3))),
           query=st.dictionaries(st.sampled_from(["after", "limit", "wait", "clock"]),
                                 st.one_of(st.integers(), st.floats(), st.text(max_size=8)),
                                 max_size=3),
           # Control characters (DEL among them) are refused by httpx before they are sent.
           device=st.text(st.characters(min_codepoint=33, max_codepoint=0x2FFF,
                                        exclude_characters="/?#%",
                                        exclude_categories=("Cc",)), max_size=80))
    def one(endpoint, body, query, device) -> None:
        method, path = endpoint
        before = any_hub.hub.high_water()
        answer = client.request(method, path.replace("{id}", device or "x"), params=query,
                                content=json.dumps(body) if method == "POST" else None,
                                headers={"Content-Type": "application/json"}, timeout=30)
        assert answer.status_code < 500, (endpoint, body, query, answer.text)
        if answer.status_code >= 400:
            assert any_hub.hub.high_water() == before

    try:
        one()
    finally:
        client.close()
