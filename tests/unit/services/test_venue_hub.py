"""The console's hub on this computer (real HTTPS on loopback), desk copies and bundles."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import threading
from pathlib import Path

import pytest

from kiosk.cli import main as kiosk_main
from kiosk.services.desk import Desk
from kiosk.services.event_setup import SIGNING_KEY
from kiosk.services.syncer import Syncer
from kiosk.services.venue_hub import (
    HubConsoleError,
    NewDeskBundle,
    VenueHub,
    make_desk_copy,
    port_problem,
    take_bundle_file,
    write_bundle_file,
)
from kiosk.store import queries, sync_state
from kiosk.store.event_file import EventFile
from kiosk.store.event_store import EventStore
from kiosk.store.hub_log import SqliteHubLog
from kiosk.store.hub_records import DeviceRole, EnrolGrant
from kiosk.sync.enrolment import connect_desk, issue_token
from kiosk.sync.hub_import import load_event_into_hub
from kiosk.sync.hub_storage import open_hub_log
from tests.unit.sync.hub_fixtures import Event, make_event

HOST = "127.0.0.1"


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("event"))


@pytest.fixture
def organiser_path(tmp_path: Path, event: Event) -> Path:
    """A fresh copy of the organisers' file (loading it into a hub writes to it)."""
    path = tmp_path / "conference.db"
    shutil.copy(event.organiser, path)
    return path


@pytest.fixture
def organiser(organiser_path: Path):
    store = EventStore.open(organiser_path)
    yield store
    store.close()


@pytest.fixture
def organiser_event(organiser_path: Path):
    """The organisers' file as the app holds it while its hub runs: through its door, with
    a writer thread (the hub's exchange writes through it beside the test)."""
    event = EventFile.open(organiser_path, threaded=True)
    yield event
    event.close()


@pytest.fixture
def venue(organiser_path: Path):
    hub = VenueHub(str(organiser_path))
    yield hub
    hub.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def token_for(hub_location: str, name: str) -> str:
    """A token as the console's tab makes one: from the hub's database, on its own connection."""
    hub = open_hub_log(hub_location)
    try:
        return issue_token(hub, EnrolGrant(name, DeviceRole.DESK)).text()
    finally:
        hub.close()


def checked_in(store: EventStore | EventFile) -> int:
    if isinstance(store, EventFile):
        return store.read(lambda reader: queries.attendance_counts(reader.conn)[0])
    return queries.attendance_counts(store.conn)[0]


def test_the_hub_here_serves_a_desk_and_brings_its_check_ins_into_the_event(
        tmp_path: Path, organiser_event: EventFile, venue: VenueHub, event: Event) -> None:
    organiser = organiser_event
    port, location = free_port(), str(tmp_path / "hub.db")
    started = venue.start(organiser, location, port, HOST)
    assert started.url == f"https://{HOST}:{port}"
    assert started.loaded == organiser.read(lambda r: r.change_count()) > 0
    assert port_problem(HOST, port) is not None  # it really listens
    desk = EventStore.open(tmp_path / "desk.db", create=True)
    connect_desk(desk, token_for(location, "Desk 2"))
    syncer = Syncer(desk)
    syncer.sync_once()
    assert queries.attendance_counts(desk.conn)[1] == organiser.read(
        lambda r: queries.attendance_counts(r.conn)[1])
    before = checked_in(organiser)
    Desk(desk, "Desk 2").scan(event.codes[0])
    assert syncer.sync_once().pushed == 1
    venue.on_exchange = None
    pulled = venue.exchange_through(organiser)
    assert checked_in(organiser) == before + 1
    assert pulled <= 1  # the background exchange may have taken it in a moment before
    # and the other way: what the organisers record here reaches the desk through the hub
    organiser.write(lambda store: Desk(store, "Console").scan(event.codes[1]))
    venue.exchange_through(organiser)
    syncer.sync_once()
    assert checked_in(desk) == before + 2
    # the background exchange does the same by itself
    news = threading.Event()
    venue.on_exchange = lambda _changes: news.set()
    Desk(desk, "Desk 2").scan(event.codes[2])
    syncer.sync_once()
    assert news.wait(20)
    assert checked_in(organiser) == before + 3
    # stopped, the port is free; started again, desks carry on with the same certificate
    venue.stop()
    assert port_problem(HOST, port) is None
    again = venue.start(organiser, location, port, HOST)
    assert again.fingerprint == started.fingerprint and again.loaded == 0
    assert syncer.sync_once().pending == 0
    syncer.close()
    desk.close()


