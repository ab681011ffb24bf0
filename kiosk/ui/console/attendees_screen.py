"""The Attendees screen: every registration in a fast table with a filter box and sorting."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kiosk.services import console
from kiosk.ui.console.attendee_model import COLUMNS, AttendeeTableModel
from kiosk.ui.console.tasks import EventTasks

STATES: tuple[tuple[str, str], ...] = (
    ("all", "Everyone"),
    ("expected", "Expected (not cancelled)"),
    ("checked_in", "Checked in"),
    ("not_checked_in", "Not checked in yet"),
    ("badge_printed", "Badge printed"),
    ("badge_not_printed", "Badge not printed"),
    ("cancelled", "Cancelled"),
)

_COLUMN_WIDTHS = (220, 240, 110, 110, 120, 110)


class AttendeesScreen(QWidget):
    """Filters and sorts run on the screen's thread; the table keeps showing the previous
    answer until the new one is ready, so typing never waits for the disk."""

    order_shown = Signal(int)  # rows now in the table
    rows_loaded = Signal(int)  # a page of rows has arrived (its number)
    failed = Signal(str)

    def __init__(self, event_path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = EventTasks(event_path, "attendees", self)
        self.query = console.AttendeeQuery()
        self._workshops: dict[str, str] = {}
        self._asked_order = 0
        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText("Find by name, organisation, email or reference…")
        self.filter_box.setAccessibleName("Filter attendees")
        self.filter_box.setClearButtonEnabled(True)
        self.state_box = QComboBox()
        self.state_box.setAccessibleName("Show")
        for key, title in STATES:
            self.state_box.addItem(title, key)
        self.refresh_button = QPushButton("Refresh")
        self.count_label = QLabel("Reading the attendees…")
        self.count_label.setAccessibleName("Attendees shown")
        self.model = AttendeeTableModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Attendees")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        # Fixed row heights: the view never measures 100,000 rows.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column, width in enumerate(_COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        bar = QHBoxLayout()
        bar.addWidget(self.filter_box, 1)
        bar.addWidget(QLabel("Show:"))
        bar.addWidget(self.state_box)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(250)
        self._typing.timeout.connect(self.apply_filter)
        self.filter_box.textChanged.connect(lambda _text: self._typing.start())
        self.state_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.refresh_button.clicked.connect(self.reload)
        self.model.page_wanted.connect(self.on_page_wanted)
        self.model.sort_requested.connect(self.on_sort_requested)

    def start(self) -> None:
        """Read the event's workshops, then the first order."""
        self.tasks.call(console.workshop_names, self._on_workshops, self.on_failed)

    def _on_workshops(self, names: dict[str, str]) -> None:
        self._workshops = names
        self._ask_order()

    # -- filter and sort -------------------------------------------------------------------

    def apply_filter(self) -> None:
        self._typing.stop()
        self.query = console.AttendeeQuery(
            state=self.state_box.currentData(), text=self.filter_box.text().strip(),
            sort=self.query.sort, descending=self.query.descending)
        self._ask_order()

    def on_sort_requested(self, sort: str, descending: bool) -> None:
        self.query = console.AttendeeQuery(self.query.state, self.query.text, sort, descending)
        self._ask_order()

    def reload(self) -> None:
        self.start()

    def _ask_order(self) -> None:
        query = self.query
        self.count_label.setText("Finding…")
        self._asked_order += 1
        self.tasks.call(lambda store: console.attendee_order(store, query),
                        partial(self._on_order, self._asked_order), self.on_failed)

    def _on_order(self, request: int, order: list[int]) -> None:
        if request != self._asked_order:
            return  # the organiser has typed more since
        self.model.set_order(order)
        shown = f"{len(order):,} attendee" + ("" if len(order) == 1 else "s")
        self.count_label.setText(shown + (" match" if self.query.text else " shown"))
        self.order_shown.emit(len(order))

    # -- pages -----------------------------------------------------------------------------

    def on_page_wanted(self, generation: int, page: int) -> None:
        ids = self.model.page_ids(page)
        workshops = self._workshops
        self.tasks.call(
            lambda store: console.attendee_rows(store, ids, workshops),
            partial(self._on_page, generation, page), self.on_failed)

    def _on_page(self, generation: int, page: int, rows: dict) -> None:
        self.model.add_page(generation, page, rows)
        self.rows_loaded.emit(page)

    def on_failed(self, message: str) -> None:
        self.count_label.setText(f"⚠ {message}")
        self.failed.emit(message)

    def visible_text(self, row: int, column_title: str) -> str:
        """What the table shows in one cell (for tests and screen readers alike)."""
        column = [c[0] for c in COLUMNS].index(column_title)
        value = self.model.data(self.model.index(row, column))
        return "" if value is None else str(value)

    def shutdown(self) -> None:
        self.tasks.shutdown()
