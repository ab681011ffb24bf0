"""A table to export: a title, a header row and rows of plain values, whatever the format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Cell = str | int | float | bool | None


@dataclass(frozen=True)
class Table:
    """What an export writes: ``title`` names the XLSX sheet."""

    title: str
    headers: tuple[str, ...]
    rows: Sequence[tuple[Cell, ...]]
