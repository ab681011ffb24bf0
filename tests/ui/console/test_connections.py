"""The desk and every console screen share the event file's one door: three connections."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.checkin_rules import Outcome
from kiosk.services.event_access import EventFile
from kiosk.ui.console.screens import CONSOLE_SCREENS, SCREENS
from kiosk.ui.desk_handle import DeskHandle
from kiosk.ui.desk_window import DeskWindow
from tests.ui.conftest import dispose

FDS = Path("/proc/self/fd")


def connections_to(path: Path) -> int:
    """Connections this process holds to the event file, as the system counts them: each
    SQLite connection keeps one descriptor open on the main database file (its ``-wal`` and
    ``-shm`` are files of their own)."""
    target = os.path.realpath(path)
    found = 0
    for fd in os.listdir(FDS):
        try:
            found += os.readlink(FDS / fd) == target
        except OSError:  # closed since it was listed
            continue
    return found


@pytest.fixture
def desk(qtbot, event_file) -> Iterator[DeskWindow]:
    """The staffed desk, open on the event file as the app opens it."""
    handle = DeskHandle(str(event_file["path"]))
    window = DeskWindow(handle)
    with qtbot.wait_signal(window.ready, timeout=10_000):
        handle.open()
    window.show()
    yield window
    dispose(window)


def scan(qtbot, desk: DeskWindow, code: str) -> Outcome:
    with qtbot.wait_signal(desk.result_shown, timeout=10_000) as shown:
        desk.on_scanned(code)
    return shown.args[0].outcome


@pytest.mark.skipif(not FDS.is_dir(), reason="counts the process's descriptors in /proc")
def test_the_desk_and_the_whole_console_hold_at_most_three_connections(
        qtbot, event_file, desk, open_console) -> None:
    path = event_file["path"]
    window = open_console(path)  # every screen started, as if each tab had been shown
    ready: set[str] = set()
    window.screen_ready.connect(ready.add)
    assert window.started == set(SCREENS)
    qtbot.wait_until(lambda: ready >= {s.key for s in CONSOLE_SCREENS if s.ready_signal},
                     timeout=30_000)
    assert 1 <= connections_to(path) <= 3
    # A scan at the desk while every screen is open: the dashboard hears of it.
    dashboard = window.dashboard
    figures = dashboard.overall_label.text()
    person = event_file["active"][0]
    assert scan(qtbot, desk, event_file["codes"][person.id]) is Outcome.OK
    qtbot.wait_until(lambda: dashboard.overall_label.text() != figures, timeout=10_000)
    assert dashboard.overall_label.text().startswith("1 of ")

    door = window.event_file
    assert door is not None
    # Two reads at once: the door has made both its read connections, and can make no more.
    door.read(lambda _outer: door.read(lambda _inner: None))
    held = connections_to(path)
    assert held == door.connection_count() == 3

    # Closing the console gives back its hold only: the desk goes on through the same door.
    window.close()
    assert EventFile.is_open(path) and connections_to(path) == held
    other_person = event_file["active"][1]
    assert scan(qtbot, desk, event_file["codes"][other_person.id]) is Outcome.OK
    # The count is the system's, not the door's: a connection of anyone else's shows in it.
    # (Last: SQLite keeps a closed connection's descriptor while others hold locks on the
    # file.)
    other = sqlite3.connect(path)
    other.execute("SELECT count(*) FROM attendees").fetchone()
    assert connections_to(path) == held + 1
    other.close()
