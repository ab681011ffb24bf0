"""A desk session's announcements (from its writer, printer and sync threads) as Qt signals,
delivered on the UI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from kiosk.services.desk_session import DeskListeners


class DeskBridge(QObject):
    """Emitted from any thread; a queued connection brings each to the window's thread."""

    counts_changed = Signal(int, int)
    print_changed = Signal(object)  # JobEvent
    sync_changed = Signal(object)  # SyncStatus, or None when not connected
    checkpoint_moved = Signal(str, str)  # (checkpoint now, why)
    fault = Signal(str)

    def listeners(self) -> DeskListeners:
        return DeskListeners(
            counts_changed=self.counts_changed.emit, print_changed=self.print_changed.emit,
            sync_changed=self.sync_changed.emit, checkpoint_moved=self.checkpoint_moved.emit,
            fault=self.fault.emit)
