"""What the benches share: a figure beside its budget and floor, percentiles, memory, Qt."""

from __future__ import annotations

import os
import resource
import statistics
import sys
from dataclasses import dataclass


@dataclass
class Figure:
    """One measured row: our figure, its budget, and the floor it stands on."""

    name: str
    value: float
    unit: str
    budget: float | None = None
    floor: float | None = None
    note: str = ""
    floor_times: float | None = None  # a second budget: at most this many times the floor

    @property
    def within_budget(self) -> bool | None:
        if self.budget is None:
            return None
        if self.floor_times is not None and self.floor:
            return self.value <= self.budget and self.value <= self.floor_times * self.floor
        return self.value <= self.budget


def percentile(values: list[float], fraction: float) -> float:
    """The value at ``fraction`` of the way through the sorted values (nearest rank); NaN
    when there are none, so an empty measurement reads as over budget, never as fast."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def rss_mb() -> float:
    """Resident memory now (Linux /proc), else the peak the OS reports."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if os.uname().sysname == "Darwin" else peak / 1024


def offscreen_without_display() -> None:
    """Qt draws offscreen on a machine with no display (a server, CI), so the window benches
    measure rather than abort; call before the first QApplication."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" and not _quieted:
        from PySide6.QtCore import QtMsgType, qInstallMessageHandler

        previous = None

        def quieter(kind: QtMsgType, context: object, message: str) -> None:
            # The offscreen platform says so each time a window asks it for what only a
            # screen does: noise between the bench's lines, nothing measured.
            if message.startswith("This plugin does not support"):
                return
            if previous is not None:
                previous(kind, context, message)
            else:
                print(message, file=sys.stderr)

        previous = qInstallMessageHandler(quieter)
        _quieted.append(True)


_quieted: list[bool] = []  # the filter goes in once per process
