"""Fixtures for the organisers' console: windows that are always disposed."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.ui.console.organise_window import OrganiseWindow
from tests.ui.conftest import dispose


@pytest.fixture
def open_console(qtbot):
    """Open the Organise window on an event; closed and deleted after the test."""
    windows: list[OrganiseWindow] = []

    def opener(path: Path, refresh_ms: int = 100) -> OrganiseWindow:
        window = OrganiseWindow(path, refresh_ms=refresh_ms, start_all=True)
        windows.append(window)
        window.show()
        return window

    yield opener
    while windows:
        dispose(windows.pop())
