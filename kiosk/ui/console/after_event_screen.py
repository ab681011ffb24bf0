"""After the event: exports, the event report, the audit trail, backups, wipe or anonymise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.services import after_event, retention
from kiosk.services.after_event import (
    AfterEventState,
    AuditEntry,
    Backup,
    BackupDone,
    Removal,
    Written,
)
from kiosk.services.event_access import EventFile
from kiosk.ui.console.after_event_parts import (
    ALL_ACTIONS,
    AuditModel,
    ConfirmDialog,
    RemovalDialog,
)
from kiosk.ui.ops import EventOps

# Every ``kiosk export --what`` choice, as an organiser would ask for it.
EXPORT_CHOICES: tuple[tuple[str, str], ...] = (
    ("attendees", "Attendance: everyone, with check-in and workshops"),
    ("workshops", "Attendance per workshop"),
    ("noshows", "No-shows: registered, did not come"),
    ("walkins", "Walk-ins"),
    ("conflicts", "Duplicate check-ins and overrides"),
    ("audit", "Audit trail"),
    ("checkins", "Check-ins for the registration system, in its own column names"),
)
# Exports with people's names or codes in them: the organiser is told to keep them safe.
PERSONAL_EXPORTS = frozenset({"attendees", "noshows", "walkins", "conflicts", "checkins"})
THUMBNAIL_WIDTH = 180


def first_page(path: Path, width: int = THUMBNAIL_WIDTH) -> tuple[QImage, int]:
    """The PDF's first page as an image, and its page count (run off the UI thread)."""
    from PySide6.QtPdf import QPdfDocument  # loaded only when a report is made

    document = QPdfDocument(None)
    try:
        if document.load(str(path)) != QPdfDocument.Error.None_ or document.pageCount() < 1:
            return QImage(), 0
        size = document.pagePointSize(0)
        height = round(width * size.height() / max(size.width(), 1.0))
        image = document.render(0, QSize(width, height))
        return image, document.pageCount()
    finally:
        document.close()


