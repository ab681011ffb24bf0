"""Fixtures for the registration-file reader: the committed exports, and writing variants."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from importing_helpers import IMPORTS, WriteBytes, WriteCsv, csv_text


@pytest.fixture
def imports() -> Path:
    """The folder of committed example exports, one per system."""
    return IMPORTS


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """Write rows as a CSV file in tmp_path, in a given delimiter and encoding."""

    def write(
        rows: Sequence[Sequence[str]],
        *,
        name: str = "registrations.csv",
        delimiter: str = ",",
        encoding: str = "utf-8",
        newline: str = "\r\n",
    ) -> Path:
        path = tmp_path / name
        path.write_bytes(csv_text(rows, delimiter, newline).encode(encoding))
        return path

    return write


@pytest.fixture
def write_bytes(tmp_path: Path) -> WriteBytes:
    """Write raw bytes as a file in tmp_path."""

    def write(data: bytes, name: str = "registrations.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write
