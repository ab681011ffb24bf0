"""One ill-formed change can never stop sync: the hub refuses it on push (and a desk's attempt
to swap the event's ticket key); a desk served one by an old or compromised hub leaves it out,
takes in the rest and tells staff. A real hub over HTTPS on loopback."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.changes import Change, ChangeKind
from kiosk.core.ids import uuid7
from kiosk.services.desk import Desk
from kiosk.services.syncer import Syncer
from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.store.sync_attention import AttentionKind, needs_attention
from kiosk.sync.client import HubRefused
from kiosk.sync.protocol import change_json
from tests.unit.sync.hub_fixtures import Event, enrol, make_event


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("event"))


def _desk(tmp_path: Path, event: Event, hub, name: str):
    shutil.copy(event.package, tmp_path / f"{name}.db")
    store = EventStore.open(tmp_path / f"{name}.db", create=True)
    syncer = enrol(hub.hub, store, name)
    syncer.sync_once()
    return store, syncer


def _made_by(store: EventStore, seq: int, kind: ChangeKind, payload: dict) -> Change:
    return Change(uuid7(store.wall()), store.device_id, seq, store.next_stamp(), kind, payload)


def test_the_hub_refuses_an_ill_formed_push_and_stores_nothing(hub, tmp_path, event) -> None:
    store, syncer = _desk(tmp_path, event, hub, "Desk P")
    before = hub.hub.high_water()
    bad = _made_by(store, 900, ChangeKind.CHECKIN, {"attendee_id": 42, "at": "09:00"})
    with pytest.raises(HubRefused, match=r"could not be read \(checkin: attendee_id must be "
                                         r"text\)\. Nothing was stored"):
        syncer.client().push([bad], 0)
    assert hub.hub.high_water() == before
    store.close()


def test_no_device_can_swap_the_events_ticket_key(hub, tmp_path, event) -> None:
    store, syncer = _desk(tmp_path, event, hub, "Desk K")
    before = hub.hub.high_water()
    swap = _made_by(store, 901, ChangeKind.EVENT_UPDATE, {"fields": {"public_key": "ab" * 32}})
    with pytest.raises(HubRefused, match="would replace the event's ticket key"):
        syncer.client().push([swap], 0)
    assert hub.hub.high_water() == before
    # Passing on the organisers' own change (the same key) is what every desk copy does.
    assert sync_state.pending_count(store) == 0
    store.close()


def test_a_desk_leaves_out_what_it_cannot_read_takes_the_rest_and_says_so(
        hub, tmp_path, event, capsys) -> None:
    store, syncer = _desk(tmp_path, event, hub, "Desk A")
    other, other_syncer = _desk(tmp_path, event, hub, "Desk B")
    assert Desk(other, "Desk B").scan(event.codes[2]).outcome.value == "ok"
    # An old or compromised hub holds a poisoned change (written past the hub's own checks)
    # between two good ones from Desk B.
    poison = Change(uuid7(other.wall()), "rogue-desk", 1, other.next_stamp(),
                    ChangeKind.ATTENDEE_EDIT, {"id": "A1", "fields": {"status": "vip"}})
    hub.hub.append([poison], "rogue-desk")
    assert Desk(other, "Desk B").scan(event.codes[3]).outcome.value == "ok"
    other_syncer.sync_once()
    report = syncer.sync_once()  # no exception: the page is taken in
    assert report.pulled >= 2
    ids = {c.change_id for c in store.changes()}
    assert poison.change_id not in ids
    checked = store.conn.execute(
        "SELECT count(*) FROM attendees WHERE checked_in_hlc IS NOT NULL").fetchone()[0]
    assert checked == 2  # both of Desk B's check-ins arrived around it
    items = [i for i in needs_attention(store) if i.kind is AttentionKind.LEFT_OUT]
    assert len(items) == 1 and items[0].change_ids == (poison.change_id,)
    assert "from device rogue-desk could not be read and was left out: status must be one " \
        "of active, cancelled" in items[0].message
    syncer.sync_once()  # pulling on, it is not noted twice
    assert len([i for i in needs_attention(store) if i.kind is AttentionKind.LEFT_OUT]) == 1
    assert sync_state.cursor(store) >= hub.hub.high_water()
    path = store.db.conn.execute("PRAGMA database_list").fetchone()[2]
    store.close()
    other.close()
    capsys.readouterr()
    assert main(["attention", path, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [i["kind"] for i in listed].count("left_out") == 1
    assert "vip" not in json.dumps(listed)  # its content is never repeated


@pytest.fixture
def newer_hub(event: Event) -> Iterator[dict]:
    """A hub of a later version at the desk's hub address: its pages may hold kinds of change
    this version does not know. (A real HTTP server answering the pull.)"""
    served: dict = {"page": None}

    class Newer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(served["page"]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Newer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    served["url"] = f"http://127.0.0.1:{server.server_address[1]}"
    yield served
    server.shutdown()
    server.server_close()


def test_a_kind_this_version_does_not_know_is_left_out_not_a_stopped_sync(
        hub, tmp_path, event, newer_hub) -> None:
    store, _ = _desk(tmp_path, event, hub, "Desk A")
    other, _ = _desk(tmp_path, event, hub, "Desk B")
    Desk(other, "Desk B").scan(event.codes[4])
    check_in = next(c for c in other.changes() if c.kind is ChangeKind.CHECKIN)
    after = sync_state.cursor(store)
    known = {**change_json(check_in), "hub_seq": after + 1}
    future = {**change_json(check_in), "change_id": str(uuid7(other.wall())),
              "device_seq": check_in.device_seq + 1, "kind": "session.archive",
              "payload": {"id": "w1", "archived_by": "someone"}, "hub_seq": after + 2}
    newer_hub["page"] = {"changes": [future, known], "next": after + 2,
                         "high_water": after + 2}
    link = sync_state.hub_link(store)
    sync_state.save_hub_link(store, replace(link, url=newer_hub["url"]),
                             store.secret(sync_state.DEVICE_KEY))
    # The stand-in hub serves no signed list of devices: this desk knows the other desk.
    sync_state.save_known_devices(store, [sync_state.KnownDevice(
        other.device_id, "", other.signer().public_key, False)])
    assert Syncer(store).pull() == 1
    assert check_in.change_id in {c.change_id for c in store.changes()}
    assert sync_state.cursor(store) == after + 2  # moved past both: sync goes on
    items = [i for i in needs_attention(store) if i.kind is AttentionKind.LEFT_OUT]
    assert [i.change_ids for i in items] == [(future["change_id"],)]
    assert "(session.archive)" in items[0].message
    assert "does not know: update the app on this desk" in items[0].message
    store.close()
    other.close()


def test_a_key_swap_served_by_a_compromised_hub_is_left_out(hub, tmp_path, event) -> None:
    store, syncer = _desk(tmp_path, event, hub, "Desk S")
    genuine = event.codes[5]
    swap = Change(uuid7(store.wall()), "rogue-desk", 1, store.next_stamp(),
                  ChangeKind.EVENT_UPDATE, {"fields": {"public_key": "cd" * 32}})
    hub.hub.append([swap], "rogue-desk")  # past the hub's own checks
    syncer.sync_once()
    assert swap.change_id not in {c.change_id for c in store.changes()}
    items = [i for i in needs_attention(store) if i.kind is AttentionKind.LEFT_OUT]
    assert "replace the event's ticket key" in items[0].message
    # Tickets are still checked with the event's own key.
    assert Desk(store, "Desk S").scan(genuine).outcome.value == "ok"
    store.close()


def test_a_page_of_nothing_but_unknown_kinds_still_moves_the_desk_on(
        hub, tmp_path, event, newer_hub) -> None:
    store, _ = _desk(tmp_path, event, hub, "Desk U")
    after = sync_state.cursor(store)
    future = {"change_id": str(uuid7(store.wall())), "device_id": "newer-desk",
              "device_seq": 1, "hlc": store.next_stamp(), "kind": "session.archive",
              "payload": {"id": "w1"}, "hub_seq": after + 1}
    newer_hub["page"] = {"changes": [future], "next": after + 1, "high_water": after + 1}
    link = sync_state.hub_link(store)
    sync_state.save_hub_link(store, replace(link, url=newer_hub["url"]),
                             store.secret(sync_state.DEVICE_KEY))
    assert Syncer(store).pull() == 0
    assert sync_state.cursor(store) == after + 1  # not asked for the same page for ever
    assert len([i for i in needs_attention(store) if i.kind is AttentionKind.LEFT_OUT]) == 1
    store.close()
