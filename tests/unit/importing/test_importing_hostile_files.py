"""Hostile files are refused with what is wrong, or imported with a clear word, in bounded
memory: nothing a stranger can put in a registration file hangs or exhausts the app."""

from __future__ import annotations

import codecs
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile_files import (
    HEADINGS,
    cell,
    form_responses,
    picture,
    repeated,
    row,
    workbook,
    workshops_answer,
    zipped_csv,
)
from importing_helpers import WriteBytes, csv_text

from kiosk.importing import ImportRefused, read_registrations, sessions
from kiosk.importing.sessions import known_choices, split_choices
from kiosk.services.event_setup import NewEvent, create_event
from kiosk.services.import_preview import plan_import_through, preview_import_through
from kiosk.services.registration_import import import_file
from kiosk.store.event_file import EventFile

# What reading a refused file may take besides a few copies of the file itself (its bytes,
# its text, its first rows): a hostile file is refused long before it can use more, however
# much it unpacks to (the zip bombs below unpack to 150 MB to 1.1 GB).
MEMORY_BOUND = 48_000_000
COPIES = 5
# The limits as the README states them (kiosk.importing.limits).
MAX_FILE_BYTES = 100_000_000
MAX_PARTS = 10_000
MAX_CELLS = 10_000_000
MAX_ROW_CHARS = 5_000_000


def refused_within_memory(path: Path, **options: Any) -> str:
    """The refusal of ``path``, checked to have taken less than MEMORY_BOUND and COPIES
    times the file's size on the way (a count of allocations, not a time)."""
    tracemalloc.start()
    try:
        with pytest.raises(ImportRefused) as refused:
            read_registrations(path, **options)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = path.stat().st_size if path.is_file() else 0
    assert peak < MEMORY_BOUND + COPIES * size, f"reading took {peak:,} bytes before refusing"
    return str(refused.value)


# -- workbooks -------------------------------------------------------------------------------


def test_a_zip_bomb_cell_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    """One cell whose text unpacks to 300 MB (the file is a few hundred KB)."""
    path = workbook(tmp_path / "attendees.xlsx", [
        HEADINGS, b'<row><c t="inlineStr"><is><t>',
        *repeated(b"A" * 1024, 300 * 1024, block=1024), b"</t></is></c></row>"])
    assert path.stat().st_size < 2_000_000
    message = refused_within_memory(path)
    assert "“attendees.xlsx” has a cell" in message
    assert "more than 100,000 characters" in message


def test_three_million_rows_are_refused_by_the_sheets_own_size(tmp_path: Path) -> None:
    path = workbook(tmp_path / "attendees.xlsx",
                    [HEADINGS, *repeated(row("Ann", "Lee", "ann@example.org"), 3_000_000)],
                    dimension="A1:C3000001")
    message = refused_within_memory(path)
    assert "“attendees.xlsx” has 3,000,001 rows; kiosk reads at most 200,000" in message


def test_three_million_rows_are_refused_when_the_sheet_hides_its_size(tmp_path: Path) -> None:
    """No <dimension> (or a false one): the rows are counted, and counting stops at the limit."""
    path = workbook(tmp_path / "attendees.xlsx",
                    [HEADINGS, *repeated(row("Ann", "Lee", "ann@example.org"), 3_000_000)],
                    dimension="A1:C2")
    message = refused_within_memory(path)
    assert "has more than 200,000 rows" in message


def test_a_row_of_millions_of_cells_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "attendees.xlsx",
                    [HEADINGS, b"<row>", *repeated(b"<c/>", 5_000_000), b"</row>"])
    message = refused_within_memory(path)
    assert "row 2 has" in message and "at most 500 columns" in message


def test_millions_of_shared_strings_are_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "attendees.xlsx", [HEADINGS],
                    strings=repeated(b"<si><t>x</t></si>", 11_000_000))
    message = refused_within_memory(path)
    assert f"more than {MAX_CELLS:,} cells" in message


