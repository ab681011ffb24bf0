"""The Event setup screen: the event's details and logo, categories (badge labels, colours,
discretion; rename and merge), workshops, checkpoints at workshop doors, and the desks
expected at the event."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.models import MAIN_CHECKPOINT_ID
from kiosk.services import event_settings as settings
from kiosk.services.event_access import EventFile, EventStore
from kiosk.services.event_settings import EventSettings, Outcome, WorkshopForm
from kiosk.ui.console.listening import EventListener, Heard
from kiosk.ui.ops import EventOps

Write = Callable[[EventStore], Outcome]
NO_LABEL = "(none: prints nothing)"


def _field(name: str, placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setAccessibleName(name)
    field.setPlaceholderText(placeholder)
    return field


def _button(text: str, slot: Callable[[], None]) -> QPushButton:
    button = QPushButton(text)
    button.setMinimumHeight(36)
    button.clicked.connect(slot)
    return button


def _table(headers: list[str], name: str, stretch: int = 0) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setDefaultSectionSize(26)
    return table


class Message(QLabel):
    """A section's last word: what was saved, or what to fix (never only in colour)."""

    def __init__(self, name: str) -> None:
        super().__init__("")
        self.setWordWrap(True)
        self.setAccessibleName(name)
        self.hide()  # no room kept for a message until there is one

    def show_outcome(self, outcome: Outcome) -> None:
        self.show()
        if outcome.problem:
            self.setStyleSheet("color: #b3261e;")
            self.setText("⚠ " + outcome.problem)
        else:
            self.setStyleSheet("color: #1b5e20;")
            self.setText("✓ " + outcome.done)


