"""The attendee table's model: the full order as row ids, the rows themselves a page at a time.

The model holds one small integer per attendee; text is read only for the pages the table
shows, so 100,000 attendees scroll as freely as 100. A page not yet read shows "…" and is
asked for once (``page_wanted``); the screen reads it on its thread and hands it back.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor

from kiosk.services.console import AttendeeRow

PAGE_SIZE = 200
# Pages kept in memory; the least recently shown are dropped (and read again if needed).
MAX_PAGES = 60

# (heading, attribute of AttendeeRow, sort key in kiosk.services.console.SORT_KEYS)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Name", "name", "name"),
    ("Organisation", "organisation", "organisation"),
    ("Category", "category", "category"),
    ("Registration", "status", "status"),
    ("Checked in", "checked_in", "checked_in"),
    ("Badge", "badge", "badge"),
    ("Workshops", "workshops", "workshops"),
)

_LOADING = "…"
_CANCELLED = QColor("#8a1c14")
_ARRIVED = QColor("#1b6e2d")


class AttendeeTableModel(QAbstractTableModel):
    page_wanted = Signal(int, int)  # (generation, page)
    sort_requested = Signal(str, bool)  # (sort key, descending)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._order: list[int] = []
        self._pages: OrderedDict[int, dict[int, AttendeeRow]] = OrderedDict()
        self._asked: set[int] = set()
        self.generation = 0

    # -- feeding ---------------------------------------------------------------------------

    def set_order(self, order: list[int]) -> None:
        """A new filter or sort: every row may have moved, so every page is read again."""
        self.beginResetModel()
        self.generation += 1
        self._order = order
        self._pages.clear()
        self._asked.clear()
        self.endResetModel()

    def page_ids(self, page: int) -> list[int]:
        return self._order[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]

    def add_page(self, generation: int, page: int, rows: dict[int, AttendeeRow]) -> None:
        if generation != self.generation:
            return  # an answer to an older filter or sort
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > MAX_PAGES:
            dropped, _ = self._pages.popitem(last=False)
            self._asked.discard(dropped)
        first = page * PAGE_SIZE
        last = min(len(self._order), first + PAGE_SIZE) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    def loaded_pages(self) -> list[int]:
        return list(self._pages)

    def _ask(self, page: int) -> None:
        if page not in self._asked:
            self._asked.add(page)
            self.page_wanted.emit(self.generation, page)

    # -- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = index.row()
        page_number = row // PAGE_SIZE
        page = self._pages.get(page_number)
        if page is None:
            self._ask(page_number)
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                return _LOADING
            return None
        attendee = page.get(self._order[row])
        if attendee is None:  # gone since the order was read (merged away)
            return None
        attribute = COLUMNS[index.column()][1]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = getattr(attendee, attribute)
            if attribute == "checked_in" and role == Qt.ItemDataRole.DisplayRole:
                return f"✔ {value}" if value else "—"
            if attribute == "badge" and role == Qt.ItemDataRole.DisplayRole:
                return f"✔ {value}" if value else "—"
            return value
        if role == Qt.ItemDataRole.ForegroundRole:
            if attendee.status == "cancelled":
                return _CANCELLED
            if attribute == "checked_in" and attendee.checked_in:
                return _ARRIVED
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][0]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_requested.emit(COLUMNS[column][2], order == Qt.SortOrder.DescendingOrder)
