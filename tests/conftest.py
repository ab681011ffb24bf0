"""Shared fixtures: offscreen Qt, a fresh event database per test, a fake wall clock."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# KIOSK_TEST_DISPLAY=:11 runs the window tests on that X server (an Xvfb, with or without
# a window manager: CI has none) with Qt's real X11 platform: real key events, timestamps,
# input methods and window sizes. Without it they run offscreen, and the tests that need X
# skip.
if os.environ.get("KIOSK_TEST_DISPLAY"):
    os.environ["DISPLAY"] = os.environ["KIOSK_TEST_DISPLAY"]
    os.environ["QT_QPA_PLATFORM"] = "xcb"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")

from kiosk.core.hlc import FakeWall
from kiosk.store.event_store import EventStore

DATA = Path(__file__).parent / "data"


def need_real_part(reason: str) -> None:
    """Skip a test whose real part is missing here — but fail in CI, where it must be there."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"missing in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def wall() -> FakeWall:
    return FakeWall()


@pytest.fixture
def store(tmp_path: Path, wall: FakeWall) -> EventStore:
    event_store = EventStore.open(tmp_path / "event.db", wall, create=True)
    yield event_store
    event_store.close()


@pytest.fixture(scope="session")
def pretix(tmp_path_factory: pytest.TempPathFactory):
    """A real pretix on loopback, seeded with several copies of the conference (each test
    takes its own with ``take_event``) and one event with signed secrets. In CI a pretix
    that cannot start fails the tests; elsewhere they are skipped with the reason."""
    from tests.integration.pretix_server import PretixMissing, running_pretix

    try:
        server_context = running_pretix(tmp_path_factory.mktemp("pretix"), events=14)
        server = server_context.__enter__()
    except PretixMissing as missing:
        need_real_part(f"pretix: {missing}")
    yield server
    server_context.__exit__(None, None, None)
