"""Column headings: the key they are matched by, unique display names, finding the heading row."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kiosk.core.text import clean
from kiosk.importing.table import column_letter

# How many non-blank rows at the top may hold a title or notes before the heading row.
HEADER_SEARCH_ROWS = 10


def header_key(heading: str) -> str:
    """The form a heading is matched in: "  E-mail Address: " and "e-mail address" meet."""
    key = " ".join(heading.casefold().replace("_", " ").split())
    return key.strip(" :*")


def without_brackets(key: str) -> str:
    """A key without a trailing "(optional)"-style remark: "pronouns (optional)" -> "pronouns"."""
    if key.endswith(")") and "(" in key:
        return key[: key.rindex("(")].strip(" :*")
    return key


def display_headers(cells: Sequence[str]) -> list[str]:
    """Headings as a person sees them, made unique so that each can name one column.

    A blank heading becomes "Column C"; a repeated one gets its position, "Company (2)",
    so the first "Company" keeps its plain name (pretix repeats "Company" for the invoice).
    """
    names: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = clean(cell) or f"Column {column_letter(index)}"
        key = name.casefold()
        if key in seen:
            seen[key] += 1
            name = f"{name} ({seen[key]})"
        else:
            seen[key] = 1
        names.append(name)
    return names


def find_header_row(
    rows: Sequence[tuple[int, list[str]]], score: Callable[[Sequence[str]], float]
) -> int:
    """The position in ``rows`` of the heading row: the best-scoring of the first few rows.

    A title such as "Delegates — March 2025" above the table scores nothing, so the real
    heading row below it wins; with nothing recognisable the first row is the heading.
    """
    best_index, best_score = 0, 0.0
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        row_score = score(cells)
        if row_score > best_score:
            best_index, best_score = index, row_score
    return best_index
