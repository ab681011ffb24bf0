"""Small forms: a walk-in's details, a name correction, the supervisor PIN."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.models import DEFAULT_CATEGORIES, Attendee, same_category_key


def _field(name: str, text: str = "") -> QLineEdit:
    field = QLineEdit(text)
    field.setAccessibleName(name)
    field.setMinimumHeight(44)
    return field


class _Form(QDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.error = QLabel("")
        self.error.setAccessibleName("Problem")
        self.error.setStyleSheet("color: #b3261e;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            button.setMinimumHeight(44)
        layout = QVBoxLayout(self)
        if intro:
            layout.addWidget(QLabel(intro))
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def problem(self) -> str:
        return ""

    def _accept_if_valid(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            return
        self.accept()


# (what the desk shows, the category's name): Event.desk_choices.
Choices = Sequence[tuple[str, str]]


class CategoryBox(QComboBox):
    """The event's categories as a desk offers them: a discreet one by its badge label."""

    def __init__(self, choices: Choices, current: str = "") -> None:
        super().__init__()
        self.setAccessibleName("Category")
        self.setMinimumHeight(44)
        self.set_choices(choices, current)

    def set_choices(self, choices: Choices, current: str = "") -> None:
        """Offer ``choices`` (the event's, read afresh), keeping the one chosen."""
        chosen = self.category() or current
        self.clear()
        for shown, name in choices or [(name, name) for name in DEFAULT_CATEGORIES]:
            self.addItem(shown, name)
        found = next((i for i in range(self.count())
                      if same_category_key(self.itemData(i)) == same_category_key(chosen)), -1)
        if found < 0:
            found = next((i for i in range(self.count())
                          if same_category_key(self.itemData(i)) == "delegate"), 0)
        self.setCurrentIndex(found)

    def category(self) -> str:
        """The chosen category's name (what is recorded), whatever the desk shows for it."""
        data = self.currentData()
        return data if isinstance(data, str) else ""


class WalkInDialog(_Form):
    """The minimum a badge needs: a name, optionally an organisation, and a category."""

    def __init__(self, parent: QWidget | None = None, categories: Choices = ()) -> None:
        super().__init__("Register a walk-in", "Someone who is not on the list. They are "
                         "checked in straight away.", parent)
        self.first = _field("First name")
        self.last = _field("Last name")
        self.badge = _field("Name on badge (if different)")
        self.organisation = _field("Organisation (optional)")
        self.category = CategoryBox(categories)
        self.form.addRow("First name", self.first)
        self.form.addRow("Last name", self.last)
        self.form.addRow("Name on badge", self.badge)
        self.form.addRow("Organisation", self.organisation)
        self.form.addRow("Category", self.category)

    def problem(self) -> str:
        if not (self.first.text().strip() or self.last.text().strip()
                or self.badge.text().strip()):
            return "Type at least a first name, a last name or a name for the badge."
        return ""

    def values(self) -> dict[str, str]:
        return {"first_name": self.first.text(), "last_name": self.last.text(),
                "badge_name": self.badge.text(), "organisation": self.organisation.text(),
                "category": self.category.category()}


class EditDialog(_Form):
    """Correct what goes on the badge."""

    def __init__(self, attendee: Attendee, parent: QWidget | None = None,
                 categories: Choices = ()) -> None:
        super().__init__("Correct the badge", "", parent)
        self.attendee = attendee
        self.badge = _field("Name on badge", attendee.badge_name)
        self.badge.setPlaceholderText(attendee.full_name)
        self.pronouns = _field("Pronouns", attendee.pronouns)
        self.organisation = _field("Organisation", attendee.organisation)
        # Without the event's list, only "as it is": never a default that would move them.
        self.category = CategoryBox(categories or (("As it is", attendee.category),),
                                    attendee.category)
        self.form.addRow("Name on badge", self.badge)
        self.form.addRow("Pronouns", self.pronouns)
        self.form.addRow("Organisation", self.organisation)
        self.form.addRow("Category", self.category)

    def changes(self) -> dict[str, str]:
        return {"badge_name": self.badge.text(), "pronouns": self.pronouns.text(),
                "organisation": self.organisation.text(),
                "category": self.category.category()}


class PinDialog(_Form):
    """Asks for the supervisor PIN; the check itself is done by the caller."""

    def __init__(self, reason: str, parent: QWidget | None = None,
                 ask_reason: bool = False) -> None:
        super().__init__("Supervisor", reason, parent)
        self.pin = _field("Supervisor PIN")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow("PIN", self.pin)
        self.reason_field: QLineEdit | None = None
        if ask_reason:
            self.reason_field = _field("Reason")
            self.form.addRow("Reason", self.reason_field)

    def problem(self) -> str:
        if not self.pin.text().strip():
            return "Type the supervisor PIN."
        if self.reason_field is not None and not self.reason_field.text().strip():
            return "Say why, for the record."
        return ""

    def reason(self) -> str:
        return self.reason_field.text().strip() if self.reason_field else ""


class ReasonDialog(_Form):
    """Asks why, for the record (e.g. a reprint)."""

    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(title, intro, parent)
        self.reason_field = _field("Reason")
        self.form.addRow("Reason", self.reason_field)

    def problem(self) -> str:
        return "" if self.reason_field.text().strip() else "Say why, for the record."

    def reason(self) -> str:
        return self.reason_field.text().strip()


class TokenDialog(_Form):
    """“Connect to hub”: paste (or scan) the token the hub's organiser shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Connect to hub", "Paste the token shown by `kiosk hub-enrol` (it "
                         "starts with “kiosk:”). It works once and expires.", parent)
        self.token_field = _field("Enrolment token")
        self.form.addRow("Token", self.token_field)

    def problem(self) -> str:
        return "" if self.token().startswith("kiosk:") else \
            "That is not an enrolment token: it starts with “kiosk:”."

    def token(self) -> str:
        return self.token_field.text().strip()