def test_a_workbook_that_declares_more_than_a_gigabyte_is_refused_unread(tmp_path: Path) -> None:
    path = workbook(tmp_path / "attendees.xlsx", [HEADINGS], extra={
        "xl/media/image1.png": repeated(b"\0" * 1_000_000, 1_100, block=1)})
    message = refused_within_memory(path)
    assert "“attendees.xlsx” unpacks to 1.1 GB" in message
    assert "at most 1.0 GB" in message


def test_a_swollen_settings_part_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "attendees.xlsx", [HEADINGS], extra={
        "xl/styles.xml": repeated(b" " * 1_000_000, 60, block=1)})
    message = refused_within_memory(path)
    assert "(xl/styles.xml) that unpacks to 60 MB" in message


def test_a_zip_of_too_many_parts_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "attendees.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(MAX_PARTS + 1):
            archive.writestr(f"xl/p{number}", b"")
    assert "10,001 or more parts" in refused_within_memory(path)


def test_formulas_without_saved_results_are_named(tmp_path: Path) -> None:
    """A workbook made by a program: its formulas were never calculated, so read empty."""
    path = workbook(tmp_path / "attendees.xlsx", [
        HEADINGS,
        b'<row><c><f>"Ann"</f><v/></c>' + cell("Lee").encode() + b"</row>",
        row("Bo", "Smith", "bo@example.org"),
        b'<row><c t="str"><f>"Cy"</f><v>Cy</v></c>' + cell("Ng").encode() + b"</row>"])
    result = read_registrations(path)
    names = [(r.fields.get("first_name", ""), r.fields["last_name"]) for r in result.records]
    assert names == [("", "Lee"), ("Bo", "Smith"), ("Cy", "Ng")]  # a saved result is read
    assert result.warnings == [
        "“attendees.xlsx” has 1 cells with formulas whose results were never saved (it was "
        "made by a program rather than saved by a spreadsheet), so they read as empty. Open "
        "it in Excel or LibreOffice, save it, and import it again."]


# -- CSV and zipped CSV ----------------------------------------------------------------------


def test_a_zipped_csv_that_unpacks_past_the_limit_is_refused_unread(tmp_path: Path) -> None:
    """Google Forms' download is a zip of one CSV; this one unpacks to 150 MB."""
    line = b"Ann,Lee,ann@example.org\r\n"
    path = zipped_csv(tmp_path / "responses.zip", "Responses.csv",
                      [b"First name,Last name,Email\r\n", *repeated(line, 6_000_000)])
    message = refused_within_memory(path)
    assert message.startswith("“Responses.csv” in “responses.zip” is 150 MB; kiosk reads "
                              "registration files of up to 100 MB")


def test_a_file_past_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "attendees.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written to disk
    assert "“attendees.csv” is 100 MB; kiosk reads registration files of up to 100 MB" in (
        refused_within_memory(path))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_a_device_that_never_ends_is_refused(tmp_path: Path) -> None:
    assert refused_within_memory(Path("/dev/zero")) == (
        "“zero” is not a file but a device or a pipe. Choose the exported attendee list.")


def test_a_line_of_a_million_commas_is_refused(write_bytes: WriteBytes) -> None:
    path = write_bytes(b"First name,Last name\r\n" + b"," * 1_000_000 + b"\r\n")
    message = refused_within_memory(path)
    assert "row 2 has 1,000,001 cells; kiosk reads at most 500 columns" in message


def test_a_row_that_never_ends_is_refused_before_it_is_split(write_bytes: WriteBytes) -> None:
    path = write_bytes(b"First name,Last name\r\n" + b"," * (MAX_ROW_CHARS + 10))
    message = refused_within_memory(path)
    assert "row 2 runs on for more than 5,000,000 characters" in message


def test_too_many_rows_are_refused_as_soon_as_they_pass_the_limit(
        write_bytes: WriteBytes) -> None:
    path = write_bytes(b"First name,Last name\r\n" + b"Ann,Lee\r\n" * 1_000_000)
    assert "has more than 200,000 rows" in refused_within_memory(path)


