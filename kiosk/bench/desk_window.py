"""The desk window: app start to ready-to-scan, and Enter to the result painted."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import kiosk
from kiosk.bench.event_files import bench_event, open_desk, people_to_scan
from kiosk.bench.figures import Figure, offscreen_without_display, percentile
from kiosk.core.checkin_rules import Outcome

SCANS = 300
WARM_UP = 5
ANSWER_TIMEOUT_MS = 30_000

# The app as `kiosk` starts it, from the same package this bench runs.
_START_APP = "import sys; from kiosk.app import run; sys.exit(run(sys.argv[1:]))"


def bench_app(workdir: Path, attendees: int) -> list[Figure]:
    """Start-up to ready-to-scan, in a fresh process each time."""
    path = bench_event(workdir, attendees)
    source = str(Path(kiosk.__file__).resolve().parent.parent)
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "KIOSK_SILENT": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))}
    tries = 3 if attendees >= 10_000 else 1
    starts = []
    for _ in range(tries):
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", _START_APP, str(path),
                                  "--exit-when-ready"], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True)
        assert child.stdout is not None
        for line in child.stdout:  # the moment the desk says it is ready to scan
            if line.strip() == "READY":
                starts.append(time.perf_counter() - started)
                break
        child.wait(timeout=120)  # closing (a last backup, threads stopping) is not start-up
    return [Figure(f"app start to ready-to-scan ({attendees:,} attendees)",
                   min(starts) if starts else float("nan"), "s", budget=2.0,
                   note=f"best of {tries} cold starts of the app, offscreen")]


def bench_window(workdir: Path, attendees: int) -> list[Figure]:
    """Enter -> result painted in the real desk window, taking turns with the same scans
    through a DeskSession on the same door without a window (the bare decision)."""
    offscreen_without_display()
    # A beep per scan for minutes helps no one; the sound plays after the paint anyway.
    os.environ.setdefault("KIOSK_SILENT", "1")
    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.desk_handle import DeskHandle
    from kiosk.ui.desk_window import DeskWindow

    path = bench_event(workdir, attendees)
    count = SCANS if attendees >= 10_000 else 10
    people = people_to_scan(path, 2 * (count + WARM_UP))
    in_window, bare_codes = [c for _, c in people[0::2]], [c for _, c in people[1::2]]
    _app = QApplication.instance() or QApplication(sys.argv[:1])  # held while the window runs
    handle = DeskHandle(str(path))
    # Printing has a bench of its own: the window's desk checks in without queueing badges.
    handle.opened.connect(lambda session: setattr(session, "auto_print", False))
    window = DeskWindow(handle)
    window.show()
    loop = QEventLoop()
    shown: list[Any] = []

    def answered(result: Any) -> None:
        shown.append(result)
        loop.quit()

    def wait(what: str) -> None:
        # Idle in Qt's own loop, as the app does: a busy wait here would take the cores and
        # the interpreter's lock from the threads doing the scan.
        timeout = QTimer()
        timeout.setSingleShot(True)
        timeout.timeout.connect(loop.quit)
        timeout.start(ANSWER_TIMEOUT_MS)
        loop.exec()
        if not timeout.isActive():
            raise RuntimeError(f"the desk window did not answer in time: {what}")
        timeout.stop()

    window.ready.connect(loop.quit)
    window.result_shown.connect(answered)
    bare = None
    painted: list[float] = []
    decided: list[float] = []
    not_ok = 0
    try:
        handle.open()
        wait("opening")
        if window.opened is None:
            raise RuntimeError("the desk window could not open the event")
        bare = open_desk(path, exclusive=False)
        for number, (code, bare_code) in enumerate(zip(in_window, bare_codes, strict=False)):
            shown.clear()
            started = time.perf_counter()
            window.on_scanned(code)  # what the scanner's Enter calls
            wait("a scan")
            window.result.repaint()  # painted, not just decided
            took = time.perf_counter() - started
            started = time.perf_counter()
            answer = bare.scan(bare_code)
            bare_took = time.perf_counter() - started
            if number < WARM_UP:
                continue
            painted.append(took)
            decided.append(bare_took)
            not_ok += (shown[0].outcome is not Outcome.OK) + (answer.result.outcome
                                                               is not Outcome.OK)
    finally:
        if bare is not None:
            bare.close(backup=False)
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    platform = QGuiApplication.platformName()
    failed = f"; {not_ok} scans were not ok" if not_ok else ""
    return [
        Figure("Enter -> result painted, p50", percentile(painted, 0.5) * 1000, "ms",
               floor=percentile(decided, 0.5) * 1000,
               note=f"{len(painted)} first check-ins in the real desk window ({platform}), "
                    f"auto-print off{failed}"),
        Figure("Enter -> result painted, p95", percentile(painted, 0.95) * 1000, "ms",
               budget=33.0, floor=percentile(decided, 0.95) * 1000,
               note="two frames at 60 Hz; floor: the bare decision, the same scans through "
                    "DeskSession.scan on the same door without a window, taking turns"),
    ]
