"""The badge designer: start from a bundled layout, move and restyle its elements on a true-size
canvas over the real rendered badge of a real attendee, and save it as a layout file."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.printing.qt_backend import render_pdf_pages
from kiosk.services import badge_design as design
from kiosk.services.badge_design import Box, DesignError, Document, TrialName
from kiosk.services.event_access import EventFile, EventReader, write_private
from kiosk.ui.console.designer_canvas import CanvasElement, DesignCanvas
from kiosk.ui.console.designer_properties import PropertyPanel
from kiosk.ui.fitting import FittedLabel
from kiosk.ui.ops import EventOps

_FALLBACK_TEMPLATE = "insert-4x3in"
_ADDABLE: tuple[tuple[str, str], ...] = (
    ("text", "Text from a field"), ("qr", "QR code"), ("image", "Picture or logo…"),
    ("box", "Box"), ("band", "Colour band by category"), ("line", "Line"),
)


@dataclass(frozen=True)
class _Rendered:
    """A render's answer: the PDF and its pages, or why the design cannot be rendered."""

    generation: int
    pdf: bytes = b""
    pages: list[QImage] = field(default_factory=list)
    problem: str = ""


@dataclass(frozen=True)
class _Opened:
    document: Document | None
    source: Path | None
    problem: str = ""


@dataclass(frozen=True)
class _EventFacts:
    templates: list[Any]
    trial_names: list[TrialName]
    hard_names: list[TrialName]
    categories: list[str]
    event_layout: str
    samples: bool  # the event has no attendees yet: made-up people stand in


def _event_facts(reader: EventReader) -> _EventFacts:
    people, samples = design.preview_people(reader)
    categories = sorted({a.category for a in people if a.category}, key=str.casefold)
    return _EventFacts(design.badge_templates(), design.trial_names(people),
                       design.hard_names(people), categories, design.event_layout(reader),
                       samples)


def _open(reference: str) -> _Opened:
    """A bundled layout by name or a layout file by path, as a document to edit."""
    try:
        if reference.endswith(".json") or "/" in reference or "\\" in reference:
            path = Path(reference)
            return _Opened(design.open_document(path), None if design.is_bundled(path)
                           else path.resolve())
        return _Opened(design.template_document(reference), None)
    except DesignError as error:
        return _Opened(None, None, str(error))


def _rising(element: Document) -> bool:
    if element.get("type") != "line":
        return False
    run = float(element["x2"]) - float(element["x1"])
    rise = float(element["y2"]) - float(element["y1"])
    return run * rise < 0


def _biggest_text(document: Document) -> int:
    sizes = [(float(e.get("size", 0)), -i) for i, e in enumerate(document.get("elements", []))
             if isinstance(e, dict) and e.get("type") == "text"]
    return -max(sizes)[1] if sizes else -1


def _render(generation: int, document: Document, path: Path | None, people: list[str],
            dpi: int) -> Any:
    def task(event: EventFile) -> _Rendered:
        try:
            layout = design.check_document(document, path)
            pdf = design.badge_pdf_through(event, layout, people)
        except (DesignError, LookupError) as error:  # LookupError: a file with no event
            return _Rendered(generation, problem=str(error))
        return _Rendered(generation, pdf, render_pdf_pages(pdf, dpi))
    return task


