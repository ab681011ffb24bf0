"""The live dashboard: who has arrived, by category and workshop, arrivals over time,
duplicates flagged, each desk's latest check-in. Follows every write to the event file."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.services import dashboard
from kiosk.services.event_access import EventFile
from kiosk.ui.console.arrivals_chart import ArrivalsChart
from kiosk.ui.console.listening import EventListener, Heard
from kiosk.ui.ops import EventOps

# While desks keep checking people in, the figures are read again at most this often.
REFRESH_MS = 1000


def _big(points: int, name: str) -> QLabel:
    label = QLabel()
    label.setAccessibleName(name)
    font = QFont()
    font.setPointSize(points)
    font.setBold(True)
    label.setFont(font)
    return label


def _share(done: int, of: int) -> str:
    return f"{done:,} of {of:,}" + (f"  ({100 * done / of:.0f}%)" if of else "")


def _bar(done: int, of: int) -> QWidget:
    """A thin bar with its figures beside it: drawn on the bar, the figures were half
    covered by it (white on the filled part, dark on the rest)."""
    cell = QWidget()
    cell.setAccessibleName(_share(done, of))
    bar = QProgressBar()
    bar.setRange(0, max(of, 1))
    bar.setValue(min(done, max(of, 1)))
    bar.setTextVisible(False)
    bar.setMaximumHeight(12)
    bar.setMinimumWidth(40)
    label = QLabel(_share(done, of))
    label.setObjectName("figures")
    layout = QHBoxLayout(cell)
    layout.setContentsMargins(4, 0, 4, 0)
    layout.addWidget(bar, 1)
    layout.addWidget(label)
    return cell


def _table(headings: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setHorizontalHeaderLabels(headings)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headings)):
        table.horizontalHeader().setSectionResizeMode(
            column, QHeaderView.ResizeMode.ResizeToContents)
    return table


class DashboardScreen(QWidget):
    refreshed = Signal(object)  # the Dashboard now on screen
    failed = Signal(str)

    def __init__(self, event: EventFile, parent: QWidget | None = None,
                 refresh_ms: int = REFRESH_MS) -> None:
        super().__init__(parent)
        self.event_file = event
        self.ops = EventOps(event, self, "dashboard")
        self.refresh_ms = refresh_ms
        self.listener: EventListener | None = None
        self._again = False  # something was written while the figures were being read
        self.dashboard: dashboard.Dashboard | None = None
        self.overall_label = _big(26, "Checked in")
        self.overall_label.setText("Reading the event…")
        self.overall_bar = QProgressBar()
        self.overall_bar.setTextVisible(False)
        self.overall_bar.setMaximumHeight(14)
        self.not_arrived_label = _big(14, "Not arrived yet")
        self.duplicates_label = _big(14, "Duplicate check-ins")
        self.find_me_label = _big(14, "Self check-in find-me tries that found nobody")
        self.categories = _table(["Category", "Checked in"])
        header = self.categories.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.workshops = _table(["Workshop", "Booked / places", "Arrived at the event",
                                 "At the door"])
        self.chart = ArrivalsChart()
        self.duplicates = QListWidget()
        self.duplicates.setAccessibleName("Duplicate check-ins")
        self.desks = QListWidget()
        self.desks.setAccessibleName("Desks")
        self.status_label = QLabel()
        self.status_label.setAccessibleName("Last refreshed")

        figures = QHBoxLayout()
        figures.addWidget(self.not_arrived_label)
        figures.addStretch(1)
        figures.addWidget(self.find_me_label)
        figures.addStretch(1)
        figures.addWidget(self.duplicates_label)
        grid = QGridLayout()
        grid.addWidget(self._box("By category", self.categories), 0, 0)
        grid.addWidget(self._box("Workshops", self.workshops), 0, 1)
        grid.addWidget(self._box("Arrivals per 15 minutes", self.chart), 1, 0, 1, 2)
        grid.addWidget(self._box("Duplicate check-ins (same person, two desks)",
                                 self.duplicates), 2, 0)
        grid.addWidget(self._box("Desks: check-ins and last contact", self.desks), 2, 1)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 4)
        grid.setRowStretch(2, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.overall_label)
        layout.addWidget(self.overall_bar)
        layout.addLayout(figures)
        layout.addLayout(grid, 1)
        layout.addWidget(self.status_label)

    @staticmethod
    def _box(title: str, content: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(6, 6, 6, 6)
        inner.addWidget(content)
        return box

    def start(self) -> None:
        """Read the figures, then again after each write to the event file (a check-in at
        a desk, a sync, an import): nothing is read while nothing happens."""
        self.listener = EventListener(self.event_file, self, self.refresh_ms)
        self.listener.heard.connect(self._on_heard)
        self.refresh()

    def _on_heard(self, _heard: Heard) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Ask for new figures; while a reading is under way, once more after it."""
        if self.ops.pending:
            self._again = True
            return
        self._again = False
        self.ops.read(dashboard.dashboard, self.on_dashboard, self.on_failed)

    def on_dashboard(self, dashboard: dashboard.Dashboard | None) -> None:
        if self._again:
            self.refresh()
        if dashboard is None:
            return
        self.dashboard = dashboard
        self.overall_label.setText(
            f"{dashboard.checked_in:,} of {dashboard.expected:,} checked in")
        self.overall_bar.setRange(0, max(dashboard.expected, 1))
        self.overall_bar.setValue(dashboard.checked_in)
        self.not_arrived_label.setText(f"Not arrived yet: {dashboard.not_arrived:,}")
        count = len(dashboard.duplicates)
        self.duplicates_label.setText(
            "No duplicate check-ins" if not count else
            f"⚠ {count} duplicate check-in{'s' if count != 1 else ''} to review")
        self.duplicates_label.setStyleSheet("" if not count else "color: #8a1c14;")
        failed = dashboard.find_me_failed
        # Shown only once there is one: most events never have any, and a zero says nothing.
        self.find_me_label.setText(
            f"⚠ Self check-in: {failed:,} find-me {'try' if failed == 1 else 'tries'} found "
            "nobody (see Desks)" if failed else "")
        self.find_me_label.setStyleSheet("color: #8a1c14;")
        self.find_me_label.setVisible(bool(failed))
        self._fill_categories(dashboard)
        self._fill_workshops(dashboard)
        self.chart.set_arrivals(dashboard.arrivals)
        self.duplicates.clear()
        for entry in dashboard.duplicates:
            self.duplicates.addItem(f"⚠ {entry.name} — again at {entry.desk}, {entry.at}")
        if not dashboard.duplicates:
            self.duplicates.addItem("None: nobody has been checked in twice.")
        self.desks.clear()
        for desk in dashboard.desks:
            self.desks.addItem(("⚠ " if not desk.last_contact else "") + desk.line)
        if not dashboard.desks:
            self.desks.addItem("No desk has checked anyone in yet.")
        self.status_label.setText(f"{dashboard.event_name} — the figures follow the desks as "
                                  "they check people in")
        self.refreshed.emit(dashboard)

    def _fill_categories(self, dashboard: dashboard.Dashboard) -> None:
        self.categories.setRowCount(len(dashboard.categories))
        for row, (category, done, of) in enumerate(dashboard.categories):
            self.categories.setItem(row, 0, QTableWidgetItem(category))
            self.categories.setCellWidget(row, 1, _bar(done, of))

    def _fill_workshops(self, dashboard: dashboard.Dashboard) -> None:
        self.workshops.setRowCount(len(dashboard.workshops))
        for row, workshop in enumerate(dashboard.workshops):
            places = f"{workshop.booked:,} / {workshop.capacity:,}" if workshop.capacity \
                else f"{workshop.booked:,} / no limit"
            self.workshops.setItem(row, 0, QTableWidgetItem(workshop.name))
            booked = QTableWidgetItem(places)
            if workshop.capacity and workshop.booked > workshop.capacity:
                booked.setText(places + "  ⚠ over")
            self.workshops.setItem(row, 1, booked)
            self.workshops.setCellWidget(row, 2, _bar(workshop.arrived, workshop.booked))
            door = "no door scanning" if workshop.at_door is None else (
                _share(workshop.at_door, workshop.capacity) if workshop.capacity
                else f"{workshop.at_door:,}")
            item = QTableWidgetItem(door)
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.workshops.setItem(row, 3, item)

    def on_failed(self, message: str) -> None:
        if self._again:
            self.refresh()
        self.status_label.setText(f"⚠ {message}")
        self.failed.emit(message)

    def shutdown(self) -> None:
        if self.listener is not None:
            self.listener.stop()
        self.ops.shutdown()
