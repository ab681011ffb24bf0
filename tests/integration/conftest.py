"""Fixtures shared by the sync integration tests: a real hub on loopback for the module's event."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.sync.hub_fixtures import Event, running_hub, sqlite_hub


@pytest.fixture
def hub(tmp_path: Path, event: Event):
    """A SQLite hub over HTTPS on loopback, loaded with the test module's ``event``."""
    log = sqlite_hub(tmp_path)
    with running_hub(log, event) as server:
        yield server
    log.close()

