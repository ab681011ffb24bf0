"""Fixtures for window tests: a demo event with a signing key, codes, and an open desk."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QWidget

from kiosk.core.changes import ChangeKind
from kiosk.services.demo import create_demo_event
from kiosk.services.desk_settings import DeskSettings
from kiosk.services.ticket_issuing import ticket_code
from kiosk.store import queries


@pytest.fixture
def event_file(tmp_path: Path) -> dict:
    path = tmp_path / "event.db"
    store, _ = create_demo_event(path, attendees=40, seed=9)
    people = [a for a in queries.list_attendees(store.conn, status="all") if a.last_name]
    active = [a for a in people if a.status.value == "active"]
    cancelled = next(a for a in people if a.status.value == "cancelled")
    sessions = queries.list_sessions(store.conn)
    store.record(ChangeKind.CHECKPOINT_UPSERT, {"id": "door", "name": "Door",
                                                "session_id": sessions[0].id})
    settings = DeskSettings(store)
    settings.set_pin("2468")
    settings["print.printer"] = "pdf-folder"  # hermetic: badges land beside the event file
    info = {
        "path": path,
        "active": active,
        "codes": {a.id: ticket_code(store, a) for a in people},
        "cancelled": cancelled,
        "unbooked": next(a for a in active if sessions[0].id not in a.sessions),
        "session": sessions[0],
    }
    store.close()
    return info


def dispose(window: QWidget) -> None:
    """Close a window (stopping its writer thread) and delete it while Qt is still running:
    widgets left for interpreter exit are torn down in an order Qt does not survive."""
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
