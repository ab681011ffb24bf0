"""The printing commands: printers, print (waiting for the answer), print-queue, print-test."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from kiosk import cli
from kiosk.cli import common, printing
from kiosk.store import queries
from kiosk.store.event_store import EventStore


def _run(argv: list[str]) -> int:
    parser = cli.build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except cli.UserError as error:
        print(f"kiosk: {error}")
        return 2


def _someone(event_path: Path) -> str:
    store = EventStore.open(event_path)
    try:
        return queries.list_attendees(store.conn)[0].id
    finally:
        store.close()


def test_print_waits_for_the_badge_and_the_queue_shows_it(
    event_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    person = _someone(event_path)
    event = str(event_path)
    assert _run(["print", event, person, "--printer", "pdf-folder", "--layout", "cr80"]) == 0
    assert capsys.readouterr().out.split() == ["1", person, "Badge", "printed"]
    assert (event_path.parent / "event-badges").is_dir()
    assert _run(["print", event, person, "--printer", "pdf-folder"]) == 2
    assert "say why" in capsys.readouterr().out
    assert _run(["print", event, person, "--printer", "pdf-folder", "--reason", "lost"]) == 0
    capsys.readouterr()
    assert _run(["print-queue", event, "--json"]) == 0
    jobs = json.loads(capsys.readouterr().out)
    assert [(j["status"], j["reprint_reason"]) for j in jobs] == [("done", ""), ("done", "lost")]
    assert _run(["print-queue", event, "--cancel", "1"]) == 2
    assert "already printed" in capsys.readouterr().out


def test_printers_lists_the_pdf_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["printers", "--json"]) == 0
    printers = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert printers["pdf-folder"]["state"] == "ready"


def test_every_printing_command_has_help_with_an_example() -> None:
    parser = argparse.ArgumentParser(prog="kiosk")
    sub = parser.add_subparsers(dest="command")
    printing.register(sub, common.command)
    for name, command in sub.choices.items():
        text = command.format_help()
        assert "example:" in text and f"kiosk {name}" in text, name
    assert set(sub.choices) == {"printers", "print", "print-queue", "print-test"}
