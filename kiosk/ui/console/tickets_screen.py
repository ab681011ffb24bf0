"""The Tickets screen: everyone's tickets and the mail-merge file into a folder, with progress;
re-issuing one person's lost or shared ticket (the old code is revoked)."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.services import ticket_overview as ticket_console
from kiosk.services.event_access import EventFile
from kiosk.services.ticket_overview import ExportReport, PersonLine, Reissued, TicketsOverview
from kiosk.ui.console.qr_pixmap import qr_pixmap
from kiosk.ui.ops import EventOps

_PROBLEM = "color: #b3261e;"
_DONE = "color: #1b5e20;"


def _button(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setMinimumHeight(40)
    return button


class TicketsScreen(QWidget):
    """``ready`` once it knows whether this copy can make tickets; then ``progressed``,
    ``exported``, ``people_found`` and ``reissued`` as the organiser works."""

    ready = Signal()
    progressed = Signal(int, int)  # emitted from the export's thread; Qt queues it
    exported = Signal(object)  # ExportReport
    people_found = Signal(int)
    reissued = Signal(object)  # Reissued
    saved_one = Signal(object)  # ExportReport
    sample_shown = Signal()

    def __init__(self, event: EventFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A long export runs on a lane of its own ("work"): it never holds up finding
        # someone to re-issue.
        self.ops = EventOps(event, self, "tickets")
        self._stop = threading.Event()
        self._searches = 0
        self._sampled = False
        self.new_ticket: Reissued | None = None
        self.desk_note = QLabel(ticket_console.DESK_COPY)
        self.desk_note.setWordWrap(True)
        self.desk_note.setAccessibleName("Desk copy")
        self.desk_note.setStyleSheet("background: #fff4d6; color: #5d4200; padding: 12px; "
                                     "border: 1px solid #e0b84f;")
        self.desk_note.hide()
        self.everyone = self._everyone_box(Path(event.path))
        self.one = self._reissue_box()
        columns = QHBoxLayout()
        columns.addWidget(self.everyone, 1)
        columns.addWidget(self.one, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.desk_note)
        layout.addLayout(columns, 1)
        self.progressed.connect(self._on_progressed)

    def start(self) -> None:
        self.ops.read(ticket_console.overview, self._show_overview, self._show_export_problem)

    # -- building ---------------------------------------------------------------------------

    def _everyone_box(self, event_path: Path) -> QGroupBox:
        box = QGroupBox("Everyone's tickets")
        self.summary = QLabel("Reading the event…")
        self.summary.setWordWrap(True)
        self.format_box = QComboBox()
        self.format_box.setAccessibleName("Ticket files")
        for key, title in ticket_console.FORMATS:
            self.format_box.addItem(title, key)
        self.folder = QLineEdit(str(event_path.with_name("tickets")))
        self.folder.setAccessibleName("Folder for the tickets")
        browse = _button("Choose folder…")
        browse.clicked.connect(self.choose_folder)
        self.export_button = _button("Make everyone's tickets")
        self.export_button.clicked.connect(self.export)
        self.stop_button = _button("Stop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.request_stop)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Tickets made")
        self.progress.setFormat("%v of %m tickets")
        self.progress.setValue(0)
        self.export_message = QLabel("")
        self.export_message.setWordWrap(True)
        self.export_message.setAccessibleName("Export result")
        self.export_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where = QHBoxLayout()
        where.addWidget(self.folder, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("Make", self.format_box)
        form.addRow("Into the folder", where)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button, 1)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.export_message)
        layout.addSpacing(12)
        layout.addWidget(QLabel("What a ticket looks like (a made-up attendee):"))
        self.sample = QLabel("")
        self.sample.setAccessibleName("Sample ticket")
        self.sample.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.sample, 1)
        return box

    def _reissue_box(self) -> QGroupBox:
        box = QGroupBox("Re-issue one ticket")
        intro = QLabel("For a ticket that was lost or shared: the person gets a new code, and "
                       "the old one is refused at every desk once the desks have synced.")
        intro.setWordWrap(True)
        self.find_box = QLineEdit()
        self.find_box.setAccessibleName("Find by name")
        self.find_box.setPlaceholderText("Type a name…")
        self.find_box.setClearButtonEnabled(True)
        self.find_box.textChanged.connect(self.find)
        self.people = QListWidget()
        self.people.setAccessibleName("People found")
        self.people.currentItemChanged.connect(self._on_person_chosen)
        self.people.setMaximumHeight(220)
        self.reissue_button = _button("Re-issue this person's ticket…")
        self.reissue_button.setEnabled(False)
        self.reissue_button.clicked.connect(self.ask_to_reissue)
        # An inline question instead of a modal box: the organiser (and a test) answers it.
        self.confirm = QWidget()
        self.confirm_text = QLabel("")
        self.confirm_text.setWordWrap(True)
        self.confirm_button = _button("Yes, re-issue")
        self.confirm_button.clicked.connect(self.reissue)
        self.cancel_button = _button("Cancel")
        self.cancel_button.clicked.connect(self.confirm.hide)
        confirm = QVBoxLayout(self.confirm)
        confirm.setContentsMargins(0, 0, 0, 0)
        confirm.addWidget(self.confirm_text)
        answers = QHBoxLayout()
        answers.addWidget(self.confirm_button)
        answers.addWidget(self.cancel_button)
        confirm.addLayout(answers)
        self.confirm.hide()
        self.reissue_message = QLabel("")
        self.reissue_message.setWordWrap(True)
        self.reissue_message.setAccessibleName("Re-issue result")
        self.code = QLineEdit()
        self.code.setReadOnly(True)
        self.code.setAccessibleName("New ticket code")
        self.code.hide()
        self.qr = QLabel()
        self.qr.setAccessibleName("New ticket as a QR code")
        self.save_button = _button("Save the new ticket…")
        self.save_button.clicked.connect(self.choose_folder_for_one)
        self.save_button.hide()
        ticket = QHBoxLayout()
        ticket.addWidget(self.qr)
        details = QVBoxLayout()
        details.addWidget(self.code)
        details.addWidget(self.save_button)
        details.addStretch(1)
        ticket.addLayout(details, 1)
        layout = QVBoxLayout(box)
        layout.addWidget(intro)
        layout.addWidget(self.find_box)
        layout.addWidget(self.people, 1)
        layout.addWidget(self.reissue_button)
        layout.addWidget(self.confirm)
        layout.addWidget(self.reissue_message)
        layout.addLayout(ticket)
        return box

    # -- everyone's tickets -----------------------------------------------------------------

    def _show_overview(self, overview: TicketsOverview) -> None:
        self.desk_note.setVisible(not overview.organisers_copy)
        self.everyone.setEnabled(overview.organisers_copy)
        self.one.setEnabled(overview.organisers_copy)
        self.summary.setText(
            f"{overview.active} attendees get a ticket (cancelled registrations do not): a "
            "QR code with their name and the event. The folder also gets mail-merge.csv — "
            "e-mail, first name, last name, ticket file and code — for your mailing tool.")
        self.progress.setMaximum(max(overview.active, 1))
        self.ready.emit()
        self.show_sample()

    def show_sample(self) -> None:
        """Drawn afresh each time the tab is shown: the event's details may have changed."""
        self.ops.read(ticket_console.sample_ticket, self._on_sample)

    def _on_sample(self, png: bytes) -> None:
        self._sampled = True
        pixmap = QPixmap()
        if png and pixmap.loadFromData(png):
            self.sample.setPixmap(pixmap.scaledToHeight(
                360, Qt.TransformationMode.SmoothTransformation))
        else:
            self.sample.setText("(The sample cannot be drawn on this computer.)")
        self.sample_shown.emit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._sampled:  # the first one comes with the overview
            self.show_sample()

    def choose_folder(self) -> None:
        dialog = QFileDialog(self, "Folder for the tickets", self.folder.text())
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(self.folder.setText)
        dialog.open()

    def export(self) -> None:
        text = self.folder.text().strip()
        if not text:
            self._show_export_problem("Choose a folder for the tickets first.")
            return
        folder, file_format = Path(text).expanduser(), self.format_box.currentData()
        self._stop.clear()
        self.export_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.progress.setValue(0)
        self.export_message.setStyleSheet("")
        self.export_message.setText("Making the tickets…")

        def task(event: EventFile) -> ExportReport:
            return ticket_console.export_tickets_through(event, folder, file_format,
                                                         self.progressed.emit, self._stop.is_set)

        self.ops.call(task, self._on_exported, self._show_export_problem, lane="work")

    def request_stop(self) -> None:
        """Stop the export at its next ticket (safe from any thread)."""
        self._stop.set()

    def _on_progressed(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _on_exported(self, report: ExportReport) -> None:
        self.export_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        if report.problem:
            self._show_export_problem(report.problem)
        else:
            self.export_message.setStyleSheet(_PROBLEM if report.stopped else _DONE)
            self.export_message.setText(("⚠ " if report.stopped else "✓ ") + report.message)
        self.exported.emit(report)

    def _show_export_problem(self, text: str) -> None:
        self.export_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.export_message.setStyleSheet(_PROBLEM)
        self.export_message.setText("⚠ " + text)

    # -- one person's ticket ----------------------------------------------------------------

    def find(self, text: str) -> None:
        self._searches += 1
        asked = self._searches

        def show(people: list[PersonLine]) -> None:
            if asked != self._searches:
                return  # a later search is on its way; its answer is the one to show
            self.people.clear()
            for person in people:
                label = person.name + (f" — {person.organisation}" if person.organisation
                                       else "") + f" ({person.category})"
                item = QListWidgetItem(label)
                item.setData(Qt.ItemDataRole.UserRole, person)
                self.people.addItem(item)
            if text.strip() and not people:
                self.people.addItem("Nobody with a ticket matches that name.")
            self.people_found.emit(len(people))

        self.ops.read(lambda reader: ticket_console.find_people(reader, text), show,
                      self._show_reissue_problem)

    def _chosen(self) -> PersonLine | None:
        item = self.people.currentItem()
        person = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return person if isinstance(person, PersonLine) else None

    def _on_person_chosen(self, *_items: object) -> None:
        self.reissue_button.setEnabled(self._chosen() is not None)
        self.confirm.hide()

    def ask_to_reissue(self) -> None:
        person = self._chosen()
        if person is None:
            return
        self.confirm_text.setText(f"Re-issue the ticket of {person.name}? Their old ticket "
                                  "stops working; send them the new one.")
        self.confirm.show()
        self.confirm_button.setFocus()

    def reissue(self) -> None:
        person = self._chosen()
        self.confirm.hide()
        if person is None:
            return
        self.ops.write(lambda store: ticket_console.reissue_ticket(store, person.id),
                       self._on_reissued, self._show_reissue_problem)

    def _on_reissued(self, ticket: Reissued) -> None:
        if ticket.problem:
            self._show_reissue_problem(ticket.problem)
        else:
            self.new_ticket = ticket
            self.reissue_message.setStyleSheet(_DONE)
            self.reissue_message.setText(f"✓ New ticket for {ticket.name}. The old code is "
                                         "revoked on every desk once they sync.")
            self.code.setText(ticket.code)
            self.code.setCursorPosition(0)  # the start of a long code, as read aloud
            self.code.show()
            self.qr.setPixmap(qr_pixmap(ticket.code, 220, border=2))
            self.save_button.show()
        self.reissued.emit(ticket)

    def choose_folder_for_one(self) -> None:
        dialog = QFileDialog(self, "Folder for the new ticket", self.folder.text())
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(self.save_new_ticket)
        dialog.open()

    def save_new_ticket(self, folder: str | Path) -> None:
        ticket = self.new_ticket
        if ticket is None:
            return
        target, file_format = Path(folder), self.format_box.currentData()

        def done(report: ExportReport) -> None:
            if report.problem:
                self._show_reissue_problem(report.problem)
            else:
                self.reissue_message.setStyleSheet(_DONE)
                self.reissue_message.setText(f"✓ Saved {ticket.name}'s new ticket in {target}.")
            self.saved_one.emit(report)

        self.ops.read(lambda reader: ticket_console.save_one_ticket(
            reader, ticket.attendee_id, target, file_format), done, self._show_reissue_problem)

    def _show_reissue_problem(self, text: str) -> None:
        self.reissue_message.setStyleSheet(_PROBLEM)
        self.reissue_message.setText("⚠ " + text)

    def shutdown(self) -> None:
        self._stop.set()  # an export in progress stops at its next ticket
        self.ops.shutdown()
