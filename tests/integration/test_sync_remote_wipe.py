"""Remote wipe of a lost desk through a real hub on loopback (SQLite and PostgreSQL hubs):
the desk sends what it holds, wipes everything personal, confirms; its key then stops
working, other desks carry on, and no one but its pinned hub can order it."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from kiosk.cli import main as kiosk_main
from kiosk.services.desk import Desk
from kiosk.services.print_service import badge_folder
from kiosk.services.syncer import DeskWiped, Syncer, SyncState
from kiosk.store import queries, sync_state
from kiosk.store.backups import backup_folder, take_backup
from kiosk.store.event_store import EventStore
from kiosk.sync.client import HubClient, HubRefused
from kiosk.sync.credentials import secret_hash
from kiosk.sync.hub_server import HubThread, hub_certificate
from kiosk.sync.hub_storage import open_hub_log
from kiosk.sync.tls import self_signed
from kiosk.sync.wipe_orders import ForgedWipeOrder, WipeOrder, new_hub_key, signed_order
from tests.conftest import need_real_part
from tests.unit.sync.hub_fixtures import (
    Event,
    enrol,
    fresh_postgres_database,
    make_event,
    postgres_url,
    running_hub,
)

WALKIN = ("Zebedee", "Quartermaine")


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    return make_event(tmp_path_factory.mktemp("event"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def hub_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "hub.db")
        return
    url = postgres_url()
    if not url:
        need_real_part("PostgreSQL: set KIOSK_TEST_POSTGRES (.ci/run starts a server)")
    with fresh_postgres_database(url) as database:
        yield database


def _kiosk(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    capsys.readouterr()
    code = kiosk_main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if "--json" in argv else out


def _personal_strings(store: EventStore) -> list[bytes]:
    """Every attendee's email, and names long enough not to turn up by chance."""
    found = {" ".join(WALKIN)} | set(WALKIN)
    for person in queries.list_attendees(store.conn, status="all"):
        if len(person.email) >= 4:
            found.add(person.email)
        found.update(n for n in (person.first_name, person.last_name) if len(n.encode()) >= 5)
    return sorted(s.encode() for s in found)


def _desk_files(path: Path) -> list[Path]:
    around = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal")) if p.exists()]
    for folder in (backup_folder(path), badge_folder(path)):
        if folder.exists():
            around += [p for p in folder.rglob("*") if p.is_file()]
    return around


def _leaks(path: Path, secrets: list[bytes]) -> list[tuple[str, bytes]]:
    return [(p.name, s) for p in _desk_files(path) for s in secrets if s in p.read_bytes()]


def _lost_desk(folder: Path, hub: Any, event: Event) -> tuple[Path, Syncer, EventStore]:
    """A desk that synced, checked people in, then recorded more before it went missing."""
    path = folder / "lost.db"
    store = EventStore.open(path, create=True)
    syncer = enrol(hub, store, "Desk lost")
    syncer.sync_once()
    desk = Desk(store, "Desk lost", "Volunteer")
    desk.scan(event.codes[0])
    assert syncer.sync_once().pushed == 1
    desk.scan(event.codes[1])  # these two never reach the hub before the desk is lost
    desk.walk_in(*WALKIN)
    folder_of_badges = badge_folder(path)
    folder_of_badges.mkdir(exist_ok=True)
    (folder_of_badges / "kiosk-badge-1.pdf").write_bytes(WALKIN[1].encode())
    take_backup(path)
    return path, syncer, store


