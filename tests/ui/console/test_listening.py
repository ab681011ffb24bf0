"""A console screen's ear on the event file hears what another program wrote to it."""

from __future__ import annotations

import subprocess
import sys

from kiosk.services.event_access import EventFile
from kiosk.ui.console.listening import EventListener


def test_a_screen_is_told_to_read_again_when_another_program_wrote_to_the_file(
    qtbot, event_file,
) -> None:
    """`kiosk checkin` (or `kiosk import`) beside the console writes from another process:
    nothing in this one announces it, so the next write here does, and the screens read
    what they show again whole."""
    path = event_file["path"]
    door = EventFile.open(path, threaded=True)
    listener = EventListener(door, gather_ms=10)
    heard: list = []
    listener.heard.connect(heard.append)
    try:
        door.write(lambda store: store.touch("settings"))  # only this process wrote
        qtbot.wait_until(lambda: bool(heard), timeout=10_000)
        assert not heard[-1].rebuilt
        person = event_file["active"][0]
        done = subprocess.run(
            [sys.executable, "-m", "kiosk", "checkin", str(path), event_file["codes"][person.id]],
            capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        heard.clear()
        door.write(lambda store: store.touch("settings"))
        qtbot.wait_until(lambda: bool(heard), timeout=10_000)
        assert heard[-1].rebuilt
    finally:
        listener.stop()
        door.close()