def _button(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setMinimumHeight(40)
    return button


def _note() -> QLabel:
    label = QLabel("")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _path_row(field: QLineEdit, browse: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(browse)
    return row


class AfterEventScreen(QWidget):
    """``ready`` once the file's state, the audit trail and the backups are first shown."""

    ready = Signal()
    state_shown = Signal(object)  # AfterEventState
    audit_shown = Signal(int)  # rows in the table
    backups_shown = Signal(int)
    exported = Signal(object)  # Written
    report_made = Signal(object)  # Written
    thumbnail_shown = Signal(int)  # the report's pages
    backup_done = Signal(object)  # BackupDone (taken or restored)
    removal_done = Signal(object)  # Removal
    dialog_opened = Signal(object)  # a confirmation, for whoever drives it (a person, a test)
    failed = Signal(str)

    def __init__(self, event: EventFile, parent: QWidget | None = None,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        super().__init__(parent)
        self.event_path = event.path
        self.clock = clock
        # Exports and the report run on a lane of their own ("work"): the state, the audit
        # trail and the backups are read meanwhile.
        self.ops = EventOps(event, self, "after")
        self.state: AfterEventState | None = None
        self.backups: list[Backup] = []
        self.dialog: ConfirmDialog | RemovalDialog | None = None
        self._first: set[str] = set()
        self.shown_once = False  # the first state, audit and backups are on screen
        self._report_path: Path | None = None
        self._exporting = ""

        self.banner = self._make_banner()
        grid = QGridLayout()
        grid.addWidget(self._make_exports(), 0, 0)
        grid.addWidget(self._make_report(), 1, 0)
        grid.addWidget(self._make_audit(), 0, 1, 2, 1)
        grid.addWidget(self._make_backups(), 2, 0)
        grid.addWidget(self._make_removal(), 2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(grid, 1)

    # -- building ------------------------------------------------------------------------

    def _make_banner(self) -> QFrame:
        banner = QFrame()
        banner.setObjectName("reminder")
        banner.setStyleSheet("QFrame#reminder { background: #fff4ce; border: 1px solid "
                             "#c9a227; border-radius: 4px; }")
        self.reminder_label = QLabel()
        self.reminder_label.setWordWrap(True)
        self.reminder_label.setAccessibleName("Reminder")
        dismiss = QPushButton("Dismiss")
        dismiss.setAccessibleName("Dismiss the reminder")
        dismiss.clicked.connect(self.dismiss_reminder)
        self.dismiss_button = dismiss
        row = QHBoxLayout(banner)
        row.addWidget(self.reminder_label, 1)
        row.addWidget(dismiss)
        banner.hide()
        return banner

    def _make_exports(self) -> QGroupBox:
        box = QGroupBox("Exports")
        self.export_what = QComboBox()
        self.export_what.setAccessibleName("What to export")
        for key, title in EXPORT_CHOICES:
            self.export_what.addItem(title, key)
        self.csv_choice = QRadioButton("CSV")
        self.xlsx_choice = QRadioButton("Excel (XLSX)")
        self.xlsx_choice.setChecked(True)
        formats = QButtonGroup(box)
        formats.addButton(self.csv_choice)
        formats.addButton(self.xlsx_choice)
        kind = QHBoxLayout()
        kind.addWidget(self.xlsx_choice)
        kind.addWidget(self.csv_choice)
        kind.addStretch(1)
        self.export_path = QLineEdit()
        self.export_path.setAccessibleName("Export to")
        browse = _button("Browse…")
        browse.clicked.connect(self._browse_export)
        self.export_button = _button("Export")
        self.export_button.clicked.connect(self.export)
        self.export_message = _note()
        self.export_message.setAccessibleName("Export result")
        self.export_what.currentIndexChanged.connect(self._suggest_export_name)
        self.xlsx_choice.toggled.connect(self._suggest_export_name)
        self._suggest_export_name()
        layout = QVBoxLayout(box)
        layout.addWidget(self.export_what)
        layout.addLayout(kind)
        layout.addLayout(_path_row(self.export_path, browse))
        layout.addWidget(self.export_button, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.export_message)
        return box

    def _make_report(self) -> QGroupBox:
        box = QGroupBox("Event report (PDF, anonymous figures)")
        self.report_path = QLineEdit(str(after_event.default_file(self.event_path, "report",
                                                                  ".pdf")))
        self.report_path.setAccessibleName("Report file")
        browse = _button("Browse…")
        browse.clicked.connect(self._browse_report)
        self.report_button = _button("Make the report")
        self.report_button.clicked.connect(self.make_report)
        self.open_report_button = _button("Open the report")
        self.open_report_button.setEnabled(False)
        self.open_report_button.clicked.connect(self.open_report)
        self.report_message = _note()
        self.report_message.setAccessibleName("Report result")
        self.thumbnail = QLabel()
        self.thumbnail.setAccessibleName("The report's first page")
        self.thumbnail.setFixedWidth(THUMBNAIL_WIDTH + 4)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignTop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.report_button)
        buttons.addWidget(self.open_report_button)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addLayout(_path_row(self.report_path, browse))
        left.addLayout(buttons)
        left.addWidget(self.report_message)
        left.addStretch(1)
        layout = QHBoxLayout(box)
        layout.addLayout(left, 1)
        layout.addWidget(self.thumbnail)
        return box

    def _make_audit(self) -> QGroupBox:
        box = QGroupBox("Audit trail (newest first; attendee ids, never names)")
        self.audit_model = AuditModel(self)
        self.audit_table = QTableView()
        self.audit_table.setModel(self.audit_model)
        self.audit_table.setAccessibleName("Audit trail")
        self.audit_table.verticalHeader().hide()
        self.audit_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.audit_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((140, 70, 110, 120, 90)):
            self.audit_table.setColumnWidth(column, width)
        self.audit_filter = QComboBox()
        self.audit_filter.setAccessibleName("Show only")
        self.audit_filter.addItem(ALL_ACTIONS)
        self.audit_filter.currentTextChanged.connect(self._on_audit_filter)
        self.audit_count = QLabel("Reading…")
        export = _button("Export the audit trail")
        export.clicked.connect(self.export_audit)
        self.audit_export_button = export
        top = QHBoxLayout()
        top.addWidget(QLabel("Show"))
        top.addWidget(self.audit_filter)
        top.addWidget(self.audit_count, 1)
        top.addWidget(export)
        layout = QVBoxLayout(box)
        layout.addLayout(top)
        layout.addWidget(self.audit_table, 1)
        return box

    def _make_backups(self) -> QGroupBox:
        box = QGroupBox("Backups (rolling snapshots beside the event file)")
        self.backup_table = QTableWidget(0, 4)
        self.backup_table.setAccessibleName("Backups")
        self.backup_table.setHorizontalHeaderLabels(["Taken", "Size", "People", "Check-ins"])
        self.backup_table.verticalHeader().hide()
        self.backup_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.backup_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.backup_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.backup_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.backup_table.setMinimumHeight(130)
        self.backup_table.itemSelectionChanged.connect(self._on_backup_selected)
        self.restore_button = _button("Restore the chosen backup…")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.ask_restore)
        take = _button("Take a backup now")
        take.clicked.connect(self.take_backup)
        self.take_button = take
        self.backup_message = _note()
        self.backup_message.setAccessibleName("Backup result")
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(take)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(self.backup_table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.backup_message)
        return box

    def _make_removal(self) -> QGroupBox:
        box = QGroupBox("Personal data on this computer")
        self.left_label = _note()
        self.left_label.setAccessibleName("What the file holds")
        self.left_label.setText("Reading…")
        self.wipe_button = _button("Wipe personal data…")
        self.wipe_button.clicked.connect(lambda: self.ask_removal(anonymise=False))
        self.anonymise_button = _button("Anonymise…")
        self.anonymise_button.setToolTip("Keep one anonymous row per person (category, "
                                         "workshops, check-in time); remove names, contacts, "
                                         "notes and needs.")
        self.anonymise_button.clicked.connect(lambda: self.ask_removal(anonymise=True))
        self.removal_message = _note()
        self.removal_message.setAccessibleName("Wipe result")
        buttons = QHBoxLayout()
        buttons.addWidget(self.wipe_button)
        buttons.addWidget(self.anonymise_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(QLabel("Wiping removes everyone from this event file, its backups "
                                "and badge PDFs (the supervisor PIN is asked again). Exports "
                                "and copies on other desks are not touched."))
        layout.itemAt(0).widget().setWordWrap(True)
        layout.addWidget(self.left_label)
        layout.addLayout(buttons)
        layout.addWidget(self.removal_message)
        layout.addStretch(1)
        return box

    # -- loading -------------------------------------------------------------------------

    def start(self) -> None:
        self.refresh()
        self._show_earlier_report()

    def _show_earlier_report(self) -> None:
        """A report made before (at the suggested place) is shown and can be opened."""
        path = Path(self.report_path.text())

        def read() -> tuple[float, QImage, int] | None:
            if not path.is_file():
                return None
            return (path.stat().st_mtime, *first_page(path))

        def show(found: tuple[float, QImage, int] | None) -> None:
            if found is None or found[2] == 0 or self._report_path is not None:
                return
            when, image, pages = found
            self._report_path = path
            self.open_report_button.setEnabled(True)
            self.thumbnail.setPixmap(QPixmap.fromImage(image))
            made = datetime.fromtimestamp(when).strftime("%d %b %Y at %H:%M")
            self.report_message.setText(f"A report ({pages} page" + ("" if pages == 1 else "s")
                                        + f") made on {made} is in {path}. Make it again "
                                        "for the latest figures.")

        self.ops.run(read, show, self._on_failed, lane="work")

    def refresh(self) -> None:
        """Ask for the file's state, the audit trail and the backups again."""
        self.ops.read(after_event.overview, self._show_overview, self._on_failed)
        self._load_backups()

    def _show_overview(self, answer: tuple[AfterEventState, list[AuditEntry]]) -> None:
        state, entries = answer
        self._show_state(state)
        self._show_audit(entries)

    def showEvent(self, event: QShowEvent) -> None:
        # The console stays open behind the desk all day: coming back to this tab shows
        # the file as it is now, not as it was when the console was opened.
        super().showEvent(event)
        if self.shown_once:
            self.refresh()

    def _load_audit(self) -> None:
        self.ops.read(after_event.audit_newest_first, self._show_audit, self._on_failed)

    def _load_backups(self) -> None:
        path = self.event_path
        self.ops.run(lambda: retention.list_backups(path), self._show_backups, self._on_failed)

    def _loaded(self, part: str) -> None:
        self._first.add(part)
        if not self.shown_once and self._first >= {"state", "audit", "backups"}:
            self.shown_once = True
            self.ready.emit()

    def _show_state(self, state: AfterEventState) -> None:
        self.state = state
        self.left_label.setText("\n".join(state.left_lines()))
        self.wipe_button.setEnabled(state.counts.attendees > 0 or state.plan.backups > 0
                                    or state.plan.badge_files > 0)
        self.anonymise_button.setEnabled(state.personal_data_left)
        if state.reminder(self.clock()):
            self.reminder_label.setText(
                f"“{state.event_name}” is over. Before this computer is put away: export "
                "the attendance you need, then wipe the personal data (names, emails, needs "
                f"of {state.counts.attendees:,} people) from it.")
            self.banner.show()
        else:
            self.banner.hide()
        self.state_shown.emit(state)
        self._loaded("state")

    def _show_audit(self, entries: list[AuditEntry]) -> None:
        self.audit_model.set_entries(entries)
        chosen = self.audit_filter.currentText()
        self.audit_filter.blockSignals(True)
        self.audit_filter.clear()
        self.audit_filter.addItems([ALL_ACTIONS, *self.audit_model.actions()])
        self.audit_filter.setCurrentText(chosen if self.audit_filter.findText(chosen) >= 0
                                         else ALL_ACTIONS)
        self.audit_filter.blockSignals(False)
        self._on_audit_filter(self.audit_filter.currentText())
        self.audit_shown.emit(self.audit_model.rowCount())
        self._loaded("audit")

    def _on_audit_filter(self, action: str) -> None:
        if action:
            self.audit_model.set_action(action)
        shown = self.audit_model.rowCount()
        self.audit_count.setText(f"{shown:,} entr" + ("y" if shown == 1 else "ies"))

    def _show_backups(self, backups: list[Backup]) -> None:
        self.backups = backups
        self.backup_table.setRowCount(len(backups))
        for row, backup in enumerate(backups):
            cells = (backup.taken_at.replace("T", " "), f"{backup.size / 1e6:.1f} MB",
                     "—" if backup.attendees is None else f"{backup.attendees:,}",
                     "—" if backup.checkins is None else f"{backup.checkins:,}")
            for column, text in enumerate(cells):
                self.backup_table.setItem(row, column, QTableWidgetItem(text))
        self._on_backup_selected()
        self.backups_shown.emit(len(backups))
        self._loaded("backups")

    def _on_failed(self, message: str) -> None:
        self.failed.emit(message)

    # -- the reminder --------------------------------------------------------------------

    def dismiss_reminder(self) -> None:
        self.banner.hide()
        self.ops.write(after_event.dismiss_reminder, None, self._on_failed)

    # -- exports -------------------------------------------------------------------------

    def _export_suffix(self) -> str:
        return ".xlsx" if self.xlsx_choice.isChecked() else ".csv"

    def _suggest_export_name(self, *_args: object) -> None:
        """Keep the folder the organiser chose; name the file after what is exported."""
        current = self.export_path.text().strip()
        folder = Path(current).expanduser().parent if current else None
        suggested = after_event.default_file(self.event_path, self.export_what.currentData(),
                                             self._export_suffix())
        self.export_path.setText(str(folder / suggested.name if folder else suggested))

    def _browse_export(self) -> None:
        dialog = QFileDialog(self, "Export to", self.export_path.text())
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(["Excel (*.xlsx)", "CSV (*.csv)"])
        dialog.fileSelected.connect(self._on_export_file_chosen)
        dialog.open()

    def _on_export_file_chosen(self, path: str) -> None:
        if path.lower().endswith(".csv"):
            self.csv_choice.setChecked(True)
        elif path.lower().endswith(".xlsx"):
            self.xlsx_choice.setChecked(True)
        self.export_path.setText(path)

    def export(self) -> None:
        what, out = self.export_what.currentData(), self.export_path.text().strip()
        if not out:
            self.export_message.setText("Say where to write the export.")
            return
        self._exporting = what
        self.export_button.setEnabled(False)
        self.export_message.setText("Exporting…")
        self.ops.call(lambda event: after_event.export_file_through(event, what, out),
                      self._on_exported, self._on_export_failed, lane="work")

    def export_audit(self) -> None:
        self.export_what.setCurrentIndex(self.export_what.findData("audit"))
        self.export()

    def _on_exported(self, written: Written) -> None:
        self.export_button.setEnabled(True)
        if written.ok:
            rows = f"{written.rows:,} row" + ("" if written.rows == 1 else "s")
            again = " (it replaced the file that was there)" if written.replaced else ""
            safe = (" Keep it safe: it holds personal data." if self._exporting in
                    PERSONAL_EXPORTS else "")
            self.export_message.setText(f"{rows} written to {written.path}{again}.{safe}")
        else:
            self.export_message.setText(f"⚠ {written.problem}")
        self.exported.emit(written)
        self._load_audit()

    def _on_export_failed(self, message: str) -> None:
        self.export_button.setEnabled(True)
        self.export_message.setText(f"⚠ {message}")
        self.failed.emit(message)

    # -- the report ----------------------------------------------------------------------

    def _browse_report(self) -> None:
        dialog = QFileDialog(self, "Save the report as", self.report_path.text())
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(["PDF (*.pdf)"])
        dialog.fileSelected.connect(self.report_path.setText)
        dialog.open()

    def make_report(self) -> None:
        out = self.report_path.text().strip()
        self.report_button.setEnabled(False)
        self.report_message.setText("Making the report…")

        def write(event: EventFile) -> tuple[Written, QImage, int]:
            written = event.write(lambda store: after_event.report_file(store, out))
            if not written.ok or written.path is None:
                return written, QImage(), 0
            return (written, *first_page(written.path))  # drawn outside the write

        self.ops.call(write, self._on_report, self._on_report_failed, lane="work")

    def _on_report(self, answer: tuple[Written, QImage, int]) -> None:
        written, image, pages = answer
        self.report_button.setEnabled(True)
        if not written.ok:
            self.report_message.setText(f"⚠ {written.problem}")
            self.report_made.emit(written)
            return
        self._report_path = written.path
        self.open_report_button.setEnabled(True)
        self.report_message.setText(f"The report ({pages} page" + ("" if pages == 1 else "s")
                                    + f") is in {written.path}.")
        if not image.isNull():
            self.thumbnail.setPixmap(QPixmap.fromImage(image))
        self.report_made.emit(written)
        self.thumbnail_shown.emit(pages)
        self._load_audit()

    def _on_report_failed(self, message: str) -> None:
        self.report_button.setEnabled(True)
        self.report_message.setText(f"⚠ {message}")
        self.failed.emit(message)

    def open_report(self) -> None:
        if self._report_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._report_path)))

    # -- backups -------------------------------------------------------------------------

    def chosen_backup(self) -> Backup | None:
        rows = self.backup_table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _on_backup_selected(self) -> None:
        chosen = self.chosen_backup()
        self.restore_button.setEnabled(chosen is not None and chosen.attendees is not None)

    def take_backup(self) -> None:
        path = self.event_path
        self.take_button.setEnabled(False)
        self.ops.run(lambda: after_event.take_backup_now(path), self._on_backup_done,
                     self._on_failed)

    def ask_restore(self) -> None:
        """Compare the chosen backup with the file as it is now (read now), then ask."""
        chosen = self.chosen_backup()
        if chosen is None:
            return
        self.ops.read(after_event.after_event_state,
                      lambda state: self._confirm_restore(chosen, state), self._on_failed)

    def _confirm_restore(self, chosen: Backup, state: AfterEventState) -> None:
        self._show_state(state)
        dialog = ConfirmDialog(f"Restore backup {chosen.number}",
                               after_event.restore_warning(chosen, state.counts),
                               f"Restore backup {chosen.number}", self)
        dialog.accepted.connect(lambda: self._restore(chosen.number))
        self._open(dialog)

    def _restore(self, number: int) -> None:
        path = self.event_path
        self.restore_button.setEnabled(False)
        self.backup_message.setText("Restoring…")
        # Outside a transaction (the file is replaced whole), on the writer: nothing else
        # writes meanwhile, and the other tabs hear that the file was put back.
        self.ops.write(lambda store: after_event.restore_announced(store, path, number),
                       self._on_backup_done, self._on_failed, atomic=False)

    def _on_backup_done(self, done: BackupDone) -> None:
        self.take_button.setEnabled(True)
        self.backup_message.setText(done.message if done.ok else f"⚠ {done.message}")
        self.refresh()
        self.backup_done.emit(done)

    # -- wipe and anonymise --------------------------------------------------------------

    def ask_removal(self, anonymise: bool) -> None:
        """Read what will go now (not what the screen showed a while ago), then ask."""
        self.ops.read(after_event.after_event_state,
                      lambda state: self._open_removal(state, anonymise), self._on_failed)

    def _open_removal(self, state: AfterEventState, anonymise: bool) -> None:
        self._show_state(state)
        dialog = RemovalDialog(anonymise, state.event_name, state.plan.lines(anonymise),
                               state.has_pin, self)
        dialog.confirmed.connect(lambda pin, typed: self._remove(dialog, pin, typed))
        self._open(dialog)

    def _remove(self, dialog: RemovalDialog, pin: str, typed: str) -> None:
        anonymise = dialog.anonymise
        # Not one transaction: the wipe compacts the file (VACUUM) once the people are gone.
        self.ops.write(
            lambda store: after_event.remove_personal_data(store, pin, typed, anonymise),
            lambda removal: self._on_removed(dialog, removal), dialog.refused, atomic=False)

    def _on_removed(self, dialog: RemovalDialog, removal: Removal) -> None:
        if not removal.done:
            dialog.refused(removal.message)
            if not removal.wrong_pin:
                self.refresh()  # a wipe cut short may still have removed the people
            return
        dialog.accept()
        self.removal_message.setText(removal.message)
        self.refresh()
        self.removal_done.emit(removal)

    # -- shared --------------------------------------------------------------------------

    def _open(self, dialog: ConfirmDialog | RemovalDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.dialog_opened.emit(dialog)

    def shutdown(self) -> None:
        self.ops.shutdown()
