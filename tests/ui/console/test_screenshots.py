"""`--screenshot --screen KEY` renders each console screen to a PNG."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from kiosk.ui.console.organise_window import SCREENS, render_console_screenshot
from tests.conftest import DATA


@pytest.mark.parametrize("screen", ["attendees", "dashboard", "import", "after", "setup",
                                    "tickets", "batch", "designer"])
def test_each_screen_renders_to_a_png(qtbot, event_file, tmp_path, screen) -> None:
    target = tmp_path / f"{screen}.png"
    assert render_console_screenshot(event_file["path"], screen, target) == 0
    image = QImage(str(target))
    assert image.width() >= 1000 and image.height() >= 600
    # Not a blank page: a rendered screen has many colours (text, tables, bars).
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 10


def test_the_import_screen_can_show_a_file(qtbot, event_file, tmp_path) -> None:
    target = tmp_path / "import.png"
    source = DATA / "imports" / "eventbrite_attendee_summary.csv"
    assert render_console_screenshot(event_file["path"], "import", target,
                                     import_file=source) == 0
    assert QImage(str(target)).width() >= 1000


def test_an_unknown_screen_or_missing_file_is_refused(qtbot, event_file, tmp_path, capsys):
    assert render_console_screenshot(event_file["path"], "badges", tmp_path / "x.png") == 1
    assert render_console_screenshot(tmp_path / "nope.db", "attendees", tmp_path / "y.png") == 1
    assert "no console screen called 'badges'" in capsys.readouterr().err


def test_a_screen_starts_reading_only_when_its_tab_is_first_shown(qtbot, event_file) -> None:
    from kiosk.ui.console.organise_window import OrganiseWindow
    from tests.ui.conftest import dispose

    window = OrganiseWindow(event_file["path"], refresh_ms=100)
    try:
        window.show()
        assert window.started == {"setup"}  # the first tab, and nothing else yet
        with qtbot.wait_signal(window.screen_ready, timeout=10_000,
                               check_params_cb=lambda key: key == "dashboard"):
            window.tabs.setCurrentIndex(SCREENS.index("dashboard"))
        assert window.started == {"setup", "dashboard"}
        assert window.dashboard.overall_label.text().endswith("checked in")
    finally:
        dispose(window)


def test_the_setup_picture_shows_imported_and_discreet_categories(tmp_path) -> None:
    """docs/screens/render.py pictures Event setup after a real export's import: its ticket
    types listed as categories with their people and no badge label, one discreet."""
    import importlib.util

    from kiosk.services.demo import create_demo_event
    from kiosk.services.event_settings import load_settings
    spec = importlib.util.spec_from_file_location("render",
                                                  DATA.parents[1] / "docs/screens/render.py")
    assert spec is not None and spec.loader is not None
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    store, _ = create_demo_event(tmp_path / "demo.db", attendees=30)
    try:
        render.add_imported_categories(store, tmp_path)
        lines = {line.name: line for line in load_settings(store).categories}
    finally:
        store.close()
    survivors, bursary = lines[render.SURVIVORS], lines[render.BURSARY]
    assert survivors.attendees == 3 and survivors.label == "" and not survivors.discreet
    assert bursary.attendees == 2 and bursary.label == "" and bursary.discreet
