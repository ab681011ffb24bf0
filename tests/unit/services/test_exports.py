"""Attendance exports checked cell by cell against a small known event, in CSV and XLSX."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from kiosk.core.changes import Change, ChangeKind
from kiosk.core.models import Session
from kiosk.core.refusal import Refusal
from kiosk.importing.records import SourceRecord
from kiosk.services.desk import Desk
from kiosk.services.event_setup import NewEvent, add_session, create_event
from kiosk.services.exports import EXPORTS, ExportError, export
from kiosk.services.registration_import import import_records
from kiosk.store import queries
from kiosk.store.event_store import EventStore

PEOPLE = [
    # first, last, email, organisation, barcode, workshops
    ("Дмитрий", "Иванов", "dima@example.org", "=HYPERLINK(\"http://x\")", "4711", ("TTT",)),
    ("美咲", "佐藤", "misaki@example.jp", "+44 20 7946 0000", "", ("TTT",)),
    ("Amira", "الهاشمي", "@amira@example.org", "-5", "9001", ()),
    ("Tab", "Start", "tab@example.org", "\tTabbed", "", ()),
    ("Carriage", "Return", "cr@example.org", "\rReturned", "", ()),
]


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _read_xlsx(path: Path) -> list[list[object]]:
    sheet = openpyxl.load_workbook(path).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def event(tmp_path: Path) -> EventStore:
    store = create_event(tmp_path / "event.db", NewEvent("Conf", "2026-11-28"))
    add_session(store, Session("s-ttt", "Train the Trainer Taster", capacity=1))
    add_session(store, Session("s-ewb", "Engaging With Businesses", capacity=20))
    import_records(store, [
        SourceRecord(row=i + 2, fields={
            "first_name": first, "last_name": last, "email": email, "organisation": org,
            "external_barcode": barcode, "external_ref": f"R{i}"},
            sessions=("Train the Trainer Taster",) if sessions else ())
        for i, (first, last, email, org, barcode, sessions) in enumerate(PEOPLE)
    ], [])
    store.record(ChangeKind.CHECKPOINT_UPSERT,
                 {"id": "ttt-door", "name": "TTT door", "session_id": "s-ttt"})
    yield store
    store.close()


def _id(store: EventStore, first: str) -> str:
    return next(a.id for a in queries.list_attendees(store.conn, status="all")
                if a.first_name == first)


def _at(hour: int, minute: int) -> datetime:
    return datetime(2026, 11, 28, hour, minute)


def _day(event: EventStore) -> dict[str, str]:
    """Two arrive at the main desk, one goes to a workshop door with an override, a walk-in,
    and the same person checked in again by a desk that was offline."""
    desk = Desk(event, "Desk 1", "Sam", now=lambda: _at(9, 5))
    desk.check_in(_id(event, "Дмитрий"))
    Desk(event, "Desk 2", "Kim", now=lambda: _at(9, 20)).check_in(_id(event, "美咲"))
    door = Desk(event, "TTT door", "Ola", checkpoint="ttt-door", now=lambda: _at(11, 2))
    door.check_in(_id(event, "Дмитрий"))
    door.check_in(_id(event, "Amira"), override="speaker's guest")
    walkin = desk.walk_in("Walk", "=1+1", organisation="@Org")
    # A desk that was offline checked 美咲 in as well, later by its clock.
    event.receive([Change("01900000-0000-7000-8000-000000000001", "otherdesk01", 1,
                          event.next_stamp(), ChangeKind.CHECKIN,
                          {"attendee_id": _id(event, "美咲"), "checkpoint_id": "main",
                           "desk": "Desk 3", "operator": "Lee", "at": "2026-11-28T09:40:00",
                           "method": "scan", "override": ""})])
    return {"walkin": walkin.attendee.id}


def test_attendees_export_cell_by_cell_in_csv_and_xlsx(event: EventStore,
                                                      tmp_path: Path) -> None:
    _day(event)
    export(event, "attendees", tmp_path / "a.csv")
    export(event, "attendees", tmp_path / "a.xlsx")
    for rows in (_read_csv(tmp_path / "a.csv"), _read_xlsx(tmp_path / "a.xlsx")):
        header, *body = rows
        assert header[:4] == ["attendee_id", "first_name", "last_name", "organisation"]
        by_first = {row[1]: dict(zip(header, row, strict=True)) for row in body}
        assert set(by_first) == {"Дмитрий", "美咲", "Amira", "Tab", "Carriage", "Walk"}
        dima = by_first["Дмитрий"]
        assert dima["last_name"] == "Иванов"
        assert dima["organisation"] == "'=HYPERLINK(\"http://x\")"
        assert dima["checked_in"] in ("yes", True)
        assert dima["checked_in_at"] == "2026-11-28 09:05:00"
        assert dima["checked_in_desk"] == "Desk 1"
        assert dima["barcode"] == "4711"
        assert dima["workshops_booked"] == "Train the Trainer Taster"
        assert dima["workshops_attended"] == "Train the Trainer Taster"
        misaki = by_first["美咲"]
        assert (misaki["last_name"], misaki["organisation"]) == ("佐藤", "'+44 20 7946 0000")
        # The earliest check-in counts, not the later one from the offline desk.
        assert (misaki["checked_in_at"], misaki["checked_in_desk"]) == (
            "2026-11-28 09:20:00", "Desk 2")
        amira = by_first["Amira"]
        assert (amira["last_name"], amira["email"], amira["organisation"]) == (
            "الهاشمي", "'@amira@example.org", "'-5")
        assert amira["checked_in_at"] in ("", None)
        assert amira["workshops_attended"] == "Train the Trainer Taster"
        assert by_first["Tab"]["organisation"] == "'\tTabbed"
        # (XML turns a carriage return into a line feed; the quote is what matters.)
        assert by_first["Carriage"]["organisation"] in ("'\rReturned", "'\nReturned")
        walk = by_first["Walk"]
        assert (walk["last_name"], walk["organisation"]) == ("'=1+1", "'@Org")
        assert walk["walk_in"] in ("yes", True)


def test_xlsx_has_a_bold_frozen_header_text_cells_and_widths(event: EventStore,
                                                            tmp_path: Path) -> None:
    _day(event)
    export(event, "attendees", tmp_path / "a.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx").active
    assert sheet.title == "Attendance"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.column_dimensions["E"].width >= len("misaki@example.jp")
    assert sheet.column_dimensions["E"].width <= 52


def test_workshops_noshows_walkins_conflicts(event: EventStore, tmp_path: Path) -> None:
    ids = _day(event)
    export(event, "workshops", tmp_path / "w.csv")
    header, *rows = _read_csv(tmp_path / "w.csv")
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_name["Train the Trainer Taster"] | {} == {
        "workshop_id": "s-ttt", "workshop": "Train the Trainer Taster", "room": "",
        "starts": "", "capacity": "1", "booked": "2", "attended": "2", "attended_booked": "1",
        "attended_not_booked": "1"}
    assert by_name["Engaging With Businesses"]["attended"] == "0"

    export(event, "noshows", tmp_path / "n.csv")
    assert sorted(r[1] for r in _read_csv(tmp_path / "n.csv")[1:]) == [
        "Amira", "Carriage", "Tab"]

    export(event, "walkins", tmp_path / "k.xlsx")
    walkins = _read_xlsx(tmp_path / "k.xlsx")[1:]
    assert [row[0] for row in walkins] == [ids["walkin"]]

    export(event, "conflicts", tmp_path / "c.csv")
    header, *rows = _read_csv(tmp_path / "c.csv")
    found = [(r[0], r[3], r[6], r[9]) for r in rows]
    assert found == [("override", "Amira", "TTT door", "speaker's guest"),
                     ("duplicate", "美咲", "Desk 3", "")]


def test_generic_checkins_file_for_the_registration_system(event: EventStore,
                                                           tmp_path: Path) -> None:
    _day(event)
    export(event, "checkins", tmp_path / "c.csv")
    rows = _read_csv(tmp_path / "c.csv")
    assert rows[0] == ["barcode", "checked_in", "checked_in_at"]
    by_code = {row[0]: row[1:] for row in rows[1:]}
    # The imported barcode, else the system's own reference; walk-ins have neither.
    assert by_code == {"4711": ["true", "2026-11-28T09:05:00"],
                       "R1": ["true", "2026-11-28T09:20:00"], "9001": ["false", ""],
                       "R3": ["false", ""], "R4": ["false", ""]}


def test_audit_trail_has_ids_and_no_personal_data(event: EventStore, tmp_path: Path) -> None:
    _day(event)
    Desk(event, "Desk 1", "Sam").edit(_id(event, "Tab"), badge_name="Tabby Secret")
    export(event, "attendees", tmp_path / "a.csv")
    export(event, "audit", tmp_path / "audit.csv")
    text = (tmp_path / "audit.csv").read_text(encoding="utf-8-sig")
    for first, last, email, *_ in PEOPLE:
        assert first not in text and last not in text and email not in text
    assert "Tabby Secret" not in text and "Walk" not in text
    _, *rows = _read_csv(tmp_path / "audit.csv")
    actions = [r[1] for r in rows]
    assert actions.count("check-in") == 5 and "check-in by override" in actions
    assert "walk-in registered" in actions and "import" in actions
    edit = next(r for r in rows if r[1] == "edit")
    assert (edit[2], edit[3], edit[5], edit[6]) == ("Desk 1", "Sam", _id(event, "Tab"),
                                                    "changed badge_name")
    assert any(r[1] == "export" and r[6] == "attendees: 6 rows to a.csv" for r in rows)


def test_refusals_say_what_to_do(event: EventStore, tmp_path: Path) -> None:
    with pytest.raises(Refusal, match=r"\.csv or \.xlsx"):
        export(event, "attendees", tmp_path / "a.txt")
    with pytest.raises(ExportError, match="choose one of"):
        export(event, "everything", tmp_path / "a.csv")
    with pytest.raises(Refusal, match="does not exist"):
        export(event, "attendees", tmp_path / "nowhere" / "a.csv")
    assert set(EXPORTS) == {"attendees", "workshops", "noshows", "walkins", "conflicts",
                            "audit", "checkins"}
