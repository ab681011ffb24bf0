"""Closing the Organise window with an unsaved badge design asks first; nothing else does."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox


def _open_designer(qtbot, open_console, path):
    window = open_console(path)
    designer = window.screens["designer"]
    qtbot.waitUntil(lambda: bool(designer.document) and not designer.busy, timeout=60_000)
    return window, designer


def _button(box: QMessageBox, text: str):
    return next(b for b in box.buttons() if b.text() == text)


def test_an_unsaved_design_is_kept_unless_the_organiser_chooses_to_lose_it(
        qtbot, event_file, open_console) -> None:
    window, designer = _open_designer(qtbot, open_console, event_file["path"])
    assert not window.unsaved_design
    designer.delete_element(0)
    assert designer.unsaved and window.unsaved_design
    window.show_screen("setup")
    window.ask_before_closing()
    box = window.close_question
    assert box is not None and box.isVisible()
    assert "not saved" in box.text()
    assert window.current_screen() is designer  # the design is shown while asking
    _button(box, "Keep designing").click()
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=5_000)
    assert window.isVisible() and designer.unsaved
    window.ask_before_closing()
    _button(window.close_question, "Close without saving").click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5_000)


def test_a_saved_design_or_a_programmatic_close_is_not_asked_about(
        qtbot, event_file, open_console, tmp_path) -> None:
    window, designer = _open_designer(qtbot, open_console, event_file["path"])
    designer.delete_element(0)
    with qtbot.waitSignal(designer.saved, timeout=30_000):
        designer.save_as(tmp_path / "mine.json")
    assert not window.unsaved_design
    designer.delete_element(0)
    window.close()  # the desk closing down, not a person: it goes ahead
    assert not window.isVisible() and window.close_question is None
