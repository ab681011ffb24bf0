"""The after-the-event commands end to end: export, report, backups, wipe, anonymise."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from kiosk.cli import after_event, common
from kiosk.core.refusal import Refusal
from kiosk.services.demo import create_demo_event
from kiosk.services.desk import Desk
from kiosk.store import queries


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="kiosk")
    after_event.register(parser.add_subparsers(), common.command)
    args = parser.parse_args(list(argv))
    return args.handler(args)


@pytest.fixture
def event(tmp_path: Path) -> Path:
    path = tmp_path / "event.db"
    store, _ = create_demo_event(path, attendees=20)
    for person in queries.list_attendees(store.conn)[:5]:
        Desk(store, "Desk 1").check_in(person.id)
    store.close()
    return path


def test_export_and_report(event: Path, tmp_path: Path, capsys) -> None:
    assert _run("export", str(event), "--out", str(tmp_path / "a.xlsx"),
                "--what", "noshows") == 0
    assert "row(s) (noshows)" in capsys.readouterr().out
    assert _run("report", str(event), "--out", str(tmp_path / "r.pdf")) == 0
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(Refusal, match=r"\.csv or \.xlsx"):
        _run("export", str(event), "--out", str(tmp_path / "a.ods"))


def test_backups_take_list_restore(event: Path, capsys) -> None:
    assert _run("backups", str(event)) == 0
    assert "No backups" in capsys.readouterr().out
    assert _run("backups", str(event), "--take") == 0
    assert _run("backups", str(event)) == 0
    listing = capsys.readouterr().out
    assert "  1  " in listing and "20 people, 5 check-ins" in listing
    assert _run("backups", str(event), "--restore", "1") == 0
    assert "Restored backup 1" in capsys.readouterr().out
    with pytest.raises(Refusal, match="no backup number 7"):
        _run("backups", str(event), "--restore", "7")


def test_wipe_and_anonymise_with_yes(event: Path, capsys) -> None:
    assert _run("anonymise", str(event), "--yes") == 0
    out = capsys.readouterr().out
    assert "names, emails" in out and "Anonymised: 20 people" in out
    assert _run("wipe", str(event), "--yes") == 0
    assert "Wiped" in capsys.readouterr().out
