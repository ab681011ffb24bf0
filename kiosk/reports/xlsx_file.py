"""Writing a table as an XLSX workbook: bold frozen header, filters, readable column widths."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kiosk.reports.cells import neutralised_row
from kiosk.reports.tables import Table

# Characters widths are counted in; wide columns stop here and the text runs on.
MAX_WIDTH = 50


def sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\ ."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "Sheet"


def write_xlsx(table: Table, path: Path) -> None:
    """Write ``table`` to ``path`` as one sheet (beside, then renamed)."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(table.title)
    sheet.append(list(table.headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) for h in table.headers]
    for row in table.rows:
        # Control characters (other than tab and line breaks) cannot be stored in XLSX.
        values = neutralised_row(tuple(
            ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row))
        sheet.append(list(values))
        for column, value in enumerate(values):
            if isinstance(value, str):
                # Text stays text: openpyxl would store a leading '=' as a formula.
                sheet.cell(sheet.max_row, column + 1).data_type = TYPE_STRING
            widths[column] = max(widths[column], len(str(value)) if value is not None else 0)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width, MAX_WIDTH) + 2
    sheet.freeze_panes = "A2"
    if table.headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.headers))}{sheet.max_row}"
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    os.close(handle)
    try:
        book.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
