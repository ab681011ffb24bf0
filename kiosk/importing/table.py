"""A registration file as rows of text cells, numbered the way a spreadsheet program shows them."""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.importing.records import RowError


@dataclass(frozen=True)
class Table:
    """The cells of one CSV file or one worksheet, before any column has a meaning.

    ``rows`` holds ``(row number, cells)`` for every row that is not blank, in file order;
    a quoted cell that spans several lines is still one row. ``errors`` are rows the file
    format itself got wrong (a stray quotation mark, say). ``strict_width`` is true for CSV,
    where a row with more cells than headings means its commas are out of step.
    ``warnings`` say what was mended as the file was read (zero bytes removed, say).
    """

    rows: list[tuple[int, list[str]]]
    sheet: str | None = None
    errors: list[RowError] = field(default_factory=list)
    strict_width: bool = False
    warnings: list[str] = field(default_factory=list)


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> "A", 27 -> "AB"."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