class BadgeDesignerScreen(QWidget):
    """Every read, render and write runs on the screen's lane; a render that an edit has
    overtaken is dropped, and only the newest design is rendered next."""

    ready = Signal()
    preview_shown = Signal(str)  # the attendee whose badge is on the canvas
    sheet_shown = Signal(int)  # badges on the hard-names sheet
    saved = Signal(str)
    opened = Signal(str)  # the template's name or the file's path
    problem_shown = Signal(str)

    def __init__(self, event: EventFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = EventOps(event, self, "designer")
        self._event_folder = Path(event.path).parent
        self.document: Document = {}
        self.source_path: Path | None = None
        self.history = design.EditHistory()
        self.last_pdf = b""
        self.sheet_pdf = b""
        self.hard: list[TrialName] = []
        self.samples = False
        self._saved_document: Document = {}
        self._saving: Document = {}
        self._ready = False
        self._generation = {"badge": 0, "sheet": 0}
        self._busy = {"badge": False, "sheet": False}
        self._wanted = {"badge": False, "sheet": False}
        self._build()

    def start(self) -> None:
        """Read the event's names and layout (when the tab is first shown)."""
        self.ops.read(_event_facts, self._on_event_facts, self._show_problem)

    # -- building the screen ------------------------------------------------------------

    def _build(self) -> None:
        self.templates = QComboBox()
        self.templates.setAccessibleName("Start from a layout")
        self.templates.setMinimumWidth(220)
        # Long names must not widen the window: the list shows them in full when it opens.
        self.templates.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.templates.setMinimumContentsLength(34)
        self.templates.activated.connect(
            lambda _i: self.start_from(self.templates.currentData()))
        open_button = QPushButton("Open a layout file…")
        open_button.clicked.connect(self._browse_open)
        self.save_button = QPushButton("Save as…")
        self.save_button.setMinimumHeight(36)
        self.save_button.clicked.connect(self._browse_save)
        self.use_button = QPushButton("Use for this event's badges")
        self.use_button.setEnabled(False)
        self.use_button.setToolTip("Badges printed from this event file (the desk and "
                                   "`kiosk print`) then use the saved layout.")
        self.use_button.clicked.connect(self.use_for_event)
        self.undo_button = QPushButton("Undo")
        self.undo_button.clicked.connect(self.undo)
        self.redo_button = QPushButton("Redo")
        self.redo_button.clicked.connect(self.redo)
        top = QHBoxLayout()
        top.addWidget(QLabel("Start from"))
        top.addWidget(self.templates)
        top.addWidget(open_button)
        top.addSpacing(12)
        top.addWidget(self.undo_button)
        top.addWidget(self.redo_button)
        top.addStretch(1)
        top.addWidget(self.save_button)
        top.addWidget(self.use_button)

        self.people = QComboBox()
        self.people.setAccessibleName("Preview with")
        self.people.setMinimumWidth(200)
        # Long names must not widen the window: the list shows them in full when it opens.
        self.people.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.people.setMinimumContentsLength(24)
        self.people.activated.connect(lambda _i: self.render_preview())
        self.add_button = QToolButton()
        self.add_button.setText("Add element")
        self.add_button.setMinimumWidth(110)
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_button)
        for kind, title in _ADDABLE:
            menu.addAction(title, lambda kind=kind: self._add_from_menu(kind))
        self.add_button.setMenu(menu)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setEnabled(False)
        self.delete_button.clicked.connect(lambda: self.delete_element(
            self.canvas.selected_index))
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(96)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tools = QHBoxLayout()
        tools.addWidget(QLabel("Preview with"))
        tools.addWidget(self.people, 1)
        tools.addWidget(self.add_button)
        tools.addWidget(self.delete_button)
        tools.addSpacing(12)
        for text, name in (("−", "zoom_out"), ("+", "zoom_in"), ("Fit", "zoom_to_fit"),
                           ("Real size", "real_size")):
            button = QPushButton(text)
            button.setAccessibleName({"−": "Zoom out", "+": "Zoom in"}.get(text, text))
            if len(text) == 1:
                button.setFixedWidth(34)
            button.clicked.connect(lambda _c=False, name=name: getattr(self.canvas, name)())
            tools.addWidget(button)
            if text == "−":
                tools.addWidget(self.zoom_label)

        self.canvas = DesignCanvas()
        self.canvas.selected.connect(self._on_selected)
        self.canvas.element_placed.connect(self._on_element_placed)
        self.canvas.delete_asked.connect(self.delete_element)
        self.canvas.zoom_changed.connect(self._on_zoom_changed)
        # It names the person previewed, whose name may be one very long word: a label
        # that shortens rather than widening the window.
        self.caption = FittedLabel("Preview", 10, min_points=9, max_lines=3)
        self.caption.setStyleSheet("color: #444;")
        badge_page = QWidget()
        column = QVBoxLayout(badge_page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(tools)
        column.addWidget(self.canvas, 1)
        column.addWidget(self.caption)

        self.sheet = QWidget()
        self.sheet_scroll = QScrollArea()
        self.sheet_scroll.setWidgetResizable(False)
        self.sheet_scroll.setWidget(self.sheet)
        save_sheet = QPushButton("Save this sheet as a PDF…")
        save_sheet.clicked.connect(self._browse_save_sheet)
        sheet_note = QLabel("The event's own hardest names on this design, at true size: "
                            "print the PDF on the badge printer to check them on the stock.")
        sheet_note.setWordWrap(True)
        sheet_bar = QHBoxLayout()
        sheet_bar.addWidget(sheet_note, 1)
        sheet_bar.addWidget(save_sheet)
        sheet_page = QWidget()
        sheet_column = QVBoxLayout(sheet_page)
        sheet_column.setContentsMargins(0, 0, 0, 0)
        sheet_column.addLayout(sheet_bar)
        sheet_column.addWidget(self.sheet_scroll, 1)
        self.views = QTabWidget()
        self.views.addTab(badge_page, "Badge")
        self.views.addTab(sheet_page, "Hard names sheet")
        self.views.currentChanged.connect(lambda _i: self._sheet_if_shown())

        self.properties = PropertyPanel()
        self.properties.box_edited.connect(self._on_box_edited)
        self.properties.line_edited.connect(self._on_line_edited)
        self.properties.setting_edited.connect(self._on_setting_edited)
        self.properties.title_edited.connect(
            lambda title: self._apply(design.set_title(self.document, title)))
        panel = QScrollArea()
        panel.setWidgetResizable(True)
        panel.setWidget(self.properties)
        panel.setMinimumWidth(340)

        split = QSplitter()
        split.addWidget(self.views)
        split.addWidget(panel)
        split.setStretchFactor(0, 1)
        split.setSizes([880, 380])

        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        self.problem.setStyleSheet("background: #fdecea; color: #8a1c12; padding: 6px;")
        self.problem.hide()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addWidget(self.problem)
        outer.addWidget(split, 1)
        outer.addWidget(self.message)
        for keys, action in ((QKeySequence.StandardKey.Undo, self.undo),
                             (QKeySequence.StandardKey.Redo, self.redo)):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)
        self._update_buttons()

    # -- the event and the layout to start from -----------------------------------------

    def _on_event_facts(self, facts: _EventFacts) -> None:
        self.templates.clear()
        for info in facts.templates:
            width, height = info.page_size_mm
            self.templates.addItem(f"{info.title} ({width:g} × {height:g} mm)", info.name)
        self.hard = facts.hard_names
        self.people.clear()
        self.samples = facts.samples
        for person in facts.trial_names:
            label = f"{person.label} (sample)" if facts.samples else person.label
            self.people.addItem(label, person.attendee_id)
        self.properties.set_categories(facts.categories)
        # The designer opens on what this event prints with, when that is a badge layout.
        start = facts.event_layout
        if self.templates.findData(start) < 0 and not start.endswith(".json"):
            start = _FALLBACK_TEMPLATE
        self.start_from(start, record=False)

    def start_from(self, reference: str, record: bool = True) -> None:
        """Open a bundled layout (by name) or a layout file (by path) to design from."""
        self.ops.run(lambda: _open(reference),
                     lambda answer: self._on_opened(reference, answer, record),
                     self._show_problem)

    def open_file(self, path: str | Path) -> None:
        self.start_from(str(path))

    def _on_opened(self, reference: str, answer: _Opened, record: bool) -> None:
        if answer.document is None:
            self._show_problem(answer.problem)
            if not self.document:  # nothing to show yet: the event's layout did not open
                self.start_from(_FALLBACK_TEMPLATE, record=False)
            return
        if record and self.document:
            self.history.record(self.document)
        self.document = answer.document
        self.source_path = answer.source
        self._saved_document = answer.document
        index = self.templates.findData(reference)
        if index >= 0:
            self.templates.setCurrentIndex(index)
        where = str(answer.source) if answer.source else f"the bundled “{reference}” layout"
        sample = " The event has no attendees yet, so made-up sample people stand in." \
            if self.samples else ""
        self.message.setText(f"Designing from {where}. Save as… writes your own layout file; "
                             f"the bundled layouts stay as they are.{sample}")
        self.canvas.select(-1)
        self._show_design()
        # The biggest text (the name, on every bundled layout) starts chosen: its frame and
        # handles show at once what can be dragged, and the panel what can be changed.
        self.canvas.select(_biggest_text(self.document))
        self.canvas.zoom_to_fit()
        self.render_preview()
        self.opened.emit(reference)

    def _browse_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a badge layout",
                                              str(self._event_folder),
                                              "Badge layouts (*.json);;All files (*)")
        if path:
            self.open_file(path)

    # -- edits --------------------------------------------------------------------------

    def _apply(self, document: Document) -> None:
        if document == self.document:
            return
        self.history.record(self.document)
        self.document = document
        self._show_design()
        self.render_preview()

    def _show_design(self) -> None:
        page = design.page_size(self.document)
        elements = [CanvasElement(design.element_box(e, page), str(e.get("type")),
                                  design.element_title(e), _rising(e))
                    for e in self.document.get("elements", [])]
        self.canvas.show_design(page, elements)
        self._on_selected(self.canvas.selected_index)
        self._update_buttons()

    def _on_selected(self, index: int) -> None:
        elements = self.document.get("elements", [])
        page = design.page_size(self.document)
        if 0 <= index < len(elements):
            self.properties.show_element(elements[index], page)
        else:
            self.properties.show_layout(str(self.document.get("title", "")), page)
        self.delete_button.setEnabled(index >= 0)

    def _on_element_placed(self, index: int, box: Box) -> None:
        self._apply(design.place_element(self.document, index, box))

    def _on_box_edited(self, box: Box) -> None:
        index = self.canvas.selected_index
        if index >= 0:
            self._apply(design.place_element(self.document, index, box))

    def _on_line_edited(self, ends: tuple[float, float, float, float]) -> None:
        index = self.canvas.selected_index
        if index < 0:
            return
        width, height = design.page_size(self.document)
        limits = (width, height, width, height)
        document = self.document
        for key, value, limit in zip(("x1", "y1", "x2", "y2"), ends, limits, strict=True):
            document = design.set_setting(document, index, key, round(min(value, limit), 1))
        self._apply(document)

    def _on_setting_edited(self, key: str, value: Any) -> None:
        index = self.canvas.selected_index
        if index >= 0:
            self._apply(design.set_setting(self.document, index, key, value))

    def add_element(self, kind: str, image_path: str = "") -> None:
        document, index = design.add_element(self.document, kind, image_path)
        self._apply(document)
        self.canvas.select(index)

    def _add_from_menu(self, kind: str) -> None:
        if kind != "image":
            self.add_element(kind)
            return
        path, _ = QFileDialog.getOpenFileName(self, "A picture or logo for the badge",
                                              str(self._event_folder),
                                              "Pictures (*.png *.jpg *.jpeg);;All files (*)")
        if path:
            self.add_element(kind, path)

    def delete_element(self, index: int) -> None:
        if 0 <= index < len(self.document.get("elements", [])):
            self.canvas.select(-1)
            self._apply(design.remove_element(self.document, index))

    def undo(self) -> None:
        self._step(self.history.undo(self.document))

    def redo(self) -> None:
        self._step(self.history.redo(self.document))

    def _step(self, document: Document | None) -> None:
        if document is None:
            return
        self.document = document
        self._show_design()
        self.render_preview()

    def _update_buttons(self) -> None:
        self.undo_button.setEnabled(self.history.can_undo)
        self.redo_button.setEnabled(self.history.can_redo)
        self.use_button.setEnabled(self.source_path is not None)
        self.save_button.setText("Save as… (unsaved changes)" if self.unsaved else "Save as…")

    @property
    def unsaved(self) -> bool:
        """Whether the design differs from the file or template it was opened from or saved
        as."""
        return bool(self.document) and self.document != self._saved_document

    def _on_zoom_changed(self, zoom: float) -> None:
        real = " (real size)" if abs(zoom - 1.0) < 1e-6 else ""
        self.zoom_label.setText(f"{zoom * 100:.0f} %{real}")

    # -- rendering ------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether a render, read or write is still under way on the screen's lane."""
        return self.ops.pending > 0

    def _dpi(self) -> int:
        # At least the printer's own resolution, so QR modules show as they print.
        return max(300, min(600, int(self.document.get("dpi", 300))))

    def render_preview(self) -> None:
        """Render the badge for the chosen attendee, and the sheet if it is on screen."""
        self._start_render("badge")
        self._sheet_if_shown()

    def _sheet_if_shown(self) -> None:
        if self.views.currentIndex() == 1:
            self._start_render("sheet")

    def _start_render(self, what: str) -> None:
        if not self.document:
            return
        if what == "badge":
            person = self.people.currentData()
            people = [person] if person else []
        else:
            people = [t.attendee_id for t in self.hard]
        if not people:
            self._show_problem("The event has no attendees yet, so there is no badge to "
                               "preview. Import registrations first.")
            return
        self._generation[what] += 1
        if self._busy[what]:
            self._wanted[what] = True  # rendered once the one under way is back
            return
        self._busy[what] = True
        task = _render(self._generation[what], self.document, self.source_path, people,
                       self._dpi())
        self.ops.call(task, lambda answer: self._on_rendered(what, answer),
                      lambda message: self._on_render_failed(what, message))

    def _on_rendered(self, what: str, answer: _Rendered) -> None:
        self._busy[what] = False
        if self._wanted[what]:
            self._wanted[what] = False
            self._start_render(what)
            return  # this render is stale: a newer design is on its way
        if answer.generation != self._generation[what]:
            return
        if answer.problem:
            self._show_problem(answer.problem)
        else:
            self._clear_problem()
            if what == "badge":
                self.last_pdf = answer.pdf
                if answer.pages:
                    self.canvas.show_preview(answer.pages[0])
                person = self.people.currentData()
                self.caption.setText(f"The printed badge of {self.people.currentText()}: "
                                     "the same PDF that `kiosk badges` writes.")
                self.preview_shown.emit(person or "")
            else:
                self.sheet_pdf = answer.pdf
                self._show_sheet(answer.pages)
        if what == "badge" and not self._ready:
            self._ready = True
            self.ready.emit()

    def _on_render_failed(self, what: str, message: str) -> None:
        self._busy[what] = False
        self._wanted[what] = False
        self._show_problem(message)
        if not self._ready:
            self._ready = True
            self.ready.emit()

    def _show_sheet(self, pages: list[QImage]) -> None:
        sheet = QWidget()
        grid = QGridLayout(sheet)
        grid.setSpacing(18)
        width, _ = design.page_size(self.document)
        # True size, as on the canvas at 100 %: the sheet answers "is it readable at arm's
        # length", so it is never scaled down to fit.
        pixels = max(120, round(width * self.canvas.pixels_per_mm()))
        room = self.sheet_scroll.viewport().width() - 24
        columns = max(1, room // (pixels + 30))
        for number, (person, page) in enumerate(zip(self.hard, pages, strict=False)):
            picture = QLabel()
            pixmap = QPixmap.fromImage(page).scaledToWidth(
                pixels, Qt.TransformationMode.SmoothTransformation)
            picture.setPixmap(pixmap)
            picture.setFixedSize(pixmap.size() + QSize(2, 2))
            picture.setStyleSheet("background: white; border: 1px solid #999;")
            picture.setAccessibleName(f"Badge for {person.name}")
            caption = QLabel(f"<b>{person.reason}</b><br>{escape(person.name)}")
            caption.setWordWrap(True)
            caption.setMaximumWidth(pixels)
            cell = QWidget()
            column = QVBoxLayout(cell)
            column.addWidget(picture)
            column.addWidget(caption)
            grid.addWidget(cell, number // columns, number % columns,
                           Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        sheet.adjustSize()
        self.sheet_scroll.setWidget(sheet)  # the sheet shown before is deleted
        self.sheet = sheet
        self.sheet_shown.emit(len(pages))

    # -- saving ---------------------------------------------------------------------------

    def _browse_save(self) -> None:
        name = self.source_path.name if self.source_path else \
            f"{self.document.get('name', 'badge')}-custom.json"
        folder = self.source_path.parent if self.source_path else self._event_folder
        path, _ = QFileDialog.getSaveFileName(self, "Save the badge layout as",
                                              str(folder / name),
                                              "Badge layouts (*.json)")
        if path:
            self.save_as(path)

    def save_as(self, path: str | Path) -> None:
        document = self._saving = self.document
        target = Path(path)

        def save() -> Any:
            try:
                return design.save_document(document, target)
            except DesignError as error:
                return str(error)

        self.ops.run(save, lambda answer: self._on_saved(target, answer), self._show_problem)

    def _on_saved(self, target: Path, answer: Any) -> None:
        if isinstance(answer, str):
            self._show_problem(f"Not saved. {answer}")
            return
        saved = answer.source.resolve() if answer.source else target.resolve()
        self.source_path = saved
        self._saved_document = self._saving
        self._clear_problem()
        self.message.setText(f"Saved as {saved}. Print with it: kiosk badges EVENT.db "
                             f"--layout {saved.name} --out badges.pdf, or choose “Use for "
                             "this event's badges”.")
        self._update_buttons()
        self.saved.emit(str(saved))

    def _browse_save_sheet(self) -> None:
        if not self.sheet_pdf:
            self._show_problem("The sheet is still being made; try again in a moment.")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save the hard names sheet as",
                                              str(self._event_folder / "hard-names.pdf"),
                                              "PDF (*.pdf)")
        if path:
            self.save_sheet(path)

    def save_sheet(self, path: str | Path) -> None:
        pdf, target = self.sheet_pdf, Path(path)

        def write() -> str:
            return str(write_private(target, pdf, (".pdf",), "The hard names sheet"))

        self.ops.run(write, lambda saved: self.message.setText(
            f"Saved the hard names sheet as {saved}."), self._show_problem)

    def use_for_event(self) -> None:
        if self.source_path is None:
            self._show_problem("Save the layout first: the event uses a layout file.")
            return
        path = self.source_path
        self.ops.write(lambda store: design.use_for_event(store, path),
                       lambda chosen: self.message.setText(
                           f"Badges printed from this event file now use {chosen}."),
                       self._show_problem)

    # -- messages ---------------------------------------------------------------------------

    def _show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()
        self.problem_shown.emit(message)

    def _clear_problem(self) -> None:
        self.problem.clear()
        self.problem.hide()

    def shutdown(self) -> None:
        self.ops.shutdown()
