"""What makes the desk usable by everyone: contrast, sizes, names on every control."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QListWidget

from kiosk.ui.desk_handle import DeskHandle
from kiosk.ui.desk_window import DeskWindow
from kiosk.ui.theme import THEMES, contrast_ratio
from tests.ui.conftest import dispose


@pytest.mark.parametrize("theme", list(THEMES.values()), ids=list(THEMES))
def test_every_result_colour_pair_meets_wcag_aa(theme) -> None:
    pairs = [(s.background, s.foreground) for s in theme.tones.values()]
    pairs += [(theme.idle.background, theme.idle.foreground), (theme.window, theme.text)]
    for background, foreground in pairs:
        assert contrast_ratio(background, foreground) >= 4.5, (background, foreground)


def test_contrast_ratio_is_computed_as_wcag_says() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_controls_are_named_big_enough_and_result_text_large(qtbot, event_file) -> None:
    client = DeskHandle(str(event_file["path"]))
    window = DeskWindow(client)
    try:
        with qtbot.wait_signal(window.ready, timeout=10_000):
            client.open()
        window.show()
        controls = window.findChildren(QAbstractButton) + window.findChildren(QLineEdit) + \
            window.findChildren(QListWidget)
        assert controls
        for control in controls:
            assert control.accessibleName(), control
        for button in window.findChildren(QAbstractButton):
            assert button.minimumHeight() >= 44, button.text()
        assert window.search.box.minimumHeight() >= 44
        for label in (window.result.headline, window.result.message, window.result.name):
            assert label.font().pointSize() >= 24
    finally:
        dispose(window)


def test_a_damaged_event_file_gets_a_message_not_a_traceback(qtbot, tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    client = DeskHandle(str(broken))
    window = DeskWindow(client)
    try:
        with qtbot.wait_signal(window.ready, timeout=10_000):
            client.open()
        assert window.event_label.text() == "This event could not be opened"
        assert "damaged" in window.fault_label.text() or "not a kiosk event file" in \
            window.fault_label.text()
    finally:
        dispose(window)


def test_text_grows_with_the_system_font_size(qapp) -> None:
    from PySide6.QtGui import QFont

    from kiosk.ui.theme import scaled_font

    original = qapp.font()
    try:
        base = QFont(original)
        base.setPointSizeF(10)
        qapp.setFont(base)
        normal = scaled_font(24).pointSizeF()
        base.setPointSizeF(15)
        qapp.setFont(base)
        assert scaled_font(24).pointSizeF() == pytest.approx(normal * 1.5)
    finally:
        qapp.setFont(original)