def test_a_lost_desk_sends_what_it_holds_wipes_confirms_and_is_refused_after(
        hub_location: str, tmp_path: Path, event: Event,
        capsys: pytest.CaptureFixture[str]) -> None:
    hub = open_hub_log(hub_location)
    with running_hub(hub, event) as server:
        path, lost_sync, lost = _lost_desk(tmp_path, hub, event)
        other = EventStore.open(tmp_path / "other.db", create=True)
        other_sync = enrol(hub, other, "Desk other")
        other_sync.sync_once()
        unsent = {c.change_id for c in sync_state.unacknowledged(lost, 100)}
        assert len(unsent) >= 2
        secrets = _personal_strings(lost)
        assert len(secrets) > 20
        before = _leaks(path, secrets)
        names = {name for name, _ in before}
        assert "kiosk-badge-1.pdf" in names and names & {"lost.db", "lost.db-wal"}
        assert any(name.startswith("lost-2") for name, _ in before)  # the backup
        device, key = lost.device_id, lost.secret(sync_state.DEVICE_KEY).decode()
        lost_sync.close()
        lost.close()

        code, listed = _kiosk(capsys, "hub-devices", "--db", hub_location, "--wipe", device)
        assert code == 0 and "will wipe its personal data" in listed
        assert "WIPE ORDERED" in listed

        code, report = _kiosk(capsys, "sync", str(path), "--once", "--json")
        assert code == 4
        assert report["wiped"] is True and report["confirmed"] is True
        assert report["unsent_lost"] == 0 and report["sent_first"] == len(unsent)
        assert report["people_removed"] > 10

        held = {c.change_id: c for c in hub.read(0, 100_000)}
        assert unsent <= set(held)  # what the desk had not sent reached the hub first
        assert any(c.payload.get("fields", {}).get("last_name") == WALKIN[1]
                   for c in held.values())
        assert _leaks(path, secrets) == []
        assert not backup_folder(path).exists() and not badge_folder(path).exists()

        code, devices = _kiosk(capsys, "hub-devices", "--db", hub_location, "--json")
        mine = next(d for d in devices if d["device_id"] == device)
        theirs = next(d for d in devices if d["device_id"] == other.device_id)
        assert mine["wiped_ms"] >= mine["wipe_ordered_ms"] > 0 and mine["revoked"]
        assert theirs["wipe_ordered_ms"] is None and not theirs["revoked"]
        code, text = _kiosk(capsys, "hub-devices", "--db", hub_location)
        assert "WIPED (confirmed" in text

        with httpx.Client(base_url=server.address.url + "/v1", verify=False,
                          headers={"Authorization": f"Bearer {key}"}) as raw:
            assert raw.get("/changes").status_code == 403
            assert raw.post("/push", json={"changes": [], "sent_at_ms": 0}).status_code == 403

        # The other desk carries on, and receives what the lost desk sent last.
        report_other = other_sync.sync_once()
        assert report_other.pulled == len(unsent) and other_sync.status.online
        walkins = other.conn.execute("SELECT count(*) FROM attendees WHERE last_name = ?",
                                     (WALKIN[1],)).fetchone()[0]
        assert walkins == 1
        other_sync.close()
        other.close()

        # The wiped desk stays wiped and silent.
        code, again = _kiosk(capsys, "sync", str(path), "--once", "--json")
        assert code == 4 and again["wiped"] and again["people_removed"] == 0
        reopened = EventStore.open(path)
        assert Syncer(reopened).status.state is SyncState.WIPED
        assert reopened.conn.execute("SELECT count(*) FROM attendees").fetchone() == (0,)
        assert reopened.secret(sync_state.DEVICE_KEY) is None
        reopened.close()
    hub.close()


def test_the_order_survives_a_hub_restart(hub_location: str, tmp_path: Path, event: Event
                                          ) -> None:
    hub = open_hub_log(hub_location)
    with running_hub(hub, event) as server:
        port = int(server.address.url.rsplit(":", 1)[1])
        store = EventStore.open(tmp_path / "desk.db", create=True)
        syncer = enrol(hub, store, "Desk R")
        syncer.sync_once()
        assert hub.order_wipe(store.device_id, 1_700_000_000_000) is not None
    hub.close()

    hub = open_hub_log(hub_location)  # a fresh process's view: only what was stored
    assert hub.device(store.device_id).wipe_pending
    with HubThread(hub, port=port):
        with pytest.raises(DeskWiped) as wiped:
            syncer.sync_once()
        assert wiped.value.report.confirmed
    assert hub.device(store.device_id).wiped_ms is not None
    assert store.conn.execute("SELECT count(*) FROM attendees").fetchone() == (0,)
    syncer.close()
    store.close()
    hub.close()