def test_a_hub_holding_another_event_is_refused(tmp_path: Path, organiser: EventStore,
                                                venue: VenueHub) -> None:
    (tmp_path / "other").mkdir()
    other = make_event(tmp_path / "other", attendees=3, seed=11)
    hub = SqliteHubLog(tmp_path / "hub.db")
    stranger = EventStore.open(other.organiser)
    load_event_into_hub(hub, stranger)
    stranger.close()
    held = hub.high_water()
    port = free_port()
    with pytest.raises(HubConsoleError, match="holds another event") as refused:
        venue.start(organiser, hub.location, port, HOST)
    assert "use a new hub database" in str(refused.value)
    assert hub.high_water() == held and not venue.running
    assert port_problem(HOST, port) is None
    hub.close()


def test_a_port_in_use_a_missing_folder_and_the_event_file_itself_are_refused(
        tmp_path: Path, organiser_path: Path, organiser: EventStore, venue: VenueHub) -> None:
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(HubConsoleError, match=f"Port {port} is already in use"):
            venue.start(organiser, str(tmp_path / "hub.db"), port, HOST)
    with pytest.raises(HubConsoleError, match="does not exist"):
        venue.start(organiser, str(tmp_path / "nowhere" / "hub.db"), free_port(), HOST)
    with pytest.raises(HubConsoleError, match="That is this event file"):
        venue.start(organiser, str(organiser_path), free_port(), HOST)
    assert not venue.running and not (tmp_path / "hub.db").exists()


def test_a_file_loaded_into_one_hub_is_not_served_by_another(
        tmp_path: Path, organiser_event: EventFile, venue: VenueHub) -> None:
    organiser = organiser_event
    venue.start(organiser, str(tmp_path / "first.db"), free_port(), HOST)
    venue.stop()
    with pytest.raises(HubConsoleError, match="loaded into another hub database"):
        venue.start(organiser, str(tmp_path / "second.db"), free_port(), HOST)
    venue.start(organiser, str(tmp_path / "first.db"), free_port(), HOST)
    assert venue.running


def test_a_desk_copy_checks_in_but_cannot_make_tickets(
        tmp_path: Path, organiser: EventStore, event: Event, capsys) -> None:
    copy = make_desk_copy(organiser, str(tmp_path / "desk3"))
    assert copy.path == tmp_path / "desk3.db"
    assert copy.people == queries.attendance_counts(organiser.conn)[1] > 0
    desk = EventStore.open(copy.path)
    assert desk.secret(SIGNING_KEY) is None and organiser.secret(SIGNING_KEY) is not None
    assert queries.attendance_counts(desk.conn)[1] == copy.people
    desk.close()
    assert kiosk_main(["checkin", str(copy.path), event.codes[0], "--desk", "Desk 3"]) == 0
    assert kiosk_main(["tickets", str(copy.path), "--out", str(tmp_path / "t")]) == 2
    assert "desk copy of the event" in capsys.readouterr().err
    with pytest.raises(HubConsoleError, match="already exists"):
        make_desk_copy(organiser, str(copy.path))


def test_a_desk_copy_in_a_folder_that_cannot_be_written_is_refused(
        organiser: EventStore) -> None:
    if not Path("/proc").is_dir():
        pytest.skip("needs a folder nobody can write to, even root: /proc")
    with pytest.raises(HubConsoleError, match="could not be written to"):
        make_desk_copy(organiser, "/proc/desk-copy.db")
    assert not Path("/proc/desk-copy.db").exists()


def test_a_bundle_from_a_desk_copy_is_taken_in_once_trusted(
        tmp_path: Path, organiser: EventStore, event: Event) -> None:
    copy = make_desk_copy(organiser, str(tmp_path / "desk3.db"))
    desk = EventStore.open(copy.path)
    Desk(desk, "Desk 3").scan(event.codes[4])
    written = write_bundle_file(desk, str(tmp_path / "desk3.bundle"))
    assert written.changes == 1
    before = checked_in(organiser)
    with pytest.raises(NewDeskBundle) as asked:
        take_bundle_file(organiser, str(written.path))
    assert asked.value.device_id == desk.device_id
    assert checked_in(organiser) == before  # nothing taken in before the question
    taken = take_bundle_file(organiser, str(written.path), trust_new_desk=True)
    assert (taken.received, taken.new) == (1, 1)
    assert checked_in(organiser) == before + 1
    again = take_bundle_file(organiser, str(written.path))  # known now: no question
    assert (again.received, again.new) == (1, 0)
    original = written.path.read_bytes()
    with pytest.raises(HubConsoleError, match="already exists"):
        write_bundle_file(desk, str(written.path))
    assert written.path.read_bytes() == original
    desk.close()


