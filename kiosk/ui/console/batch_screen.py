"""Batch badges: choose who and how, see the pages, then save them as a PDF or print them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.printing import PrinterDirectory
from kiosk.services import badge_batches as batches
from kiosk.services.badge_batches import (
    BatchCancelled,
    BatchDocument,
    BatchLayout,
    BatchPlan,
    BatchQuery,
    BatchSent,
    BatchSort,
    Saved,
    SaveOutcome,
)
from kiosk.services.event_access import EventFile, EventReader
from kiosk.ui.console.listening import EventListener, Heard
from kiosk.ui.ops import EventOps

FROM_FILE = "\0file"  # the badge list's last entry: a layout file of the organiser's
# Small batches are drawn as soon as they are chosen; larger ones when Preview is pressed.
AUTO_PREVIEW_BADGES = 500


class _Relay(QObject):
    """Carries progress from the work lane to the screen (a queued signal)."""

    advanced = Signal(int, int)


@dataclass(frozen=True)
class _Problem:
    """Why a batch could not be drawn, in words (someone merged away since it was counted)."""

    message: str


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


class BatchScreen(QWidget):
    """Counting runs on one lane and drawing, saving and printing on another ("work"), so
    the figures follow each choice at once even while a thousand badges are being drawn."""

    ready = Signal()  # the first figures are on screen
    plan_shown = Signal(object)  # the BatchPlan now summarised
    preview_shown = Signal(int)  # pages now in the preview
    saved = Signal(str)  # where the PDF was written
    sent = Signal(object)  # the BatchSent of a finished (or stopped) print run
    failed = Signal(str)

    def __init__(self, event: EventFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.event_file = event
        self._event_path = event.path
        self.ops = EventOps(event, self, "batch")
        self.listener: EventListener | None = None
        self._relay = _Relay(self)
        self._relay.advanced.connect(self._on_progress)
        self.plan: BatchPlan | None = None
        self.document: BatchDocument | None = None  # the batch drawn for the preview
        self.printers: PrinterDirectory | None = None
        self._asked = 0
        self._stop: threading.Event | None = None
        self._work_kind = ""
        self._replace_path = ""
        self._was_ready = False
        self._cut_marks_as_sheet = True  # until the organiser ticks or unticks the box
        self._build()
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(150)
        self._recount.timeout.connect(self.refresh)
        for box in (self.category_box, self.workshop_box, self.sort_box):
            box.currentIndexChanged.connect(lambda _i: self._choice_changed())
        for box in (self.layout_box, self.sheet_box):
            box.currentIndexChanged.connect(lambda _i: self._layout_changed())
        for tick in (self.not_printed_box, self.not_checked_in_box):
            tick.toggled.connect(lambda _on: self._choice_changed())
        self.cut_marks_box.toggled.connect(lambda _on: self._cut_marks_changed())
        self.layout_file.editingFinished.connect(self._choice_changed)
        self.pdf_path.textChanged.connect(lambda _t: self._forget_replace())

    # -- building -------------------------------------------------------------------------

    def _build(self) -> None:
        self.category_box = QComboBox()
        self.category_box.setAccessibleName("Category")
        self.category_box.addItem("Every category", None)
        self.workshop_box = QComboBox()
        self.workshop_box.setAccessibleName("Workshop booked")
        self.workshop_box.addItem("Any (booked on a workshop or not)", None)
        self.not_printed_box = QCheckBox("Not yet printed")
        self.not_printed_box.setToolTip("Leave out people whose badge was printed at any "
                                        "desk, or is waiting in this computer's print queue.")
        self.not_checked_in_box = QCheckBox("Not checked in yet")
        self.sort_box = QComboBox()
        self.sort_box.setAccessibleName("Sort by")
        for sort, title in batches.SORT_TITLES.items():
            self.sort_box.addItem(title, sort.value)
        who = self.who_group = QGroupBox("Who")
        who_form = QFormLayout(who)
        who_form.addRow("Category", self.category_box)
        who_form.addRow("Workshop", self.workshop_box)
        who_form.addRow("", self.not_printed_box)
        who_form.addRow("", self.not_checked_in_box)
        who_form.addRow("Sort by", self.sort_box)

        self.layout_box = QComboBox()
        self.layout_box.setAccessibleName("Badge layout")
        for choice in batches.badge_layout_choices():
            self.layout_box.addItem(choice.title, choice.key)
        self.layout_box.addItem("A layout file…", FROM_FILE)
        self.layout_file = QLineEdit()
        self.layout_file.setAccessibleName("Layout file")
        self.layout_file.setPlaceholderText("The layout's .json file")
        self.layout_browse = QPushButton("Browse…")
        self.layout_browse.clicked.connect(self._browse_layout)
        file_row = QHBoxLayout()
        file_row.addWidget(self.layout_file, 1)
        file_row.addWidget(self.layout_browse)
        self.file_row = QWidget()
        self.file_row.setLayout(file_row)
        file_row.setContentsMargins(0, 0, 0, 0)
        self.file_row.setVisible(False)
        self.sheet_box = QComboBox()
        self.sheet_box.setAccessibleName("Sheet")
        for choice in batches.sheet_choices():
            self.sheet_box.addItem(choice.title, choice.key)
        self.cut_marks_box = QCheckBox("Cut marks")
        self.cut_marks_box.setEnabled(False)
        looks = self.layout_group = QGroupBox("Layout")
        looks_form = QFormLayout(looks)
        looks_form.addRow("Badge", self.layout_box)
        looks_form.addRow("", self.file_row)
        looks_form.addRow("Sheet", self.sheet_box)
        looks_form.addRow("", self.cut_marks_box)
        self._select(self.layout_box, "card-90x55")
        self._select(self.sheet_box, "a4-8up-90x55")

        self.count_label = QLabel("Counting…")
        self.count_label.setAccessibleName("Badges and pages")
        font = QFont()
        font.setPointSize(15)
        font.setBold(True)
        self.count_label.setFont(font)
        self.count_label.setWordWrap(True)
        self.detail_label = QLabel("")
        self.detail_label.setAccessibleName("About this batch")
        self.detail_label.setWordWrap(True)
        self.preview_button = QPushButton("Preview pages")
        self.preview_button.clicked.connect(lambda: self.make_preview())
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Count again (desks may have printed or checked people "
                                       "in meanwhile) and look for printers again.")
        self.refresh_button.clicked.connect(self.reload)
        actions = QHBoxLayout()
        actions.addWidget(self.preview_button, 1)
        actions.addWidget(self.refresh_button)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        self.busy_row = QWidget()
        self.busy_row.setLayout(busy)
        busy.setContentsMargins(0, 0, 0, 0)
        self.busy_row.setVisible(False)

        self.pdf_path = QLineEdit(str(self._default_pdf_path()))
        self.pdf_path.setAccessibleName("Save the PDF as")
        pdf_browse = QPushButton("Browse…")
        pdf_browse.clicked.connect(self._browse_pdf)
        self.save_button = QPushButton("Save PDF")
        self.save_button.clicked.connect(lambda: self.save_pdf())
        save_row = QHBoxLayout()
        save_row.addWidget(self.pdf_path, 1)
        save_row.addWidget(pdf_browse)
        save_box = QGroupBox("Save as a PDF")
        save_layout = QVBoxLayout(save_box)
        save_layout.addLayout(save_row)
        save_layout.addWidget(self.save_button)

        self.printer_box = QComboBox()
        self.printer_box.setAccessibleName("Printer")
        self.reason_box = QLineEdit()
        self.reason_box.setAccessibleName("Why print another badge")
        self.reason_box.setPlaceholderText("e.g. name corrected, lost")
        self.reason_row_label = QLabel("Reprint reason")
        self.send_button = QPushButton("Send to printer")
        self.send_button.clicked.connect(lambda: self.send_to_printer())
        print_box = QGroupBox("Print")
        print_form = QFormLayout(print_box)
        print_form.addRow("Printer", self.printer_box)
        print_form.addRow(self.reason_row_label, self.reason_box)
        print_form.addRow("", self.send_button)

        self.message = QLabel("")
        self.message.setAccessibleName("Message")
        self.message.setWordWrap(True)
        side = QVBoxLayout()
        for part in (who, looks, self.count_label, self.detail_label):
            side.addWidget(part)
        side.addLayout(actions)
        for part in (self.busy_row, save_box, print_box, self.message):
            side.addWidget(part)
        side.addStretch(1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        # Scrolls on a small laptop screen rather than squeezing the choices together.
        side_scroll = QScrollArea()
        side_scroll.setWidget(side_widget)
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side_scroll.setFixedWidth(450)
        side_scroll.viewport().setAutoFillBackground(False)
        side_widget.setAutoFillBackground(False)  # the window's colour, not a scroll area's

        self.pdf = QPdfDocument(self)
        self._pdf_source: QBuffer | None = None
        self.view = QPdfView()
        self.view.setAccessibleName("Preview of the pages")
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)  # a whole sheet at a time
        self.view.setPageSpacing(12)
        self.placeholder = QLabel("The pages appear here.")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setAccessibleName("Preview")
        self.preview_stack = QStackedWidget()
        self.preview_stack.addWidget(self.placeholder)
        self.preview_stack.addWidget(self.view)
        self.page_label = QLabel("")
        self.page_label.setAccessibleName("Page shown")
        self.view.pageNavigator().currentPageChanged.connect(lambda _p: self._show_page())
        preview = QVBoxLayout()
        preview.addWidget(self.preview_stack, 1)
        preview.addWidget(self.page_label)

        layout = QHBoxLayout(self)
        layout.addWidget(side_scroll)
        layout.addLayout(preview, 1)

    def _default_pdf_path(self) -> Path:
        event = Path(self._event_path).expanduser().resolve()
        return event.with_name(f"{event.stem}-batch-badges.pdf")

    @staticmethod
    def _select(box: QComboBox, key: object) -> None:
        index = box.findData(key)
        if index >= 0:
            box.setCurrentIndex(index)

    # -- figures --------------------------------------------------------------------------

    def start(self) -> None:
        """Read the categories, workshops and printers, then count."""
        def choices(reader: EventReader) -> Any:
            return batches.categories(reader), batches.workshops(reader)

        if self.listener is None:
            self.listener = EventListener(self.event_file, self)
            self.listener.heard.connect(self._on_heard)
        self.ops.read(choices, self._on_choices, self._on_failed)
        self.reload_printers()

    def _on_heard(self, heard: Heard) -> None:
        if heard.rebuilt:
            self.reload()  # wiped or put back from a backup: count and draw afresh

    def _on_choices(self, found: tuple[list[tuple[str, int]], list[batches.Choice]]) -> None:
        categories, workshops = found
        for box in (self.category_box, self.workshop_box):
            box.blockSignals(True)
        for name, count in categories:
            self.category_box.addItem(f"{name} ({count:,})", name)
        for workshop in workshops:
            self.workshop_box.addItem(workshop.title, workshop.key)
        for box in (self.category_box, self.workshop_box):
            box.blockSignals(False)
        self.refresh()

    def reload(self) -> None:
        self.document = None  # names may have been corrected: draw the pages again
        self.refresh()
        self.reload_printers()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._was_ready:
            self._recount.start()  # back on this tab: the figures may have moved

    def reload_printers(self) -> None:
        path = self._event_path

        def find(event: EventFile) -> Any:
            printers = batches.batch_printers(path)  # the spooler is asked outside any read
            listed = printers.printers()
            return printers, listed, event.read(
                lambda reader: batches.default_printer(reader, printers))

        self.ops.call(find, self._on_printers, self._on_failed)

    def _on_printers(self, found: tuple[PrinterDirectory, list[Any], str]) -> None:
        self.printers, listed, default = found
        current = self.printer_box.currentData() or default
        self.printer_box.clear()
        for printer in listed:
            state = "" if printer.state.takes_jobs else f" — {printer.state.value}"
            self.printer_box.addItem(f"{printer.name}{state}", printer.name)
        self._select(self.printer_box, current)

    def query(self) -> BatchQuery:
        return BatchQuery(
            category=self.category_box.currentData(),
            workshop=self.workshop_box.currentData(),
            not_printed=self.not_printed_box.isChecked(),
            not_checked_in=self.not_checked_in_box.isChecked(),
            sort=BatchSort(self.sort_box.currentData()),
        )

    def layout_choice(self) -> BatchLayout:
        badge = self.layout_box.currentData()
        if badge == FROM_FILE:
            badge = self.layout_file.text().strip()
        sheet = self.sheet_box.currentData()
        cut_marks = None if self._cut_marks_as_sheet else self.cut_marks_box.isChecked()
        return BatchLayout(badge, sheet, cut_marks)

    def _layout_changed(self) -> None:
        self._cut_marks_as_sheet = True  # a new sheet starts as it is designed
        self._choice_changed()

    def _cut_marks_changed(self) -> None:
        self._cut_marks_as_sheet = False
        self._choice_changed()

    def _choice_changed(self) -> None:
        from_file = self.layout_box.currentData() == FROM_FILE
        self.file_row.setVisible(from_file)
        self._recount.start()

    def refresh(self) -> None:
        self._recount.stop()
        if self.layout_box.currentData() == FROM_FILE and not self.layout_file.text().strip():
            self._asked += 1  # an answer still on its way is for another layout
            self.plan = None
            self._update_buttons()
            self._clear_preview()
            self.placeholder.setText("Nothing to show.")
            self.count_label.setText("Choose a layout file")
            self.detail_label.setText("Give the path of a badge layout (.json), or press "
                                      "Browse.")
            return
        query, choice = self.query(), self.layout_choice()
        self._asked += 1
        asked = self._asked
        self.count_label.setText("Counting…")
        self.ops.read(lambda reader: batches.plan_batch(reader, query, choice),
                      lambda plan: self._on_plan(asked, plan), self._on_failed)

    def _on_plan(self, asked: int, plan: BatchPlan) -> None:
        if asked != self._asked:
            return  # the organiser has chosen again since
        self.plan = plan
        self._show_cut_marks(plan)
        if plan.problem:
            self.count_label.setText(_plural(plan.count, "badge"))
            self.detail_label.setText(plan.problem)
        elif not plan.count:
            self.count_label.setText("No badges")
            self.detail_label.setText("Nobody matches these choices.")
        else:
            sheets = f" ({plan.per_page} a page)" if plan.per_page > 1 else ""
            self.count_label.setText(
                f"{_plural(plan.count, 'badge')} on {_plural(plan.pages, 'page')}{sheets}")
            again = (" 1 person already has a badge: printing it again needs a reason."
                     if plan.with_badge == 1 else
                     f" {plan.with_badge:,} people already have a badge: printing theirs "
                     "again needs a reason." if plan.with_badge else "")
            looks = (f"{plan.badge_title} on {plan.layout_title}" if plan.per_page > 1
                     else f"{plan.badge_title}, one badge per page")
            self.detail_label.setText(f"{looks}.{again}")
        reprints = bool(plan.with_badge)
        self.reason_box.setVisible(reprints)
        self.reason_row_label.setVisible(reprints)
        self._update_buttons()
        self.plan_shown.emit(plan)
        self._preview_for(plan)
        if self._work_kind != "preview":
            self._mark_ready()  # else once the first pages are drawn

    def _mark_ready(self) -> None:
        if not self._was_ready:
            self._was_ready = True
            self.ready.emit()

    def _show_cut_marks(self, plan: BatchPlan) -> None:
        self.cut_marks_box.setEnabled(plan.per_page > 1)
        self.cut_marks_box.blockSignals(True)
        self.cut_marks_box.setChecked(plan.cut_marks)
        self.cut_marks_box.blockSignals(False)

    # -- preview --------------------------------------------------------------------------

    def _preview_for(self, plan: BatchPlan) -> None:
        if self._drawn_for(plan):
            return  # the same badges on the same pages (someone got a badge meanwhile)
        if self._work_kind == "preview" and self._stop is not None:
            self._stop.set()  # what it draws is no longer what is chosen
        self._clear_preview()
        if self.busy and self._work_kind != "preview":
            self.placeholder.setText("Press Preview pages once the badges are sent or saved.")
        elif plan.problem or not plan.count:
            self.placeholder.setText("Nothing to show.")
        elif plan.count <= AUTO_PREVIEW_BADGES:
            self.make_preview()
        else:
            self.placeholder.setText(f"Press Preview pages to draw all "
                                     f"{_plural(plan.pages, 'page')}.")

    def make_preview(self, then: Callable[[BatchDocument], None] | None = None) -> None:
        plan = self.plan
        if plan is None or plan.problem or not plan.count or \
                (self.busy and self._work_kind != "preview"):
            return
        self.placeholder.setText(f"Drawing {_plural(plan.count, 'badge')}…")
        self._run("preview", plan.count, lambda event, progress, stop:
                  batches.render_batch_through(event, plan, progress, stop),
                  lambda document: self._on_drawn(document, then))

    def _on_drawn(self, document: BatchDocument,
                  then: Callable[[BatchDocument], None] | None) -> None:
        if not self._current(document):
            if then is not None:
                self._say("The choices changed while the badges were drawn. Press Save PDF "
                          "again.")
            return  # drawn for an earlier choice
        self.document = document
        self.pdf.close()  # before its old buffer goes
        self._pdf_source = QBuffer()
        self._pdf_source.setData(QByteArray(document.pdf))
        self._pdf_source.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(self._pdf_source)
        self.preview_stack.setCurrentWidget(self.view)
        self._show_page()
        self.preview_shown.emit(self.pdf.pageCount())
        if then is not None:
            then(document)

    def _current(self, document: BatchDocument) -> bool:
        return self.plan is not None and document.plan.drawing == self.plan.drawing

    def _drawn_for(self, plan: BatchPlan) -> bool:
        return self.document is not None and self.document.plan.drawing == plan.drawing

    def _clear_preview(self) -> None:
        self.document = None
        self.pdf.close()
        self._pdf_source = None
        self.preview_stack.setCurrentWidget(self.placeholder)
        self.page_label.setText("")

    def _show_page(self) -> None:
        pages = self.pdf.pageCount()
        if pages:
            current = self.view.pageNavigator().currentPage() + 1
            self.page_label.setText(f"Page {current} of {pages:,}")

    # -- saving ---------------------------------------------------------------------------

    def save_pdf(self) -> None:
        """Write the batch to the path in the box (drawing it first if not yet drawn)."""
        path = self.pdf_path.text().strip()
        if not path:
            self._say("Give a file name for the PDF, or press Browse.")
            return
        replace = path == self._replace_path
        if self.document is not None and self._current(self.document):
            self._write(self.document, path, replace)
        else:
            self.make_preview(lambda document: self._write(document, path, replace))

    def _write(self, document: BatchDocument, path: str, replace: bool) -> None:
        self._run("save", 0, lambda _event, _progress, _stop:
                  batches.save_pdf(document, path, replace), self._on_saved)

    def _on_saved(self, result: Saved) -> None:
        self._say(result.message)
        if result.outcome is SaveOutcome.EXISTS:
            self._replace_path = self.pdf_path.text().strip()
            self.save_button.setText("Replace the file")
        elif result.outcome is SaveOutcome.SAVED:
            self._forget_replace()
            self.saved.emit(result.path)
        else:
            self.failed.emit(result.message)

    def _forget_replace(self) -> None:
        self._replace_path = ""
        self.save_button.setText("Save PDF")

    # -- printing -------------------------------------------------------------------------

    def send_to_printer(self) -> None:
        plan, printers, printer = self.plan, self.printers, self.printer_box.currentData()
        if plan is None or printers is None or not printer:
            self._say("Wait for the printers to be found, or press Refresh.")
            return
        reason = self.reason_box.text()
        self._run("send", plan.count, lambda event, progress, stop: batches.send_batch_through(
            event, printers, plan, printer, reason, progress, stop), self._on_sent)

    def _on_sent(self, result: BatchSent) -> None:
        self._say(result.message)
        self.sent.emit(result)
        self.refresh()  # who is "not yet printed" has changed

    # -- running work ---------------------------------------------------------------------

    def _run(self, kind: str, total: int, task: Callable[..., Any],
             then: Callable[[Any], None]) -> None:
        """Run ``task(event, progress, stop)`` on the work lane, with progress shown (it
        reads and writes through the event file's door as it goes, never holding it)."""
        stop = threading.Event()
        self._stop, self._work_kind = stop, kind
        relay = self._relay
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        self.progress.setFormat({"preview": "Drawing badges… %v of %m",
                                 "send": "Sending badges… %v of %m"}.get(kind, "Saving…"))
        self.busy_row.setVisible(True)
        self._update_buttons()

        def work(event: EventFile) -> Any:
            try:
                return task(event, relay.advanced.emit, stop.is_set)
            except BatchCancelled:
                return None
            except (LookupError, ValueError) as problem:  # said in words for the organiser
                return _Problem(str(problem))

        def done(answer: Any) -> None:
            self._finished(stop)
            if isinstance(answer, _Problem):
                self._on_failed(answer.message)
            elif answer is None:
                self._say("Cancelled.")
                if kind == "preview" and self.document is None:
                    self.placeholder.setText("Preview cancelled. Press Preview pages to "
                                             "draw them.")
            else:
                then(answer)
            if kind == "preview":
                self._mark_ready()

        def failed(message: str) -> None:
            self._finished(stop)
            self._on_failed(message)
            self._mark_ready()

        self.ops.call(work, done, failed, lane="work")

    def _finished(self, stop: threading.Event) -> None:
        if self._stop is stop:
            self._stop, self._work_kind = None, ""
            self.busy_row.setVisible(False)
        self._update_buttons()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def cancel(self) -> None:
        if self._stop is not None:
            self._stop.set()
            self._say("Cancelling…")

    @property
    def busy(self) -> bool:
        return self._stop is not None

    def _update_buttons(self) -> None:
        usable = self.plan is not None and not self.plan.problem and self.plan.count > 0
        for button in (self.preview_button, self.save_button, self.send_button):
            button.setEnabled(usable and not self.busy)
        # While badges go to the printer, the choices that made the batch stay as they are.
        sending = self._work_kind == "send"
        for group in (self.who_group, self.layout_group, self.refresh_button):
            group.setEnabled(not sending)

    def _say(self, message: str) -> None:
        self.message.setText(message)

    def _on_failed(self, message: str) -> None:
        self._say(f"⚠ {message}")
        self.failed.emit(message)

    # -- file choosers (never modal: a test or a person fills the boxes either way) --------

    def _browse_layout(self) -> None:
        chooser = QFileDialog(self, "A badge layout file", "", "Badge layouts (*.json)")
        chooser.fileSelected.connect(lambda path: (self.layout_file.setText(path),
                                                   self._choice_changed()))
        chooser.open()

    def _browse_pdf(self) -> None:
        chooser = QFileDialog(self, "Save the badges as", self.pdf_path.text(),
                              "PDF (*.pdf)")
        chooser.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        chooser.fileSelected.connect(self.pdf_path.setText)
        chooser.open()

    def shutdown(self) -> None:
        if self._stop is not None:
            self._stop.set()
        if self.listener is not None:
            self.listener.stop()
        self.ops.shutdown()
