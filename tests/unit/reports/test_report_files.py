"""CSV and XLSX writers: formula neutralising, the BOM, non-Latin text through a round trip."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from kiosk.reports.cells import neutralise
from kiosk.reports.csv_file import write_csv
from kiosk.reports.tables import Table
from kiosk.reports.xlsx_file import sheet_title, write_xlsx


@pytest.mark.parametrize(("value", "expected"), [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"), ("+1", "'+1"), ("-5", "'-5"), ("@cmd", "'@cmd"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Smith", "Smith"), (" =1", " =1"),
    ("", ""), (-5, -5), (2.5, 2.5), (None, None), (True, True),
])
def test_neutralise(value: object, expected: object) -> None:
    assert neutralise(value) == expected


TABLE = Table("Names: [all]/", ("name", "note", "count"), [
    ("Łukasz Wiśniewski", "=HYPERLINK(\"http://evil\",\"x\")", 3),
    ("佐藤 美咲", "@SUM(1)", -2),
    ("محمد الهاشمي", "bell\x07inside", None),
    ("Ngọc Ánh", "\x01=1+1", 0),
])


def test_csv_is_utf8_with_bom_and_neutralised(tmp_path: Path) -> None:
    write_csv(TABLE, tmp_path / "t.csv")
    raw = (tmp_path / "t.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfname,note,count\r\n")
    rows = list(csv.reader((tmp_path / "t.csv").open(encoding="utf-8-sig", newline="")))
    assert rows[1:] == [
        ["Łukasz Wiśniewski", "'=HYPERLINK(\"http://evil\",\"x\")", "3"],
        ["佐藤 美咲", "'@SUM(1)", "-2"],
        ["محمد الهاشمي", "bell\x07inside", ""],
        ["Ngọc Ánh", "\x01=1+1", "0"],
    ]


def test_xlsx_round_trip_keeps_scripts_and_never_writes_formulas(tmp_path: Path) -> None:
    write_xlsx(TABLE, tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    sheet = book.active
    assert sheet.title == "Names   all"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [
        ["name", "note", "count"],
        ["Łukasz Wiśniewski", "'=HYPERLINK(\"http://evil\",\"x\")", 3],
        ["佐藤 美咲", "'@SUM(1)", -2],
        ["محمد الهاشمي", "bellinside", None],  # control characters cannot go in XLSX
        ["Ngọc Ánh", "'=1+1", 0],  # stripped of its control character, then neutralised
    ]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C5"
    assert sheet.column_dimensions["B"].width == len('\'=HYPERLINK("http://evil","x")') + 2


def test_sheet_titles_follow_excel_rules() -> None:
    assert sheet_title("a" * 40) == "a" * 31
    assert sheet_title("???") == "Sheet"


def test_no_half_written_file_is_left_on_failure(tmp_path: Path) -> None:
    bad = Table("t", ("a",), [(object(),)])  # not a cell value: the writer fails
    with pytest.raises(ValueError):
        write_xlsx(bad, tmp_path / "t.xlsx")
    assert list(tmp_path.iterdir()) == []
