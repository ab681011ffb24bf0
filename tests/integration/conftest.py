"""Fixtures shared by the sync integration tests: a real hub on loopback for the module's event."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.sync.hub_server import HubThread
from tests.unit.sync.hub_fixtures import Event, hub_log, running_hub, sqlite_hub

#: The hub's storage back ends; PostgreSQL tests are skipped (or fail under CI) without a server.
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture
def hub(tmp_path: Path, event: Event):
    """A SQLite hub over HTTPS on loopback, loaded with the test module's ``event``."""
    log = sqlite_hub(tmp_path)
    with running_hub(log, event) as server:
        yield server
    log.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which hub database a test runs on: "sqlite" or "postgres"."""
    return str(request.param)


@pytest.fixture
def any_hub(backend: str, tmp_path: Path, event: Event) -> Iterator[HubThread]:
    """A hub over HTTPS on loopback on each back end in turn, loaded with the module's
    ``event``: for tests of what the hub stores."""
    with hub_log(backend, tmp_path) as log, running_hub(log, event) as server:
        yield server
