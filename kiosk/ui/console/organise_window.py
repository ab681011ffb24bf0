"""The "Organise" area: every console screen of ``screens.CONSOLE_SCREENS`` in a tab.

Opened from the desk behind the supervisor PIN. The window opens this process's one door to
the event file (the desk's, when the desk has it open) and hands it to every screen; each
screen runs its reads and writes through it on lanes of its own, so the desk keeps scanning
while an organiser sorts 100,000 rows or imports a file.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTabWidget,
    QWidget,
)

from kiosk.services.event_access import EventFile, EventFileError
from kiosk.ui.console.screens import CONSOLE_SCREENS, SCREENS

__all__ = ["SCREENS", "OrganiseWindow", "render_console_screenshot"]


class OrganiseWindow(QMainWindow):
    """``screen_ready`` says a screen has shown its first figures (name from SCREENS)."""

    screen_ready = Signal(str)

    def __init__(self, event_path: str | Path, parent: QWidget | None = None,
                 refresh_ms: int | None = None, start_all: bool = False) -> None:
        """Each screen starts reading the event file when its tab is first shown (all at once
        with ``start_all``): nine screens reading 100,000 people together would keep the
        organiser waiting for the one they asked for. ``refresh_ms``: the dashboard reads
        its figures again at most this often while desks keep checking people in.

        Raises EventFileError when the event file cannot be used."""
        super().__init__(parent)
        self.event_file: EventFile | None = EventFile.open(event_path, threaded=True)
        self.setWindowTitle("kiosk — Organise")
        self._fit_to_screen()
        self.tabs = QTabWidget()
        self.screens: dict[str, QWidget] = {}
        try:
            for entry in CONSOLE_SCREENS:
                screen_class = getattr(importlib.import_module(entry.module), entry.class_name)
                options = {"refresh_ms": refresh_ms} if entry.key == "dashboard" \
                    and refresh_ms else {}
                screen = screen_class(self.event_file, **options)
                self.screens[entry.key] = screen
                self.tabs.addTab(_scrolled(screen), entry.title)
                if entry.ready_signal is not None:
                    getattr(screen, entry.ready_signal).connect(
                        lambda *_a, key=entry.key: self.screen_ready.emit(key))
        except BaseException:
            self._let_go()  # no window, no hold on the file
            raise
        self.setCentralWidget(self.tabs)
        self.attendees = self.screens["attendees"]
        self.dashboard = self.screens["dashboard"]
        self.importer = self.screens["import"]
        self.desks = self.screens["desks"]
        self.importer.imported.connect(self._on_imported)
        self.dashboard.refreshed.connect(lambda d: self.setWindowTitle(
            f"kiosk — Organise — {d.event_name}"))
        self.started: set[str] = set()
        self._closing_confirmed = False
        self.close_question: QMessageBox | None = None
        self.tabs.currentChanged.connect(lambda index: self._start(SCREENS[index]))
        for key in SCREENS if start_all else SCREENS[self.tabs.currentIndex():][:1]:
            self._start(key)

    def _fit_to_screen(self) -> None:
        """1280 × 820 where the screen has room; on a smaller one, all of it (less the
        window's frame): never a window with its buttons off the screen."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            self.resize(1280, 820)
            return
        room = screen.availableGeometry()
        frame = 40  # a title bar and borders, which the size does not include
        self.resize(min(1280, room.width()), min(820, max(400, room.height() - frame)))

    def _start(self, key: str) -> None:
        if key in self.started:
            return
        self.started.add(key)
        screen = self.screens[key]
        if hasattr(screen, "start"):
            screen.start()

    def _on_imported(self, _report: object) -> None:
        if "attendees" in self.started:
            self.attendees.reload()

    def current_screen(self) -> QWidget:
        """The screen of the tab on show."""
        return self.screens[SCREENS[self.tabs.currentIndex()]]

    def show_screen(self, screen: str) -> None:
        self.tabs.setCurrentIndex(SCREENS.index(screen))
        self._start(screen)

    @property
    def unsaved_design(self) -> bool:
        """Whether the badge designer holds changes not saved to a layout file."""
        return "designer" in self.started and bool(getattr(self.screens["designer"],
                                                           "unsaved", False))

    def ask_before_closing(self) -> None:
        """Ask (without blocking the desk behind) whether to drop an unsaved badge design."""
        self.show_screen("designer")
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved badge design",
                          "The badge design has changes that are not saved in a layout file. "
                          "Close the Organise window and lose them?", parent=self)
        box.addButton("Keep designing", QMessageBox.ButtonRole.RejectRole)
        drop = box.addButton("Close without saving", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.NoButton)
        box.buttonClicked.connect(lambda button: self._close_anyway() if button is drop else None)
        self.close_question = box
        box.open()

    def _close_anyway(self) -> None:
        self._closing_confirmed = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Only a person closing the window is asked; a programmatic close (the desk shutting
        # down, a test) goes ahead.
        if event.spontaneous() and self.unsaved_design and not self._closing_confirmed:
            event.ignore()
            self.ask_before_closing()
            return
        self._let_go()
        super().closeEvent(event)

    def _let_go(self) -> None:
        """Stop every screen's work, then give back the window's hold on the event file
        (the file closes when the desk has let go of it too)."""
        if self.event_file is None:
            return
        for screen in self.screens.values():
            screen.shutdown()
        self.event_file.close()
        self.event_file = None


def _scrolled(screen: QWidget) -> QScrollArea:
    """A screen in its tab, scrolling rather than making the window taller or wider than a
    1280 × 720 screen when it needs more room than that (a large system font)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(screen)
    return area


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
    try:
        window = OrganiseWindow(event_path)
    except EventFileError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    window.show_screen(screen)
    shown_on = QApplication.primaryScreen()
    room = shown_on.availableGeometry() if shown_on is not None else None
    if room is not None and room.width() >= 1280 and room.height() >= 720:
        window.setGeometry(room)  # a picture of the whole screen's worth
    else:
        window.resize(1366, 768)  # a laptop's, where there is no real screen (offscreen)
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
        if name == screen:
            settle.start()

    settle.timeout.connect(grab)
    if screen == "import" and import_file is not None:
        window.importer.preview_shown.connect(lambda _p: settle.start())
        window.importer.failed.connect(lambda _m: settle.start())
        window.importer.load_file(import_file)
    elif next(e for e in CONSOLE_SCREENS if e.key == screen).ready_signal is None:
        settle.start()
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
