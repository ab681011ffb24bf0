"""A server at the hub's address that answers something else: a plain message, nothing lost."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kiosk.core.checkin_rules import Outcome
from kiosk.services.desk import Desk
from kiosk.services.syncer import Syncer, SyncState
from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.sync.client import HubUnreachable
from tests.unit.sync.hub_fixtures import Event, enrol, make_event, running_hub, sqlite_hub

# What a captive portal, a broken proxy or another program might answer with "200 OK".
ANSWERS = {
    "html": ("text/html", b"<html><body>Please log in to the venue Wi-Fi</body></html>"),
    "wrong json": ("application/json", json.dumps({"acks": "all of them"}).encode()),
    "json list": ("application/json", b"[1, 2, 3]"),
    "truncated": ("application/json", b'{"acks": [{"change_id": "x", "hub_se'),
    "nulls": ("application/json", json.dumps({"acks": [None], "hub_time_ms": None}).encode()),
}


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("event"))


@pytest.fixture
def garbled_server(request: pytest.FixtureRequest) -> Iterator[str]:
    content_type, body = ANSWERS[request.param]

    class Garbled(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Garbled)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("garbled_server", list(ANSWERS), indirect=True)
def test_a_garbled_answer_is_a_plain_message_and_keeps_the_check_in(
        tmp_path: Path, event: Event, garbled_server: str) -> None:
    log = sqlite_hub(tmp_path)
    desk_path = tmp_path / "desk.db"
    desk_path.write_bytes(event.package.read_bytes())
    store = EventStore.open(desk_path)
    with running_hub(log, event, tls=False):
        syncer = enrol(log, store, "Desk 1")
        syncer.sync_once()
        syncer.close()
    log.close()
    assert Desk(store, "Desk 1").scan(event.codes[0]).outcome is Outcome.OK
    assert sync_state.pending_count(store) == 1
    # The hub's address now answers with something that is not a kiosk hub.
    link = sync_state.hub_link(store)
    assert link is not None
    key = store.secret(sync_state.DEVICE_KEY)
    assert key is not None
    sync_state.save_hub_link(store, replace(link, url=garbled_server), key)
    syncer = Syncer(store)
    with pytest.raises(HubUnreachable) as raised:
        syncer.sync_once()
    message = str(raised.value)
    assert "could not be read" in message and "nothing is lost" in message
    assert "Traceback" not in message and "KeyError" not in message
    assert syncer.status.state is SyncState.OFFLINE
    # The check-in is still here, still waiting to be sent.
    assert sync_state.pending_count(store) == 1
    syncer.close()
    store.close()
