"""The attendee table's forms: edit a record, merge two records side by side, confirm a cancel.

Each dialog is opened with ``open()`` and never closes itself on OK: it says what the
organiser asked for (a signal), shows "Saving…", and the screen closes it once the change is
recorded — or shows the problem in it, with everything typed still there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.models import Attendee, Status
from kiosk.services.attendee_admin import MergePlan, RecordSummary, WorkshopChoice
from kiosk.services.attendee_table import name_check
from kiosk.ui.fitting import FittedLabel, FittingScrollArea

_PROBLEM_STYLE = "color: #b3261e;"
_FIELD_TITLES = {
    "first_name": "First name", "last_name": "Last name", "badge_name": "Badge name",
    "pronouns": "Pronouns", "organisation": "Organisation", "email": "Email",
    "category": "Category", "desk_note": "Note for the desk", "access_needs": "Access needs",
    "first_name_only": "First name only", "photo_consent": "Photo consent",
    "sessions": "Workshops", "status": "Registration",
}


def field_titles(names: Sequence[str]) -> str:
    """"organisation, pronouns" as an organiser reads them: "Organisation, Pronouns"."""
    return ", ".join(_FIELD_TITLES.get(name, name) for name in names)


class _ActionDialog(QDialog):
    """A dialog whose OK asks the screen to do something and waits for the answer."""

    def __init__(self, title: str, action: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.problem = QLabel("")
        self.problem.setAccessibleName("Problem")
        self.problem.setStyleSheet(_PROBLEM_STYLE)
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.action_button: QPushButton = self.buttons.addButton(
            action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button: QPushButton = self.buttons.addButton(
            "Close without saving" if action == "Save" else "Go back",
            QDialogButtonBox.ButtonRole.RejectRole)
        self.action_button.setDefault(True)
        self.buttons.accepted.connect(self._on_action)
        self.buttons.rejected.connect(self.reject)
        content = QWidget()
        self.body = QVBoxLayout(content)
        self.body.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        # Scrolls when the screen is smaller than the form (1280 × 720, a large font).
        layout.addWidget(FittingScrollArea(content), 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._action = action
        self.busy = False

    def _on_action(self) -> None:
        raise NotImplementedError

    def set_busy(self) -> None:
        """Saving: neither button, nor Escape, until the screen has the answer."""
        self.busy = True
        self.problem.setText("")
        for button in (self.action_button, self.cancel_button):
            button.setEnabled(False)
        self.action_button.setText("Saving…")

    def show_problem(self, message: str) -> None:
        """The change was not made: say why, and let the organiser try again."""
        self.busy = False
        self.problem.setText(message)
        for button in (self.action_button, self.cancel_button):
            button.setEnabled(True)
        self.action_button.setText(self._action)

    def reject(self) -> None:
        if not self.busy:  # a change on its way is seen through, then the dialog closes
            super().reject()

    def accept(self) -> None:
        self.busy = False
        super().accept()


class EditAttendeeDialog(_ActionDialog):
    """``submitted`` carries only the fields the organiser changed (name -> new value)."""

    submitted = Signal(dict)

    def __init__(self, attendee: Attendee, categories: Sequence[str],
                 workshops: Sequence[WorkshopChoice] = (),
                 parent: QWidget | None = None,
                 kept: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(f"Edit — {attendee.full_name or attendee.badge_name}", "Save", parent)
        self.attendee = attendee
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for name in ("first_name", "last_name", "badge_name", "pronouns", "organisation",
                     "email"):
            box = QLineEdit(getattr(attendee, name))
            box.setAccessibleName(_FIELD_TITLES[name])
            box.textChanged.connect(self._show_badge_name)
            self.fields[name] = box
            form.addRow(_FIELD_TITLES[name] + ":", box)
        self.fields["badge_name"].setPlaceholderText("Empty: first and last name")
        self.fields["pronouns"].setPlaceholderText("e.g. she/her — printed on the badge")
        self.first_name_only = QCheckBox("Print the first name only (no last name on the badge)")
        self.first_name_only.setChecked(attendee.first_name_only)
        self.first_name_only.toggled.connect(self._show_badge_name)
        form.addRow("", self.first_name_only)
        self.badge_preview = FittedLabel("Badge will read", 10, min_points=9, max_lines=3)
        form.addRow("Badge will read:", self.badge_preview)
        self.name_warning = QLabel()
        self.name_warning.setAccessibleName("Name to check")
        self.name_warning.setWordWrap(True)
        self.name_warning.setStyleSheet(_PROBLEM_STYLE)
        form.addRow("", self.name_warning)
        self.category = QComboBox()
        self.category.setAccessibleName("Category")
        self.category.setEditable(True)
        for category in dict.fromkeys((*categories, attendee.category)):
            self.category.addItem(category)
        self.category.setCurrentText(attendee.category)
        form.addRow("Category:", self.category)
        self.photo_consent = QComboBox()
        self.photo_consent.setAccessibleName("Photo consent")
        for title, value in (("Not asked", None), ("Yes", True), ("No", False)):
            self.photo_consent.addItem(title, value)
        self.photo_consent.setCurrentIndex({None: 0, True: 1, False: 2}[attendee.photo_consent])
        form.addRow("Photo consent:", self.photo_consent)
        self.notes: dict[str, QPlainTextEdit] = {}
        for name in ("desk_note", "access_needs"):
            note = QPlainTextEdit(getattr(attendee, name))
            note.setAccessibleName(_FIELD_TITLES[name])
            note.setTabChangesFocus(True)
            note.setFixedHeight(56)
            self.notes[name] = note
            form.addRow(_FIELD_TITLES[name] + ":", note)
        self.workshops: dict[str, QCheckBox] = {}
        if workshops:
            boxes = QVBoxLayout()
            for workshop in workshops:
                box = QCheckBox(_workshop_title(workshop, workshop.id in attendee.sessions))
                box.setChecked(workshop.id in attendee.sessions)
                box.setAccessibleName(f"Booked on {workshop.name}")
                self.workshops[workshop.id] = box
                boxes.addWidget(box)
            form.addRow("Workshops:", boxes)
        self.notes["desk_note"].setPlaceholderText("Shown to the volunteer when they check in")
        self.notes["access_needs"].setPlaceholderText(
            "e.g. step-free access, hearing loop — seen by staff only")
        self.body.addLayout(form)
        status = "cancelled" if attendee.status is Status.CANCELLED else "active"
        reference = f"reference {attendee.external_ref}" if attendee.external_ref else \
            "no reference"
        facts = QLabel(f"Registration {status}, {reference}. Changes are recorded for every "
                       "desk; a re-import of the registration file does not undo them.")
        facts.setWordWrap(True)
        facts.setStyleSheet("color: #555;")
        self.body.addWidget(facts)
        self.kept = FittedLabel("Kept from the registration file", 10, min_points=9,
                                max_lines=12)
        self.kept.setText("From the registration file, kept in this copy only (never on a "
                          "desk): " + "; ".join(f"{heading}: {value}" for heading, value in kept))
        self.kept.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kept.setVisible(bool(kept))
        self.body.addWidget(self.kept)
        self._show_badge_name()

    def _values(self) -> dict[str, object]:
        values: dict[str, object] = {name: box.text() for name, box in self.fields.items()}
        values.update({name: note.toPlainText() for name, note in self.notes.items()})
        values["category"] = self.category.currentText()
        values["first_name_only"] = self.first_name_only.isChecked()
        values["photo_consent"] = self.photo_consent.currentData()
        if self.workshops:
            values["sessions"] = sorted(s for s, box in self.workshops.items() if box.isChecked())
        return values

    def changes(self) -> dict[str, object]:
        """What differs from the record as the form opened (tidied spaces do not count)."""
        def same(name: str, value: object) -> bool:
            before = getattr(self.attendee, name)
            if isinstance(value, str):
                return " ".join(value.split()) == before
            if name == "sessions":
                return set(value) == set(before)
            return value == before
        return {name: value for name, value in self._values().items() if not same(name, value)}

    def _show_badge_name(self) -> None:
        values = self._values()
        preview = replace(self.attendee, **{
            name: " ".join(str(values[name]).split())
            for name in ("first_name", "last_name", "badge_name")},
            first_name_only=bool(values["first_name_only"]))
        pronouns = " ".join(str(values["pronouns"]).split())
        shown = preview.display_name or "(no name)"
        self.badge_preview.setText(f"{shown}  ({pronouns})" if pronouns else shown)
        problem = name_check(*(" ".join(str(values[name]).split()) for name in (
            "first_name", "last_name", "badge_name", "organisation")))
        self.name_warning.setText(f"⚠ This may be damaged — {problem}." if problem else "")
        self.name_warning.setVisible(bool(problem))

    def _on_action(self) -> None:
        values = self._values()
        if not any(str(values[n]).strip() for n in ("first_name", "last_name", "badge_name")):
            self.show_problem("A person needs a first name, a last name or a badge name.")
            return
        changes = self.changes()
        if not changes:
            self.accept()  # nothing to save
            return
        self.set_busy()
        self.submitted.emit(changes)


def _workshop_title(workshop: WorkshopChoice, booked_here: bool) -> str:
    if workshop.capacity is None:
        return f"{workshop.name} ({workshop.booked} booked)"
    full = workshop.booked >= workshop.capacity and not booked_here
    return (f"{workshop.name} ({workshop.booked} of {workshop.capacity} booked"
            + (" — full)" if full else ")"))


def _workshops(summary: RecordSummary, names: Mapping[str, str]) -> str:
    return ", ".join(names.get(s, s) for s in summary.attendee.sessions) or "—"


def _rows(summary: RecordSummary, names: Mapping[str, str]) -> list[tuple[str, str]]:
    a = summary.attendee
    return [
        ("Name", a.full_name or "—"),
        ("Badge name", a.badge_name or "—"),
        ("Pronouns", a.pronouns or "—"),
        ("Organisation", a.organisation or "—"),
        ("Email", a.email or "—"),
        ("Category", a.category),
        ("Registration", "cancelled" if a.status is Status.CANCELLED else "active"),
        ("Reference", a.external_ref or "—"),
        ("Came from", summary.source),
        ("Checked in", summary.checked_in_at or "not yet"),
        ("Badge", f"printed ×{summary.prints}" if summary.prints else "not printed"),
        ("Workshops", _workshops(summary, names)),
    ]


class MergeDialog(_ActionDialog):
    """Two records side by side; the organiser picks the one to keep. ``confirmed`` carries
    (kept id, merged id)."""

    confirmed = Signal(str, str)

    def __init__(self, plan: MergePlan, workshop_names: Mapping[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__("Merge two records", "Merge", parent)
        self.plan = plan
        records = (plan.first, plan.second)
        intro = QLabel("Are these the same person? Choose the record to keep. The other one "
                       "is merged into it and disappears from the list.")
        intro.setWordWrap(True)
        self.body.addWidget(intro)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        self.keep = QButtonGroup(self)
        self.choices: list[QRadioButton] = []
        for column, record in enumerate(records, start=1):
            choice = QRadioButton("Keep this record")
            choice.setAccessibleName(f"Keep {record.attendee.full_name or 'this record'} "
                                     f"({record.source})")
            self.keep.addButton(choice, column - 1)
            self.choices.append(choice)
            grid.addWidget(choice, 0, column)
        tables = [_rows(record, workshop_names) for record in records]
        self.cells: list[list[QLabel]] = [[], []]
        for line, ((title, first), (_, second)) in enumerate(zip(*tables, strict=True),
                                                             start=1):
            heading = QLabel(title + ":")
            heading.setStyleSheet("color: #555;")
            grid.addWidget(heading, line, 0, Qt.AlignmentFlag.AlignTop)
            for column, value in enumerate((first, second)):
                cell = QLabel(value)
                cell.setWordWrap(True)
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                if first != second:
                    cell.setStyleSheet("font-weight: 600;")  # where the two differ
                self.cells[column].append(cell)
                grid.addWidget(cell, line, column + 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        self.body.addLayout(grid)
        self.outcome = QLabel()
        self.outcome.setAccessibleName("What the merge does")
        self.outcome.setWordWrap(True)
        self.outcome.setStyleSheet("background: #f3f1ea; padding: 8px; border-radius: 4px;")
        self.body.addWidget(self.outcome)
        self.keep.idToggled.connect(lambda _id, on: on and self._show_outcome())
        self.choices[0 if plan.suggested == plan.first.attendee.id else 1].setChecked(True)

    @property
    def kept(self) -> RecordSummary:
        return (self.plan.first, self.plan.second)[max(self.keep.checkedId(), 0)]

    def choose(self, attendee_id: str) -> None:
        """Keep this record (as clicking its "Keep this record" does)."""
        self.choices[0 if attendee_id == self.plan.first.attendee.id else 1].setChecked(True)

    def _show_outcome(self) -> None:
        kept = self.kept
        other = self.plan.other(kept.attendee.id)
        filled = self.plan.filled(kept.attendee.id)
        lines = [
            f"“{other.attendee.full_name or other.attendee.badge_name}” ({other.source}) "
            f"will be merged into “{kept.attendee.full_name or kept.attendee.badge_name}” "
            f"({kept.source}).",
            "Filled in from the other record: " + field_titles(filled) + "." if filled
            else "The kept record's details stay as they are.",
            "Check-ins and badge prints move to the kept record; the other record's ticket "
            "and codes keep working and find it. A merge cannot be undone here.",
        ]
        if kept.checked_in_at and other.checked_in_at:
            lines.append("⚠ Both were checked in: the kept record will show a second "
                         "check-in, flagged for staff.")
        if kept.attendee.status is Status.CANCELLED:
            lines.append("⚠ The record you keep is cancelled: the desk will refuse this "
                         "person until you restore the registration.")
        self.outcome.setText("\n".join(lines))

    def _on_action(self) -> None:
        kept = self.kept.attendee.id
        self.set_busy()
        self.confirmed.emit(kept, self.plan.other(kept).attendee.id)


class ConfirmDialog(_ActionDialog):
    """A yes-or-go-back question about one change (cancel or restore a registration)."""

    confirmed = Signal()

    def __init__(self, title: str, text: str, action: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, action, parent)
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        self.text.setAccessibleName("Question")
        self.body.addWidget(self.text)

    def _on_action(self) -> None:
        self.set_busy()
        self.confirmed.emit()
