"""The big result: green, amber or red with an icon and a word, the person, and what to do."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent, QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.core.checkin_rules import Outcome
from kiosk.services.desk import ScanResult
from kiosk.ui.theme import DEFAULT, Theme, scaled_font

# Which actions fit each outcome, in the order they are offered.
ACTIONS: dict[Outcome, tuple[str, ...]] = {
    Outcome.OK: ("print", "undo", "edit"),
    Outcome.REPEAT: ("print", "undo", "edit"),
    Outcome.ALREADY: ("reprint", "edit"),
    Outcome.NOT_BOOKED: ("override",),
    Outcome.FULL: ("override",),
    Outcome.CANCELLED: (),
    Outcome.REVOKED: (),
    Outcome.UNKNOWN: ("search",),
    Outcome.FORGED: ("search",),
    Outcome.OTHER_EVENT: ("search",),
}
ACTION_LABELS = {
    "print": "Print badge",
    "reprint": "Reprint badge",
    "undo": "Undo",
    "edit": "Edit name",
    "override": "Check in anyway (supervisor)",
    "search": "Find by name",
}


def _font(points: int, bold: bool = False) -> QFont:
    return scaled_font(points, bold)


class ResultPanel(QFrame):
    """Shows one result until the next one, or until it clears itself."""

    action_chosen = Signal(str)
    cleared = Signal()

    def __init__(self, theme: Theme = DEFAULT, parent: QWidget | None = None,
                 staff_view: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("result")
        self.setAccessibleName("Check-in result")
        self._theme = theme
        self._staff_view = staff_view
        self.result: ScanResult | None = None
        self.icon = QLabel()
        self.icon.setFont(_font(48, True))
        self.icon.setAccessibleName("Result symbol")
        self.headline = QLabel()
        self.headline.setFont(_font(30, True))
        self.headline.setAccessibleName("Result")
        self.name = QLabel()
        self.name.setFont(_font(36, True))
        self.name.setWordWrap(True)
        self.name.setAccessibleName("Name")
        self.details = QLabel()
        self.details.setFont(_font(16))
        self.details.setWordWrap(True)
        self.details.setAccessibleName("Details")
        self.message = QLabel()
        self.message.setFont(_font(24))
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Reason")
        top = QHBoxLayout()
        top.addWidget(self.icon)
        top.addWidget(self.headline, 1)
        self.actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, label in ACTION_LABELS.items():
            button = QPushButton(label)
            button.setMinimumHeight(48)
            button.setFont(_font(14, True))
            button.setAccessibleName(label)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # focus stays where scans go
            button.clicked.connect(lambda _=False, k=key: self.action_chosen.emit(k))
            button.hide()
            self.buttons[key] = button
            self.actions.addWidget(button)
        self.actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addLayout(top)
        layout.addWidget(self.name)
        layout.addWidget(self.details)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(self.actions)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear)
        self.clear_after_ms = 6000
        self.clear()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.show_result(self.result) if self.result else self.clear()

    def _paint(self, background: str, foreground: str) -> None:
        self.setStyleSheet(
            f"QFrame#result {{ background: {background}; border-radius: 12px; }}"
            f"QFrame#result QLabel {{ color: {foreground}; background: transparent; }}"
        )

    def show_result(self, result: ScanResult) -> None:
        self.result = result
        style = self._theme.tones[result.tone]
        self._paint(style.background, style.foreground)
        self.icon.setText(style.icon)
        self.headline.setText(result.headline)
        attendee = result.attendee
        self.name.setText(attendee.display_name if attendee else "")
        self.name.setVisible(attendee is not None)
        details = []
        if attendee is not None and self._staff_view:
            # The badge label only: a category's own name (an imported ticket type) can say
            # what must not be read over a person's shoulder.
            if result.category_label:
                details.append(result.category_label)
            if attendee.pronouns:
                details.append(attendee.pronouns)
            if attendee.desk_note:
                details.append(f"Note: {attendee.desk_note}")
            if attendee.access_needs:
                details.append(f"Access needs: {attendee.access_needs}")
        self.details.setText("  ·  ".join(details))
        self.details.setVisible(bool(details))
        self.message.setText(result.message)
        for key, button in self.buttons.items():
            button.setVisible(self._staff_view and key in ACTIONS[result.outcome])
        self._announce(f"{result.headline}. {result.message}")
        if self.clear_after_ms > 0:
            self._timer.start(self.clear_after_ms)

    def clear(self) -> None:
        self.result = None
        self._paint(self._theme.idle.background, self._theme.idle.foreground)
        self.icon.setText(self._theme.idle.icon)
        self.headline.setText("Ready to scan")
        self.name.hide()
        self.details.hide()
        self.message.setText("Scan a ticket, or type a name to search.")
        for button in self.buttons.values():
            button.hide()
        self.cleared.emit()

    def _announce(self, text: str) -> None:
        self.setAccessibleDescription(text)
        event = QAccessibleEvent(self, QAccessible.Event.Alert)
        QAccessible.updateAccessibility(event)
