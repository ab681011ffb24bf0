"""The import wizard: choose a file → check the columns → dry-run report → import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.services import import_preview
from kiosk.services.event_access import EventFile
from kiosk.services.registration_import import DamagedName, ImportReport
from kiosk.ui.console.attendee_model import NAME_TO_CHECK
from kiosk.ui.console.source_panel import SourcePanel
from kiosk.ui.ops import EventOps

_PREVIEW_COLUMNS = (("row", "Row"), ("first_name", "First name"), ("last_name", "Last name"),
                    ("email", "Email"), ("organisation", "Organisation"),
                    ("category", "Category"), ("status", "Status"),
                    ("workshops", "Workshops"))

FIELD_TITLES: dict[str, str] = {
    "external_ref": "Reference (order/ticket no.)",
    "external_barcode": "Barcode on the ticket",
    "first_name": "First name",
    "last_name": "Last name",
    "badge_name": "Name on badge",
    "pronouns": "Pronouns",
    "organisation": "Organisation",
    "email": "Email",
    "category": "Category (ticket type)",
    "photo_consent": "Photo consent",
    "name": "Full name (to split)",
    "access_needs": "Access / dietary needs",
    "desk_note": "Note for the desk",
    "status": "Registration status",
    "cancelled": "Cancelled when filled in",
    "sessions": "Workshops",
    "keep": "Keep in the organisers' copy only",
    "ignore": "Drop (not imported)",
}

# What becomes of a column, by the field it is given (kiosk.importing.fields.fate_of).
FATE_TITLES: dict[str, str] = {
    "mapped": "Every desk",
    "kept": "This copy only",
    "dropped": "Dropped",
}
FATE_EXPLAINED: dict[str, str] = {
    "mapped": "Imported: every desk, the hub and bundles get it.",
    "kept": "Kept in the organisers' copy only: never on a desk, the hub or a bundle. Wipe "
            "and anonymise remove it.",
    "dropped": "Not imported: it is not read or stored anywhere.",
}


def _fate_item(field: str) -> QTableWidgetItem:
    fate = import_preview.fate_of(field)
    item = QTableWidgetItem(FATE_TITLES[fate])
    item.setToolTip(FATE_EXPLAINED[fate])
    return item


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont()
    font.setPointSize(15)
    font.setBold(True)
    label.setFont(font)
    return label


def _table(headings: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setHorizontalHeaderLabels(headings)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    return table


def report_lines(report: ImportReport) -> list[str]:
    """The report as an organiser reads it, one figure a line."""
    would = "would be" if report.dry_run else "were"
    lines = [
        f"{report.read:,} rows read (preset: {report.preset}"
        + (f", sheet “{report.sheet}”" if report.sheet else "") + ")",
        f"{report.created:,} new registrations {would} created",
        f"{report.updated:,} {would} updated",
        f"{report.unchanged:,} unchanged",
        f"{report.duplicates:,} possible duplicates (same name and email)",
        f"{report.cancelled:,} cancelled",
        f"{report.missing:,} in the event but missing from this file (kept)",
        f"{len(report.errors):,} rows with errors (not imported)",
    ]
    if report.new_sessions:
        lines.append("New workshops: " + ", ".join(report.new_sessions))
    if report.new_categories:
        lines.append("New categories: " + ", ".join(report.new_categories) + " — their "
                     "badges print no label until you set one in Event setup")
    for fate, title in (("mapped", "Columns imported"),
                        ("kept", "Columns kept in this copy only (never on a desk)"),
                        ("dropped", "Columns dropped")):
        headings = [c.heading for c in report.columns if c.fate == fate]
        if headings:
            lines.append(f"{title} ({len(headings)}): " + ", ".join(headings))
    if report.kept_removed:
        lines.append(f"Columns kept before {would} removed for {report.kept_removed:,} "
                     "people (this import keeps none of them)")
    if report.damaged_names:
        lines.append(f"{len(report.damaged_names):,} names look damaged (listed below)")
    return lines


def damaged_name_line(damaged: DamagedName) -> str:
    """A damaged name as the list of rows to look at shows it."""
    hint = f" Probably “{damaged.suggestion}”." if damaged.suggestion else ""
    return (f"Row {damaged.row}: {damaged.field.replace('_', ' ')} “{damaged.value}” looks "
            f"damaged — {damaged.problem}.{hint} Imported as it is: correct it in Attendees "
            "(it is marked ⚠), or export the file again as UTF-8.")


class ImportWizard(QWidget):
    preview_shown = Signal(object)  # ImportPreview
    report_shown = Signal(object)  # the dry run's ImportReport
    imported = Signal(object)  # the import's ImportReport
    failed = Signal(str)

    def __init__(self, event: EventFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = EventOps(event, self, "import")
        self.plan: import_preview.ImportPlan | None = None  # the dry run's, which is imported
        self.path: str | None = None
        self.preview: import_preview.ImportPreview | None = None
        self._detected: dict[str, str] = {}  # heading -> field the preset chose
        self.mapping: dict[str, str] = {}  # the organiser's changes
        self.pages = QStackedWidget()
        self.pages.addWidget(self._choose_page())
        self.pages.addWidget(self._columns_page())
        self.pages.addWidget(self._report_page())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Import message")
        self.message.setStyleSheet("color: #8a1c14;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)

    # -- pages -----------------------------------------------------------------------------

    def _choose_page(self) -> QWidget:
        page = QWidget()
        self.choose_button = QPushButton("Choose a CSV or Excel file…")
        self.choose_button.setMinimumHeight(44)
        self.choose_button.clicked.connect(self.on_choose_requested)
        layout = QVBoxLayout(page)
        layout.addWidget(_heading("1. Choose the registration file"))
        hint = QLabel("Export the attendee list from Eventbrite, Ticket Tailor, pretix, Tito, "
                      "hi.events, Google Forms or Microsoft Forms (or any spreadsheet with a "
                      "heading row) and choose it here. Nothing is changed until you press "
                      "Import at the end.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.choose_button)
        # Or keep in step with where registrations live, instead of importing files again.
        self.source_panel = SourcePanel(self.ops.event_file)
        layout.addWidget(self.source_panel)
        layout.addStretch(1)
        return page

    def _columns_page(self) -> QWidget:
        page = QWidget()
        self.file_label = QLabel()
        self.file_label.setAccessibleName("File")
        self.preset_box = QComboBox()
        self.preset_box.setAccessibleName("Made by")
        self.preset_box.currentIndexChanged.connect(self.on_preset_chosen)
        self.mapping_table = _table(["Column in the file", "Imported as", "Goes to"])
        self.mapping_table.setAccessibleName("Column mapping")
        self.mapping_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.horizontalHeader().resizeSection(1, 240)
        self.mapping_table.horizontalHeader().resizeSection(2, 110)
        self.preview_table = _table([title for _, title in _PREVIEW_COLUMNS])
        self.preview_table.setAccessibleName("Preview")
        self.preview_table.horizontalHeader().setStretchLastSection(True)
        self.preview_label = QLabel()
        self.preview_label.setAccessibleName("Rows read")
        self.dry_run_button = QPushButton("Check the import (dry run) →")
        self.dry_run_button.clicked.connect(self.on_dry_run_requested)
        back = QPushButton("← Another file")
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(QLabel("Made by:"))
        top.addWidget(self.preset_box)
        preview = QWidget()
        preview_layout = QVBoxLayout(preview)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(QLabel("The first rows, as they will be imported:"))
        preview_layout.addWidget(self.preview_table, 1)
        preview_layout.addWidget(self.preview_label)
        split = QSplitter()
        split.addWidget(self.mapping_table)
        split.addWidget(preview)
        split.setSizes([540, 640])
        buttons = QHBoxLayout()
        buttons.addWidget(back)
        buttons.addStretch(1)
        buttons.addWidget(self.dry_run_button)
        layout = QVBoxLayout(page)
        layout.addWidget(_heading("2. Check what each column is"))
        minimal = QLabel("Only what a desk needs is imported. A column you do not need is "
                         "dropped; choose “Keep in the organisers' copy only” for one you "
                         "want to see here later: it never goes to a desk, the hub or a "
                         "bundle, and wipe removes it.")
        minimal.setWordWrap(True)
        layout.addWidget(minimal)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        return page

    def _report_page(self) -> QWidget:
        page = QWidget()
        self.report_heading = _heading("3. What the import will do")
        self.report_list = QListWidget()
        self.report_list.setAccessibleName("Import report")
        self.problems = QListWidget()
        self.problems.setAccessibleName("Row errors and duplicates")
        self.problems.setWordWrap(True)  # a damaged name's line says what to do: all of it
        self.import_button = QPushButton("Import")
        self.import_button.setMinimumHeight(44)
        self.import_button.clicked.connect(self.on_import_requested)
        self.back_button = QPushButton("← Change the columns")
        self.back_button.clicked.connect(lambda: self.pages.setCurrentIndex(1))
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.report_heading)
        layout.addWidget(self.report_list, 2)
        hint = QLabel("Rows to look at. Errors are not imported. Possible duplicates are "
                      "imported: keep both, or merge them in Attendees (select both rows, then "
                      "Merge two records…).")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.problems, 2)
        layout.addLayout(buttons)
        return page

    # -- step 1: the file ------------------------------------------------------------------

    def on_choose_requested(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the registration file", "",
            "Registration files (*.csv *.xlsx *.txt);;All files (*)")
        if path:
            self.load_file(path)

    def load_file(self, path: str | Path, preset: str | None = None) -> None:
        self.path = str(path)
        self.mapping = {}
        self._detected = {}
        self._read(preset)

    def _read(self, preset: str | None) -> None:
        self.plan = None  # another file, preset or mapping: dry-run again before importing
        path, mapping = self.path, dict(self.mapping)
        self.message.setText("")
        self.preview_label.setText("Reading…")
        self.ops.call(
            lambda event: import_preview.preview_import_through(event, path, preset=preset,
                                                         mapping=mapping),
            self.on_preview, self.on_failed)

    # -- step 2: the columns ---------------------------------------------------------------

    def on_preview(self, preview: import_preview.ImportPreview) -> None:
        first = not self._detected
        self.preview = preview
        if first:
            self._detected = dict(preview.columns)
            self._fill_mapping(preview)
        self.file_label.setText(f"“{Path(preview.path).name}”"
                                + (f", sheet “{preview.sheet}”" if preview.sheet else ""))
        self.preset_box.blockSignals(True)
        self.preset_box.clear()
        for name in preview.presets:
            self.preset_box.addItem(name, name)
        self.preset_box.setCurrentIndex(preview.presets.index(preview.preset)
                                        if preview.preset in preview.presets else 0)
        self.preset_box.blockSignals(False)
        self._fill_preview(preview)
        self.pages.setCurrentIndex(1)
        self.preview_shown.emit(preview)

    def _fill_mapping(self, preview: import_preview.ImportPreview) -> None:
        self.mapping_table.setRowCount(len(preview.columns))
        for row, (heading, field) in enumerate(preview.columns):
            self.mapping_table.setItem(row, 0, QTableWidgetItem(heading))
            box = QComboBox()
            box.setAccessibleName(f"Imported as, for “{heading}”")
            for name in import_preview.MAPPABLE_FIELDS:
                box.addItem(FIELD_TITLES.get(name, name), name)
            box.setCurrentIndex(max(0, box.findData(field)))
            box.currentIndexChanged.connect(
                lambda _i, heading=heading, box=box: self.on_field_chosen(heading,
                                                                          box.currentData()))
            self.mapping_table.setCellWidget(row, 1, box)
            self.mapping_table.setItem(row, 2, _fate_item(field))

    def fate_shown(self, heading: str) -> str:
        """What the mapping page says becomes of a column (its tooltip, in full)."""
        for row in range(self.mapping_table.rowCount()):
            if self.mapping_table.item(row, 0).text() == heading:
                return self.mapping_table.item(row, 2).toolTip()
        raise KeyError(heading)

    def mapping_box(self, heading: str) -> QComboBox:
        for row in range(self.mapping_table.rowCount()):
            if self.mapping_table.item(row, 0).text() == heading:
                return self.mapping_table.cellWidget(row, 1)
        raise KeyError(heading)

    def on_field_chosen(self, heading: str, field: str) -> None:
        for row in range(self.mapping_table.rowCount()):
            if self.mapping_table.item(row, 0).text() == heading:
                self.mapping_table.setItem(row, 2, _fate_item(field))
        if self._detected.get(heading) == field:
            self.mapping.pop(heading, None)
        else:
            self.mapping[heading] = field
        self._read(self.preview.preset if self.preview else None)

    def on_preset_chosen(self, _index: int) -> None:
        if self.path is None:
            return
        preset = self.preset_box.currentData()
        self.mapping = {}
        self._detected = {}
        self._read(preset)

    def _fill_preview(self, preview: import_preview.ImportPreview) -> None:
        self.preview_table.setRowCount(len(preview.rows))
        for row, record in enumerate(preview.rows):
            for column, (key, _title) in enumerate(_PREVIEW_COLUMNS):
                item = QTableWidgetItem(record.get(key, ""))
                if key in record.get("damaged", "").split():
                    item.setText(NAME_TO_CHECK + item.text())  # as the attendee table marks it
                    item.setToolTip(f"This name may be damaged. {record['name_check']}.")
                self.preview_table.setItem(row, column, item)
        self.preview_table.resizeColumnsToContents()
        errors = f", {preview.errors:,} with errors" if preview.errors else ""
        changed = f" — {len(self.mapping)} column(s) changed by you" if self.mapping else ""
        self.preview_label.setText(f"{preview.total:,} attendees read{errors}{changed}")

    # -- step 3: the dry run, then the import ----------------------------------------------

    def on_dry_run_requested(self) -> None:
        """Read and plan the file off the writer; the plan is what the import writes."""
        if self.path is None or self.preview is None:
            return
        path, preset, mapping = self.path, self.preview.preset, dict(self.mapping)
        self.plan = None
        self.dry_run_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.message.setText("")
        self.ops.call(
            lambda event: import_preview.plan_import_through(event, path, preset=preset,
                                                      mapping=mapping),
            self.on_plan, self.on_failed, lane="work")

    def on_plan(self, plan: import_preview.ImportPlan) -> None:
        self.plan = plan
        self.on_report(plan.report)

    def on_import_requested(self) -> None:
        """Write the dry run's plan (refused if the file changed since)."""
        plan = self.plan
        if plan is None:
            return
        self.dry_run_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.message.setText("")
        self.ops.call(lambda event: import_preview.import_plan_through(event, plan),
                      self.on_report, self.on_failed, lane="work")

    def on_report(self, report: ImportReport) -> None:
        self.dry_run_button.setEnabled(True)
        self.report_list.clear()
        self.report_list.addItems(report_lines(report))
        self.problems.clear()
        for error in report.errors:
            self.problems.addItem(error.message)  # it begins "Row N:"
        for rows in report.duplicate_rows:
            self.problems.addItem("Possible duplicates: rows " + ", ".join(map(str, rows)))
        for damaged in report.damaged_names:
            self.problems.addItem(damaged_name_line(damaged))
        for warning in report.warnings:
            self.problems.addItem(warning)
        if not (report.errors or report.duplicate_rows or report.damaged_names
                or report.warnings):
            self.problems.addItem("Nothing to look at: every row reads cleanly.")
        self.pages.setCurrentIndex(2)
        if report.dry_run:
            self.report_heading.setText("3. What the import will do (nothing written yet)")
            changes = report.created + report.updated
            self.import_button.setText(f"Import {changes:,} new or changed registrations")
            self.import_button.setEnabled(True)
            self.back_button.setEnabled(True)
            self.report_shown.emit(report)
        else:
            self.report_heading.setText("✔ Imported")
            self.import_button.setText("Imported")
            self.import_button.setEnabled(False)
            self.imported.emit(report)

    def on_failed(self, message: str) -> None:
        self.dry_run_button.setEnabled(True)
        self.import_button.setEnabled(self.pages.currentIndex() == 2)
        self.preview_label.setText("")
        self.message.setText(f"⚠ {message}")
        self.failed.emit(message)

    def shutdown(self) -> None:
        self.source_panel.shutdown()
        self.ops.shutdown()
