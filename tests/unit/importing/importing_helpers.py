"""Helpers for the registration-file reader's tests: the workshops, and CSV text from rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path

IMPORTS = Path(__file__).resolve().parents[2] / "data" / "imports"

WORKSHOPS = (
    "Train the Trainer Taster",
    "Engaging With Businesses",
    "What Does Community Action Look Like?",
    "Managing Offenders Involved in Trafficking",
)

WriteCsv = Callable[..., Path]
WriteBytes = Callable[..., Path]


def csv_text(rows: Sequence[Sequence[str]], delimiter: str = ",", newline: str = "\r\n") -> str:
    """Rows as CSV text, quoted the way spreadsheet programs quote them."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buffer.getvalue()
