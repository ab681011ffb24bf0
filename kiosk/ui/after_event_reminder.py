"""The reminder a staffed desk shows as it closes after the event: export, then wipe."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from kiosk.core.models import Event
from kiosk.services.after_event import reminder_due
from kiosk.ui.theme import scaled_font


class AfterEventReminder(QDialog):
    """Not modal and not in the way: the desk has already closed behind it."""

    def __init__(self, event: Event, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Before you pack up")
        self.setMinimumWidth(520)
        self.setFont(scaled_font(14))  # the desk's body size, as its other forms
        self.text = QLabel(
            f"“{event.name}” is over. Before this computer is put away or handed back:\n\n"
            "1. Export the attendance you need: Organise → After the event → Exports.\n"
            "2. Wipe the personal data (names, emails, needs) from this computer: Organise → "
            "After the event → Wipe personal data…\n\n"
            "Other desks keep their own copy: wipe each of them too.")
        self.text.setWordWrap(True)
        self.text.setAccessibleName("Reminder")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, True)


def show_reminder(desk: QWidget, event: Event, registrations: int,
                  now: datetime) -> AfterEventReminder | None:
    """Show the reminder if the event is over and people's data is still on this desk."""
    if not reminder_due(event.date, now, registrations > 0):
        return None
    reminder = AfterEventReminder(event, desk)
    reminder.show()
    handle = reminder.windowHandle()
    if handle is not None:
        # Tied to the desk as its transient parent, the reminder would go with the closing
        # desk: freed, it stays up until read, and the app ends once it is.
        handle.setTransientParent(None)
    return reminder
