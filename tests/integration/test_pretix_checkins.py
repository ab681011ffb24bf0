"""Check-ins from the desks back to a real pretix: once each, with the desks' times, by nonce."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.core.checkin_rules import Outcome
from kiosk.services import registration_system as source
from kiosk.services.desk import Desk
from kiosk.services.syncer import Syncer
from kiosk.services.venue_hub import VenueHub
from kiosk.store import queries
from kiosk.store.event_file import EventFile
from kiosk.store.event_store import EventStore
from kiosk.store.hub_records import DeviceRole, EnrolGrant
from kiosk.sync.enrolment import connect_desk, issue_token
from kiosk.sync.hub_storage import open_hub_log
from tests.integration.pretix_server import PretixServer, free_port
from tests.integration.pretix_steps import (
    cancel_order,
    checkins_by_secret,
    connect,
    orders,
    organisers_file,
    place_order,
    secrets_by_name,
)

ROOT = Path(__file__).resolve().parents[2]


def token_for(hub_location: str, name: str) -> str:
    hub = open_hub_log(hub_location)
    try:
        return issue_token(hub, EnrolGrant(name, DeviceRole.DESK)).text()
    finally:
        hub.close()


@pytest.fixture
def venue(tmp_path: Path):
    """The organisers' file as the app holds it with its hub running, and the hub."""
    path = organisers_file(tmp_path)
    event = EventFile.open(path, threaded=True)
    hub = VenueHub(str(path))
    yield event, hub, str(tmp_path / "hub.db")
    hub.stop()
    event.close()


def desk(folder: Path, hub_location: str, name: str) -> tuple[EventStore, Syncer]:
    store = EventStore.open(folder / f"{name}.db", create=True)
    connect_desk(store, token_for(hub_location, name))
    syncer = Syncer(store)
    syncer.sync_once()
    return store, syncer


def quiet_link(hub: VenueHub) -> None:
    """The hub started the link beside it (the file is connected); here the test does its
    rounds itself, one at a time, so what each one did can be told."""
    assert hub.registration_link is not None and hub.registration_link.running
    hub.registration_link.stop()


def same_moment(pretix_time: str, desk_time: str) -> bool:
    theirs = datetime.fromisoformat(pretix_time.replace("Z", "+00:00"))
    ours = datetime.fromisoformat(desk_time).astimezone()  # the desk's own zone
    return theirs == ours


def test_two_desks_check_in_offline_through_the_hub_and_pretix_has_each_once(
        venue, pretix: PretixServer, tmp_path: Path) -> None:
    organiser, hub, location = venue
    slug = pretix.take_event()
    connect(organiser, pretix, slug)
    connector = source.open_connector(organiser)
    source.pull(organiser, connector)
    hub.start(organiser, location, free_port(), "127.0.0.1")
    quiet_link(hub)
    desk1, sync1 = desk(tmp_path, location, "Desk 1")
    desk2, sync2 = desk(tmp_path, location, "Desk 2")
    code = secrets_by_name(pretix, slug)
    # offline: each desk decides alone
    amara = Desk(desk1, "Desk 1").scan(code["Amara Okonkwo"])
    gosia = Desk(desk2, "Desk 2").scan(code["Małgorzata Wiśniewska"])
    jose = Desk(desk2, "Desk 2").scan(code["José Álvarez"])
    again = Desk(desk1, "Desk 1").scan(code["Małgorzata Wiśniewska"])  # not synced yet
    assert {amara.outcome, gosia.outcome, jose.outcome, again.outcome} == {Outcome.OK}
    for syncer in (sync2, sync1):
        syncer.sync_once()
    hub.exchange_through(organiser)
    report = source.push(organiser, connector)
    # the second check-in of Małgorzata counts as a duplicate: pretix hears of her once
    assert report.as_json() == {"pushed": 3, "already": 1, "refused": 0, "pending": 0}
    seen = checkins_by_secret(pretix, slug)
    times = {row[0]: row[1] for row in organiser.read(lambda view: view.conn.execute(
        "SELECT a.external_barcode, c.at FROM checkins c JOIN attendees a "
        "ON a.id = c.attendee_id ORDER BY c.hlc").fetchall()[::-1])}
    for name in ("Amara Okonkwo", "Małgorzata Wiśniewska", "José Álvarez"):
        entries = seen[code[name]]
        assert len(entries) == 1, name
        assert same_moment(entries[0]["datetime"], times[code[name]]), name
    assert seen[code["Zoë Brontë"]] == []
    # an undo at a desk annuls the check-in in pretix
    assert Desk(desk2, "Desk 2").undo(jose.checkin_id).undone
    sync2.sync_once()
    hub.exchange_through(organiser)
    assert source.push(organiser, connector).as_json() == {
        "pushed": 1, "already": 0, "refused": 0, "pending": 0}
    assert checkins_by_secret(pretix, slug)[code["José Álvarez"]] == []
    # nothing left: pushing again sends nothing
    assert source.push(organiser, connector).as_json() == {
        "pushed": 0, "already": 0, "refused": 0, "pending": 0}
    for syncer in (sync1, sync2):
        syncer.close()
    desk1.close()
    desk2.close()
    connector.close()