@pytest.mark.parametrize("damage", ["sealed", "signature"])
def test_a_tampered_bundle_is_refused_and_nothing_is_taken_in(
        tmp_path: Path, organiser: EventStore, event: Event, damage: str) -> None:
    copy = make_desk_copy(organiser, str(tmp_path / "desk4.db"))
    desk = EventStore.open(copy.path)
    Desk(desk, "Desk 4").scan(event.codes[5])
    written = write_bundle_file(desk, str(tmp_path / "desk4.bundle"))
    desk.close()
    outer = json.loads(written.path.read_bytes())
    if damage == "sealed":
        sealed = bytearray(outer["sealed"].encode())
        sealed[30] = ord("A") if sealed[30] != ord("A") else ord("B")
        outer["sealed"] = sealed.decode()
    else:
        outer["signature"] = "00" + outer["signature"][2:]
    written.path.write_text(json.dumps(outer))
    before = organiser.change_count()
    for trusted in (False, True):
        with pytest.raises(HubConsoleError, match="altered or damaged"):
            take_bundle_file(organiser, str(written.path), trust_new_desk=trusted)
    assert organiser.change_count() == before


def test_another_events_bundle_and_a_missing_file_are_refused(
        tmp_path: Path, organiser: EventStore) -> None:
    (tmp_path / "other").mkdir()
    other = make_event(tmp_path / "other", attendees=3, seed=11)
    stranger = EventStore.open(other.package)
    written = write_bundle_file(stranger, str(tmp_path / "other.bundle"))
    stranger.close()
    with pytest.raises(HubConsoleError, match="from another event"):
        take_bundle_file(organiser, str(written.path), trust_new_desk=True)
    with pytest.raises(HubConsoleError, match="There is no bundle at"):
        take_bundle_file(organiser, str(tmp_path / "nope.bundle"))


def test_a_bundle_from_a_desk_of_the_hub_here_needs_no_question_and_reaches_the_hub(
        tmp_path: Path, organiser_event: EventFile, venue: VenueHub, event: Event) -> None:
    organiser = organiser_event
    location = str(tmp_path / "hub.db")
    venue.start(organiser, location, free_port(), HOST)
    desk = EventStore.open(tmp_path / "desk.db", create=True)
    connect_desk(desk, token_for(location, "Desk 5"))
    syncer = Syncer(desk)
    syncer.sync_once()
    syncer.close()
    venue.exchange_through(organiser)  # the event file learns the hub's devices
    Desk(desk, "Desk 5").scan(event.codes[6])  # the network is down now: a USB stick
    written = write_bundle_file(desk, str(tmp_path / "desk5.bundle"))
    scan = sync_state.own_changes(desk)[-1]
    desk.close()
    before = checked_in(organiser)
    taken = organiser.write(lambda store: take_bundle_file(store, str(written.path)))
    assert taken.new == written.changes >= 1
    assert checked_in(organiser) == before + 1
    venue.exchange_through(organiser)
    assert venue.hub is not None
    assert scan.change_id in {c.change_id for c in venue.hub.read(0, 10_000)}


def test_a_busy_event_file_is_reported_and_the_desks_changes_arrive_once_it_is_free(
        tmp_path: Path, organiser_path: Path, organiser_event: EventFile, venue: VenueHub,
        event: Event) -> None:
    organiser = organiser_event
    location = str(tmp_path / "hub.db")
    venue.start(organiser, location, free_port(), HOST)
    desk = EventStore.open(tmp_path / "desk.db", create=True)
    connect_desk(desk, token_for(location, "Desk 6"))
    syncer = Syncer(desk)
    syncer.sync_once()
    troubles: list[str] = []
    trouble, back, news = threading.Event(), threading.Event(), threading.Event()
    venue.on_trouble = lambda text: (troubles.append(text),
                                     (back if not text else trouble).set())
    venue.on_exchange = lambda _changes: news.set()
    before = checked_in(organiser)
    # Another program (its own connection, not this process's door) holds the write lock.
    other_program = sqlite3.connect(organiser_path, isolation_level=None)
    other_program.execute("BEGIN IMMEDIATE")
    Desk(desk, "Desk 6").scan(event.codes[7])
    syncer.sync_once()
    assert trouble.wait(30)
    assert "Nothing is lost" in troubles[0] and checked_in(organiser) == before
    other_program.execute("ROLLBACK")
    other_program.close()
    assert back.wait(30) and news.wait(30)
    assert troubles == [troubles[0], ""]  # said once, and once that it is over
    assert checked_in(organiser) == before + 1
    syncer.close()
    desk.close()
