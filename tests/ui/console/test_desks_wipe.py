"""The console's Desks and hub tab: the hub's devices, and wiping a lost desk after a
confirmation (cancelling orders nothing)."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from kiosk.services.event_access import EventFile
from kiosk.store.hub_records import DeviceRole, EnrolGrant, HubDevice
from kiosk.sync.credentials import secret_hash
from kiosk.ui.console.desks_screen import DesksScreen
from tests.unit.sync.hub_fixtures import make_event, sqlite_hub


def _choose(screen: DesksScreen, name: str) -> None:
    for row in range(screen.devices.count()):
        if screen.devices.item(row).text().startswith(name):
            screen.devices.setCurrentRow(row)
            return
    raise AssertionError(f"{name} is not listed")


def _answer(screen: DesksScreen, wipe: bool) -> None:
    box = screen.wipe_confirmation
    assert box is not None and box.isVisible() and "Desk Lost" in box.text()
    button = next(b for b in box.buttons() if b.text() == "Wipe its data") if wipe \
        else box.button(QMessageBox.StandardButton.Cancel)
    button.click()


def test_a_lost_desk_is_marked_for_wiping_only_once_confirmed(qtbot, tmp_path: Path) -> None:
    event = make_event(tmp_path)
    shutil.copy(event.package, tmp_path / "console.db")
    hub = sqlite_hub(tmp_path)
    for n, name in enumerate(("Desk Lost", "Desk Fine")):
        hub.add_token(secret_hash(f"t{n}"), EnrolGrant(name, DeviceRole.DESK), 2**50)
        hub.enrol(secret_hash(f"t{n}"), 1_000 + n, HubDevice(f"d{n}", "", DeviceRole.DESK,
                                                             "ab" * 32, 0), secret_hash(f"k{n}"))
    door = EventFile.open(tmp_path / "console.db", threaded=True)
    screen = DesksScreen(door)
    screen.start()
    try:
        screen.hub_location.setText(hub.location)
        screen.confirm_wipe()
        assert "Choose the lost desk" in screen.message.text()
        with qtbot.wait_signal(screen.devices_shown, timeout=10_000):
            screen.refresh_devices()
        rows = [screen.devices.item(i).text() for i in range(screen.devices.count())]
        assert rows == ["Desk Lost (desk) — active", "Desk Fine (desk) — active"]
        _choose(screen, "Desk Lost")
        screen.confirm_wipe()
        _answer(screen, wipe=False)
        qtbot.wait_until(lambda: not screen.wipe_confirmation.isVisible(), timeout=5_000)
        assert screen.ops.pending == 0
        assert hub.device("d0").wipe_ordered_ms is None
        screen.confirm_wipe()
        with qtbot.wait_signal(screen.devices_shown, timeout=10_000):
            _answer(screen, wipe=True)
        assert "will wipe its data the next time it connects" in screen.message.text()
        assert "WIPE ORDERED" in screen.devices.item(0).text()
        assert screen.devices.item(1).text().endswith("active")
        assert hub.device("d0").wipe_pending and hub.device("d1").wipe_ordered_ms is None
    finally:
        screen.shutdown()
        door.close()
        hub.close()