def test_a_push_killed_midway_and_pushed_again_leaves_each_check_in_once(
        pretix: PretixServer, tmp_path: Path) -> None:
    slug = pretix.take_event()
    for n in range(24):
        place_order(pretix, slug, f"Late{n}", "Arrival", email=f"late{n}@example.org")
    path = organisers_file(tmp_path)
    with EventFile.open(path) as organiser:
        connect(organiser, pretix, slug)
        connector = source.open_connector(organiser)
        source.pull(organiser, connector)
        connector.close()
        store = organiser.store
        people = queries.list_attendees(store.conn, status="active")
        for person in people:
            assert Desk(store, "Console").check_in(person.id).outcome is Outcome.OK
    total = len(people)
    pushing = subprocess.Popen([sys.executable, "-m", "kiosk", "source", str(path), "push"],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watcher = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    told = 0
    while pushing.poll() is None and told < 5:
        told = watcher.execute("SELECT count(*) FROM connector_pushes "
                               "WHERE state = 'pushed'").fetchone()[0]
    os.kill(pushing.pid, signal.SIGKILL)
    pushing.wait()
    assert pushing.returncode == -signal.SIGKILL, "the push ended before it could be killed"
    told = watcher.execute("SELECT count(*) FROM connector_pushes WHERE state IN "
                           "('pushed', 'already')").fetchone()[0]
    watcher.close()
    assert 5 <= told < total
    with EventFile.open(path) as organiser:
        connector = source.open_connector(organiser)
        report = source.push(organiser, connector)
        connector.close()
    assert report.pushed + report.already == total - told
    assert report.refused == report.pending == 0
    seen = checkins_by_secret(pretix, slug)
    with EventFile.open(path) as organiser:
        codes = [a.external_barcode for a in
                 queries.list_attendees(organiser.store.conn, status="active")]
    assert sorted(len(seen[code]) for code in codes) == [1] * total


def test_pretix_s_objections_are_listed_for_staff_and_not_sent_again(
        pretix: PretixServer, tmp_path: Path) -> None:
    slug = pretix.take_event()
    path = organisers_file(tmp_path)
    with EventFile.open(path) as organiser:
        connect(organiser, pretix, slug)
        connector = source.open_connector(organiser)
        source.pull(organiser, connector)
        store = organiser.store
        code = secrets_by_name(pretix, slug)
        by_code = {a.external_barcode: a for a in
                   queries.list_attendees(store.conn, status="all")}
        # cancelled in pretix after the last pull: the desk still let her in
        siobhan = next(o["code"] for o in orders(pretix, slug)
                       if o["email"] == "siobhan@example.org")
        cancel_order(pretix, slug, siobhan)
        Desk(store, "Desk 1").check_in(by_code[code["Siobhán Ní Bhriain"]].id)
        # someone scanned in by pretix's own app before the desk's check-in
        with pretix.api() as api:
            api.post("checkinrpc/redeem/", json={"secret": code["Zoë Brontë"],
                                                 "lists": [pretix.events[slug]["list"]]})
        Desk(store, "Desk 1").check_in(by_code[code["Zoë Brontë"]].id)
        # a code pretix does not know (re-issued there, say)
        amara = by_code[code["Amara Okonkwo"]]
        store.conn.execute("UPDATE attendees SET external_barcode = 'not-a-pretix-code' "
                           "WHERE id = ?", (amara.id,))
        Desk(store, "Desk 1").check_in(amara.id)
        report = source.push(organiser, connector)
        assert report.as_json() == {"pushed": 2, "already": 0, "refused": 1, "pending": 0}
        state = organiser.read(source.source_state)
        reasons = sorted(item.reason for item in state.attention)
        assert reasons == ["already_redeemed", "canceled", "invalid"]
        assert all(item.message and "Siobhán" not in item.message for item in state.attention)
        # never retried for ever: the next push sends nothing
        assert source.push(organiser, connector).as_json() == {
            "pushed": 0, "already": 0, "refused": 0, "pending": 0}
        connector.close()


def test_a_late_order_and_a_cancellation_in_pretix_reach_a_desk(
        venue, pretix: PretixServer, tmp_path: Path) -> None:
    organiser, hub, location = venue
    slug = pretix.take_event()
    connect(organiser, pretix, slug)
    link = source.RegistrationLink(organiser.path, every_s=0.2)
    link.round(organiser)
    hub.start(organiser, location, free_port(), "127.0.0.1")
    quiet_link(hub)
    front, syncer = desk(tmp_path, location, "Desk 1")
    code = secrets_by_name(pretix, slug)
    # during the event: a late order, and a cancellation
    late = place_order(pretix, slug, "Ngozi", "Adébáyọ̀")["positions"][0]["secret"]
    dung = next(o["code"] for o in orders(pretix, slug) if o["email"] == "dung@example.org")
    cancel_order(pretix, slug, dung)
    assert Desk(front, "Desk 1").scan(late).outcome is Outcome.UNKNOWN  # not here yet
    # one pull, and a sync
    link.round(organiser)
    hub.exchange_through(organiser)
    syncer.sync_once()
    arrived = Desk(front, "Desk 1").scan(late)
    assert arrived.outcome is Outcome.OK and arrived.attendee.last_name == "Adébáyọ̀"
    refused = Desk(front, "Desk 1").scan(code["Nguyễn Văn Dũng"])
    assert refused.outcome is Outcome.CANCELLED
    syncer.close()
    front.close()


def test_the_link_runs_by_itself_pulling_and_pushing(
        pretix: PretixServer, tmp_path: Path) -> None:
    slug = pretix.take_event()
    path = organisers_file(tmp_path)
    with EventFile.open(path, threaded=True) as organiser:
        connect(organiser, pretix, slug)
        rounds: list[str] = []
        link = source.RegistrationLink(organiser.path, every_s=0.2, on_round=rounds.append)
        link.start()
        try:
            people = _wait_for(lambda: organiser.read(
                lambda view: queries.list_attendees(view.conn, status="active")))
            first = people[0]
            organiser.write(lambda store: Desk(store, "Console").check_in(first.id))
            _wait_for(lambda: checkins_by_secret(pretix, slug)[first.external_barcode])
            # The round that pulled may also have sent the check-in: the next comes by itself.
            _wait_for(lambda: link.rounds >= 2)
        finally:
            link.stop()
    assert "" in rounds and link.rounds >= 2


def _wait_for(found, seconds: float = 60):
    """Ask again until ``found`` gives something (the link works on its own thread)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("the link did not do it in time")


def test_a_revoked_token_and_an_unreachable_pretix_are_said_plainly_and_lose_nothing(
        pretix: PretixServer, tmp_path: Path) -> None:
    slug = pretix.take_event()
    team = pretix.teams["connector"]
    with pretix.api() as api:
        made = api.post(f"teams/{team}/tokens/", json={"name": "revoked soon"}).json()
    path = organisers_file(tmp_path)
    token_file = tmp_path / "token.txt"
    token_file.write_text(made["token"] + "\n", encoding="utf-8")
    done = _kiosk("source", str(path), "--pretix", pretix.url, "--organizer",
                  pretix.organizer, "--event", slug, "--token-file", str(token_file),
                  "--list", str(pretix.events[slug]["list"]))
    assert done.returncode == 0, done.stderr
    assert _kiosk("source", str(path), "pull", "--json").returncode == 0
    with EventFile.open(path) as organiser:
        store = organiser.store
        for person in queries.list_attendees(store.conn, status="active")[:3]:
            Desk(store, "Desk 1").check_in(person.id)
    with pretix.api() as api:
        assert api.delete(f"teams/{team}/tokens/{made['id']}/").status_code in (200, 204)
    refused = _kiosk("source", str(path), "pull")
    assert refused.returncode == 2
    assert "refused the API token" in refused.stderr and "Traceback" not in refused.stderr
    pushed = _kiosk("source", str(path), "push", "--json")
    assert pushed.returncode == 1 and '"pending": 3' in pushed.stdout
    state = _kiosk("source", str(path), "--json")
    assert "refused the API token" in state.stdout and '"pending_push": 3' in state.stdout
    assert made["token"] not in state.stdout + pushed.stdout + refused.stderr
    # pretix out of reach: the same check-ins still wait, said plainly
    dead = f"http://127.0.0.1:{_closed_port()}"
    with EventFile.open(path) as organiser:
        store = organiser.store
        store.set_setting(source.CONFIG, store.setting(source.CONFIG).replace(pretix.url, dead))
        store.set_secret(source.TOKEN, pretix.tokens["connector"].encode())
    unreachable = _kiosk("source", str(path), "push", "--json")
    assert unreachable.returncode == 1 and "cannot be reached" in unreachable.stderr
    assert '"pending": 3' in unreachable.stdout and "Traceback" not in unreachable.stderr
    # back in reach, with a good token: each sent once
    with EventFile.open(path) as organiser:
        store = organiser.store
        store.set_setting(source.CONFIG, store.setting(source.CONFIG).replace(dead, pretix.url))
    back = _kiosk("source", str(path), "push", "--json")
    assert back.returncode == 0 and '"pushed": 3' in back.stdout
    seen = checkins_by_secret(pretix, slug)
    assert sorted(len(v) for v in seen.values() if v) == [1, 1, 1]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again as the block ends


def _kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_kiosk_source_run_pulls_and_pushes_until_stopped(
        pretix: PretixServer, tmp_path: Path) -> None:
    slug = pretix.take_event()
    path = organisers_file(tmp_path)
    token_file = tmp_path / "token.txt"
    token_file.write_text(pretix.tokens["connector"] + "\n", encoding="utf-8")
    # No --list: the event's only check-in list is found.
    done = _kiosk("source", str(path), "--pretix", pretix.url, "--organizer",
                  pretix.organizer, "--event", slug, "--token-file", str(token_file))
    assert done.returncode == 0, done.stderr
    running = subprocess.Popen([sys.executable, "-m", "kiosk", "source", str(path), "run",
                                "--every", "1"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        people: list = []
        while time.monotonic() < deadline and not people:
            time.sleep(0.5)
            with EventFile.open(path) as event:
                people = event.read(lambda view: queries.list_attendees(view.conn,
                                                                        status="active"))
        assert people, "the running link did not pull"
        with EventFile.open(path) as event:
            event.write(lambda store: Desk(store, "Desk 1").check_in(people[0].id))
        while time.monotonic() < deadline:
            with EventFile.open(path) as event:
                if event.read(lambda view: view.conn.execute(
                        "SELECT count(*) FROM connector_pushes WHERE state = 'pushed'"
                ).fetchone()[0]):
                    break
            time.sleep(0.5)
        else:
            raise AssertionError("the running link did not push the check-in")
    finally:
        running.send_signal(signal.SIGTERM)
        out, err = running.communicate(timeout=60)
    assert running.returncode == 0, err
    assert out.startswith("Keeping conference.db in step") and "Traceback" not in err
    assert len(checkins_by_secret(pretix, slug)[people[0].external_barcode]) == 1
