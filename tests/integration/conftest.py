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


@pytest.fixture(scope="session")
def pretix(tmp_path_factory: pytest.TempPathFactory):
    """A real pretix on loopback, seeded with several copies of the conference (each test
    takes its own with ``take_event``) and one event with signed secrets. In CI a pretix
    that cannot start fails the tests; elsewhere they are skipped with the reason."""
    from tests.conftest import need_real_part
    from tests.integration.pretix_server import PretixMissing, running_pretix

    try:
        server_context = running_pretix(tmp_path_factory.mktemp("pretix"), events=8)
        server = server_context.__enter__()
    except PretixMissing as missing:
        need_real_part(f"pretix: {missing}")
    yield server
    server_context.__exit__(None, None, None)