def test_a_desk_that_was_told_finishes_its_wipe_without_the_hub_and_reports_later(
        tmp_path: Path, event: Event) -> None:
    hub = open_hub_log(str(tmp_path / "hub.db"))
    with running_hub(hub, event) as server:
        port = int(server.address.url.rsplit(":", 1)[1])
        store = EventStore.open(tmp_path / "desk.db", create=True)
        syncer = enrol(hub, store, "Desk H")
        syncer.sync_once()
        ordered = hub.order_wipe(store.device_id, 1_700_000_000_000)
    # Stopped after verifying the order (power cut): it must finish on its own.
    sync_state.record_wipe_order(store, ordered.wipe_ordered_ms, 0)
    with pytest.raises(DeskWiped) as wiped:
        syncer.sync_once()
    assert not wiped.value.report.confirmed and wiped.value.report.people > 0
    assert store.conn.execute("SELECT count(*) FROM attendees").fetchone() == (0,)
    assert hub.device(store.device_id).wiped_ms is None
    with HubThread(hub, port=port), pytest.raises(DeskWiped) as again:
        syncer.sync_once()
    assert again.value.report.confirmed
    assert hub.device(store.device_id).wiped_ms is not None
    syncer.close()
    store.close()
    hub.close()


def test_no_one_without_the_desks_key_hears_or_triggers_its_order(
        tmp_path: Path, event: Event) -> None:
    hub = open_hub_log(str(tmp_path / "hub.db"))
    with running_hub(hub, event) as server:
        lost = EventStore.open(tmp_path / "l.db", create=True)
        other = EventStore.open(tmp_path / "o.db", create=True)
        enrol(hub, lost, "Lost")
        other_sync = enrol(hub, other, "Other")
        hub.order_wipe(lost.device_id, 1_700_000_000_000)
        with httpx.Client(base_url=server.address.url + "/v1", verify=False) as anyone:
            health = anyone.get("/health")
            assert health.status_code == 200 and "wipe" not in health.json()
            refused = anyone.get("/changes")
            assert refused.status_code == 401 and "wipe" not in refused.json()
            wrong = anyone.post("/wiped", json={"ordered_ms": 1_700_000_000_000},
                                headers={"Authorization": "Bearer guessed"})
            assert wrong.status_code == 401
            own = anyone.get("/health", headers={
                "Authorization": f"Bearer {lost.secret(sync_state.DEVICE_KEY).decode()}"})
            assert own.status_code == 410 and own.json()["wipe"]["order"]["device_id"] == \
                lost.device_id
        assert other_sync.sync_once().pulled > 0  # not told to wipe
        assert hub.device(lost.device_id).wiped_ms is None  # nobody confirmed for it
        other_sync.close()
    for store in (lost, other):
        store.close()
    hub.close()


@contextmanager
def _impostor(answer: dict[str, Any], cert_pem: str, key_pem: str,
              folder: Path) -> Iterator[str]:
    """A server on loopback that answers every call with a 410 wipe order of its own."""
    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST"])
    def anything(path: str) -> JSONResponse:
        return JSONResponse({"detail": "wipe now", "wipe": answer}, status_code=410)

    (folder / "cert.pem").write_text(cert_pem)
    (folder / "key.pem").write_text(key_pem)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="off", log_level="warning",
        ssl_certfile=str(folder / "cert.pem"), ssl_keyfile=str(folder / "key.pem")))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive()
        time.sleep(0.01)
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        server.should_exit = server.force_exit = True
        thread.join(10)


