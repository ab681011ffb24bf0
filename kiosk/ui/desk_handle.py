"""A window's handle on its desk session: opens it off the UI thread, runs its actions there
and brings the answers back; the session's announcements arrive as signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from kiosk.services import retention
from kiosk.services.desk_session import DamagedFile, DeskSession
from kiosk.ui.desk_bridge import DeskBridge
from kiosk.ui.ops import Ops

if TYPE_CHECKING:
    from kiosk.printing import PrinterDirectory


class DeskHandle(QObject):
    """``do(lambda session: session.scan(code), then)``: one generic door to the session,
    not a mirror of its methods."""

    opened = Signal(object)  # DeskSession, once it can scan
    open_failed = Signal(str)
    damaged = Signal(object)  # DamagedFile: the file cannot be read; a backup may be offered

    def __init__(
        self, event_path: str, mode: str | None = None,
        printers: PrinterDirectory | None = None, parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.event_path = event_path
        self.mode = mode  # None: the mode in the desk's settings
        self.printers = printers
        self.bridge = DeskBridge(self)
        self.ops = Ops(self, "desk")
        self.session: DeskSession | None = None
        app = QCoreApplication.instance()
        if app is not None:  # however the app ends, the desk finishes and closes the file
            app.aboutToQuit.connect(self.shut_down)

    def open(self) -> None:
        path, mode, printers = self.event_path, self.mode, self.printers
        listeners = self.bridge.listeners()
        self.ops.run(lambda: DeskSession.open_or_damaged(path, mode, listeners, printers),
                     self._on_session, self.open_failed.emit)

    def restore(self, number: int, then: Callable[[str], None],
                failed: Callable[[str], None]) -> None:
        """Put backup ``number`` back in place of a damaged file (kept aside whole), then
        open the desk on it; ``then`` gets what was done, in words."""
        path = self.event_path

        def restore() -> str:
            return retention.restored_message(number, retention.restore_backup(path, number))

        def restored(words: str) -> None:
            then(words)
            self.open()

        self.ops.run(restore, restored, failed)

    def _on_session(self, session: DeskSession | DamagedFile) -> None:
        if isinstance(session, DamagedFile):
            self.damaged.emit(session)
            return
        self.session = session
        self.opened.emit(session)
        # Printing, sync and backups start behind the first scan.
        self.ops.run(session.start_workers, None, self.bridge.fault.emit, lane="workers")

    def do(
        self, work: Callable[[DeskSession], Any], then: Callable[[Any], None] | None = None,
        failed: Callable[[str], None] | None = None, lane: str = "act",
    ) -> bool:
        """Run one of the session's actions off the UI thread (``lane`` "act" keeps scans
        in order; "look" is for searches and PIN checks). False when no desk is open."""
        session = self.session
        if session is None:
            return False
        self.ops.run(lambda: work(session), then, failed or self.bridge.fault.emit, lane)
        return True

    def shut_down(self) -> None:
        """Finish what is under way, stop the desk's workers, close the event file."""
        self.ops.shutdown(wait=True)
        session, self.session = self.session, None
        if session is not None:
            session.close()
