"""The event report: its figures from a known day, and the PDF rasterised and inspected."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from kiosk.core.changes import ChangeKind
from kiosk.core.refusal import Refusal
from kiosk.services import event_settings as settings
from kiosk.services import retention
from kiosk.services.demo import create_demo_event
from kiosk.services.desk import Desk
from kiosk.services.event_report import figures_for, write_report
from kiosk.services.event_setup import NewEvent, create_event
from kiosk.services.registration_import import import_file
from kiosk.store import queries
from kiosk.store.event_store import EventStore
from tests.ticket_types import IMPORTS, SURVIVORS, pdf_text, with_ticket_type


@pytest.fixture
def event(tmp_path: Path) -> EventStore:
    store, _ = create_demo_event(tmp_path / "event.db", attendees=60)
    people = queries.list_attendees(store.conn)
    start = datetime(2026, 11, 28, 8, 30)
    for i, person in enumerate(people[:30]):
        when = start + timedelta(minutes=2 * i)  # 08:30 … 09:28: four 15-minute slots
        Desk(store, f"Desk {1 + i % 2}", now=lambda when=when: when).check_in(person.id)
    session = queries.list_sessions(store.conn)[0]
    store.record(ChangeKind.CHECKPOINT_UPSERT,
                 {"id": "door", "name": "Door", "session_id": session.id})
    door = Desk(store, "Door", checkpoint="door", now=lambda: datetime(2026, 11, 28, 11, 5))
    for person in people[:5]:
        door.check_in(person.id, override="" if session.id in person.sessions else "late")
    yield store
    store.close()


def test_figures_of_a_known_day(event: EventStore) -> None:
    figures, wiped = figures_for(event)
    assert not wiped
    assert figures.checked_in == 30
    assert figures.arrivals == {"2026-11-28T08:30": 8, "2026-11-28T08:45": 7,
                                "2026-11-28T09:00": 8, "2026-11-28T09:15": 7}
    assert figures.desks["Desk 1"]["2026-11-28T08:30"] == 4
    assert figures.desks["Door"] == {"2026-11-28T11:00": 5}
    assert sum(came for _, came in figures.categories.values()) == 30
    workshop = figures.workshops[[w["id"] for w in figures.workshops].index(
        queries.list_sessions(event.conn)[0].id)]
    assert workshop["attended"] == 5
    assert figures.overrides == 5 - workshop["attended_booked"]


def _rasterise(pdf: Path) -> list[Image.Image]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler's pdftoppm is not installed")
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(pdf.with_suffix(""))],
                   check=True)
    pages = sorted(pdf.parent.glob(f"{pdf.stem}-*.png"))
    return [Image.open(p).convert("L") for p in pages]


def test_the_pdf_report_has_ink_on_each_page(event: EventStore, tmp_path: Path) -> None:
    path = write_report(event, tmp_path / "report.pdf")
    pages = _rasterise(path)
    assert 1 <= len(pages) <= 3
    for page in pages:
        dark = sum(page.histogram()[:128])
        assert dark > 500  # headings, charts and tables, not a blank page
    # The accent-blue bars of the arrivals chart are on the first page.
    colour = Image.open(sorted(tmp_path.glob("report-*.png"))[0]).convert("RGB")
    assert any(abs(r - 0x1F) < 12 and abs(g - 0x5F) < 12 and abs(b - 0x8B) < 12
               for _, (r, g, b) in colour.getcolors(maxcolors=1 << 20))
    log = event.conn.execute("SELECT action, detail FROM retention_log").fetchall()
    assert log == [("report", "event report to report.pdf")]


def test_after_a_wipe_the_report_uses_the_kept_figures(event: EventStore,
                                                       tmp_path: Path) -> None:
    before, _ = figures_for(event)
    retention.wipe_event(event)
    figures, wiped = figures_for(event)
    assert wiped and figures == before
    write_report(event, tmp_path / "after.pdf")
    assert (tmp_path / "after.pdf").stat().st_size > 1000


def test_report_refusals(event: EventStore, tmp_path: Path) -> None:
    with pytest.raises(Refusal, match=r"\.pdf"):
        write_report(event, tmp_path / "report.png")
    with pytest.raises(Refusal, match="does not exist"):
        write_report(event, tmp_path / "no" / "report.pdf")


def _layout_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def _category_rows(text: str) -> dict[str, tuple[str, ...]]:
    """The report's "Per category" table: each row's first cell and its figures."""
    table = text.split("Per category", 1)[1].split("Workshops:", 1)[0]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in re.split(r"\s{2,}", line.strip()) if c.strip()]
        if len(cells) == 4 and cells[0] != "Category":
            rows[cells[0]] = tuple(cells[1:])
    return rows


def test_the_report_names_a_discreet_category_by_its_label_only(tmp_path: Path) -> None:
    """The report goes to trustees and funders: a discreet category is shown by its badge
    label, or as "Discreet category" (numbered when several have none), with its figures."""
    store = create_event(tmp_path / "event.db", NewEvent("Freedom Day", "2026-05-02"))
    try:
        import_file(store, with_ticket_type(IMPORTS / "generic_delegates.csv",
                                            tmp_path / "generic.csv"))
        people = queries.list_attendees(store.conn)
        for person in people[::2]:
            Desk(store, "Desk 1").check_in(person.id)
        for name in (SURVIVORS, "Day pass"):
            assert settings.set_category_discreet(store, name, True).saved
        counts = {name: (str(registered), str(came), f"{100 * came / registered:.0f}%")
                  for name, (registered, came) in figures_for(store)[0].categories.items()}
        assert counts[SURVIVORS][0] != "0" and counts["Day pass"][0] != "0"

        rows = _category_rows(_layout_text(write_report(store, tmp_path / "one.pdf")))
        assert "survivor" not in pdf_text(tmp_path / "one.pdf").casefold()
        assert "day pass" not in pdf_text(tmp_path / "one.pdf").casefold()
        assert {rows["Discreet category 1"], rows["Discreet category 2"]} == {
            counts[SURVIVORS], counts["Day pass"]}
        assert rows["partner NGO"] == counts["partner NGO"]  # the others by name, as before

        assert settings.set_category_label(store, SURVIVORS, "Guest").saved
        rows = _category_rows(_layout_text(write_report(store, tmp_path / "two.pdf")))
        assert rows["Guest"] == counts[SURVIVORS]
        assert rows["Discreet category"] == counts["Day pass"]

        retention.wipe_event(store)  # the figures kept by the wipe are shown the same way
        text = pdf_text(write_report(store, tmp_path / "wiped.pdf")).casefold()
        assert "survivor" not in text and "guest" in text
    finally:
        store.close()
