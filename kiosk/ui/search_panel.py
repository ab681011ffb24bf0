"""Find a person by name as you type; choose one, then check them in on purpose.

Nobody is checked in by accident: Enter checks in only the one person found, or the row
the volunteer chose with ↑↓ or a click; a click only chooses, and the Check in button,
Enter or a double-click acts. Results say what tells two people of the same name apart
(organisation, email, badge label) and mark them as a possible duplicate; cancelled
registrations come last, marked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import tickets
from kiosk.core.models import Attendee, Status
from kiosk.core.text import name_key
from kiosk.ui.fitting import ElidedButton, FittedLabel
from kiosk.ui.theme import scaled_font

_ID = Qt.ItemDataRole.UserRole
_NAME = Qt.ItemDataRole.UserRole + 1


def looks_like_a_code(text: str) -> bool:
    """Typed by hand: one of our codes, or a long run of digits like an imported barcode."""
    stripped = text.strip().upper()
    return (tickets.looks_like_ticket(stripped) or tickets.looks_like_walkin(stripped)
            or (stripped.isdigit() and len(stripped) >= 8))


def describe(attendee: Attendee, look_alike: bool = False,
             label_of: Callable[[str], str] = lambda category: "") -> str:
    """One result row: the check-in state first, so a narrow list still shows it; for a
    person who shares their name with another result, what tells them apart."""
    if attendee.status is Status.CANCELLED:
        state = "✖ cancelled:"
    else:
        state = "✔ in:" if attendee.checked_in else "○"
    org = f" — {attendee.organisation}" if attendee.organisation else ""
    row = f"{state} {attendee.display_name}{org}"
    if look_alike:
        apart = [part for part in (attendee.email, label_of(attendee.category)) if part]
        row += "\n      ⚠ possible duplicate" + "".join(f" · {part}" for part in apart)
    return row


def _same_person_key(attendee: Attendee) -> str:
    return name_key(attendee.first_name, attendee.last_name) or attendee.display_name.casefold()


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
        self.box.setFont(scaled_font(18))
        self.box.setMinimumHeight(48)
        self.box.setMinimumWidth(0)
        self.results = QListWidget()
        self.results.setAccessibleName("Search results")
        self.results.setFont(scaled_font(16))
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setWordWrap(True)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setMinimumWidth(0)
        self.results.itemClicked.connect(self._on_item_clicked)
        self.results.itemDoubleClicked.connect(self._act_on)
        self.status = FittedLabel("Search status", 12, min_points=11, max_lines=2)
        self.check_in_button = ElidedButton("Check in", 14, bold=True)
        self.check_in_button.setAccessibleName("Check in the chosen person")
        self.check_in_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.check_in_button.clicked.connect(self._check_in_chosen)
        self.check_in_button.setEnabled(False)
        # What the desk shows of a category (its badge label): set by the desk once open.
        self.label_of: Callable[[str], str] = lambda category: ""
        # The row the volunteer chose (by ↑↓ or a click), by attendee id: the only row
        # Enter acts on when more than one person is found.
        self._chosen: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.check_in_button)
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
        kept = self._chosen
        self.results.clear()
        self._chosen = None
        # Cancelled registrations last: the desk finds them to say why, not to pick them.
        people = sorted(people, key=lambda a: a.status is Status.CANCELLED)
        names = Counter(_same_person_key(a) for a in people)
        for attendee in people:
            item = QListWidgetItem(describe(attendee, names[_same_person_key(attendee)] > 1,
                                            self.label_of))
            item.setData(_ID, attendee.id)
            item.setData(_NAME, attendee.display_name)
            item.setToolTip(item.text())
            self.results.addItem(item)
            if attendee.id == kept:
                self._choose(item)
        if len(people) == 1 and self._chosen is None:
            self._choose(self.results.item(0))
        self._say()

    def _say(self) -> None:
        text = self.box.text().strip()
        count = self.results.count()
        chosen = self.chosen_item()
        if text and len(text) >= 2 and not count and not looks_like_a_code(text):
            self.status.setText("Nobody found. Check the spelling, or try the surname or "
                                "organisation — or register a walk-in.")
        elif count == 1:
            self.status.setText("1 found — Enter or Check in checks them in")
        elif count and chosen is None:
            self.status.setText(f"{count} found — choose one with ↑↓ or a click, then Enter "
                                "or Check in")
        elif count:
            self.status.setText(f"{count} found — Enter or Check in checks in the one chosen")
        else:
            self.status.setText("")
        name = chosen.data(_NAME) if chosen is not None else ""
        self.check_in_button.setEnabled(chosen is not None)
        self.check_in_button.setText(f"Check in  ▸  {name}" if name else "Check in")

    def chosen_item(self) -> QListWidgetItem | None:
        """The row Enter and Check in act on, if any."""
        if self._chosen is None:
            return None
        for row in range(self.results.count()):
            if self.results.item(row).data(_ID) == self._chosen:
                return self.results.item(row)
        return None

    def _choose(self, item: QListWidgetItem) -> None:
        self._chosen = item.data(_ID)
        self.results.setCurrentItem(item)
        self.results.scrollToItem(item)

    def clear(self) -> None:
        self.box.clear()
        self.show_results([])

    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        self._choose(item)  # a click chooses; it does not check in
        self._say()

    def _act_on(self, item: QListWidgetItem) -> None:
        self.attendee_chosen.emit(item.data(_ID))

    def _check_in_chosen(self) -> None:
        chosen = self.chosen_item()
        if chosen is not None:
            self._act_on(chosen)

    def _move(self, step: int) -> None:
        count = self.results.count()
        if not count:
            return
        current = self.chosen_item()
        if current is None:  # nothing chosen yet: ↓ chooses the first, ↑ the last
            row = 0 if step > 0 else count - 1
        else:
            row = max(0, min(count - 1, self.results.row(current) + step))
        self._choose(self.results.item(row))
        self._say()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.box and event.type() == QEvent.Type.ShortcutOverride:
            assert isinstance(event, QKeyEvent)
            if event.matches(QKeySequence.StandardKey.Undo) \
                    or event.matches(QKeySequence.StandardKey.Redo):
                # Ctrl+Z undoes the last check-in, wherever the focus is; the box's own
                # undo stays on its context menu.
                return True
        if watched is self.box and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.count():
                self._move(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                text = self.box.text().strip()
                if looks_like_a_code(text):
                    self.code_typed.emit(text)
                    self.clear()
                elif self.chosen_item() is not None:
                    self._check_in_chosen()
                elif self.results.count():
                    self.status.setText("Several people match: choose one with ↑↓ or a click "
                                        "first, then press Enter.")
                return True
            if key == Qt.Key.Key_Escape:
                self.clear()
                return True
        return super().eventFilter(watched, event)
