"""The check-in commands from the command line, as a script or a person would use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object]:
    code = main(list(args))
    out = capsys.readouterr().out
    try:
        return code, json.loads(out)
    except json.JSONDecodeError:
        return code, out


@pytest.fixture
def event(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "demo.db")
    assert main(["demo", path, "--attendees", "60", "--seed", "3"]) == 0
    capsys.readouterr()
    return path


def _someone(capsys: pytest.CaptureFixture[str], event: str) -> dict:
    _, people = run(capsys, "attendees", event, "--json")
    return next(p for p in people if p["status"] == "active" and p["last_name"])


def test_checkin_json_reports_every_outcome_with_exit_0(
    event: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    person = _someone(capsys, event)
    assert run(capsys, "tickets", event, "--out", str(tmp_path / "t"))[0] == 0
    rows = (tmp_path / "t" / "mail-merge.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "email,first_name,last_name,ticket_file,code"
    code = next(r.split(",")[-1] for r in rows[1:] if r.split(",")[0] == person["email"])
    status, ok = run(capsys, "checkin", event, code, "--desk", "Desk 2", "--operator", "Sam",
                     "--json")
    assert status == 0 and ok["outcome"] == "ok" and ok["attendee"]["id"] == person["id"]
    _, already = run(capsys, "checkin", event, code, "--desk", "Desk 5", "--json")
    assert already["outcome"] in {"already", "repeat"}
    assert already["first_checkin"]["device"] == "Desk 2"
    assert already["first_checkin"]["operator"] == "Sam"
    _, forged = run(capsys, "checkin", event, code[:-1] + ("0" if code[-1] != "0" else "1"),
                    "--json")
    assert forged["outcome"] in {"forged"}
    _, unknown = run(capsys, "checkin", event, "NOT-A-TICKET", "--json")
    assert unknown["outcome"] == "unknown" and unknown["attendee"] is None


def test_search_undo_walkin_edit_checkpoints(
    event: str, capsys: pytest.CaptureFixture[str]
) -> None:
    person = _someone(capsys, event)
    _, hits = run(capsys, "search", event, person["last_name"][:3], "--json")
    assert person["id"] in [h["id"] for h in hits]
    _, result = run(capsys, "checkin", event, "--attendee", person["id"], "--json")
    assert result["outcome"] == "ok"
    _, undone = run(capsys, "undo", event, "--json")
    assert undone["undone"] and undone["attendee"]["id"] == person["id"]
    _, walkin = run(capsys, "walkin", event, "--first", "Amani", "--last", "Tesfay",
                    "--category", "press", "--json")
    assert walkin["outcome"] == "ok" and walkin["code"].startswith("W1")
    _, edited = run(capsys, "edit", event, walkin["attendee"]["id"], "--badge-name", "Amani T.",
                    "--json")
    assert edited["badge_name"] == "Amani T."
    _, again = run(capsys, "checkin", event, walkin["code"], "--json")
    assert again["outcome"] in {"already", "repeat"}
    assert again["attendee"]["display_name"] == "Amani T."
    _, sessions = run(capsys, "sessions", event, "--json")
    workshop = sessions[0]["name"]
    run(capsys, "checkpoints", event, "--add", "Door 1", "--session", workshop)
    _, points = run(capsys, "checkpoints", event, "--json")
    assert [p["name"] for p in points] == ["Main desk", "Door 1"]
    _, door = run(capsys, "checkin", event, "--attendee", walkin["attendee"]["id"],
                  "--checkpoint", "Door 1", "--json")
    assert door["outcome"] == "not_booked"


def test_reissue_revokes_and_desk_package_cannot_issue(
    event: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    person = _someone(capsys, event)
    run(capsys, "tickets", event, "--out", str(tmp_path / "t1"))
    old = next(r.split(",")[-1] for r in (tmp_path / "t1" / "mail-merge.csv")
               .read_text(encoding="utf-8-sig").splitlines() if person["id"] in r)
    assert run(capsys, "tickets", event, "--reissue", person["id"])[0] == 0
    _, revoked = run(capsys, "checkin", event, old, "--json")
    assert revoked["outcome"] == "revoked"
    desk = str(tmp_path / "desk.db")
    assert run(capsys, "package", event, "--out", desk)[0] == 0
    assert main(["tickets", desk, "--out", str(tmp_path / "t2")]) == 2
    assert "not make them" in capsys.readouterr().err
    _, keys = run(capsys, "keys", desk, "--export-public", "--json")
    _, organiser_keys = run(capsys, "keys", event, "--json")
    assert keys == organiser_keys and len(keys["public_key"]) == 64


def test_missing_event_file_is_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["checkin", str(tmp_path / "nope.db"), "X"]) == 2
    assert "There is no event file" in capsys.readouterr().err


def test_a_ticket_file_scans_back_to_its_code_and_checks_in(
    event: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import zxingcpp
    from PIL import Image

    assert run(capsys, "tickets", event, "--out", str(tmp_path / "t"), "--format", "png")[0] == 0
    first = (tmp_path / "t" / "mail-merge.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    ticket_file, code = first.split(",")[-2:]
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "t" / ticket_file))
    assert [r.text for r in found] == [code]
    _, result = run(capsys, "checkin", event, found[0].text, "--json")
    assert result["outcome"] == "ok"
