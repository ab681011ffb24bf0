"""Badge commands from the command line: layouts, batches with filters, previews."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from kiosk.cli import main


@pytest.fixture
def event(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "demo.db")
    assert main(["demo", path, "--attendees", "40", "--seed", "5"]) == 0
    capsys.readouterr()
    return path


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(line.split()[-1] for line in info.stdout.splitlines()
                    if line.startswith("Pages:")))


def test_layouts_lists_the_bundled_layouts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layouts", "--json"]) == 0
    layouts = {x["name"]: x for x in json.loads(capsys.readouterr().out)}
    assert {"insert-4x3in", "cr80", "a4-8up-90x55", "letter-6up-4x3in"} <= set(layouts)
    assert (layouts["cr80"]["width_mm"], layouts["cr80"]["height_mm"]) == (85.6, 53.98)


def test_badges_by_category_one_a_page_and_imposed_on_sheets(
    event: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["attendees", event, "--json"]) == 0
    people = json.loads(capsys.readouterr().out)
    delegates = sum(p["category"] == "delegate" for p in people)
    single, sheet = tmp_path / "single.pdf", tmp_path / "sheet.pdf"
    assert main(["badges", event, "--layout", "cr80", "--out", str(single),
                 "--category", "delegate"]) == 0
    assert _pages(single) == delegates
    assert main(["badges", event, "--layout", "a4-8up-90x55", "--out", str(sheet)]) == 0
    assert _pages(sheet) == -(-len(people) // 8)


def test_preview_png_holds_the_attendee_ticket_code(
    event: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["attendees", event, "--json"]) == 0
    person = json.loads(capsys.readouterr().out)[0]
    out = tmp_path / "badge.png"
    assert main(["badge-preview", event, person["id"], "--layout", "insert-4x3in",
                 "--out", str(out)]) == 0
    capsys.readouterr()
    image = Image.open(out)
    assert abs(image.width - 4 * 203) <= 2  # 4 inches at 203 dpi
    codes = [r.text for r in zxingcpp.read_barcodes(image)]
    assert len(codes) == 1
    assert main(["checkin", event, codes[0], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["attendee"]["id"] == person["id"]


def test_unknown_layout_and_empty_selection_are_clear_messages(
    event: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["badges", event, "--layout", "nope", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "no such layout" in capsys.readouterr().err
    assert main(["badges", event, "--layout", "cr80", "--out", str(tmp_path / "x.pdf"),
                 "--checked-in"]) == 2
    assert "No attendees match" in capsys.readouterr().err


def test_badges_for_a_workshop_and_for_people_not_printed_yet(
    event: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.core.changes import ChangeKind
    from kiosk.store import queries
    from kiosk.store.event_store import EventStore

    store = EventStore.open(event)
    people = queries.list_attendees(store.conn, status="active")
    workshop = queries.list_sessions(store.conn)[0]
    booked = [a for a in people if workshop.id in a.sessions]
    assert 0 < len(booked) < len(people)
    store.record(ChangeKind.BADGE_PRINTED, {"attendee_id": booked[0].id, "at": "2026-11-28"})
    store.close()
    out = tmp_path / "badges.pdf"
    assert main(["badges", event, "--layout", "cr80", "--out", str(out),
                 "--workshop", workshop.name.upper()]) == 0
    assert _pages(out) == len(booked)
    assert main(["badges", event, "--layout", "cr80", "--out", str(out), "--not-printed"]) == 0
    assert _pages(out) == len(people) - 1
    assert main(["badges", event, "--layout", "cr80", "--out", str(out),
                 "--workshop", workshop.name, "--not-printed"]) == 0
    assert _pages(out) == len(booked) - 1
    capsys.readouterr()
    assert main(["badges", event, "--layout", "cr80", "--out", str(out),
                 "--workshop", "Underwater Basket Weaving"]) == 2
    assert "There is no workshop called “Underwater Basket Weaving”" in capsys.readouterr().err


@pytest.mark.parametrize(("change", "said"), [
    (lambda d: d["elements"].append({"type": "box", "x": 1, "y": 1, "width": 10, "height": 10,
                                     "fill": "#000000", "radius": 1e300}),
     "elements[9].radius: must be at most 5 (mm: half the box's shorter side"),
    (lambda d: d["page"].update(width=1e300), "page.width: must be at most 2000"),
])
def test_a_layout_out_of_range_is_named_not_reportlabs_words(
    event: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], change, said: str
) -> None:
    from kiosk.badges.resources import LAYOUTS_DIR

    document = json.loads((LAYOUTS_DIR / "cr80.json").read_text(encoding="utf-8"))
    change(document)
    layout = tmp_path / "mine.json"
    layout.write_bytes(b"\xef\xbb\xbf" + json.dumps(document).encode())  # as Notepad saves it
    assert main(["badges", event, "--layout", str(layout), "--out",
                 str(tmp_path / "b.pdf")]) == 2
    err = capsys.readouterr().err
    assert said in err and "_fp_one" not in err and "Traceback" not in err