def test_a_cell_past_what_a_spreadsheet_holds_is_refused(write_bytes: WriteBytes) -> None:
    path = write_bytes(b'First name,Last name\r\nAnn,"Lee' + b"e" * 120_000 + b'"\r\n')
    message = refused_within_memory(path)
    assert "a cell near row 2 that runs on for more than 100,000 characters" in message
    assert 'quotation mark (") opens there' in message


def test_one_answer_of_5000_workshops_is_a_row_error_and_the_rest_import(
        write_bytes: WriteBytes) -> None:
    """A stranger ticking everything in a public form: that row is refused, no one else."""
    path = write_bytes(form_responses(["Workshop 1, Workshop 2", workshops_answer(5_000),
                                       "Workshop 3"]).encode())
    result = read_registrations(path, workshops=["Trafficking, Labour, And Supply Chains"])
    assert [r.sessions for r in result.records] == [("Workshop 1", "Workshop 2"),
                                                     ("Workshop 3",)]
    assert [(e.row, e.message) for e in result.errors] == [(3, (
        "Row 3: 5,000 workshops are chosen; one person can be booked on at most 100. Check "
        "the row (a form answer may have been filled in by a machine) and import again."))]


def _lines_run(work: Callable[[], object], module: Any) -> int:
    """How many lines of ``module`` run while ``work`` runs: a count of work, not a time."""
    count = 0
    code_file = module.__file__

    def tracer(frame: Any, event: str, _arg: Any) -> Any:
        nonlocal count
        if frame.f_code.co_filename != code_file:
            return None
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        work()
    finally:
        sys.settrace(previous)
    return count


def test_splitting_a_workshop_cell_grows_in_step_with_it() -> None:
    known = known_choices(["Trafficking, Labour, And Supply Chains", "Engaging With Businesses"])
    work = {count: _lines_run(lambda c=count: split_choices(workshops_answer(c), known),
                              sessions) for count in (1_000, 2_000, 4_000)}
    assert work[2_000] < 2.5 * work[1_000] and work[4_000] < 2.5 * work[2_000]
    assert len(split_choices(workshops_answer(5_000), known)) == 5_000


# -- zero bytes, encodings, files in disguise ------------------------------------------------


def _people(rows: int) -> list[list[str]]:
    return [["First name", "Last name", "Email"]] + [
        [f"Name{i}", f"Surname{i}", f"n{i}@example.org"] for i in range(1, rows + 1)]


def _with_nul(text: str, rows: list[int]) -> bytes:
    """The CSV with a zero byte in the last name of each of the given (spreadsheet) rows."""
    lines = text.split("\r\n")
    for number in rows:
        lines[number - 1] = lines[number - 1].replace("Surname", "Sur\0name", 1)
    return "\r\n".join(lines).encode()


@pytest.mark.parametrize("rows", [[3, 5, 6], [2], [400], [2, 401], [501]])
def test_zero_bytes_anywhere_are_removed_and_their_rows_named(
        write_bytes: WriteBytes, rows: list[int]) -> None:
    """Rows 400 and on lie past the first 8 KB, where NUL once decided "binary" alone."""
    path = write_bytes(_with_nul(csv_text(_people(500)), rows))
    result = read_registrations(path)
    assert len(result.records) == 500 and result.errors == []
    assert all("\0" not in value for r in result.records for value in r.fields.values())
    assert [r.fields["last_name"] for r in result.records[:2]] == ["Surname1", "Surname2"]
    assert len(result.warnings) == 1
    named = ", ".join(map(str, rows))
    assert result.warnings[0].startswith(
        f"Row {named} held zero bytes" if len(rows) == 1 else f"Rows {named} held zero bytes")


def test_a_file_of_zero_bytes_is_refused_as_damaged(write_bytes: WriteBytes) -> None:
    message = refused_within_memory(write_bytes(b"\0" * 100_000))
    assert "holds nothing but blank space and zero bytes" in message


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_byte_order_mark(write_bytes: WriteBytes, encoding: str) -> None:
    data = csv_text([["First name", "Last name"], ["Zoë", "Łukasiewicz"], ["王", "芳"]])
    path = write_bytes(data.encode(encoding))
    assert not path.read_bytes().startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    result = read_registrations(path)
    assert [(r.fields["first_name"], r.fields["last_name"]) for r in result.records] == [
        ("Zoë", "Łukasiewicz"), ("王", "芳")]


