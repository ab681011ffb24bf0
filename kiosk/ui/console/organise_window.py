"""The "Organise" area: the attendee table, the live dashboard and the import wizard in tabs.

Opened from the desk behind the supervisor PIN; each screen reads the event file on its own
thread, so the desk keeps scanning while an organiser sorts 100,000 rows or imports a file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget

from kiosk.ui.console.attendees_screen import AttendeesScreen
from kiosk.ui.console.dashboard_screen import DashboardScreen
from kiosk.ui.console.desks_screen import DesksScreen
from kiosk.ui.console.import_wizard import ImportWizard

SCREENS = ("attendees", "dashboard", "import")


class OrganiseWindow(QMainWindow):
    """``screen_ready`` says a screen has shown its first figures (name from SCREENS)."""

    screen_ready = Signal(str)

    def __init__(self, event_path: str | Path, parent: QWidget | None = None,
                 refresh_ms: int | None = None) -> None:
        super().__init__(parent)
        path = str(event_path)
        self.setWindowTitle("kiosk — Organise")
        self.resize(1280, 820)
        self.attendees = AttendeesScreen(path)
        self.dashboard = (DashboardScreen(path) if refresh_ms is None
                          else DashboardScreen(path, refresh_ms=refresh_ms))
        self.importer = ImportWizard(path)
        self.desks = DesksScreen(path)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.attendees, "Attendees")
        self.tabs.addTab(self.dashboard, "Live dashboard")
        self.tabs.addTab(self.importer, "Import registrations")
        self.tabs.addTab(self.desks, "Desks and hub")
        self.setCentralWidget(self.tabs)
        self.attendees.order_shown.connect(lambda _n: self.screen_ready.emit("attendees"))
        self.dashboard.refreshed.connect(self._on_dashboard_refreshed)
        self.importer.imported.connect(lambda _report: self.attendees.reload())
        self.attendees.start()
        self.dashboard.start()
        self.dashboard.refreshed.connect(lambda d: self.setWindowTitle(
            f"kiosk — Organise — {d.event_name}"))

    def _on_dashboard_refreshed(self, _dashboard: object) -> None:
        self.screen_ready.emit("dashboard")

    def show_screen(self, screen: str) -> None:
        self.tabs.setCurrentIndex(SCREENS.index(screen))

    def closeEvent(self, event: QCloseEvent) -> None:
        for screen in (self.dashboard, self.attendees, self.importer, self.desks):
            screen.shutdown()
        super().closeEvent(event)


def render_console_screenshot(
    event_path: str | Path, screen: str, out_png: str | Path,
    import_file: str | Path | None = None, timeout_ms: int = 60_000,
) -> int:
    """Open the Organise window on ``screen``, wait for its data, save it to ``out_png``.

    Returns 0 when the picture was saved, 1 otherwise (a message goes to stderr). With
    ``import_file`` the import screen shows that file's columns and preview.
    """
    if screen not in SCREENS:
        print(f"kiosk: no console screen called {screen!r} (one of {', '.join(SCREENS)})",
              file=sys.stderr)
        return 1
    if not Path(event_path).exists():
        print(f"kiosk: there is no event file at {event_path}.", file=sys.stderr)
        return 1
    _app = QApplication.instance() or QApplication(sys.argv[:1])  # kept alive until we return
    window = OrganiseWindow(event_path)
    window.show_screen(screen)
    window.show()
    loop = QEventLoop()
    saved: list[bool] = []
    # Owned by the window, so no timer outlives it and fires on a deleted window.
    settle = QTimer(window)
    settle.setSingleShot(True)
    settle.setInterval(400)  # let the first pages of rows arrive and paint
    give_up = QTimer(window)
    give_up.setSingleShot(True)
    give_up.timeout.connect(loop.quit)

    def grab() -> None:
        if not saved:
            saved.append(window.grab().save(str(out_png)))
        loop.quit()

    def ready(name: str) -> None:
        if name == screen or (screen == "import" and import_file is None):
            settle.start()

    settle.timeout.connect(grab)
    if screen == "import" and import_file is not None:
        window.importer.preview_shown.connect(lambda _p: settle.start())
        window.importer.failed.connect(lambda _m: settle.start())
        window.importer.load_file(import_file)
    else:
        window.screen_ready.connect(ready)
    give_up.start(timeout_ms)
    loop.exec()
    settle.stop()
    give_up.stop()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if not saved or not saved[0]:
        print(f"kiosk: the {screen} screen could not be rendered to {out_png}.",
              file=sys.stderr)
        return 1
    return 0
