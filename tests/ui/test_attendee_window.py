"""The first window: it opens on an event and lists its attendees, without blocking."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from kiosk.services.demo import create_demo_event
from kiosk.ui.attendee_window import AttendeeWindow
from tests.conftest import need_real_part

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    store, _ = create_demo_event(path, attendees=40, seed=2)
    store.close()
    return path


def test_window_lists_the_attendees(qtbot, demo: Path) -> None:
    window = AttendeeWindow(str(demo))
    qtbot.addWidget(window)
    with qtbot.wait_signal(window.overview_loaded, timeout=10_000):
        window.show()
    model = window.model
    assert model.rowCount() == sum(1 for _ in range(model.rowCount())) > 30
    names = {model.index(r, 0).data() for r in range(model.rowCount())}
    assert all(names)
    assert window.heading.text().startswith("Together Against Trafficking 2026 — 0 of")
    window.close()


def test_the_list_names_a_discreet_category_by_its_badge_label(qtbot, demo: Path) -> None:
    from kiosk.services import event_settings
    from kiosk.store.event_store import EventStore

    store = EventStore.open(demo)
    try:
        assert event_settings.set_category_label(store, "press", "Guest").saved
        assert event_settings.set_category_discreet(store, "press", True).saved
    finally:
        store.close()
    window = AttendeeWindow(str(demo))
    qtbot.addWidget(window)
    with qtbot.wait_signal(window.overview_loaded, timeout=10_000):
        window.show()
    shown = {window.model.index(r, 3).data() for r in range(window.model.rowCount())}
    assert "Guest" in shown and "press" not in shown and "delegate" in shown
    window.close()


def test_a_broken_file_shows_a_message_not_a_traceback(qtbot, tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database" * 1000)
    window = AttendeeWindow(str(broken))
    qtbot.addWidget(window)
    with qtbot.wait_signal(window.overview_loaded, timeout=10_000):
        window.show()
    assert window.heading.text().startswith("This event could not be opened")
    assert window.model.rowCount() == 0
    window.close()


def test_real_window_under_xvfb_is_not_blank(demo: Path, tmp_path: Path) -> None:
    display = os.environ.get("KIOSK_TEST_DISPLAY") or os.environ.get("DISPLAY")
    if not display:
        need_real_part("no X display (set KIOSK_TEST_DISPLAY, e.g. an Xvfb on :99)")
    shot = tmp_path / "window.png"
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    subprocess.run([sys.executable, str(ROOT / "main.py"), str(demo), "--screenshot", str(shot)],
                   env=env, check=True, timeout=60, cwd=ROOT)
    image = Image.open(shot).convert("RGB")
    assert image.width >= 800 and image.height >= 500
    colours = image.resize((100, 60)).getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 20  # text and grid, not one flat colour
