"""The big result: green, amber or red with an icon and a word, the person, and what to do."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.core.checkin_rules import Outcome, Tone
from kiosk.core.models import Attendee
from kiosk.services.desk import ScanResult, UndoResult
from kiosk.ui.fitting import ElidedButton, FittedLabel
from kiosk.ui.theme import DEFAULT, Theme, scaled_font

# Which actions fit each outcome, in the order they are offered. "badge" is "Print badge",
# or "Reprint…" once the person has a badge (an auto-print has just queued one).
ACTIONS: dict[Outcome, tuple[str, ...]] = {
    Outcome.OK: ("badge", "undo", "edit"),
    Outcome.REPEAT: ("badge", "undo", "edit"),
    Outcome.ALREADY: ("badge", "edit"),
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
    "reprint": "Reprint…",
    "undo": "Undo",
    "edit": "Edit name",
    "override": "Check in anyway (supervisor)",
    "search": "Find by name",
    "redo": "Check in again",
    "reprint_new": "Reprint with the new name",
}
# How long an undone check-in can be taken back with "Check in again".
REDO_MS = 10_000
# The name is read from two metres away: never smaller than this.
NAME_POINTS = 60
NAME_MIN_POINTS = 48


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
        self.badge_exists = False
        # The person an undo or a correction was about (the result is gone by then).
        self.attendee: Attendee | None = None
        self.icon = QLabel()
        self.icon.setFont(scaled_font(44, True))
        self.icon.setAccessibleName("Result symbol")
        self.headline = FittedLabel("Result", 32, min_points=24, bold=True)
        self.name = FittedLabel("Name", NAME_POINTS, min_points=NAME_MIN_POINTS, bold=True,
                                max_lines=3, fewest_lines=True)
        self.details = FittedLabel("Details", 18, min_points=14, max_lines=3)
        self.message = FittedLabel("Reason", 24, min_points=16, max_lines=4)
        top = QHBoxLayout()
        top.addWidget(self.icon)
        top.addWidget(self.headline, 1)
        self.actions = QHBoxLayout()
        self.buttons: dict[str, ElidedButton] = {}
        for key, label in ACTION_LABELS.items():
            button = ElidedButton(label, 14, bold=True)
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
        self._redo_timer = QTimer(self)
        self._redo_timer.setSingleShot(True)
        self._redo_timer.timeout.connect(lambda: self.buttons["redo"].hide())
        self.clear_after_ms = 6000
        self.clear()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        if self.result is not None:
            self.show_result(self.result, self.badge_exists)
        else:
            self.clear()

    def _paint(self, background: str, foreground: str) -> None:
        self.setStyleSheet(
            f"QFrame#result {{ background: {background}; border-radius: 12px; }}"
            f"QFrame#result QLabel {{ color: {foreground}; background: transparent; }}"
        )

    def _offer(self, *keys: str) -> None:
        for key, button in self.buttons.items():
            button.setVisible(self._staff_view and key in keys)

    def show_result(self, result: ScanResult, badge_exists: bool = False) -> None:
        """A scan's or a check-in's result; ``badge_exists``: the person has a badge (so
        another is a reprint)."""
        self.result = result
        self.badge_exists = badge_exists
        self.attendee = result.attendee
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
        self._offer(*(("reprint" if badge_exists else "print") if key == "badge" else key
                      for key in ACTIONS[result.outcome]))
        self._announce(f"{result.headline}. {result.message}")
        self._restart_timer()

    def badge_queued(self) -> None:
        """A badge was just queued for the person shown: another one is a reprint now."""
        self.badge_exists = True
        if self.buttons["print"].isVisibleTo(self):
            self.buttons["print"].hide()
            self.buttons["reprint"].setVisible(self._staff_view)

    def show_undone(self, undone: UndoResult) -> None:
        """An undo: who is no longer checked in, and for a few seconds a way back."""
        self.result = None
        self.attendee = undone.attendee
        tone = self._theme.tones[Tone.AMBER if undone.undone else Tone.RED]
        self._paint(tone.background, tone.foreground)
        self.icon.setText("↶" if undone.undone else tone.icon)
        self.headline.setText("Check-in undone" if undone.undone else "Nothing to undo")
        self.name.setText(undone.attendee.display_name if undone.attendee else "")
        self.name.setVisible(undone.attendee is not None)
        self.details.hide()
        self.message.setText(undone.message + (" Pressed by mistake? Check in again."
                                               if undone.undone and undone.attendee else ""))
        can_redo = undone.undone and undone.attendee is not None
        self._offer(*(("redo",) if can_redo else ()))
        if can_redo:
            self._redo_timer.start(REDO_MS)
        self._announce(f"{self.headline.text()}. {undone.message}")
        self._restart_timer(REDO_MS)

    def show_saved(self, attendee: Attendee, badge_exists: bool) -> None:
        """A correction saved: the new name, and a reprint if a badge was printed already."""
        self.result = None
        self.attendee = attendee
        self.badge_exists = badge_exists
        self._paint(self._theme.idle.background, self._theme.idle.foreground)
        self.icon.setText("✎")
        self.headline.setText("Correction saved")
        self.name.setText(attendee.display_name)
        self.name.show()
        self.details.hide()
        self.message.setText("Their badge still shows the old name: reprint it."
                             if badge_exists else "The badge will print with this name.")
        self._offer("reprint_new" if badge_exists else "print")
        self._announce(f"Correction saved: {attendee.display_name}.")
        self._restart_timer()

    def show_message(self, headline: str, message: str) -> None:
        """Something to say that is no check-in (settings saved, connected to a hub)."""
        self.clear()
        self.headline.setText(headline)
        self.message.setText(message)
        self._announce(f"{headline}. {message}")

    def clear(self) -> None:
        self.result = None
        self.attendee = None
        self.badge_exists = False
        self._timer.stop()
        self._redo_timer.stop()
        self._paint(self._theme.idle.background, self._theme.idle.foreground)
        self.icon.setText(self._theme.idle.icon)
        self.headline.setText("Ready to scan")
        self.name.setText("")
        self.name.hide()
        self.details.hide()
        self.message.setText("Scan a ticket, or type a name to search.")
        self._offer()
        self.cleared.emit()

    def showing(self) -> bool:
        """Whether a result (or an undo, a correction) is on show rather than "Ready"."""
        return self.name.isVisibleTo(self) or self.result is not None

    def _restart_timer(self, at_least_ms: int = 0) -> None:
        if self.clear_after_ms > 0:
            self._timer.start(max(self.clear_after_ms, at_least_ms))

    def _announce(self, text: str) -> None:
        self.setAccessibleDescription(text)
        event = QAccessibleEvent(self, QAccessible.Event.Alert)
        QAccessible.updateAccessibility(event)
