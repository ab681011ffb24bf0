"""Fixtures for the printing tests: a small demo event on disk and a fake printer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from printing_fakes import FakeBackend

from kiosk.printing import PrinterState
from kiosk.services.demo import create_demo_event
from kiosk.store.event_file import EventFile
from kiosk.store.event_store import EventStore


@pytest.fixture
def event_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "event.db"
    store, _ = create_demo_event(path, attendees=12, seed=3)
    store.close()
    yield path


@pytest.fixture
def desk_store(event_path: Path) -> Iterator[EventStore]:
    """The event file's store, inline: for tests where nothing runs on another thread."""
    store = EventStore.open(event_path)
    yield store
    store.close()


@pytest.fixture
def event(event_path: Path) -> Iterator[EventFile]:
    """The event file's one door with its writer thread, as in the app: a worker's threads
    and the test's own reads and writes all go through it."""
    door = EventFile.open(event_path, threaded=True)
    yield door
    door.close()


@pytest.fixture
def fake() -> FakeBackend:
    return FakeBackend(states={"Label": PrinterState.READY, "Spare": PrinterState.READY})
