"""Pieces of the After the event screen: the audit table model and the confirmations."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.after_event import AuditEntry, confirmation_matches, confirmation_word

AUDIT_COLUMNS = ("When", "Desk", "Operator", "Action", "Attendee id", "Detail")
ALL_ACTIONS = "All actions"
_Index = QModelIndex | QPersistentModelIndex


class AuditModel(QAbstractTableModel):
    """The audit trail, newest first, optionally only one action. Ids, never names."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[AuditEntry] = []
        self._shown: list[AuditEntry] = []
        self.action = ALL_ACTIONS

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()
        self._all = entries
        self._shown = self._filtered()
        self.endResetModel()

    def set_action(self, action: str) -> None:
        self.beginResetModel()
        self.action = action
        self._shown = self._filtered()
        self.endResetModel()

    def actions(self) -> list[str]:
        return sorted({entry.action for entry in self._all})

    def _filtered(self) -> list[AuditEntry]:
        if self.action == ALL_ACTIONS:
            return list(self._all)
        return [entry for entry in self._all if entry.action == self.action]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(AUDIT_COLUMNS)

    def cell(self, row: int, column: int) -> str:
        entry = self._shown[row]
        return (entry.at.replace("T", " "), entry.desk, entry.operator, entry.action,
                entry.attendee_id, entry.detail)[column]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        return self.cell(index.row(), index.column())

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return AUDIT_COLUMNS[section]
        return None


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ConfirmDialog(QDialog):
    """A plain yes-or-cancel question (opened with open(), so nothing waits on it)."""

    def __init__(self, title: str, text: str, action: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.text = _wrapped(text)
        self.go = QPushButton(action)
        self.go.setMinimumHeight(44)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.go, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        # The safe choice is the default: Enter does not restore.
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


class RemovalDialog(QDialog):
    """Wipe or anonymise: names what will go, asks for the supervisor PIN and for the event's
    name (or WIPE / ANONYMISE) typed out. ``confirmed(pin, typed)``; the screen answers with
    ``refused(message)`` (the dialog stays open) or closes it."""

    confirmed = Signal(str, str)

    def __init__(self, anonymise: bool, event_name: str, lines: list[str], has_pin: bool,
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.anonymise = anonymise
        self.event_name = event_name
        verb = "Anonymise" if anonymise else "Wipe"
        self.setWindowTitle(f"{verb} personal data")
        self.setMinimumWidth(620)
        word = confirmation_word(anonymise)
        intro = _wrapped(f"{verb} “{event_name}” on this computer. This removes, for good:")
        self.summary = _wrapped("\n".join(lines))
        self.summary.setAccessibleName("What will be removed")
        first = _wrapped("Export the attendance you need first: after this, only the "
                         "anonymous figures of the event report are left.")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAccessibleName("Supervisor PIN")
        self.pin.setMinimumHeight(40)
        self.typed = QLineEdit()
        self.typed.setAccessibleName("Confirmation")
        self.typed.setPlaceholderText(word)
        self.typed.setMinimumHeight(40)
        self.error = QLabel("")
        self.error.setAccessibleName("Problem")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        form = QFormLayout()
        if has_pin:
            form.addRow("Supervisor PIN", self.pin)
        form.addRow(f"Type {word} or the event's name", self.typed)
        self.go = QPushButton(f"{verb} for good")
        self.go.setMinimumHeight(44)
        self.go.setEnabled(False)
        self.go.setStyleSheet("QPushButton:enabled { background: #b3261e; color: white; }")
        self.go.clicked.connect(self._on_go)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.go, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.typed.textChanged.connect(self._on_typed)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addWidget(first)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _on_typed(self, text: str) -> None:
        self.go.setEnabled(confirmation_matches(text, self.event_name, self.anonymise))

    def _on_go(self) -> None:
        self.go.setEnabled(False)  # one request at a time; the PIN check takes a moment
        self.error.setText("Checking…")
        self.confirmed.emit(self.pin.text(), self.typed.text())

    def refused(self, message: str) -> None:
        self.error.setText(message)
        self.pin.clear()
        self._on_typed(self.typed.text())
