"""Small forms: a walk-in's details, a name correction, the supervisor PIN.

Every form takes scans too: the desk's scanner listener stays on while a form is open, so
a ticket scanned then never types its code into a field; the form is offered the scan
(``take_scan``) and takes it when it is what it asks for (an enrolment token), or says
that nothing was typed and nobody was checked in.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.models import DEFAULT_CATEGORIES, Attendee, same_category_key
from kiosk.services.desk_session import looks_like_a_ticket_code
from kiosk.ui.fitting import FittedLabel
from kiosk.ui.theme import scaled_font

# A form's text is the desk's body size, not the system's small dialog text.
FORM_POINTS = 14
# Read at arm's length: a form fits a 1280 × 720 screen with room for the window's frame.
FORM_MAX_WIDTH = 900

SCANNED_WHILE_OPEN = ("A ticket was scanned while this form is open: nothing was typed and "
                      "nobody was checked in. Finish or cancel the form, then scan again.")


def _field(name: str, text: str = "") -> QLineEdit:
    field = QLineEdit(text)
    field.setAccessibleName(name)
    field.setMinimumHeight(44)
    field.setFont(scaled_font(FORM_POINTS))
    return field


def _wrapped(text: str, name: str = "", hide_when_empty: bool = False) -> FittedLabel:
    # Wraps, and breaks a word too long for the form (a very long name) or shortens it
    # rather than widening the form past the screen.
    label = FittedLabel(name, FORM_POINTS, max_lines=10, hide_when_empty=hide_when_empty)
    label.setText(text)
    return label


class _Form(QDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setFont(scaled_font(FORM_POINTS))
        self.setMinimumWidth(min(520, FORM_MAX_WIDTH))
        self.setMaximumWidth(FORM_MAX_WIDTH)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.error = _wrapped("", "Problem", hide_when_empty=True)
        self.error.setStyleSheet("color: #b3261e;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        for button in self.buttons.buttons():
            button.setMinimumHeight(44)
        layout = QVBoxLayout(self)
        self.intro = _wrapped(intro, "About this form")
        self.intro.setVisible(bool(intro))
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def problem(self) -> str:
        return ""

    def take_scan(self, code: str, timing: object = None) -> bool:
        """A scan came while this form is open (``timing``: how it came): True if the form
        took it. By default it does not, and says so (the code never reaches a field)."""
        self.error.setText(SCANNED_WHILE_OPEN)
        return False

    def _accept_if_valid(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            return
        self.accept()


def code_in_names(fields: dict[str, QLineEdit]) -> str:
    """What to say when a name field holds a ticket code (pasted, or typed by a scanner
    the desk could not catch); "" when none does."""
    for title, field in fields.items():
        if looks_like_a_ticket_code(field.text()):
            return (f"“{title}” holds a ticket code, not a name. Clear it and type the "
                    "name; scan tickets with this form closed.")
    return ""


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
        return code_in_names({"First name": self.first, "Last name": self.last,
                              "Name on badge": self.badge, "Organisation": self.organisation})

    def take_scan(self, code: str, timing: object = None) -> bool:
        self.error.setText("A ticket was scanned: this person may be registered after all. "
                           "Nothing was typed and nobody was checked in — cancel this form "
                           "and scan the ticket again.")
        return False

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

    def problem(self) -> str:
        return code_in_names({"Name on badge": self.badge, "Pronouns": self.pronouns,
                              "Organisation": self.organisation})

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

    def take_scan(self, code: str, timing: object = None) -> bool:
        """The hub shows its token as a QR code too: a scan of it fills the field."""
        if code.strip().startswith("kiosk:"):
            self.token_field.setText(code.strip())
            self.error.setText("")
            return True
        self.error.setText("That was not an enrolment token (it starts with “kiosk:”): "
                           "nothing was typed and nobody was checked in.")
        return False

    def token(self) -> str:
        return self.token_field.text().strip()
