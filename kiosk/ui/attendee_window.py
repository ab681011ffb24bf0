"""The first window: the event's attendees in a table (until the desk screen lands)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QTableView, QVBoxLayout, QWidget

from kiosk.core.models import Attendee, Event
from kiosk.services.attendee_directory import EventOverview, load_overview

_COLUMNS = ("Name", "Badge name", "Organisation", "Category", "Status", "Checked in")


class AttendeeTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._attendees: list[Attendee] = []
        self._event: Event | None = None

    def set_attendees(self, attendees: list[Attendee], event: Event | None = None) -> None:
        self.beginResetModel()
        self._attendees = attendees
        self._event = event
        self.endResetModel()

    def _category(self, attendee: Attendee) -> str:
        """A discreet category by its badge label: this list is opened at a desk."""
        if self._event is not None and self._event.is_discreet(attendee.category):
            return self._event.label_of(attendee.category)
        return attendee.category

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._attendees)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(_COLUMNS)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        a = self._attendees[index.row()]
        return (a.full_name, a.badge_name, a.organisation, self._category(a), a.status.value,
                "yes" if a.checked_in else "")[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _COLUMNS[section]
        return None


class _OverviewLoader(QThread):
    """Reads the event off the UI thread and hands the result back by signal."""

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, path: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path

    def run(self) -> None:
        try:
            self.loaded.emit(load_overview(self._path))
        except Exception as exc:  # shown to the user, never a traceback
            self.failed.emit(str(exc))


class AttendeeWindow(QMainWindow):
    overview_loaded = Signal()

    def __init__(self, event_path: str) -> None:
        super().__init__()
        self.setWindowTitle("kiosk")
        self.resize(1000, 640)
        self.heading = QLabel("Opening the event…")
        self.heading.setAccessibleName("Event")
        font = self.heading.font()
        font.setPointSize(18)
        self.heading.setFont(font)
        self.model = AttendeeTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Attendees")
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.heading)
        layout.addWidget(self.table)
        self.setCentralWidget(body)
        self._loader = _OverviewLoader(event_path, self)
        self._loader.loaded.connect(self.on_loaded)
        self._loader.failed.connect(self.on_failed)
        self._loader.start()

    def on_loaded(self, overview: EventOverview) -> None:
        self.heading.setText(
            f"{overview.event.name} — {overview.checked_in} of {overview.expected} checked in"
        )
        self.setWindowTitle(f"kiosk — {overview.event.name}")
        self.model.set_attendees(overview.attendees, overview.event)
        self.table.resizeColumnsToContents()
        self.overview_loaded.emit()

    def on_failed(self, message: str) -> None:
        self.heading.setText(f"This event could not be opened: {message}")
        self.overview_loaded.emit()

    def closeEvent(self, event: object) -> None:
        self._loader.wait()
        super().closeEvent(event)  # type: ignore[arg-type]
