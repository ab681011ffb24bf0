"""Opening the desk window in tests, and what a volunteer would read off it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from kiosk.importing.records import SourceRecord
from kiosk.services.registration_import import import_records
from kiosk.store import queries
from kiosk.store.event_store import EventStore
from kiosk.ui.desk_handle import DeskHandle
from kiosk.ui.desk_window import DeskWindow
from kiosk.ui.scanner_filter import ScannerFilter
from tests.ui.conftest import dispose


class DeskWindows:
    """Opens desk windows on event files; every one is closed and deleted afterwards."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        self.windows: list[DeskWindow] = []

    def open(self, path: Path | str, mode: str | None = None,
             scanner: ScannerFilter | None = None, focus: bool = True) -> DeskWindow:
        client = DeskHandle(str(path), mode=mode)
        window = DeskWindow(client, scanner=scanner)
        self.windows.append(window)
        with self.qtbot.wait_signal(window.ready, timeout=10_000):
            client.open()
        window.show()
        if focus:
            self.qtbot.waitExposed(window)
            window.activateWindow()
            window.raise_()
            window.search.box.setFocus()
            self.qtbot.wait_until(lambda: QApplication.focusWidget() is window.search.box,
                                  timeout=5_000)
        return window

    def close_all(self) -> None:
        while self.windows:
            dispose(self.windows.pop())


def checkins_of(window: DeskWindow, attendee_id: str) -> int:
    """How many check-ins of this person count (not undone)."""
    return window.desk.session.event.read(lambda r: r.conn.execute(
        "SELECT count(*) FROM checkins c WHERE attendee_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM checkin_voids v WHERE v.target_id = c.change_id)",
        (attendee_id,)).fetchone()[0])


def all_checkins(window: DeskWindow) -> int:
    return window.desk.session.event.read(lambda r: r.conn.execute(
        "SELECT count(*) FROM checkins c WHERE NOT EXISTS "
        "(SELECT 1 FROM checkin_voids v WHERE v.target_id = c.change_id)").fetchone()[0])


def print_jobs_of(window: DeskWindow) -> list[str]:
    """The attendees whose badges this desk has queued or printed, oldest first."""
    return window.desk.session.event.read(lambda r: [row[0] for row in r.conn.execute(
        "SELECT attendee_id FROM print_jobs ORDER BY id")])


def add_barcode_holder(path: Path | str, barcode: str, first_name: str = "Bethan",
                       last_name: str = "Doyle") -> str:
    """Someone whose imported ticket carries ``barcode`` (any characters); their id."""
    store = EventStore.open(path)
    try:
        import_records(store, [SourceRecord(row=2, fields={
            "first_name": first_name, "last_name": last_name, "status": "active",
            "email": f"{first_name.lower()}@barcode.example", "external_ref": f"B-{first_name}",
            "external_barcode": barcode})], [])
        return next(a.id for a in queries.list_attendees(store.conn, status="all")
                    if a.email == f"{first_name.lower()}@barcode.example")
    finally:
        store.close()
