"""Importing registration files into an event: counts, re-imports, duplicates, refusals."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.changes import ChangeKind
from kiosk.importing.records import ImportRefused
from kiosk.services.event_setup import NewEvent, create_event
from kiosk.services.registration_import import import_file
from kiosk.store import kept_columns, queries
from kiosk.store.event_store import EventStore

IMPORTS = Path(__file__).resolve().parents[2] / "data" / "imports"
HEADER = "Order #,First Name,Last Name,Email,Company,Ticket Type,Attendee Status,Which workshops?\n"


@pytest.fixture
def event(tmp_path: Path) -> EventStore:
    store = create_event(tmp_path / "event.db", NewEvent("Conf"))
    yield store
    store.close()


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


FIRST = [
    "1001,Ana,Popescu,ana@example.org,Hope Trust,Delegate,Attending,Engaging With Businesses",
    "1002,Dũng,Nguyễn,dung@example.org,,Speaker,Attending,",
    "1003,Jo,Smith,jo@example.org,Safe Routes,Delegate,Refunded,",
    "1004,Jo,Smith,jo@example.org,Safe Routes,Delegate,Attending,",
    "1005,Sam,Lee,group@example.org,,Delegate,Attending,",
    "1006,Kim,Lee,group@example.org,,Delegate,Attending,",
]


def test_first_import_counts(event: EventStore, tmp_path: Path) -> None:
    report = import_file(event, _write(tmp_path / "a.csv", FIRST))
    assert (report.read, report.created, report.updated, report.unchanged) == (6, 6, 0, 0)
    assert report.cancelled == 1
    # Jo Smith's refunded booking and her new one are a rebooking; the Lees share an email.
    assert report.duplicates == 0 and report.duplicate_rows == []
    assert report.new_sessions == ["Engaging With Businesses"]
    ana = queries.list_attendees(event.conn, search="ana popescu")[0]
    assert ana.organisation == "Hope Trust" and ana.sessions == ("s-engaging-with-businesses",)
    assert len(queries.list_attendees(event.conn, status="cancelled")) == 1


def test_duplicates_are_counted_among_active_registrations(
    event: EventStore, tmp_path: Path
) -> None:
    rows = ["2001,Jo,Smith,jo@example.org,,Delegate,Refunded,",
            "2002,Jo,Smith,jo@example.org,,Delegate,Attending,",
            "2003,Jo,Smith,jo@example.org,,Delegate,Attending,",
            "2004,Ana,Popescu,ana@example.org,,Delegate,Cancelled,",
            "2005,Ana,Popescu,ana@example.org,,Delegate,Attending,"]
    report = import_file(event, _write(tmp_path / "a.csv", rows), dry_run=True)
    assert report.duplicate_rows == [[3, 4]]  # Jo's two standing bookings, not Ana's rebooking
    assert report.duplicates == 1


def test_reimport_of_the_same_file_changes_nothing(event: EventStore, tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", FIRST)
    import_file(event, path)
    before = event.change_count()
    report = import_file(event, path)
    assert (report.created, report.updated, report.unchanged, report.missing) == (0, 0, 6, 0)
    assert event.change_count() == before


def test_reimport_updates_changed_fields_keeps_desk_edits_reports_missing(
    event: EventStore, tmp_path: Path
) -> None:
    import_file(event, _write(tmp_path / "a.csv", FIRST))
    ana = queries.list_attendees(event.conn, search="ana popescu")[0]
    dung = queries.list_attendees(event.conn, search="dung")[0]
    # At the desk: Ana's organisation corrected.
    event.record(ChangeKind.ATTENDEE_EDIT, {"id": ana.id, "fields": {"organisation": "Hope"}})
    newer = [
        # Ana: organisation changed in the file too, and her workshop; the desk's fix stays.
        "1001,Ana,Popescu,ana@example.org,Hope Trust UK,Delegate,Attending,",
        "1002,Dũng,Nguyễn,dung@example.org,Mekong Dawn,Speaker,Attending,",
        "1003,Jo,Smith,jo@example.org,Safe Routes,Delegate,Refunded,",
        "1004,Jo,Smith,jo@example.org,Safe Routes,Delegate,Attending,",
        "1005,Sam,Lee,group@example.org,,Delegate,Attending,",
    ]
    before = event.change_count()
    report = import_file(event, _write(tmp_path / "b.csv", newer))
    assert (report.created, report.updated, report.unchanged, report.missing) == (0, 2, 3, 1)
    assert event.change_count() == before + 2
    updates = list(event.changes())[-2:]
    assert updates[1].payload["fields"] == {"organisation": "Mekong Dawn"}
    ana_after = queries.get_attendee(event.conn, ana.id)
    assert ana_after.organisation == "Hope" and ana_after.sessions == ()
    assert queries.get_attendee(event.conn, dung.id).organisation == "Mekong Dawn"
    kim = queries.list_attendees(event.conn, search="kim lee")
    assert len(kim) == 1 and report.missing_ids == [kim[0].id]  # kept, reported


def test_dry_run_reports_and_writes_nothing(event: EventStore, tmp_path: Path) -> None:
    before = event.change_count()
    report = import_file(event, _write(tmp_path / "a.csv", FIRST), dry_run=True)
    assert report.created == 6 and report.dry_run
    assert event.change_count() == before
    assert queries.list_attendees(event.conn, status="all") == []


def test_bad_rows_are_reported_and_the_rest_imports(event: EventStore, tmp_path: Path) -> None:
    rows = [FIRST[0], "1010,,,nobody@example.org,,Delegate,Attending,", FIRST[1]]
    report = import_file(event, _write(tmp_path / "a.csv", rows))
    assert report.created == 2 and [e.row for e in report.errors] == [3]
    assert report.read == report.created + report.updated + report.unchanged + len(report.errors)


def test_an_interrupted_import_leaves_whole_batches_and_running_it_again_finishes_it(
    event: EventStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import is written in batches between the desk's scans: interrupted, no batch is
    half-written, and the same import run again writes only the rest."""
    import kiosk.store.appliers as appliers

    calls = {"n": 0}
    original = appliers._create_attendees

    def failing(conn, changes):  # the machine loses power half-way
        calls["n"] += 1
        original(conn, changes)
        raise OSError("disk unplugged")

    monkeypatch.setattr(appliers, "_create_attendees", failing)
    source = _write(tmp_path / "a.csv", FIRST)
    with pytest.raises(OSError):
        import_file(event, source)
    assert calls["n"] == 1
    assert queries.list_attendees(event.conn, status="all") == []  # the batch went whole
    sessions = queries.list_sessions(event.conn)  # the batch before it stands
    monkeypatch.setattr(appliers, "_create_attendees", original)
    again = import_file(event, source)
    assert again.created == len(queries.list_attendees(event.conn, status="all")) > 0
    assert queries.list_sessions(event.conn) == sessions and again.new_sessions == []
    assert import_file(event, source).unchanged == again.created  # nothing twice


