"""The check-in file for the registration system, in that system's own column names."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kiosk.cli.after_event import CHECKIN_SYSTEMS
from kiosk.services.checkin_exports import SYSTEMS
from kiosk.services.desk import Desk
from kiosk.services.event_setup import NewEvent, create_event
from kiosk.services.exports import ExportError, export
from kiosk.services.registration_import import import_file
from kiosk.store import queries
from tests.conftest import DATA


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_cli_offers_every_system() -> None:
    assert set(CHECKIN_SYSTEMS) == set(SYSTEMS)


@pytest.fixture
def eventbrite_event(tmp_path: Path):
    store = create_event(tmp_path / "e.db", NewEvent("Conference"))
    import_file(store, DATA / "imports" / "eventbrite_attendee_summary.csv")
    yield store
    store.close()


def test_an_eventbrite_event_gets_eventbrites_own_columns(eventbrite_event, tmp_path) -> None:
    store = eventbrite_event
    people = [p for p in queries.list_attendees(store.conn, status="active") if p.external_barcode]
    came = people[0]
    assert Desk(store).check_in(came.id).outcome.value == "ok"
    walkin = Desk(store).walk_in("Wally", "Walker")
    assert walkin.outcome.value == "ok"
    result = export(store, "checkins", tmp_path / "back.csv")
    rows = _rows(result.path)
    assert list(rows[0]) == ["Attendee #", "Barcode #", "Attendee Status", "Check-In Date"]
    by_barcode = {r["Barcode #"]: r for r in rows}
    assert by_barcode[came.external_barcode]["Attendee Status"] == "Checked In"
    assert by_barcode[came.external_barcode]["Check-In Date"] != ""
    others = [r for r in rows if r["Barcode #"] != came.external_barcode]
    assert others and all(r["Attendee Status"] in ("Attending", "Not Attending") for r in others)
    assert all(r["Check-In Date"] == "" for r in others)
    # Walk-ins are not in the registration system, so they are not in its file.
    assert not any("Wally" in value for r in rows for value in r.values())
    assert len(rows) == len([p for p in queries.list_attendees(store.conn, status="all")
                             if p.external_barcode or p.external_ref])


def test_another_system_or_the_generic_file_can_be_asked_for(eventbrite_event, tmp_path) -> None:
    store = eventbrite_event
    generic = _rows(export(store, "checkins", tmp_path / "g.csv", "generic").path)
    assert list(generic[0]) == ["barcode", "checked_in", "checked_in_at"]
    assert {r["checked_in"] for r in generic} == {"false"}
    pretix = _rows(export(store, "checkins", tmp_path / "p.csv", "pretix").path)
    assert list(pretix[0]) == ["Order code", "Position ID", "Ticket secret", "Checked in"]
    with pytest.raises(ExportError, match="No check-in file for “zoom”"):
        export(store, "checkins", tmp_path / "z.csv", "zoom")


def test_pretix_references_are_split_back_into_order_and_position(tmp_path: Path) -> None:
    store = create_event(tmp_path / "e.db", NewEvent("Conference"))
    try:
        report = import_file(store, DATA / "imports" / "pretix_order_positions.csv")
        assert report.created > 0
        rows = _rows(export(store, "checkins", tmp_path / "p.csv").path)
        assert list(rows[0])[:2] == ["Order code", "Position ID"]
        assert all(r["Order code"] and r["Position ID"].isdigit() for r in rows)
    finally:
        store.close()
