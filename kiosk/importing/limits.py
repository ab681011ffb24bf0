"""The most a registration file may hold, checked before and while it is read, and what the
refusal says: a file made by a stranger filling in a public form, or a damaged download,
cannot hang the app or use up its memory.

Chosen for an event of 100,000 people with room to spare: such an event's export is some
40 MB of CSV (about 25 columns of 15 characters a row), so 100 MB and 200,000 rows hold
twice that event with cancelled and transferred tickets besides. An .xlsx of that size
unpacks to some 300 MB of XML; 1 GB is three times that. No spreadsheet program makes a
cell of more than 50,000 characters (Google Sheets; Excel stops at 32,767): a cell of
100,000 is a quotation mark that never closed, or a file made to be huge. A long answer in
a public form is a row error, not a refusal (the field limits of kiosk.core.field_limits
and ``MAX_WORKSHOPS_PER_PERSON``): one stranger's answer does not stop everyone else's
registration. At those limits a file is read in well under a minute and a few hundred MB.
"""

from __future__ import annotations

from kiosk.importing.records import ImportRefused

MAX_FILE_BYTES = 100_000_000
MAX_UNPACKED_BYTES = 1_000_000_000  # an .xlsx's parts together, as its zip declares them
MAX_PART_BYTES = 50_000_000  # one part openpyxl reads whole (styles, theme, workbook)
MAX_PARTS = 10_000  # an .xlsx holds a few dozen
MAX_ROWS = 200_000
MAX_CELLS_PER_ROW = 500
MAX_CELLS = 10_000_000  # rows × columns: 100,000 people with 100 columns each
MAX_CELL_CHARS = 100_000
# The raw text of one CSV row (its cells with their quotes and commas), checked before the
# row is split: a line of a million commas would otherwise become a million cells at once.
MAX_ROW_CHARS = 5_000_000
MAX_WORKSHOPS_PER_PERSON = 100

_SHORTEN = ("Check that this is the attendee list; if it is, export only the columns and "
            "rows you need, or split it into two files and import each.")


def size_text(count: int) -> str:
    """A size as people read it: "74 KB", "1.1 GB"."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if count >= size:
            shown = count / size
            return f"{shown:.1f} {unit}" if shown < 10 else f"{shown:,.0f} {unit}"
    return f"{count} bytes"


def file_too_big(source: str, size: int) -> ImportRefused:
    return ImportRefused(
        f"{source} is {size_text(size)}; kiosk reads registration files of up to "
        f"{size_text(MAX_FILE_BYTES)} (an export of 100,000 people is about 40 MB). {_SHORTEN}")


def unpacks_too_big(source: str, size: int) -> ImportRefused:
    return ImportRefused(
        f"{source} unpacks to {size_text(size)}; kiosk reads workbooks that unpack to at most "
        f"{size_text(MAX_UNPACKED_BYTES)} (a workbook of 100,000 people unpacks to about "
        f"300 MB). It may be damaged or made to be huge. {_SHORTEN}")


def part_too_big(source: str, part: str, size: int) -> ImportRefused:
    return ImportRefused(
        f"{source} holds a part ({part}) that unpacks to {size_text(size)}; a workbook's "
        f"settings take at most {size_text(MAX_PART_BYTES)}. It may be damaged. Open it in "
        "Excel or LibreOffice, save it as CSV, and import that.")


def too_many_parts(source: str, count: int) -> ImportRefused:
    return ImportRefused(
        f"{source} is a zip file of {count:,} or more parts; a workbook has a few dozen and "
        f"kiosk reads at most {MAX_PARTS:,}. It may be damaged. Open it in Excel or "
        "LibreOffice, save it as CSV, and import that.")


def too_many_rows(source: str, rows: int | None = None) -> ImportRefused:
    counted = f"{rows:,} rows" if rows is not None else f"more than {MAX_ROWS:,} rows"
    return ImportRefused(
        f"{source} has {counted}; kiosk reads at most {MAX_ROWS:,} (twice an event of "
        "100,000 people). Empty rows that only have formatting count too: delete them. "
        f"{_SHORTEN}")


def too_many_cells_in_row(source: str, row: int, cells: int) -> ImportRefused:
    return ImportRefused(
        f"{source}: row {row:,} has {cells:,} cells; kiosk reads at most "
        f"{MAX_CELLS_PER_ROW:,} columns. Delete the columns you do not need (or the stray "
        "commas in that row) and import again.")


def too_many_cells(source: str) -> ImportRefused:
    return ImportRefused(
        f"{source} has more than {MAX_CELLS:,} cells (rows × columns); kiosk reads at most "
        f"that many (100,000 people with 100 columns each). {_SHORTEN}")


def cell_too_long(source: str, row: int | None, workbook: bool = False) -> ImportRefused:
    where = f"a cell near row {row:,}" if row is not None else "a cell"
    cause = ("It may be damaged or made to be huge: open it in Excel or LibreOffice, save it "
             "as CSV, and import that." if workbook else
             'Almost always a quotation mark (") opens there and never closes: find it, '
             "remove it or close it, and import again.")
    return ImportRefused(
        f"{source} has {where} that runs on for more than {MAX_CELL_CHARS:,} characters, "
        f"more than a spreadsheet cell can hold. {cause}")


def row_too_long(source: str, row: int) -> ImportRefused:
    return ImportRefused(
        f"{source}: row {row:,} runs on for more than {MAX_ROW_CHARS:,} characters — "
        'almost always a quotation mark (") that opens and never closes. Find it, remove '
        "it or close it, and import again.")
