"""Arrivals per 15 minutes as a bar chart, painted directly (no chart library needed)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QLineF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

_BAR = QColor("#1b6e2d")
_AXIS = QColor("#4a4a4a")
_GRID = QColor("#d8dbe0")


class ArrivalsChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.arrivals: list[tuple[datetime, int]] = []
        self.setAccessibleName("Arrivals per 15 minutes")
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(600, 220)

    def set_arrivals(self, arrivals: list[tuple[datetime, int]]) -> None:
        self.arrivals = arrivals
        busiest = max(arrivals, key=lambda a: a[1], default=None)
        self.setAccessibleDescription(
            "No arrivals yet." if busiest is None else
            f"{sum(n for _, n in arrivals)} arrivals; busiest 15 minutes from "
            f"{busiest[0]:%H:%M}: {busiest[1]}.")
        self.setToolTip(self.accessibleDescription())
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        font.setPointSize(9)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        left, bottom, top, right = metrics.horizontalAdvance("0000") + 8, 22, 8, 8
        plot = QRectF(left, top, self.width() - left - right, self.height() - top - bottom)
        if not self.arrivals:
            painter.setPen(_AXIS)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "No arrivals yet: the chart fills in as people check in.")
            return
        peak = max(n for _, n in self.arrivals) or 1
        step = _nice_step(peak)
        top_value = ((peak + step - 1) // step) * step
        value = 0
        while value <= top_value:
            y = plot.bottom() - plot.height() * value / top_value
            painter.setPen(QPen(_GRID, 1))
            painter.drawLine(QLineF(plot.left(), y, plot.right(), y))
            painter.setPen(_AXIS)
            painter.drawText(QRectF(0, y - 8, left - 4, 16),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             str(value))
            value += step
        slot_width = plot.width() / len(self.arrivals)
        label_every = max(1, int(60 / max(slot_width, 1)))  # a time label every ~60 px
        for i, (start, count) in enumerate(self.arrivals):
            height = plot.height() * count / top_value
            bar = QRectF(plot.left() + i * slot_width + slot_width * 0.12,
                         plot.bottom() - height, slot_width * 0.76, height)
            painter.fillRect(bar, _BAR)
            if i % label_every == 0:
                painter.setPen(_AXIS)
                painter.drawText(QRectF(plot.left() + i * slot_width - 20, plot.bottom() + 3,
                                        slot_width + 40, bottom - 3),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                                 f"{start:%H:%M}")
        painter.setPen(QPen(_AXIS, 1))
        painter.drawLine(QLineF(plot.left(), plot.bottom(), plot.right(), plot.bottom()))


def _nice_step(peak: int) -> int:
    """A round grid step giving about four lines."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000):
        if peak / step <= 5:
            return step
    return 10 ** len(str(peak))
