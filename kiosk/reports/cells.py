"""Neutralising spreadsheet formulas in exported cells (CSV/formula injection)."""

from __future__ import annotations

from kiosk.reports.tables import Cell

# A spreadsheet may run a cell that starts with one of these as a formula (or DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Cell) -> Cell:
    """Text that starts like a formula gets a leading single quote, so it shows as text.

    Numbers stay numbers. Text that merely looks numeric ("-5", "+44 20 7946 0000") is
    neutralised too: an export cannot tell a phone number from a formula by its first
    character, and the quote costs the reader nothing.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised_row(row: tuple[Cell, ...]) -> tuple[Cell, ...]:
    return tuple(neutralise(value) for value in row)