def test_unreadable_file_is_refused(event: EventStore, tmp_path: Path) -> None:
    pdf = tmp_path / "export.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 4)
    with pytest.raises(ImportRefused):
        import_file(event, pdf)


@pytest.mark.parametrize("fixture", sorted(p.name for p in IMPORTS.glob("*.csv")))
def test_every_preset_imports_through_the_cli(
    fixture: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "e.db")
    assert main(["init", path, "--name", "Conf"]) == 0
    capsys.readouterr()
    assert main(["import", path, str(IMPORTS / fixture), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["read"] == report["created"] + report["updated"] + report["unchanged"] + \
        len({e["row"] for e in report["errors"]})
    assert report["created"] >= 5
    assert all(isinstance(report[k], int) for k in (
        "read", "created", "updated", "unchanged", "duplicates", "cancelled", "missing"))
    assert main(["attendees", path, "--status", "all", "--json"]) == 0
    people = json.loads(capsys.readouterr().out)
    assert len(people) == report["created"]
    assert sum(p["status"] == "cancelled" for p in people) == report["cancelled"]
    # A second import of the same export changes nothing.
    assert main(["import", path, str(IMPORTS / fixture), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["created"], again["updated"]) == (0, 0)


def test_cli_refusal_exits_2_with_a_message(tmp_path: Path, capsys) -> None:
    path = str(tmp_path / "e.db")
    main(["init", path, "--name", "Conf"])
    capsys.readouterr()
    bogus = tmp_path / "bogus.xlsx"
    bogus.write_bytes(b"PK\x03\x04 not really a workbook")
    assert main(["import", path, str(bogus)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Not imported:") and "Traceback" not in err
    shutil.copy(IMPORTS / "generic_delegates.csv", tmp_path / "g.csv")
    assert main(["import", path, str(tmp_path / "g.csv"), "--map", "Nope=first_name"]) == 2


# -- damaged names and columns kept by the organisers ----------------------------------------

TICKET_TAILOR = ("Issued ticket ID,Order ID,Event name,Ticket type,Barcode,Full name,First name,"
                 "Last name,Email,Mobile number,Status,Organisation,Pronouns\n")
# A Ticket Tailor export opened and re-saved in a spreadsheet that wrote it in another
# character set: five names lost or garbled letters; the others must not be flagged.
RESAVED = [
    ("Zbigniew", "?ukasiewicz", "Fundacja Wolno??"),  # Ł, ść lost to "?"
    ("Nguy?n", "Th? H?ng", "Hanoi Hope"),
    ("MaÅ‚gorzata", "WiÅ›niewska", "La Strada Polska"),  # UTF-8 read as Windows-1252
    ("??", "Wang", "Pearl River Women's Network"),  # a Chinese given name, all lost
    ("Hiwet", "Tesfamar\ufffdam", "Eritrean Community UK"),
    ("Łukasz", "Wróblewski", "Fundacja Wolność"),  # the rest: real names, many scripts
    ("Hồng Nhung", "Nguyễn", "Saigon Rescue Network"),
    ("مريم", "حداد", "Amal Women's Centre"),
    ("美玲", "陈", "Chinese Community Advice Centre"),
    ("ሳባ", "ተስፋማርያም", "Habesha Women's Network"),
    ("Zoë", "Ó Briain", "What Now?"),
]


def _resaved_export(path: Path) -> Path:
    rows = [f"it_{i},or_{i},Freedom 2025,Delegate,TTK{i:04d},{first} {last},{first},{last},"
            f"p{i}@example.org,+44 7700 9{i:05d},valid,\"{org}\",\n"
            for i, (first, last, org) in enumerate(RESAVED)]
    path.write_text(TICKET_TAILOR + "".join(rows), encoding="utf-8")
    return path


def test_damaged_names_are_reported_by_row_and_imported_unchanged(
    event: EventStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _resaved_export(tmp_path / "tickets.csv")
    report = import_file(event, path, dry_run=True)
    assert report.preset == "tickettailor"
    assert [(d.row, d.field) for d in report.damaged_names] == [
        (2, "last_name"), (2, "organisation"), (3, "first_name"), (3, "last_name"),
        (4, "first_name"), (4, "last_name"), (5, "first_name"), (6, "last_name")]
    garbled = next(d for d in report.damaged_names if d.value == "WiÅ›niewska")
    assert garbled.suggestion == "Wiśniewska" and "“Å›” is probably “ś”" in garbled.problem
    lost = report.damaged_names[0]
    assert lost.value == "?ukasiewicz" and "“?”" in lost.problem and lost.suggestion == ""
    # Nothing is changed without an organiser: imported as the file has them.
    import_file(event, path)
    assert {a.last_name for a in queries.list_attendees(event.conn, status="all")} >= {
        "?ukasiewicz", "WiÅ›niewska", "Wróblewski", "ተስፋማርያም"}

    assert main(["import", str(event_path(event)), str(path), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert ("Row 2: last name “?ukasiewicz” looks damaged: a letter was lost and shows as "
            "“?”") in text
    assert "Row 4: first name “MaÅ‚gorzata” looks damaged" in text
    assert "probably “Małgorzata”" in text
    assert "Wróblewski" not in text and "What Now?" not in text
    assert main(["import", str(event_path(event)), str(path), "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["damaged_names"][0] == {
        "row": 2, "field": "last_name", "value": "?ukasiewicz",
        "problem": "a letter was lost and shows as “?” (the file was saved in a format "
                   "without it)", "suggestion": ""}
    assert len(data["damaged_names"]) == 8


def event_path(store: EventStore) -> Path:
    return Path(store.conn.execute("PRAGMA database_list").fetchone()[2])


def test_every_column_is_mapped_kept_or_dropped_and_only_kept_ones_stay_here(
    event: EventStore, tmp_path: Path
) -> None:
    path = _resaved_export(tmp_path / "tickets.csv")
    report = import_file(event, path, mapping={"Mobile number": "keep"})
    fates = {c.heading: (c.fate, c.field) for c in report.columns}
    assert fates["Mobile number"] == ("kept", "")
    assert fates["Event name"] == ("dropped", "")
    assert fates["Last name"] == ("mapped", "last_name")
    assert report.kept == len(RESAVED) and report.kept_removed == 0
    lukasz = queries.list_attendees(event.conn, search="Wróblewski")[0]
    assert kept_columns.kept_for(event.conn, lukasz.id) == {"Mobile number": "+44 7700 900005"}
    log = "".join(p for (p,) in event.conn.execute("SELECT payload FROM changes"))
    assert "7700" not in log and "or_5" not in log and '"extra"' not in log

    # The same file again: nothing to write. A changed number: only that person's.
    assert import_file(event, path, mapping={"Mobile number": "keep"}).kept == 0
    changed = path.read_text(encoding="utf-8").replace("+44 7700 900005", "+44 7700 900555")
    path.write_text(changed, encoding="utf-8")
    dry = import_file(event, path, mapping={"Mobile number": "keep"}, dry_run=True)
    assert (dry.kept, dry.created, dry.updated) == (1, 0, 0)
    assert kept_columns.kept_for(event.conn, lukasz.id)["Mobile number"] == "+44 7700 900005"
    import_file(event, path, mapping={"Mobile number": "keep"})
    assert kept_columns.kept_for(event.conn, lukasz.id)["Mobile number"] == "+44 7700 900555"
    # The next import keeps what the organisers kept before, until they drop it.
    again = import_file(event, path)
    assert ("kept", "") in {(c.fate, c.field) for c in again.columns
                            if c.heading == "Mobile number"}
    assert (again.kept, again.kept_removed) == (0, 0)
    dropped = import_file(event, path, mapping={"Mobile number": "ignore"})
    assert dropped.kept_removed == len(RESAVED) and kept_columns.all_kept(event.conn) == {}
    assert {c.fate for c in import_file(event, path, dry_run=True).columns
            if c.heading == "Mobile number"} == {"dropped"}


def test_a_column_cannot_be_both_mapped_and_kept(
    event: EventStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _resaved_export(tmp_path / "tickets.csv")
    assert main(["import", str(event_path(event)), str(path), "--map", "Mobile number=desk_note",
                 "--keep", "Mobile number", "--dry-run"]) == 2
    assert "given to both --map and --keep" in capsys.readouterr().err


# -- limits, zero bytes and empty files in the report ------------------------------------------


def test_a_name_too_long_for_a_badge_is_a_row_error_and_the_rest_imports(
    event: EventStore, tmp_path: Path
) -> None:
    long_surname = "Lee" * 1_667  # 5,001 characters
    rows = [FIRST[0], f"1011,Kim,{long_surname},kim@example.org,,Delegate,Attending,",
            f"1012,Sam,Ng,sam@example.org,{'O' * 201},Delegate,Attending,",
            f"1013,Al,Ng,al@example.org,,{'T' * 5_000},Attending,", FIRST[1]]
    report = import_file(event, _write(tmp_path / "a.csv", rows))
    assert report.created == 2
    assert [(e.row, e.message) for e in report.errors] == [
        (3, "Row 3: the last name is 5,001 characters long; at most 200 fit on a badge and a "
            "desk's screen. Shorten it in the “Last Name” column and import again."),
        (4, "Row 4: the organisation is 201 characters long; at most 200 fit on a badge and "
            "a desk's screen. Shorten it in the “Company” column and import again."),
        (5, "Row 5: the category is 5,000 characters long; at most 200 fit on a badge and a "
            "desk's screen. Shorten it in the “Ticket Type” column and import again.")]
    assert not any(len(a.last_name) > 200 for a in queries.list_attendees(event.conn))


def test_headings_only_are_refused_and_no_one_is_proposed_for_cancelling(
    event: EventStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_file(event, _write(tmp_path / "a.csv", FIRST))
    before = event.change_count()
    capsys.readouterr()
    assert main(["import", str(event_path(event)), str(_write(tmp_path / "b.csv", []))]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("Not imported: There are no registrations in this file")
    assert "Cancel" not in out + err and "no longer in the file" not in out
    assert event.change_count() == before


def test_a_file_of_bad_rows_does_not_propose_cancelling_everyone(
    event: EventStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_file(event, _write(tmp_path / "a.csv", FIRST))
    capsys.readouterr()
    bad = _write(tmp_path / "b.csv", ["1010,,,nobody@example.org,,Delegate,Attending,"])
    assert main(["import", str(event_path(event)), str(bad), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "6 people imported before are not in this file; they were kept. No row of this " \
           "file could be imported: fix the rows listed below first." in out
    assert "Cancel them" not in out
    assert "  Row 2: no name" in out  # said once, not "Row 2: Row 2:"


def test_zero_bytes_are_removed_and_the_report_names_their_rows(
    event: EventStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes((HEADER + FIRST[0] + "\n" + FIRST[1].replace("Nguyễn", "Ngu\0yễn")
                      + "\n").encode())
    report = import_file(event, path)
    assert report.created == 2 and report.errors == []
    assert report.warnings[0].startswith("Row 3 held zero bytes (NUL")
    assert queries.list_attendees(event.conn, search="dung")[0].last_name == "Nguyễn"
    assert main(["import", str(event_path(event)), str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["warnings"] == report.warnings


def test_the_attention_list_counts_duplicates_among_active_registrations(
    event: EventStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = ["3001,Jo,Smith,jo@example.org,,Delegate,Refunded,",
            "3002,Jo,Smith,jo@example.org,,Delegate,Attending,",
            "3003,Ana,Popescu,ana@example.org,,Delegate,Attending,",
            "3004,Ana,Popescu,ana@example.org,,Delegate,Attending,"]
    import_file(event, _write(tmp_path / "a.csv", rows))
    capsys.readouterr()
    assert main(["attention", str(event_path(event)), "--json"]) == 0
    items = [i for i in json.loads(capsys.readouterr().out)
             if i["kind"] == "possible_duplicate"]
    assert [i["message"] for i in items] == [
        "2 records for Ana Popescu: the same person? Merge them if so."]


def _changes(event: EventStore) -> int:
    return event.conn.execute("SELECT count(*) FROM changes").fetchone()[0]


@pytest.mark.parametrize("how", ["edited", "moved"])
def test_an_import_refuses_a_file_changed_since_its_dry_run_and_writes_nothing(
        event: EventStore, tmp_path: Path, how: str) -> None:
    from kiosk.services.registration_import import plan_file, write_plan

    path = _write(tmp_path / "a.csv", FIRST)
    plan = plan_file(event.door, path)
    assert plan.report.created == 6
    if how == "edited":  # same size, one letter changed: only the contents tell
        path.write_text(path.read_text(encoding="utf-8").replace("Ana,", "Ann,"),
                        encoding="utf-8")
    else:
        path.rename(tmp_path / "b.csv")
    before = _changes(event)
    with pytest.raises(ImportRefused) as refused:
        write_plan(event, plan)
    said = {"edited": "a.csv has changed since the dry run. Look at the new dry run",
            "moved": "a.csv is no longer where it was read from"}[how]
    assert said in str(refused.value)
    assert _changes(event) == before
    assert queries.list_attendees(event.conn) == []


def test_an_import_refuses_when_the_registrations_changed_since_its_dry_run(
        event: EventStore, tmp_path: Path) -> None:
    from kiosk.services.registration_import import plan_file, write_plan

    plan = plan_file(event.door, _write(tmp_path / "a.csv", FIRST))
    import_file(event, _write(tmp_path / "other.csv", FIRST[:2]))  # e.g. a colleague's import
    before = _changes(event)
    with pytest.raises(ImportRefused, match="The event's registrations changed since this dry "
                                            "run"):
        write_plan(event, plan)
    assert _changes(event) == before
    assert len(queries.list_attendees(event.conn)) == 2
    assert write_plan(event, plan_file(event.door, tmp_path / "a.csv")).created == 4


def _accented_letters() -> list[str]:
    """Every Latin letter with a mark (é, ł, ǎ, ș, ễ…), capital and small."""
    marked = "łŁđĐøØħĦŧŦıƀðÐ"  # a stroke, not a combining mark
    return [chr(cp) for cp in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))
            if chr(cp).isalpha() and (chr(cp) in marked or any(
                unicodedata.combining(part) for part in unicodedata.normalize("NFD", chr(cp))))]


def _windows_1252(data: bytes) -> str:
    """As Windows reads UTF-8 bytes as Windows-1252: its five undefined bytes become the C1
    control characters of the same number."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


def test_every_misread_accented_letter_is_flagged_and_imported_as_the_file_has_it(
        event: EventStore, tmp_path: Path) -> None:
    """UTF-8 read as Windows-1252 or as Latin-1, for every accented letter at the start,
    middle and end of a name: "García" as "GarcÃ\u00ada", whose soft hyphen the import
    tidies into a space ("GarcÃ a"). Flagged in the import and in the attendee table; no
    suggestion is a wrong one; nothing is changed without an organiser."""
    from kiosk.core.text import clean
    from kiosk.services.attendee_table import name_check

    letters = _accented_letters()
    assert {"í", "Á", "Í", "Ï", "Ð", "Ý", "ł", "ș", "ễ", "ǎ"} <= set(letters)
    cases = []  # (row, field, the real name, the cell as the re-saved file has it)
    lines = ["First name,Surname,Email\n"]
    for letter in letters:
        for field, real in (("first_name", f"{letter}na"), ("last_name", f"Gar{letter}a"),
                            ("last_name", f"Mart{letter}")):
            for read in (_windows_1252, lambda data: data.decode("latin-1")):
                cell = read(real.encode("utf-8"))
                first, last = (cell, "Smith") if field == "first_name" else ("Ana", cell)
                cases.append((len(lines) + 1, field, real, cell))
                lines.append(f'"{first}","{last}",p{len(lines)}@example.org\n')
    path = tmp_path / "resaved.csv"
    path.write_text("".join(lines), encoding="utf-8")

    report = import_file(event, path)
    assert report.created == len(cases) and not report.errors
    flagged = {(d.row, d.field): d for d in report.damaged_names}
    people = {a.email: a for a in queries.list_attendees(event.conn)}
    missed, wrong = [], []
    for row, field, real, cell in cases:
        person = people[f"p{row - 1}@example.org"]
        assert getattr(person, field) == clean(cell)  # as the file has it, tidied
        found = flagged.get((row, field))
        if found is None or not name_check(person.first_name, person.last_name):
            missed.append((real, cell))
        elif found.suggestion not in ("", real):
            wrong.append((real, found.suggestion))
    assert missed == [] and wrong == []
    assert {d.field for d in report.damaged_names} == {"first_name", "last_name"}
    assert len(report.damaged_names) == len(cases)  # "Ana" and "Smith" are never flagged


@pytest.mark.parametrize("threaded", [False, True], ids=["inline", "with a writer thread"])
def test_an_import_s_batches_do_not_wait_for_the_disk_but_its_end_and_check_ins_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threaded: bool) -> None:
    """An import's batches commit without waiting for the disk; its closing commit, and any
    check-in made between its batches, wait — and with them every batch before."""
    import kiosk.services.registration_import as importing
    from kiosk.store.event_file import EventFile

    path = tmp_path / "event.db"
    create_event(path, NewEvent("Conference")).close()
    source = _write(tmp_path / "people.csv", [
        f"{2000 + n},Person{n},Surname{n},p{n}@example.org,,Delegate,Attending,"
        for n in range(30)])
    monkeypatch.setattr(importing, "BATCH", 10)
    monkeypatch.setattr(importing, "BATCH_INLINE", 10)
    seen: list[int] = []
    record_all = importing._record_all
    event = EventFile.open(path, threaded=threaded)

    def noting(store: EventStore, items: list) -> object:
        seen.append(store.conn.execute("PRAGMA synchronous").fetchone()[0])
        return record_all(store, items)

    def synchronous(store: EventStore) -> int:
        return store.conn.execute("PRAGMA synchronous").fetchone()[0]

    monkeypatch.setattr(importing, "_record_all", noting)
    with event:
        assert import_file(event, source).created == 30
        after = event.write(lambda store: (
            synchronous(store), store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]))
        checkin = event.write(synchronous)  # what a check-in's commit runs with
    assert seen == [1, 1, 1]  # 1: NORMAL, each batch
    assert checkin == 2  # 2: FULL
    assert after == ((2, 0) if threaded else (2, 1000))  # a writer thread checkpoints itself
