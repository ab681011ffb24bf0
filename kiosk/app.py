"""Composition root: builds the services, opens the window, starts background work."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from kiosk.ui.console.screens import SCREENS

MODES = ("desk", "self", "door")
STATES = ("ready", "ok", "already", "repeat", "unknown", "forged", "other_event", "revoked",
          "cancelled", "not_booked", "full", "undone", "saved", "printer_failed", "search",
          "settings", "scanner", "walkin", "pin")


def default_event_path() -> Path:
    return Path(user_data_dir("kiosk", appauthor=False)) / "demo-event.db"


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kiosk", description="Open the check-in desk on an "
                                     "event; with no file, a first window offers the last "
                                     "event, a new one, a hub or the demo.")
    parser.add_argument("event", nargs="?", help="the event file")
    parser.add_argument("--mode", choices=MODES, help="staffed desk (default), self check-in, "
                        "or workshop door")
    parser.add_argument("--screenshot", metavar="FILE.png",
                        help="render the screen after start-up to FILE.png and exit")
    parser.add_argument("--state", choices=STATES, default="ready",
                        help="with --screenshot: the result to show (nothing is written); "
                        "settings and scanner picture the Settings dialog's Printing and "
                        "Scanner pages, walkin and pin the walk-in form and the PIN")
    parser.add_argument("--language", choices=("en", "pl"), default="en",
                        help="language of the self check-in screens")
    parser.add_argument("--screen", choices=SCREENS,
                        help="with --screenshot: render an organisers' console screen")
    parser.add_argument("--import-file", metavar="FILE",
                        help="with --screen import: show this registration file's columns, "
                             "mapping and first rows")
    parser.add_argument("--first-run", action="store_true",
                        help="show the first window (open, create or connect an event, or try "
                        "the demo), as when no event file is given")
    parser.add_argument("--exit-when-ready", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--list", action="store_true",
                        help="open the plain attendee list instead of the desk")
    return parser.parse_args(list(argv))


def _application() -> Any:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from kiosk.badges.resources import RESOURCES_DIR

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("kiosk")
    app.setWindowIcon(QIcon(str(RESOURCES_DIR / "icons" / "kiosk.png")))
    return app


def run(argv: Sequence[str]) -> int:
    args = _parse(argv)
    # Qt Multimedia lists every codec library it could not find; a volunteer needs none of it.
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")
    # No file and nobody scripting a picture or a timing: let the person choose an event.
    if args.first_run or (not args.event and not args.screenshot and not args.exit_when_ready):
        return _first_run(args)
    event_path = Path(args.event) if args.event else default_event_path()
    if not event_path.exists():
        if args.event:
            print(f"kiosk: there is no event file at {event_path}.", file=sys.stderr)
            return 2
        from kiosk.services.demo import create_demo_event

        event_path.parent.mkdir(parents=True, exist_ok=True)
        store, _ = create_demo_event(event_path)
        store.close()
    if args.screenshot and args.screen:
        from kiosk.ui.console.organise_window import render_console_screenshot

        return render_console_screenshot(event_path, args.screen, args.screenshot,
                                         import_file=args.import_file)
    app = _application()
    if not args.screenshot and not args.exit_when_ready:
        from kiosk.services.event_files import remember_event

        remember_event(event_path)  # offered first next time kiosk starts without a file
    _window = _open_event(app, args, event_path)  # kept alive until the app exits
    return int(app.exec())


def _first_run(args: argparse.Namespace) -> int:
    """The first-run window; the event chosen there opens at the desk as if given by name."""
    if args.screenshot:
        from kiosk.ui.first_run import render_first_run_screenshot

        return render_first_run_screenshot(args.screenshot)
    app = _application()
    from kiosk.ui.first_run import FirstRunWindow

    chooser = FirstRunWindow()
    opened: list[Any] = []

    def chosen(path: str) -> None:
        opened.append(_open_event(app, args, Path(path)))
        chooser.close()

    chooser.event_chosen.connect(chosen)
    chooser.show()
    return int(app.exec())


def _open_event(app: Any, args: argparse.Namespace, event_path: Path) -> Any:
    """Open the desk (or the attendee list, or self check-in) on an event file."""
    from PySide6.QtCore import QTimer

    if args.list:
        from kiosk.ui.attendee_window import AttendeeWindow

        window = AttendeeWindow(str(event_path))
        ready = window.overview_loaded
    elif args.mode == "self":
        from kiosk.ui.desk_handle import DeskHandle
        from kiosk.ui.self_checkin import SelfCheckInWindow

        desk = DeskHandle(str(event_path), mode="self")
        window = SelfCheckInWindow(desk, language=args.language)
        window.exit_requested.connect(app.quit)
        ready = window.ready
        desk.open()
    else:
        from kiosk.ui.desk_handle import DeskHandle
        from kiosk.ui.desk_window import DeskWindow

        desk = DeskHandle(str(event_path), mode=args.mode)
        window = DeskWindow(desk)
        ready = window.ready
        desk.open()
    if args.screenshot or args.exit_when_ready:
        # A picture of the whole screen's worth, whatever the window manager would do (a
        # laptop's 1366 × 768 where there is no real screen, as offscreen).
        screen = app.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        if room is not None and room.width() >= 1280 and room.height() >= 720:
            window.setGeometry(room)
        else:
            window.resize(1366, 768)
        window.show()
    elif args.mode == "self":
        window.showFullScreen()  # attendee-facing: nothing but the instruction
    elif hasattr(window, "show_for_mode"):
        # Maximised; full screen at a workshop door, and once a supervisor PIN locks it.
        window.show_for_mode()
    else:
        window.showMaximized()
    if args.exit_when_ready:  # for `kiosk bench`: start-up time to ready-to-scan

        def report() -> None:
            print("READY", flush=True)
            window.close()
            app.quit()

        ready.connect(report)
    if args.screenshot:
        target = args.screenshot
        # What to picture: the window, or the settings dialog it opened.
        pictured: list[Any] = [window]

        def grab() -> None:
            pictured[-1].grab().save(target)
            window.close()
            app.quit()

        def staged() -> None:
            if args.list or args.state == "ready":
                QTimer.singleShot(150, grab)
                return
            if args.state == "search" and args.mode == "self":
                window.show_find_page()
            elif args.state == "search":
                window.search.box.setText("an")
                window.search.search_requested.emit("an")
            elif args.state in ("settings", "scanner"):
                from kiosk.ui.settings_dialog import SettingsDialog

                window.on_settings_requested()
                dialogs = window.findChildren(SettingsDialog)
                if dialogs:
                    dialogs[-1].tabs.setCurrentIndex(1 if args.state == "settings" else 2)
                    pictured.append(dialogs[-1])
                QTimer.singleShot(1500, grab)  # the printers come from the print system
                return
            elif args.state in ("walkin", "pin"):
                # The walk-in form, or the PIN a locked desk asks before its settings.
                if args.state == "walkin":
                    window.on_walkin_requested()
                else:
                    window.on_settings_requested()
                if window.dialog is not None:
                    pictured.append(window.dialog)
            else:
                window.show_sample(args.state)
            QTimer.singleShot(400, grab)

        ready.connect(staged)
    return window
