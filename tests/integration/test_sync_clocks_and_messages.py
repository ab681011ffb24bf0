"""Honest clocks (the hub names the device whose clock is off, to that device and to the
organisers; a double check-in involving it says so) and what `kiosk sync` tells people."""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from pathlib import Path

import pytest

from kiosk.cli.sync import _status_printer
from kiosk.core.hlc import FakeWall
from kiosk.services.desk import Desk
from kiosk.store.event_store import EventStore
from kiosk.sync.client import IMPOSTOR, HubClient, HubRefused
from kiosk.sync.hub_server import HubThread
from kiosk.sync.tls import self_signed
from tests.unit.sync.hub_fixtures import Event, enrol, make_event


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("event"))


def _slow_desk(tmp_path: Path, event: Event, hub: HubThread, name: str, hours: float):
    import shutil

    wall = FakeWall(time.time_ns() // 1_000_000 - int(hours * 3_600_000))
    shutil.copy(event.package, tmp_path / f"{name}.db")
    store = EventStore.open(tmp_path / f"{name}.db", wall, create=True)
    return store, enrol(hub.hub, store, name), wall


def test_a_slow_desk_is_told_even_with_nothing_to_push_and_the_organisers_see_it(
        any_hub: HubThread, tmp_path: Path, event: Event) -> None:
    store, syncer, _ = _slow_desk(tmp_path, event, any_hub, "Slow desk", 2)
    syncer.sync_once()
    syncer = type(syncer)(store)  # a desk started afresh, with nothing to send
    report = syncer.sync_once()
    assert report.pushed == 0
    assert "2 hours behind the hub's" in syncer.status.clock_warning
    device = any_hub.hub.device(store.device_id)
    assert "its clock was 2 hours behind the hub's" in device.state()
    right = EventStore.open(tmp_path / "right.db", create=True)
    right_sync = enrol(any_hub.hub, right, "Right desk")
    right_sync.sync_once()
    assert right_sync.status.clock_warning == ""  # the desk whose clock is right is not blamed


def test_a_double_check_in_with_a_flagged_clock_says_so(any_hub: HubThread, tmp_path: Path,
                                                        event: Event) -> None:
    right = EventStore.open(tmp_path / "right.db", create=True)
    right_sync = enrol(any_hub.hub, right, "Right desk")
    right_sync.sync_once()
    slow, slow_sync, _ = _slow_desk(tmp_path, event, any_hub, "Slow desk", 2)
    Desk(slow, "Slow desk").scan(event.codes[0])  # before it ever reached the hub
    Desk(right, "Right desk").scan(event.codes[0])
    for syncer in (slow_sync, right_sync, slow_sync):
        syncer.sync_once()
    doubles = [i for i in right_sync.needs_attention() if i.kind.value == "double_checkin"]
    assert doubles and "clock was 2 hours behind" in doubles[0].message
    assert "which came first may be wrong" in doubles[0].message


def test_a_slow_desk_orders_its_later_check_in_after_an_earlier_one(
        any_hub: HubThread, tmp_path: Path, event: Event) -> None:
    right = EventStore.open(tmp_path / "right.db", create=True)
    right_sync = enrol(any_hub.hub, right, "Right desk")
    right_sync.sync_once()
    slow, slow_sync, wall = _slow_desk(tmp_path, event, any_hub, "Slow desk", 2)
    slow_sync.sync_once()  # it learns the hub's time
    Desk(right, "Right desk").scan(event.codes[1])  # first, then (offline) the slow desk
    wall.advance(60_000)
    Desk(slow, "Slow desk").scan(event.codes[1])
    for syncer in (slow_sync, right_sync, slow_sync):
        syncer.sync_once()
    attendee = slow.conn.execute("SELECT attendee_id FROM checkins LIMIT 1").fetchone()[0]
    first = slow.conn.execute("SELECT device_id FROM checkins WHERE attendee_id = ? "
                              "ORDER BY hlc LIMIT 1", (attendee,)).fetchone()[0]
    assert first == right.device_id
    doubles = [i for i in slow_sync.needs_attention() if i.kind.value == "double_checkin"]
    assert "Slow desk" in doubles[0].message  # the slow desk's is the duplicate


def _organisation(store: EventStore, attendee_id: str) -> str:
    return store.conn.execute("SELECT organisation FROM attendees WHERE id = ?",
                              (attendee_id,)).fetchone()[0]


def test_a_slow_desk_that_has_synced_wins_with_its_later_edit(
        any_hub: HubThread, tmp_path: Path, event: Event) -> None:
    """Once the hub has told a desk its clock is 2 hours slow, the desk stamps its edits with
    the hub's time, so its later correction of a person is the one every desk shows."""
    right = EventStore.open(tmp_path / "right.db", create=True)
    right_sync = enrol(any_hub.hub, right, "Right desk")
    right_sync.sync_once()
    slow, slow_sync, wall = _slow_desk(tmp_path, event, any_hub, "Slow desk", 2)
    slow_sync.sync_once()  # it learns the hub's time
    person = right.conn.execute("SELECT id FROM attendees ORDER BY id LIMIT 1").fetchone()[0]
    Desk(right, "Right desk").edit(person, organisation="Earlier Ltd")
    wall.advance(60_000)  # a minute later, at the slow desk (both offline)
    Desk(slow, "Slow desk").edit(person, organisation="Later Ltd")
    for syncer in (slow_sync, right_sync, slow_sync):
        syncer.sync_once()
    assert _organisation(right, person) == _organisation(slow, person) == "Later Ltd"
    clashes = [i for i in right_sync.needs_attention() if i.kind.value == "clashing_edit"]
    assert "Showing “Later Ltd”; also entered: “Earlier Ltd”" in clashes[0].message


def test_a_slow_desks_edit_made_before_it_ever_synced_is_flagged_not_silently_lost(
        any_hub: HubThread, tmp_path: Path, event: Event) -> None:
    """A desk 2 hours slow that had never reached the hub stamps its later edit hours early,
    so an earlier edit shows. Nobody can know better, but staff are told: the clash names
    the slow desk's clock and says which came later may be wrong, on both desks."""
    right = EventStore.open(tmp_path / "right.db", create=True)
    right_sync = enrol(any_hub.hub, right, "Right desk")
    right_sync.sync_once()
    slow, slow_sync, wall = _slow_desk(tmp_path, event, any_hub, "Slow desk", 2.1)
    person = right.conn.execute("SELECT id FROM attendees ORDER BY id LIMIT 1").fetchone()[0]
    Desk(right, "Right desk").edit(person, organisation="Earlier Ltd")
    wall.advance(60_000)
    Desk(slow, "Slow desk").edit(person, organisation="Later Ltd")  # before it ever synced
    for syncer in (slow_sync, right_sync, slow_sync):
        syncer.sync_once()
    shown = _organisation(right, person)
    assert _organisation(slow, person) == shown  # the desks agree, whichever it is
    for syncer in (right_sync, slow_sync):
        clashes = [i for i in syncer.needs_attention() if i.kind.value == "clashing_edit"]
        assert len(clashes) == 1
        assert "“Earlier Ltd”" in clashes[0].message and "“Later Ltd”" in clashes[0].message
        assert "Slow desk's clock was 2 hours behind" in clashes[0].message
        assert "which came later may be wrong" in clashes[0].message


def test_sync_once_json_tells_a_slow_desk_of_its_own_clock_with_nothing_to_push(
        any_hub: HubThread, tmp_path: Path, event: Event,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`kiosk sync DESK.db --once --json`, run in this process on a desk whose clock is two
    hours slow: the hub measures it from the pull alone, and the desk is told of its own
    clock; a desk whose clock is right is not blamed."""
    import json

    from kiosk.cli import main
    from kiosk.store import sync_state

    slow, syncer, _ = _slow_desk(tmp_path, event, any_hub, "Slow desk", 2)
    syncer.sync_once()  # it has synced before, and now has nothing to send
    assert sync_state.pending_count(slow) == 0
    # The file stays open here, with its slow clock: the command's door to it is this one.
    assert main(["sync", str(tmp_path / "Slow desk.db"), "--once", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["pushed"] == 0
    assert report["clock_warning"].startswith("This computer's clock is 2 hours behind the "
                                              "hub's."), report
    right = EventStore.open(tmp_path / "right.db", create=True)
    enrol(any_hub.hub, right, "Right desk")
    right.close()
    assert main(["sync", str(tmp_path / "right.db"), "--once", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["clock_warning"] == ""

def test_continuous_sync_prints_each_change_of_state_with_a_time(
        hub, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = EventStore.open(tmp_path / "desk.db", create=True)
    syncer = enrol(hub.hub, store, "Desk C")
    syncer.on_status = _status_printer(False)
    syncer.sync_once()
    assert hub.hub.revoke(store.device_id)
    with pytest.raises(HubRefused):
        syncer.sync_once()
    lines = capsys.readouterr().out.splitlines()
    assert re.match(r"\d\d:\d\d:\d\d connected to the hub", lines[0])
    assert re.match(r"\d\d:\d\d:\d\d refused by the hub: This desk was removed", lines[-1])


def test_continuous_sync_of_a_removed_desk_says_so_once_and_stays_quiet(
        hub, tmp_path: Path) -> None:
    """`kiosk sync DESK.db` run for real: round after round the hub refuses the desk, and
    the desk says so once — never "connected" in between."""
    import os
    import signal
    import subprocess
    import sys

    store = EventStore.open(tmp_path / "desk.db", create=True)
    enrol(hub.hub, store, "Desk R").sync_once()
    store.close()
    assert hub.hub.revoke(store.device_id)
    root = Path(__file__).resolve().parents[2]
    command = subprocess.Popen(  # backoff 1, 2, 4 s: three or four refused rounds
        [sys.executable, "-m", "kiosk", "sync", str(tmp_path / "desk.db")], cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(7)
    finally:
        command.send_signal(signal.SIGINT)
        out, err = command.communicate(timeout=20)
    lines = out.splitlines()
    assert len(lines) == 1, out + err
    assert re.match(r"\d\d:\d\d:\d\d refused by the hub: This desk was removed", lines[0])
    assert "Syncing" in err


def test_a_changed_certificate_is_named_and_the_key_is_never_sent(tmp_path: Path) -> None:
    cert, key = self_signed("127.0.0.1")
    (tmp_path / "c.pem").write_text(cert)
    (tmp_path / "k.pem").write_text(key)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "c.pem", tmp_path / "k.pem")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    received: list[bytes] = []

    def impostor() -> None:
        conn, _ = listener.accept()
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                received.append(tls.recv(65536))
        except (ssl.SSLError, OSError):
            pass

    thread = threading.Thread(target=impostor, daemon=True)
    thread.start()
    pinned, _ = self_signed("127.0.0.1")  # the certificate the desk enrolled with
    desk_key = "the-desks-secret-key-0123456789"
    client = HubClient(f"https://127.0.0.1:{listener.getsockname()[1]}", desk_key, pinned)
    with pytest.raises(HubRefused) as refused:
        client.pull(0)
    thread.join(5)
    listener.close()
    assert str(refused.value) == IMPOSTOR
    assert not any(desk_key.encode() in chunk for chunk in received)
