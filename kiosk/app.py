"""Composition root: builds the services, opens the window, starts background work."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from platformdirs import user_data_dir


def default_event_path() -> Path:
    return Path(user_data_dir("kiosk", appauthor=False)) / "demo-event.db"


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py", description="Open the kiosk on an event.")
    parser.add_argument("event", nargs="?", help="the event file (default: the demo event)")
    parser.add_argument("--screenshot", metavar="FILE.png",
                        help="render the window after start-up to FILE.png and exit")
    return parser.parse_args(list(argv))


def run(argv: Sequence[str]) -> int:
    args = _parse(argv)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.services.demo import create_demo_event
    from kiosk.ui.attendee_window import AttendeeWindow

    event_path = Path(args.event) if args.event else default_event_path()
    if not event_path.exists():
        event_path.parent.mkdir(parents=True, exist_ok=True)
        store, _ = create_demo_event(event_path)
        store.close()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = AttendeeWindow(str(event_path))
    window.show()
    if args.screenshot:
        target = args.screenshot

        def grab() -> None:
            window.grab().save(target)
            app.quit()

        window.overview_loaded.connect(lambda: QTimer.singleShot(100, grab))
    return app.exec()
