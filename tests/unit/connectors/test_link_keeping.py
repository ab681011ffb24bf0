"""What the link keeps stays in the organisers' file: never a desk copy, the log or the hub."""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.cli import main as kiosk_main
from kiosk.services import registration_system as source
from kiosk.services.event_setup import NewEvent, create_event
from kiosk.services.ticket_issuing import make_desk_package
from kiosk.store.event_store import EventStore

TOKEN = "s3cr3t-pretix-token-0123456789abcdefghij"


def test_a_desk_copy_has_no_token_no_link_and_no_pushes(tmp_path: Path) -> None:
    store = create_event(tmp_path / "conference.db", NewEvent("Conference", "2026-12-08", ""))
    config = source.SourceConfig("pretix", "https://pretix.example", "charity", "conf", 12)
    with store.transaction():
        source._keep_config(store, config, TOKEN)
        store.conn.execute("INSERT INTO connector_pushes (change_id, state, updated_at) "
                           "VALUES ('0190', 'pushed', '2026-12-08T09:00:00+00:00')")
    assert store.secret(source.TOKEN) == TOKEN.encode()
    assert TOKEN not in json.dumps([c.payload for c in store.changes()])
    make_desk_package(store, tmp_path / "desk.db")
    store.close()
    copy = (tmp_path / "desk.db").read_bytes()
    assert TOKEN.encode() not in copy and b"pretix.example" not in copy
    desk = EventStore.open(tmp_path / "desk.db")
    assert desk.conn.execute("SELECT count(*) FROM connector_pushes").fetchone()[0] == 0
    assert source.source_state(desk).system == ""
    desk.close()


def test_the_state_of_a_file_with_no_system_and_the_refusal_to_pull(tmp_path: Path,
                                                                    capsys) -> None:
    create_event(tmp_path / "conference.db", NewEvent("Conference", "", "")).close()
    path = str(tmp_path / "conference.db")
    assert kiosk_main(["source", path, "--json"]) == 0
    state = json.loads(capsys.readouterr().out)
    assert {k: state[k] for k in ("system", "last_pull", "pending_push", "errors")} == {
        "system": None, "last_pull": None, "pending_push": 0, "errors": []}
    assert kiosk_main(["source", path, "pull"]) == 2
    assert "No registration system is connected" in capsys.readouterr().err
    assert kiosk_main(["source", path, "--pretix", "https://pretix.example"]) == 2
    assert "needs --organizer, --event, --token-file too" in capsys.readouterr().err


def test_an_address_in_the_clear_to_another_computer_is_refused_and_nothing_is_kept(
        tmp_path: Path, capsys) -> None:
    create_event(tmp_path / "conference.db", NewEvent("Conference", "", "")).close()
    path = str(tmp_path / "conference.db")
    for option in (["--sheet", "http://sheets.example.org/pub?output=csv"],
                   ["--pretix", "http://pretix.example.org", "--organizer", "o", "--event",
                    "e", "--token-file", str(tmp_path / "token.txt")]):
        (tmp_path / "token.txt").write_text(TOKEN)
        assert kiosk_main(["source", path, *option]) == 2
        said = capsys.readouterr().err
        assert "http://" in said and "https://" in said and "Nothing was kept" in said
        assert "tries again" not in said
    assert kiosk_main(["source", path, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["system"] is None
    assert TOKEN.encode() not in (tmp_path / "conference.db").read_bytes()


def test_a_server_that_cannot_be_reached_when_connecting_is_said_once_plainly(
        tmp_path: Path, capsys) -> None:
    create_event(tmp_path / "conference.db", NewEvent("Conference", "", "")).close()
    path = str(tmp_path / "conference.db")
    (tmp_path / "token.txt").write_text(TOKEN)
    # Port 9 on this computer: nothing listens, so the connection is refused at once.
    assert kiosk_main(["source", path, "--pretix", "http://127.0.0.1:9", "--organizer", "o",
                       "--event", "e", "--token-file", str(tmp_path / "token.txt")]) == 2
    said = capsys.readouterr().err
    assert said.count("cannot be reached") == 1 and "Nothing was kept" in said
    assert "check-ins wait here" not in said


def test_a_wipe_disconnects_the_link_so_no_pull_brings_anyone_back(tmp_path: Path) -> None:
    from kiosk.store.retention import wipe

    store = create_event(tmp_path / "conference.db", NewEvent("Conference", "2026-12-08", ""))
    config = source.SourceConfig("pretix", "https://pretix.example", "charity", "conf", 12)
    with store.transaction():
        source._keep_config(store, config, TOKEN)
    wipe(store)
    assert store.secret(source.TOKEN) is None
    assert source.source_state(store).system == ""
    store.close()
    assert TOKEN.encode() not in (tmp_path / "conference.db").read_bytes()
