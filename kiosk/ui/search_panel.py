"""Find a person by name as you type; arrows move through the results, Enter checks in."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from kiosk.core import tickets
from kiosk.core.models import Attendee, Status
from kiosk.ui.theme import scaled_font


def looks_like_a_code(text: str) -> bool:
    """Typed by hand: one of our codes, or a long run of digits like an imported barcode."""
    stripped = text.strip().upper()
    return (tickets.looks_like_ticket(stripped) or tickets.looks_like_walkin(stripped)
            or (stripped.isdigit() and len(stripped) >= 8))


def describe(attendee: Attendee) -> str:
    """One result row: the check-in state first, so a narrow list still shows it."""
    if attendee.status is Status.CANCELLED:
        state = "✖ cancelled:"
    else:
        state = "✔ in:" if attendee.checked_in else "○"
    org = f" — {attendee.organisation}" if attendee.organisation else ""
    return f"{state} {attendee.display_name}{org}"


class SearchPanel(QWidget):
    """The search box and its results. Emits what the person chose; does no I/O itself."""

    search_requested = Signal(str)
    attendee_chosen = Signal(str)
    code_typed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QLineEdit()
        self.box.setPlaceholderText("Find by name, organisation or email")
        self.box.setAccessibleName("Search attendees")
        font = scaled_font(18)
        self.box.setFont(font)
        self.box.setMinimumHeight(48)
        self.results = QListWidget()
        self.results.setAccessibleName("Search results")
        self.results.setFont(font)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.itemActivated.connect(self._on_item_activated)
        self.results.itemClicked.connect(self._on_item_activated)
        self.status = QLabel("")
        self.status.setAccessibleName("Search status")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self._ask)
        self.box.textEdited.connect(lambda _: self._debounce.start())
        self.box.installEventFilter(self)

    def _ask(self) -> None:
        text = self.box.text().strip()
        if len(text) < 2 or looks_like_a_code(text):
            self.show_results([])
            return
        self.search_requested.emit(text)

    def show_results(self, people: list[Attendee]) -> None:
        self.results.clear()
        for attendee in people:
            item = QListWidgetItem(describe(attendee))
            item.setData(Qt.ItemDataRole.UserRole, attendee.id)
            self.results.addItem(item)
        if people:
            self.results.setCurrentRow(0)
        text = self.box.text().strip()
        if text and len(text) >= 2 and not people and not looks_like_a_code(text):
            self.status.setText("Nobody found. Check the spelling, or try the surname or "
                                "organisation — or register a walk-in.")
        else:
            self.status.setText(f"{len(people)} found — ↑↓ to choose, Enter to check in"
                                if people else "")

    def clear(self) -> None:
        self.box.clear()
        self.show_results([])

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        self.attendee_chosen.emit(item.data(Qt.ItemDataRole.UserRole))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.box and event.type() == QEvent.Type.KeyPress:
            key = QKeyEvent(event).key() if not isinstance(event, QKeyEvent) else event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.count():
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
                self.results.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                text = self.box.text().strip()
                if looks_like_a_code(text):
                    self.code_typed.emit(text)
                    self.clear()
                elif self.results.currentItem() is not None:
                    self._on_item_activated(self.results.currentItem())
                return True
            if key == Qt.Key.Key_Escape:
                self.clear()
                return True
        return super().eventFilter(watched, event)