class SetupScreen(QWidget):
    """``ready`` once the settings are shown; ``saved`` / ``refused`` after each write."""

    ready = Signal()
    saved = Signal(str)
    refused = Signal(str)

    def __init__(self, event: EventFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.event_file = event
        self.ops = EventOps(event, self, "setup")
        self.listener: EventListener | None = None
        self.current: EventSettings | None = None
        self._ready = False
        self.copy_note = QLabel("")
        self.copy_note.setWordWrap(True)
        # Two columns; in each, the lists grow and the forms keep their natural height.
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self._event_box())
        left.addWidget(self._categories_box(), 1)
        right.addWidget(self._workshops_box(), 1)
        right.addWidget(self._checkpoints_box())
        right.addWidget(self._desks_box())
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addWidget(self.copy_note)
        inner.addLayout(columns, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def start(self) -> None:
        if self.listener is None:
            self.listener = EventListener(self.event_file, self)
            self.listener.heard.connect(self._on_heard)
        self.reload()

    def _on_heard(self, heard: Heard) -> None:
        if heard.rebuilt:
            self.reload()  # put back from a backup: the event's setup may differ

    def reload(self) -> None:
        self.ops.read(settings.load_settings, self._show, self.details_message.setText)

    # -- building the sections ------------------------------------------------------------

    def _event_box(self) -> QGroupBox:
        box = QGroupBox("The event")
        self.name = _field("Event name")
        self.date = _field("Date", "year-month-day, like 2026-11-28")
        self.venue = _field("Venue")
        self.save_details_button = _button("Save details", self.save_details)
        self.logo_preview = QLabel("No logo")
        self.logo_preview.setAccessibleName("Logo")
        self.logo_preview.setFixedSize(160, 64)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("border: 1px solid #b0b0b0; background: white;")
        self.choose_logo_button = _button("Choose logo…", self.choose_logo)
        self.remove_logo_button = _button("Remove logo", self.remove_logo)
        self.details_message = Message("Event details message")
        form = QFormLayout(box)
        form.addRow("Name", self.name)
        form.addRow("Date", self.date)
        form.addRow("Venue", self.venue)
        form.addRow("", self.save_details_button)
        self.save_details_button.setMaximumWidth(200)
        logo = QHBoxLayout()
        logo.addWidget(self.logo_preview)
        logo.addWidget(self.choose_logo_button)
        logo.addWidget(self.remove_logo_button)
        logo.addStretch(1)
        form.addRow("Logo", logo)
        form.addRow("", QLabel("Kept in the event file, so every desk's badges can use it. "
                               "PNG or JPEG, up to 500 KB."))
        form.addRow("", self.details_message)
        return box

    def _categories_box(self) -> QGroupBox:
        box = QGroupBox("Categories, badge labels and colours")
        self.categories = _table(["Colour", "Category", "Badge label", "Discreet", "People"],
                                 "Categories", stretch=1)
        self.categories.itemSelectionChanged.connect(self._on_category_chosen)
        note = QLabel("Badges and desks show a category's badge label, never its name. A "
                      "category an import made prints no label until you type one.")
        note.setWordWrap(True)
        self.category_name = _field("Category name", "Category name")
        self.category_label = _field("Badge label", "Badge label (empty: none)")
        self.category_colour = _field("Badge colour", "#1f5fa8")
        self.pick_colour_button = _button("Pick…", self.pick_colour)
        self.colour_dialog: QColorDialog | None = None
        self.category_discreet = QCheckBox("Discreet: its name is never shown at a desk, at "
                                           "self check-in or in files for others")
        self.category_discreet.setAccessibleName("Discreet")
        self.category_discreet.clicked.connect(self._on_discreet_clicked)
        self.add_category_button = _button("Add", self.add_category)
        self.rename_category_button = _button("Rename", self.rename_category)
        self.label_category_button = _button("Set label", self.set_category_label)
        self.colour_category_button = _button("Set colour", self.set_category_colour)
        self.remove_category_button = _button("Remove", self.remove_category)
        self.merge_target = QComboBox()
        self.merge_target.setAccessibleName("Merge into category")
        self.merge_category_button = _button("Merge into", self.merge_category)
        self.merge_category_button.setToolTip("Move everyone in the chosen category to the "
                                              "one on the right; the chosen one goes.")
        self.categories_message = Message("Categories message")
        fields = QHBoxLayout()
        fields.addWidget(self.category_name, 2)
        fields.addWidget(self.category_label, 2)
        fields.addWidget(self.category_colour, 1)
        fields.addWidget(self.pick_colour_button)
        buttons = QHBoxLayout()
        for button in (self.add_category_button, self.rename_category_button,
                       self.label_category_button, self.colour_category_button,
                       self.remove_category_button):
            buttons.addWidget(button)
        merge = QHBoxLayout()
        merge.addWidget(self.merge_category_button)
        merge.addWidget(self.merge_target, 1)
        layout = QVBoxLayout(box)
        layout.addWidget(note)
        layout.addWidget(self.categories, 1)
        layout.addLayout(fields)
        layout.addWidget(self.category_discreet)
        layout.addLayout(buttons)
        layout.addLayout(merge)
        layout.addWidget(self.categories_message)
        return box

    def _workshops_box(self) -> QGroupBox:
        box = QGroupBox("Workshops")
        self.workshops = _table(["Workshop", "Room", "Time", "Places", "Booked"], "Workshops")
        self.workshops.setMinimumHeight(140)
        self.workshops.itemSelectionChanged.connect(self._on_workshop_chosen)
        self.workshop_name = _field("Workshop name")
        self.workshop_room = _field("Room")
        self.workshop_starts = _field("Starts", "09:30")
        self.workshop_ends = _field("Ends", "11:00")
        self.workshop_capacity = _field("Places", "empty: no limit")
        self.add_workshop_button = _button("Add as a new workshop", self.add_workshop)
        self.save_workshop_button = _button("Save changes", self.save_workshop)
        self.save_workshop_button.setEnabled(False)
        self.remove_workshop_button = _button("Remove", self.remove_workshop)
        self.remove_workshop_button.setEnabled(False)
        self.workshops_message = Message("Workshops message")
        form = QFormLayout()
        form.addRow("Name", self.workshop_name)
        form.addRow("Room", self.workshop_room)
        times = QHBoxLayout()
        times.addWidget(self.workshop_starts)
        times.addWidget(QLabel("to"))
        times.addWidget(self.workshop_ends)
        times.addWidget(QLabel("Places"))
        times.addWidget(self.workshop_capacity)
        form.addRow("Time", times)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_workshop_button)
        buttons.addWidget(self.save_workshop_button)
        buttons.addWidget(self.remove_workshop_button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.workshops, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.workshops_message)
        return box

    def _checkpoints_box(self) -> QGroupBox:
        box = QGroupBox("Checkpoints (the main desk and workshop doors)")
        self.checkpoints = _table(["Checkpoint", "Door of"], "Checkpoints", stretch=1)
        self.checkpoints.setFixedHeight(110)
        self.checkpoints.itemSelectionChanged.connect(self._on_checkpoint_chosen)
        self.checkpoint_name = _field("Checkpoint name", "Garden Room door")
        self.checkpoint_workshop = QComboBox()
        self.checkpoint_workshop.setAccessibleName("Door of workshop")
        self.add_checkpoint_button = _button("Add", self.add_checkpoint)
        self.save_checkpoint_button = _button("Save changes", self.save_checkpoint)
        self.save_checkpoint_button.setEnabled(False)
        self.remove_checkpoint_button = _button("Remove", self.remove_checkpoint)
        self.remove_checkpoint_button.setEnabled(False)
        self.checkpoints_message = Message("Checkpoints message")
        fields = QHBoxLayout()
        fields.addWidget(self.checkpoint_name, 1)
        fields.addWidget(self.checkpoint_workshop, 1)
        fields.addWidget(self.add_checkpoint_button)
        fields.addWidget(self.save_checkpoint_button)
        fields.addWidget(self.remove_checkpoint_button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.checkpoints, 1)
        layout.addLayout(fields)
        layout.addWidget(self.checkpoints_message)
        return box

    def _desks_box(self) -> QGroupBox:
        box = QGroupBox("Desks expected at the event (the dashboard shows which have been in "
                        "touch)")
        self.desks = QListWidget()
        self.desks.setAccessibleName("Desks expected")
        self.desks.setFixedHeight(80)
        self.desks.currentTextChanged.connect(lambda text: self.desk_name.setText(text))
        self.desk_name = _field("Desk name", "Desk 3")
        self.add_desk_button = _button("Add", self.add_desk)
        self.rename_desk_button = _button("Rename", self.rename_desk)
        self.remove_desk_button = _button("Remove", self.remove_desk)
        self.desks_message = Message("Desks message")
        fields = QHBoxLayout()
        fields.addWidget(self.desk_name, 1)
        for button in (self.add_desk_button, self.rename_desk_button, self.remove_desk_button):
            fields.addWidget(button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.desks, 1)
        layout.addLayout(fields)
        layout.addWidget(self.desks_message)
        return box

    # -- showing what the event file holds ------------------------------------------------

    def _show(self, current: EventSettings) -> None:
        self.current = current
        event = current.event
        self.name.setText(event.name)
        self.date.setText(event.date)
        self.venue.setText(event.venue)
        self._show_logo(event.logo, current.logo_name)
        self.copy_note.setText("" if current.organisers_copy else
                               "This is a desk copy of the event: changes made here reach "
                               "the organisers and the other desks when it syncs.")
        self.copy_note.setVisible(not current.organisers_copy)
        self._fill_categories(current)
        self._fill_workshops(current)
        self._fill_checkpoints(current)
        self.desks.clear()
        self.desks.addItems(list(current.desks))
        if not self._ready:
            self._ready = True
            self.ready.emit()

    def _show_logo(self, data: bytes, name: str) -> None:
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.logo_preview.setPixmap(pixmap.scaled(
                self.logo_preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
            self.logo_preview.setToolTip(name)
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText("No logo")
        self.remove_logo_button.setEnabled(bool(data))

    def _fill_categories(self, current: EventSettings) -> None:
        chosen = self._chosen_category()
        self.categories.blockSignals(True)
        self.categories.clearSelection()
        self.categories.setRowCount(len(current.categories))
        for row, line in enumerate(current.categories):
            swatch = QTableWidgetItem(line.colour)
            colour = QColor(line.colour)
            swatch.setBackground(colour)
            swatch.setForeground(QColor("#000000" if colour.lightness() > 140 else "#ffffff"))
            self.categories.setItem(row, 0, swatch)
            self.categories.setItem(row, 1, QTableWidgetItem(line.name))
            label = QTableWidgetItem(line.label or NO_LABEL)
            if not line.label:
                label.setForeground(QColor("#6b6b6b"))
            self.categories.setItem(row, 2, label)
            self.categories.setItem(row, 3, QTableWidgetItem("Yes" if line.discreet else ""))
            self.categories.setItem(row, 4, QTableWidgetItem(str(line.attendees)))
            if line.name == chosen:
                self.categories.selectRow(row)
                # What was just saved for it (marking it discreet can empty its label).
                self.category_label.setText(line.label)
                self.category_discreet.setChecked(line.discreet)
        self.categories.blockSignals(False)
        if chosen is not None and self._chosen_category() is None:
            # It was renamed, merged or removed: its label must not become the next one's.
            self.category_name.clear()
            self.category_label.clear()
            self.category_discreet.setChecked(False)
        self._fill_merge_targets()

    def _fill_merge_targets(self) -> None:
        """Every category but the chosen one: where its people can go."""
        chosen = self._chosen_category()
        before = self.merge_target.currentData()
        self.merge_target.clear()
        for line in self.current.categories if self.current is not None else ():
            if line.name != chosen:
                self.merge_target.addItem(line.name, line.name)
        found = self.merge_target.findData(before)
        self.merge_target.setCurrentIndex(max(found, 0))
        self.merge_category_button.setEnabled(chosen is not None
                                              and self.merge_target.count() > 0)

    def _fill_workshops(self, current: EventSettings) -> None:
        self.workshops.blockSignals(True)
        self.workshops.clearSelection()
        self.workshops.setRowCount(len(current.workshops))
        for row, line in enumerate(current.workshops):
            s = line.session
            when = f"{s.starts}–{s.ends}" if s.starts and s.ends else s.starts
            values = (s.name, s.room, when, "" if s.capacity is None else str(s.capacity),
                      str(line.booked))
            for column, value in enumerate(values):
                self.workshops.setItem(row, column, QTableWidgetItem(value))
        self.workshops.blockSignals(False)
        self.save_workshop_button.setEnabled(False)
        self.remove_workshop_button.setEnabled(False)
        self.checkpoint_workshop.clear()
        self.checkpoint_workshop.addItem("— not a workshop door —", None)
        for line in current.workshops:
            self.checkpoint_workshop.addItem(line.session.name, line.session.id)

    def _fill_checkpoints(self, current: EventSettings) -> None:
        names = {line.session.id: line.session.name for line in current.workshops}
        self.checkpoints.blockSignals(True)
        self.checkpoints.clearSelection()
        self.checkpoints.setRowCount(len(current.checkpoints))
        for row, point in enumerate(current.checkpoints):
            self.checkpoints.setItem(row, 0, QTableWidgetItem(point.name))
            self.checkpoints.setItem(row, 1, QTableWidgetItem(
                names.get(point.session_id or "", "")))
        self.checkpoints.blockSignals(False)
        self.save_checkpoint_button.setEnabled(False)
        self.remove_checkpoint_button.setEnabled(False)

    # -- choosing a row fills its form ----------------------------------------------------

    def _chosen_row(self, table: QTableWidget) -> int | None:
        rows = table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _chosen_category(self) -> str | None:
        row = self._chosen_row(self.categories)
        item = self.categories.item(row, 1) if row is not None else None
        return item.text() if item is not None else None

    def _on_category_chosen(self) -> None:
        self._fill_merge_targets()
        row = self._chosen_row(self.categories)
        if row is None or self.current is None:
            return
        line = self.current.categories[row]
        self.category_name.setText(line.name)
        self.category_label.setText(line.label)
        self.category_colour.setText(line.colour)
        self.category_discreet.setChecked(line.discreet)

    def _on_workshop_chosen(self) -> None:
        row = self._chosen_row(self.workshops)
        self.save_workshop_button.setEnabled(row is not None)
        self.remove_workshop_button.setEnabled(row is not None)
        if row is None or self.current is None:
            return
        s = self.current.workshops[row].session
        self.workshop_name.setText(s.name)
        self.workshop_room.setText(s.room)
        self.workshop_starts.setText(s.starts)
        self.workshop_ends.setText(s.ends)
        self.workshop_capacity.setText("" if s.capacity is None else str(s.capacity))

    def _on_checkpoint_chosen(self) -> None:
        row = self._chosen_row(self.checkpoints)
        self.save_checkpoint_button.setEnabled(row is not None)
        self.remove_checkpoint_button.setEnabled(False)
        if row is None or self.current is None:
            return
        point = self.current.checkpoints[row]
        self.remove_checkpoint_button.setEnabled(point.id != MAIN_CHECKPOINT_ID)
        self.checkpoint_name.setText(point.name)
        found = self.checkpoint_workshop.findData(point.session_id)
        self.checkpoint_workshop.setCurrentIndex(max(found, 0))

    # -- writes: each one a write of the event file, then a fresh read in it -------------

    def _write(self, message: Message, write: Write,
               cleared: tuple[QLineEdit, ...] = ()) -> None:
        """Run ``write``, show the fresh settings and the outcome; on success empty
        ``cleared`` (the fields of an "Add" form, ready for the next one)."""
        def task(store: EventStore) -> tuple[Outcome, EventSettings | None]:
            outcome = write(store)
            return outcome, settings.load_settings(store) if outcome.saved else None

        def then(answer: tuple[Outcome, EventSettings | None]) -> None:
            outcome, fresh = answer
            if fresh is not None:
                self._show(fresh)
            message.show_outcome(outcome)
            if outcome.saved:
                for field in cleared:
                    field.clear()
                self.saved.emit(outcome.done)
            else:
                self.refused.emit(outcome.problem)

        def failed(text: str) -> None:
            message.show_outcome(Outcome(problem=text))
            self.refused.emit(text)

        self.ops.write(task, then, failed)

    def save_details(self) -> None:
        name, when, venue = self.name.text(), self.date.text(), self.venue.text()
        self._write(self.details_message,
                    lambda store: settings.save_details(store, name, when, venue))

    def choose_logo(self) -> None:
        dialog = QFileDialog(self, "The event's logo", "", "Pictures (*.png *.jpg *.jpeg)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.set_logo)
        dialog.open()

    def set_logo(self, path: str | Path) -> None:
        image = Path(path)
        self._write(self.details_message, lambda store: settings.set_logo(store, image))

    def remove_logo(self) -> None:
        self._write(self.details_message, settings.remove_logo)

    def pick_colour(self) -> None:
        """The colour picker; choosing a colour sets it on the chosen category at once."""
        start = QColor(self.category_colour.text().strip() or "#1f5fa8")
        self.colour_dialog = QColorDialog(start if start.isValid() else QColor("#1f5fa8"), self)
        self.colour_dialog.setWindowTitle("Badge colour")
        self.colour_dialog.colorSelected.connect(self._on_colour_picked)
        self.colour_dialog.open()

    def _on_colour_picked(self, colour: QColor) -> None:
        self.category_colour.setText(colour.name())
        if self._chosen_category() is not None:
            self.set_category_colour()

    def add_category(self) -> None:
        name, colour = self.category_name.text(), self.category_colour.text()
        # The label box shows the chosen category's label until the organiser types in it:
        # only typed words become the new category's label.
        label = self.category_label.text() if self.category_label.isModified() else ""
        discreet = self.category_discreet.isChecked()
        self._write(self.categories_message,
                    lambda store: settings.add_category(store, name, colour, label, discreet),
                    cleared=(self.category_name, self.category_label))

    def _with_chosen_category(self, then: Callable[[str], Write]) -> None:
        chosen = self._chosen_category()
        if chosen is None:
            self.categories_message.show_outcome(Outcome("Choose a category in the list first."))
            self.refused.emit("Choose a category in the list first.")
            return
        self._write(self.categories_message, then(chosen))

    def rename_category(self) -> None:
        new = self.category_name.text()
        self._with_chosen_category(
            lambda old: lambda store: settings.rename_category(store, old, new))

    def set_category_colour(self) -> None:
        colour = self.category_colour.text()
        self._with_chosen_category(
            lambda name: lambda store: settings.set_category_colour(store, name, colour))

    def set_category_label(self) -> None:
        label = self.category_label.text()
        self._with_chosen_category(
            lambda name: lambda store: settings.set_category_label(store, name, label))

    def _on_discreet_clicked(self, discreet: bool) -> None:
        """Ticked or unticked by the organiser: it applies to the chosen category at once
        (with none chosen, it is for the category about to be added)."""
        if self._chosen_category() is not None:
            self._with_chosen_category(
                lambda name: lambda store: settings.set_category_discreet(store, name,
                                                                          discreet))

    def merge_category(self) -> None:
        into = self.merge_target.currentData()
        if not isinstance(into, str):
            return
        self._with_chosen_category(
            lambda name: lambda store: settings.merge_category(store, name, into))

    def remove_category(self) -> None:
        self._with_chosen_category(
            lambda name: lambda store: settings.remove_category(store, name))

    def _workshop_form(self) -> WorkshopForm:
        return WorkshopForm(self.workshop_name.text(), self.workshop_room.text(),
                            self.workshop_starts.text(), self.workshop_ends.text(),
                            self.workshop_capacity.text())

    def add_workshop(self) -> None:
        form = self._workshop_form()
        self._write(self.workshops_message, lambda store: settings.save_workshop(store, form),
                    cleared=(self.workshop_name, self.workshop_room, self.workshop_starts,
                             self.workshop_ends, self.workshop_capacity))

    def save_workshop(self) -> None:
        row = self._chosen_row(self.workshops)
        if row is None or self.current is None:
            return
        form, editing = self._workshop_form(), self.current.workshops[row].session.id
        self._write(self.workshops_message,
                    lambda store: settings.save_workshop(store, form, editing))

    def remove_workshop(self) -> None:
        row = self._chosen_row(self.workshops)
        if row is None or self.current is None:
            return
        session_id = self.current.workshops[row].session.id
        self._write(self.workshops_message,
                    lambda store: settings.remove_workshop(store, session_id),
                    cleared=(self.workshop_name, self.workshop_room, self.workshop_starts,
                             self.workshop_ends, self.workshop_capacity))

    def add_checkpoint(self) -> None:
        name, session_id = self.checkpoint_name.text(), self.checkpoint_workshop.currentData()
        self._write(self.checkpoints_message,
                    lambda store: settings.save_checkpoint(store, name, session_id),
                    cleared=(self.checkpoint_name,))

    def save_checkpoint(self) -> None:
        row = self._chosen_row(self.checkpoints)
        if row is None or self.current is None:
            return
        name, session_id = self.checkpoint_name.text(), self.checkpoint_workshop.currentData()
        editing = self.current.checkpoints[row].id
        self._write(self.checkpoints_message,
                    lambda store: settings.save_checkpoint(store, name, session_id, editing))

    def remove_checkpoint(self) -> None:
        row = self._chosen_row(self.checkpoints)
        if row is None or self.current is None:
            return
        checkpoint_id = self.current.checkpoints[row].id
        self._write(self.checkpoints_message,
                    lambda store: settings.remove_checkpoint(store, checkpoint_id),
                    cleared=(self.checkpoint_name,))

    def add_desk(self) -> None:
        name = self.desk_name.text()
        self._write(self.desks_message, lambda store: settings.add_desk(store, name),
                    cleared=(self.desk_name,))

    def _chosen_desk(self) -> str | None:
        item = self.desks.currentItem()
        return item.text() if item is not None and item.isSelected() else None

    def rename_desk(self) -> None:
        old, new = self._chosen_desk(), self.desk_name.text()
        if old is None:
            self.desks_message.show_outcome(Outcome("Choose a desk in the list first."))
            return
        self._write(self.desks_message, lambda store: settings.rename_desk(store, old, new))

    def remove_desk(self) -> None:
        chosen = self._chosen_desk()
        if chosen is None:
            self.desks_message.show_outcome(Outcome("Choose a desk in the list first."))
            return
        self._write(self.desks_message, lambda store: settings.remove_desk(store, chosen))

    def shutdown(self) -> None:
        if self.listener is not None:
            self.listener.stop()
        self.ops.shutdown()
