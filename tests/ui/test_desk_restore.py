"""A desk that finds its event file damaged says so and offers the newest good backup: one
click sets the damaged file aside whole, puts the backup back, and the desk opens on it."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from kiosk.core.checkin_rules import Outcome
from kiosk.services import retention
from kiosk.ui.desk_handle import DeskHandle
from kiosk.ui.desk_window import DeskWindow
from tests.ui.conftest import dispose


def _damage(path: Path) -> bytes:
    with path.open("r+b") as file:
        file.seek(4096 * 3)
        file.write(b"\0" * 4096 * 6)
    return path.read_bytes()


def _open(qtbot, path: Path) -> DeskWindow:
    client = DeskHandle(str(path))
    window = DeskWindow(client)
    with qtbot.wait_signal(window.ready, timeout=10_000):
        client.open()
    window.show()
    return window


def test_a_damaged_file_is_restored_from_the_desk_and_the_desk_opens_on_it(
        qtbot, event_file) -> None:
    path: Path = event_file["path"]
    retention.take_backup(path)
    for leftover in path.parent.glob(path.name + "-*"):  # WAL and shared memory: closed
        leftover.unlink()
    damaged = _damage(path)
    window = _open(qtbot, path)
    try:
        assert window.opened is None
        assert window.event_label.text() == "This event could not be opened"
        said = window.fault_label.text()
        assert "is damaged" in said and "open another file" not in said.casefold()
        assert window.result.headline.text() == "Not ready"
        assert window.restore_button.isVisibleTo(window)
        assert window.restore_button.text().startswith("Restore the backup of ")
        assert "40 people" in said and "newest good backup" in said
        with qtbot.wait_signal(window.ready, timeout=20_000):
            qtbot.mouseClick(window.restore_button, Qt.MouseButton.LeftButton)
        assert window.opened is not None
        assert window.event_label.text() == window.opened.event.name
        assert not window.restore_button.isVisibleTo(window)
        assert window.result.headline.text() == "Ready to scan"
        assert "Restored backup 1" in window.fault_label.text()
        aside = next(path.parent.glob("event.damaged-*.db"))
        assert aside.read_bytes() == damaged  # kept whole, for staff
        person = event_file["active"][0]
        with qtbot.wait_signal(window.result_shown, timeout=10_000) as blocker:
            window.on_scanned(event_file["codes"][person.id])
        assert blocker.args[0].outcome is Outcome.OK
    finally:
        dispose(window)


def test_with_no_backup_to_restore_the_desk_says_to_ask_staff(qtbot, event_file) -> None:
    path: Path = event_file["path"]
    for leftover in path.parent.glob(path.name + "-*"):
        leftover.unlink()
    shutil.rmtree(path.parent / "event-backups", ignore_errors=True)
    _damage(path)
    window = _open(qtbot, path)
    try:
        assert window.opened is None
        assert "is damaged" in window.fault_label.text()
        assert "ask staff" in window.fault_label.text()
        assert not window.restore_button.isVisibleTo(window)
    finally:
        dispose(window)
