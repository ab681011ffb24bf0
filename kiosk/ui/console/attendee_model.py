"""The attendee table's model: the full order as row ids, the rows themselves a page at a time.

The model holds one small integer per attendee; text is read only for the pages the table
shows, so 100,000 attendees scroll as freely as 100. A page not yet read shows "…" and is
asked for once (``page_wanted``); the screen reads it on its thread and hands it back.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor

from kiosk.services.attendee_table import AttendeeRow

PAGE_SIZE = 200
# Rows kept in memory; the least recently read are dropped (and read again if needed).
MAX_ROWS = 60 * PAGE_SIZE

# (heading, attribute of AttendeeRow, sort key in kiosk.store.console_queries.SORT_KEYS)
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
_TO_CHECK = QColor("#8a4b00")
# Marks a name that looks damaged (letters lost or garbled): shown, never corrected here.
NAME_TO_CHECK = "⚠ "


class AttendeeTableModel(QAbstractTableModel):
    page_wanted = Signal(int, int)  # (generation, page)
    sort_requested = Signal(str, bool)  # (sort key, descending)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._order: list[int] = []
        # Rows by row id, kept across filters and sorts: a row already read shows at once
        # wherever the new order puts it.
        self._rows: OrderedDict[int, AttendeeRow] = OrderedDict()
        self._asked: set[int] = set()
        self.generation = 0

    # -- feeding ---------------------------------------------------------------------------

    def set_order(self, order: list[int]) -> None:
        """A new filter or sort: every row may have moved, so pages are asked for again."""
        self.beginResetModel()
        self.generation += 1
        self._order = order
        self._asked.clear()
        self.endResetModel()

    def page_ids(self, page: int) -> list[int]:
        return self._order[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]

    def add_page(self, generation: int, page: int, rows: dict[int, AttendeeRow]) -> None:
        if generation != self.generation:
            return  # an answer to an older filter or sort
        for rowid in self.page_ids(page):
            self._rows.pop(rowid, None)  # merged away since: shown empty, not as it was
        self._rows.update(rows)
        while len(self._rows) > MAX_ROWS:
            self._rows.popitem(last=False)
        first = page * PAGE_SIZE
        last = min(len(self._order), first + PAGE_SIZE) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    @property
    def order(self) -> list[int]:
        return self._order

    def read_again(self, changed: frozenset[int] | None) -> None:
        """Rows changed in the event: ask again for the pages shown that hold them (None:
        every page shown). The old text stays until the new arrives."""
        for page in sorted(self._asked):
            if changed is None or not changed.isdisjoint(self.page_ids(page)):
                self.page_wanted.emit(self.generation, page)

    def loaded_pages(self) -> list[int]:
        return sorted(page for page in self._asked
                      if all(r in self._rows for r in self.page_ids(page)))

    def _ask(self, page: int) -> None:
        if page not in self._asked:
            self._asked.add(page)
            self.page_wanted.emit(self.generation, page)

    # -- rows and row ids ------------------------------------------------------------------

    def rowid_at(self, row: int) -> int:
        return self._order[row]

    def row_of(self, rowid: int) -> int | None:
        """Where a row id is in the order (a search in C: a few of these per new order)."""
        try:
            return self._order.index(rowid)
        except ValueError:
            return None

    def attendee_at(self, row: int) -> AttendeeRow | None:
        """The row as last read (None: not read yet)."""
        if not 0 <= row < len(self._order):
            return None
        return self._rows.get(self._order[row])

    # -- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = index.row()
        self._ask(row // PAGE_SIZE)
        attendee = self._rows.get(self._order[row])
        if attendee is None:  # not read yet (or merged away since the order was made)
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                return _LOADING
            return None
        attribute = COLUMNS[index.column()][1]
        if attribute == "name" and attendee.name_check:
            if role == Qt.ItemDataRole.DisplayRole:
                return NAME_TO_CHECK + attendee.name
            if role == Qt.ItemDataRole.ToolTipRole:
                return (f"This name may be damaged. {attendee.name_check}. Double-click to "
                        "correct it.")
            if role == Qt.ItemDataRole.ForegroundRole:
                return _TO_CHECK
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