@pytest.mark.parametrize("data", [
    b"<!DOCTYPE html>\n<html><body><table><tr><td>First name</td></tr></table></body></html>",
    b"\xef\xbb\xbf<html><head><title>Attendees</title></head></html>",
    b"\n  <head><meta charset='utf-8'></head><body>Sign in to see this report</body>",
])
def test_a_web_page_named_csv_is_refused(write_bytes: WriteBytes, data: bytes) -> None:
    message = refused_within_memory(write_bytes(data, "attendees.csv"))
    assert message.startswith("“attendees.csv” is a web page, not a spreadsheet.")


@pytest.mark.parametrize("kind", ["JPEG", "PNG"])
def test_a_photo_named_xlsx_is_refused(write_bytes: WriteBytes, kind: str) -> None:
    message = refused_within_memory(write_bytes(picture(kind), "attendees.xlsx"))
    assert message.startswith("“attendees.xlsx” is a picture")


def test_a_database_named_csv_is_refused(tmp_path: Path, write_bytes: WriteBytes) -> None:
    import sqlite3

    database = tmp_path / "event.db"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE attendees (name TEXT)")
    message = refused_within_memory(write_bytes(database.read_bytes(), "attendees.csv"))
    assert "is a database file" in message



# -- through the console, in the desk's own process -------------------------------------------


@pytest.fixture
def console_event(tmp_path: Path) -> Iterator[EventFile]:
    """An event with people in it, open as the console opens it (a writer thread)."""
    path = tmp_path / "event.db"
    store = create_event(path, NewEvent("Conf"))
    import_file(store, write_people(tmp_path / "first.csv"))
    store.close()
    event = EventFile.open(path, threaded=True)
    yield event
    event.close()


def write_people(path: Path) -> Path:
    path.write_text(csv_text(_people(3)), encoding="utf-8")
    return path


HOSTILE: dict[str, Callable[[Path], Path]] = {
    "zip bomb": lambda folder: workbook(folder / "bomb.xlsx", [
        HEADINGS, b'<row><c t="inlineStr"><is><t>',
        *repeated(b"A" * 1024, 300 * 1024, block=1024), b"</t></is></c></row>"]),
    "3 million rows": lambda folder: workbook(
        folder / "rows.xlsx", [HEADINGS, *repeated(row("Ann", "Lee", "a@b.org"), 3_000_000)]),
    "zipped CSV of 150 MB": lambda folder: zipped_csv(
        folder / "responses.zip", "Responses.csv",
        [b"First name,Last name\r\n", *repeated(b"Ann,Lee,ann@example.org\r\n", 6_000_000)]),
    "headings only": lambda folder: write_text(folder / "empty.csv", "First name,Last name\r\n"),
}


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_the_consoles_import_refuses_hostile_files_and_writes_nothing(
        console_event: EventFile, tmp_path: Path, kind: str) -> None:
    """The console reads a file in the desk's process: the same limits keep the desk up."""
    path = HOSTILE[kind](tmp_path)
    before = console_event.read(lambda reader: reader.conn.execute(
        "SELECT count(*) FROM changes").fetchone()[0])
    tracemalloc.start()
    try:
        for step in (preview_import_through, plan_import_through):
            with pytest.raises(ImportRefused) as refused:
                step(console_event, path)
            assert str(refused.value).startswith(("“", "There are no registrations"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND
    after = console_event.read(lambda reader: (
        reader.conn.execute("SELECT count(*) FROM changes").fetchone()[0],
        reader.conn.execute("SELECT count(*) FROM attendees WHERE status = 'active'")
        .fetchone()[0]))
    assert after == (before, 3)  # nothing written, no one cancelled
