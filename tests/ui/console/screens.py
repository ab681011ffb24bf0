"""Helpers for tests of one console screen on its own: open it started, read the event file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtWidgets import QWidget

from kiosk.store.event_store import EventStore
from tests.ui.conftest import dispose

Screen = TypeVar("Screen", bound=QWidget)


def screen_opener(qtbot: Any, screen_class: type[Screen]
                  ) -> Iterator[Callable[[Path | str], Screen]]:
    """Yields ``open(path)``: the screen shown at 1280 × 800 once it has started; every screen
    opened is shut down and disposed afterwards."""
    screens: list[Any] = []

    def opener(path: Path | str) -> Screen:
        screen = screen_class(str(path))
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


def read(path: Path | str, what: Callable[[EventStore], Any]) -> Any:
    """What ``what`` finds in the event file, on a connection of its own."""
    store = EventStore.open(path)
    try:
        return what(store)
    finally:
        store.close()
