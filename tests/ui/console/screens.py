"""Helpers for tests of one console screen on its own: open it started, reach the event file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtWidgets import QWidget

from kiosk.services.event_access import EventFile, EventReader, EventStore
from tests.ui.conftest import dispose

Screen = TypeVar("Screen", bound=QWidget)


def screen_opener(qtbot: Any, screen_class: type[Screen]
                  ) -> Iterator[Callable[[Path | str], Screen]]:
    """Yields ``open(path)``: the screen on the event file's door (opened as the Organise
    window opens it), shown at 1280 × 800 once it has started; every screen opened is shut
    down and disposed afterwards, and its hold on the door given back."""
    screens: list[Any] = []
    doors: list[EventFile] = []

    def opener(path: Path | str) -> Screen:
        event = EventFile.open(path, threaded=True)
        doors.append(event)
        screen = screen_class(event)
        screens.append(screen)
        screen.resize(1280, 800)
        screen.show()
        with qtbot.waitSignal(screen.ready, timeout=10_000):
            screen.start()
        return screen

    yield opener
    while screens:
        screen = screens.pop()
        screen.shutdown()
        dispose(screen)
    while doors:
        doors.pop().close()


def read(path: Path | str, what: Callable[[EventReader], Any]) -> Any:
    """What ``what`` finds in the event file, read through this process's door to it (the
    screens' own while one is open: a connection of the test's own would be a fourth)."""
    event = EventFile.open(path)
    try:
        return event.read(what)
    finally:
        event.close()


def write(path: Path | str, what: Callable[[EventStore], Any], atomic: bool = True) -> Any:
    """Run ``what`` as a write of the event file's door, as a desk in this process would
    (``atomic=False``: outside a transaction, for a ``VACUUM INTO``)."""
    event = EventFile.open(path)
    try:
        return event.write(what, atomic=atomic)
    finally:
        event.close()
