"""Writing a table as CSV for Excel: UTF-8 with a byte-order mark, formulas neutralised."""

from __future__ import annotations

import csv
from pathlib import Path

from kiosk.reports.cells import neutralised_row
from kiosk.reports.tables import Cell, Table
from kiosk.store.outputs import private_output


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def write_csv(table: Table, path: Path) -> None:
    """Write ``table`` to ``path``: private, and whole or not at all (kiosk.store.outputs)."""
    with private_output(path, (".csv",), "A CSV export", text=True, encoding="utf-8-sig",
                        newline="") as out:
        writer = csv.writer(out)
        writer.writerow(neutralised_row(table.headers))
        for row in table.rows:
            writer.writerow([_text(value) for value in neutralised_row(row)])
