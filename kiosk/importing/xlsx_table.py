"""Excel workbooks into a table: choosing the attendees' sheet, cells as sensible text."""

from __future__ import annotations

import datetime as dt
import io
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from kiosk.importing import limits
from kiosk.importing.headers import HEADER_SEARCH_ROWS, header_key
from kiosk.importing.records import ImportRefused
from kiosk.importing.table import Table

# Scores a sheet from its name and its first rows; the best-scoring sheet is read.
SheetRanker = Callable[[str, Sequence[list[str]]], float]


def cell_text(value: Any) -> str:
    """A cell as the text a person would type: 12345.0 -> "12345", a date -> "2025-03-14"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    return str(value)


def _rows(sheet: Any, source: str) -> Iterator[tuple[int, list[str]]]:
    for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
        cells = [cell_text(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            if max(map(len, cells)) > limits.MAX_CELL_CHARS:
                raise limits.cell_too_long(source, number, workbook=True)
            yield number, cells


def read_xlsx(data: bytes, sheet: str | None, rank: SheetRanker, source: str) -> Table:
    """The attendees' sheet of a workbook: the one named, or the best-ranked one."""
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                              keep_links=False)
    except Exception:
        raise _damaged(source) from None
    try:
        worksheets = list(workbook.worksheets)
        if not worksheets:
            raise ImportRefused(f"{source} has no worksheets with data in it.")
        chosen = _choose(worksheets, sheet, rank, source)
        chosen.reset_dimensions()
        rows = list(_rows(chosen, source))
        return Table(rows=rows, sheet=chosen.title)
    except ImportRefused:
        raise
    except Exception:
        raise _damaged(source) from None
    finally:
        workbook.close()


def _choose(worksheets: list[Any], wanted: str | None, rank: SheetRanker, source: str) -> Any:
    if wanted is not None:
        for worksheet in worksheets:
            if worksheet.title == wanted:
                return worksheet
        for worksheet in worksheets:
            if header_key(worksheet.title) == header_key(wanted):
                return worksheet
        names = ", ".join(f"“{w.title}”" for w in worksheets)
        raise ImportRefused(f"{source} has no sheet called “{wanted}”. Its sheets are: {names}.")
    if len(worksheets) == 1:
        return worksheets[0]
    best, best_score = worksheets[0], float("-inf")
    for worksheet in worksheets:
        worksheet.reset_dimensions()
        top: list[list[str]] = []
        for _number, cells in _rows(worksheet, source):
            top.append(cells)
            if len(top) >= HEADER_SEARCH_ROWS:
                break
        score = rank(worksheet.title, top)
        if score > best_score:
            best, best_score = worksheet, score
    return best


def _damaged(source: str) -> ImportRefused:
    return ImportRefused(
        f"{source} could not be opened as an Excel workbook: it may be damaged or only "
        "partly downloaded. Download or export it again; if it still fails, open it in "
        "Excel or LibreOffice and save it as .xlsx or CSV."
    )
