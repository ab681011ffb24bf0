"""Writing a table as an XLSX workbook: bold frozen header, filters, readable column widths."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kiosk.reports.cells import neutralised_row
from kiosk.reports.tables import Table
from kiosk.store.outputs import private_output

# Characters widths are counted in; wide columns stop here and the text runs on.
MAX_WIDTH = 50
_CELL_TYPES = (str, int, float, bool, datetime, date, time)


def sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\ ."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "Sheet"


def write_xlsx(table: Table, path: Path) -> None:
    """Write ``table`` to ``path`` as one sheet (beside, then renamed).

    Streams the sheet (openpyxl's write-only mode), so 100,000 rows take seconds, not hours:
    a first pass over the rows finds the column widths, which come before the cells.
    """
    rows = [neutralised_row(tuple(
        # Control characters (other than tab and line breaks) cannot be stored in XLSX.
        ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row))
        for row in table.rows]
    widths = [len(str(h)) for h in table.headers]
    for values in rows:
        for column, value in enumerate(values):
            if value is not None and not isinstance(value, _CELL_TYPES):
                # Refused before the sheet is begun, so no half-streamed sheet is left open.
                raise ValueError(f"an XLSX cell cannot hold a {type(value).__name__}")
            widths[column] = max(widths[column], len(str(value)) if value is not None else 0)
    # Private, and whole or not at all: a folder that cannot be written fails before any
    # sheet is begun (kiosk.store.outputs).
    with private_output(path, (".xlsx",), "An XLSX export") as out:
        _write_sheet(table.title, table.headers, rows, widths, out)


def _write_sheet(title: str, headers: tuple, rows: list, widths: list[int],
                 target: IO[bytes]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(title))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width, MAX_WIDTH) + 2
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    bold = Font(bold=True)
    header = []
    for heading in headers:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for values in rows:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # Text stays text: openpyxl would store a leading '=' as a formula.
                cell.data_type = TYPE_STRING
            cells.append(cell)
        sheet.append(cells)
    book.save(target)