def test_a_forged_wipe_answer_from_anyone_but_the_pinned_hub_does_nothing(
        tmp_path: Path, event: Event) -> None:
    hub = open_hub_log(str(tmp_path / "hub.db"))
    with running_hub(hub, event) as server:
        desk = tmp_path / "desk.db"
        shutil.copy(event.package, desk)
        store = EventStore.open(desk)
        syncer = enrol(hub, store, "Desk F")
        syncer.sync_once()
        neighbour = EventStore.open(tmp_path / "n.db", create=True)
        neighbour_sync = enrol(hub, neighbour, "Neighbour")
        hub.order_wipe(neighbour.device_id, 1_700_000_000_000)
        # A real order for the neighbour, signed by the hub, as someone listening caught it.
        with httpx.Client(base_url=server.address.url + "/v1", verify=False) as raw:
            for_neighbour = raw.get("/health", headers={"Authorization": "Bearer " + neighbour
                                    .secret(sync_state.DEVICE_KEY).decode()}).json()["wipe"]
        with pytest.raises(DeskWiped):
            neighbour_sync.sync_once()
        key = store.secret(sync_state.DEVICE_KEY).decode()
        link = sync_state.hub_link(store)
        assert link.hub_key  # learnt at enrolment
        for_me_by_someone_else = signed_order(
            WipeOrder(link.hub_id, store.device_id, secret_hash(key), 1_700_000_000_000),
            new_hub_key())
        attendees = store.conn.execute("SELECT count(*) FROM attendees").fetchone()[0]
        assert attendees > 10
        hub_cert = hub_certificate(hub, "127.0.0.1")
        stranger_cert, stranger_key = self_signed("127.0.0.1")
        cases = [
            # not the hub's certificate: the pinned TLS never lets the answer in, and the desk
            # says it is not its hub
            (for_me_by_someone_else, stranger_cert, stranger_key, HubRefused),
            # the hub's certificate (say its TLS key leaked), but not the hub's signature
            (for_me_by_someone_else, hub_cert.cert_pem, hub_cert.key_pem, ForgedWipeOrder),
            # the hub's own signature, on another desk's order
            (for_neighbour, hub_cert.cert_pem, hub_cert.key_pem, ForgedWipeOrder),
            # garbage
            ({"order": "wipe!"}, hub_cert.cert_pem, hub_cert.key_pem, ForgedWipeOrder),
        ]
        for n, (answer, cert, cert_key, refusal) in enumerate(cases):
            folder = tmp_path / f"impostor{n}"
            folder.mkdir()
            with _impostor(answer, cert, cert_key, folder) as url:
                impostor = Syncer(store, client=HubClient(url, key, link.certificate))
                with pytest.raises(refusal):
                    impostor.sync_once()
                assert impostor.status.state is (SyncState.REFUSED if refusal is HubRefused
                                                 else SyncState.OFFLINE)
                impostor.close()
            assert store.conn.execute("SELECT count(*) FROM attendees").fetchone()[0] == \
                attendees
            assert sync_state.wipe_record(store) is None
        # The real hub still serves this desk as before.
        assert syncer.sync_once().pushed == 0 and syncer.status.online
        syncer.close()
        neighbour_sync.close()
        assert server.hub.device(store.device_id).wipe_ordered_ms is None
    store.close()
    neighbour.close()
    hub.close()


def test_a_removed_desk_still_hears_its_order_and_the_changes_it_could_not_send_are_counted(
        tmp_path: Path, event: Event) -> None:
    hub = open_hub_log(str(tmp_path / "hub.db"))
    with running_hub(hub, event):
        store = EventStore.open(tmp_path / "desk.db", create=True)
        syncer = enrol(hub, store, "Desk X")
        syncer.sync_once()
        Desk(store, "Desk X").scan(event.codes[2])
        unsent = {c.change_id for c in sync_state.unacknowledged(store, 100)}
        assert hub.revoke(store.device_id)  # removed first: its pushes are refused
        hub.order_wipe(store.device_id, 1_700_000_000_000)
        with pytest.raises(DeskWiped) as wiped:
            syncer.sync_once()
        report = wiped.value.report
        assert (report.unsent, report.sent_first, report.confirmed) == (len(unsent), 0, True)
        assert not unsent & {c.change_id for c in hub.read(0, 100_000)}
        assert hub.device(store.device_id).wipe_unsent == len(unsent)
        assert store.conn.execute("SELECT count(*) FROM attendees").fetchone() == (0,)
        syncer.close()
    store.close()
    hub.close()


def test_a_wiped_desk_found_again_joins_with_a_new_token_and_takes_the_event_afresh(
        tmp_path: Path, event: Event) -> None:
    hub = open_hub_log(str(tmp_path / "hub.db"))
    with running_hub(hub, event):
        store = EventStore.open(tmp_path / "desk.db", create=True)
        syncer = enrol(hub, store, "Desk Y")
        syncer.sync_once()
        people = store.conn.execute("SELECT count(*) FROM attendees").fetchone()[0]
        hub.order_wipe(store.device_id, 1_700_000_000_000)
        with pytest.raises(DeskWiped):
            syncer.sync_once()
        syncer.close()
        assert store.conn.execute("SELECT count(*) FROM attendees").fetchone() == (0,)
        again = enrol(hub, store, "Desk Y")
        assert again.status.state is SyncState.OFFLINE
        again.sync_once()
        assert store.conn.execute("SELECT count(*) FROM attendees").fetchone()[0] == people > 0
        assert not hub.device(store.device_id).wipe_pending
        again.close()
    store.close()
    hub.close()
