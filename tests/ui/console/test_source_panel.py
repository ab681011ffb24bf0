"""The import tab's Registration system panel against a real pretix: what is missing is said
plainly, then it connects, pulls and shows what it brought."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.services.event_setup import NewEvent, create_event
from kiosk.store import queries
from tests.ui.console.screens import read


def test_the_panel_says_what_the_token_lacks_then_connects_and_pulls(
        qtbot, open_console, pretix, tmp_path) -> None:
    path = tmp_path / "conference.db"
    create_event(path, NewEvent("Together Against Trafficking", "2026-12-08", "")).close()
    slug = pretix.take_event()
    window = open_console(path)
    window.show_screen("import")
    panel = window.importer.source_panel
    assert "No registration system is connected" in panel.state_label.text()
    panel.url_edit.setText(pretix.url)
    panel.organizer_edit.setText(pretix.organizer)
    panel.event_edit.setText(slug)
    panel.list_box.setValue(pretix.events[slug]["list"])
    panel.token_edit.setText(pretix.tokens["read_only"])
    qtbot.mouseClick(panel.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "may not check people in" in panel.message.text(), timeout=30_000)
    assert "Orders: check-in" in panel.message.text()
    assert read(path, lambda s: queries.list_attendees(s.conn, status="all")) == []
    panel.token_edit.setText(pretix.tokens["connector"])
    qtbot.mouseClick(panel.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.message.text().startswith("Pulled:"), timeout=30_000)
    assert panel.message.text().startswith("Pulled: 8 new")
    assert panel.token_edit.text() == ""  # the token lives in the event file, not the window
    qtbot.waitUntil(lambda: "Last pull: 2" in panel.state_label.text(), timeout=10_000)
    assert "Connected: pretix at 127.0.0.1" in panel.state_label.text()
    assert "Check-ins still to send: 0." in panel.state_label.text()
    assert "8 new, 0 changed, 1 cancelled" in panel.state_label.text()
    assert len(read(path, lambda s: queries.list_attendees(s.conn, status="all"))) == 8
