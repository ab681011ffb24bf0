"""The badge designer's property panel: the chosen element's settings, each edited in place."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.badge_design import EVENT_LOGO, Box, Document, element_box, element_title

_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_EVENT_LOGO_TEXT = "The event's logo (from Event setup)"
FIELDS: tuple[str, ...] = (
    "badge_name", "first_name", "last_name", "full_name", "display_name", "organisation",
    "pronouns", "category", "event_name", "event_date", "venue",
)
# Which rows each kind of element shows (the geometry rows are handled apart).
_ROWS: dict[str, tuple[str, ...]] = {
    "text": ("text", "font", "weight", "size", "min_size", "fit", "max_lines", "line_height",
             "align", "valign", "uppercase", "colour", "side"),
    "qr": ("quiet_zone", "side"),
    "image": ("path", "side"),
    "box": ("fill", "stroke", "stroke_width", "radius", "categories", "side"),
    "band": ("fill", "stroke", "stroke_width", "categories", "side"),
    "line": ("colour", "line_width", "side"),
}
_GEOMETRY: dict[str, tuple[str, ...]] = {
    "text": ("x", "y", "width", "height"), "image": ("x", "y", "width", "height"),
    "box": ("x", "y", "width", "height"), "band": ("y", "height"), "qr": ("x", "y", "width"),
    "line": ("x1", "y1", "x2", "y2"),
}


class ColourField(QWidget):
    """A colour as "#rrggbb" with a swatch that opens a colour picker; ``edited`` with the
    new colour, or None when left empty where empty is allowed (no fill), or "auto" (black
    or white by contrast with what is under it) where that is allowed (a text's colour)."""

    edited = Signal(object)

    def __init__(self, name: str, allow_empty: bool = False, allow_auto: bool = False) -> None:
        super().__init__()
        self.allow_empty = allow_empty
        self.allow_auto = allow_auto
        self.text = QLineEdit()
        self.text.setAccessibleName(name)
        self.text.setPlaceholderText("none" if allow_empty else
                                     "#000000 or auto" if allow_auto else "#000000")
        self.swatch = QPushButton()
        self.swatch.setFixedWidth(36)
        self.swatch.setAccessibleName(f"Pick the {name.lower()}")
        self.swatch.clicked.connect(self._pick)
        self.text.editingFinished.connect(self._typed)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.text, 1)
        row.addWidget(self.swatch)

    def set_colour(self, colour: str | None) -> None:
        self.text.setText(colour or "")
        self._paint(colour)

    def _paint(self, colour: str | None) -> None:
        style = f"background: {colour};" if colour and _HEX.fullmatch(colour) else ""
        self.swatch.setStyleSheet(style)

    def _typed(self) -> None:
        value = self.text.text().strip()
        if not value and self.allow_empty:
            self._paint(None)
            self.edited.emit(None)
        elif value.lower() == "auto" and self.allow_auto:
            self._paint(None)
            self.edited.emit("auto")
        elif _HEX.fullmatch(value):
            self._paint(value.lower())
            self.edited.emit(value.lower())

    def _pick(self) -> None:
        start = QColor(self.text.text()) if _HEX.fullmatch(self.text.text()) else QColor("#000")
        chosen = QColorDialog.getColor(start, self, "Choose a colour")
        if chosen.isValid():
            self.set_colour(chosen.name())
            self.edited.emit(chosen.name())


class PropertyPanel(QWidget):
    """``box_edited`` with a new (x, y, width, height) in mm; ``setting_edited`` with a key
    and its new value (None: back to the default); ``title_edited`` for the layout's title."""

    box_edited = Signal(object)
    line_edited = Signal(object)  # (x1, y1, x2, y2)
    setting_edited = Signal(str, object)
    title_edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filling = False
        self._element: Document | None = None
        self._categories: list[str] = []
        self.heading = QLabel("The layout")
        self.heading.setStyleSheet("font-weight: bold; font-size: 15px;")
        self.heading.setWordWrap(True)
        self.hint = QLabel("Click an element on the badge to change it, or drag it to move "
                           "it. Arrow keys nudge it by 0.5 mm (with Shift, 5 mm).")
        self.hint.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._rows: dict[str, QWidget] = {}
        self.layout_title = QLineEdit()
        self.layout_title.setAccessibleName("Layout title")
        self.layout_title.editingFinished.connect(
            lambda: self._filling or self.title_edited.emit(self.layout_title.text().strip()))
        self.page_size = QLabel()
        self._add("layout_title", "Title", self.layout_title)
        self._add("page", "Page", self.page_size)
        self.spins: dict[str, QDoubleSpinBox] = {}
        for key, title in (("x", "Left (mm)"), ("y", "Top (mm)"), ("width", "Width (mm)"),
                           ("height", "Height (mm)"), ("x1", "Start x (mm)"),
                           ("y1", "Start y (mm)"), ("x2", "End x (mm)"),
                           ("y2", "End y (mm)")):
            spin = self._spin(title, 0.0, 1000.0, 0.5, 1)
            spin.valueChanged.connect(self._geometry_changed)
            self.spins[key] = spin
            self._add(key, title, spin)
        self.template = QLineEdit()
        self.template.setAccessibleName("Field template")
        self.template.editingFinished.connect(
            lambda: self._emit("text", self.template.text()))
        self.insert_field = QComboBox()
        self.insert_field.setAccessibleName("Insert a field")
        self.insert_field.addItem("Insert a field…", "")
        for field in FIELDS:
            self.insert_field.addItem(field.replace("_", " "), field)
        self.insert_field.activated.connect(self._insert_field)
        template_row = QWidget()
        row = QVBoxLayout(template_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.template)
        row.addWidget(self.insert_field)
        self._add("text", "Field template", template_row)
        self.font = self._choice("Font", [("Noto Sans", "Noto Sans (every script)")], "font")
        self.weight = self._choice("Weight", [("regular", "Regular"), ("bold", "Bold")],
                                   "weight")
        self.size = self._spin("Size (pt)", 1.0, 400.0, 1.0, 1)
        self.size.valueChanged.connect(lambda v: self._emit("size", v))
        self._add("size", "Size (pt)", self.size)
        self.min_size = self._spin("Minimum size (pt)", 1.0, 400.0, 1.0, 1)
        self.min_size.valueChanged.connect(lambda v: self._emit("min_size", v))
        self._add("min_size", "Minimum size (pt)", self.min_size)
        self.fit = self._choice("Fit", [("shrink", "Shrink to fit one line"),
                                        ("wrap", "Wrap onto more lines")], "fit")
        self.max_lines = QSpinBox()
        self.max_lines.setRange(1, 20)
        self.max_lines.setKeyboardTracking(False)
        self.max_lines.setAccessibleName("Most lines")
        self.max_lines.valueChanged.connect(lambda v: self._emit("max_lines", v))
        self._add("max_lines", "Most lines", self.max_lines)
        self.line_height = self._spin("Line height", 0.5, 3.0, 0.05, 2)
        self.line_height.valueChanged.connect(lambda v: self._emit("line_height", v))
        self._add("line_height", "Line height", self.line_height)
        self.align = self._choice("Alignment", [
            ("center", "Centre"), ("start", "Start of the line (right for RTL)"),
            ("end", "End of the line"), ("left", "Left"), ("right", "Right")], "align")
        self.valign = self._choice("Vertical", [("middle", "Middle"), ("top", "Top"),
                                                ("bottom", "Bottom")], "valign")
        self.uppercase = QCheckBox("Capital letters")
        self.uppercase.setAccessibleName("Capital letters")
        self.uppercase.toggled.connect(lambda on: self._emit("uppercase", True if on else None))
        self._add("uppercase", "", self.uppercase)
        self.colour = ColourField("Colour", allow_auto=True)
        self.colour.edited.connect(lambda c: self._colour_edited("colour", c))
        self._add("colour", "Colour", self.colour)
        self.fill = ColourField("Fill", allow_empty=True)
        self.fill.edited.connect(lambda c: self._colour_edited("fill", c))
        self._add("fill", "Fill", self.fill)
        self.stroke = ColourField("Outline", allow_empty=True)
        self.stroke.edited.connect(lambda c: self._colour_edited("stroke", c))
        self._add("stroke", "Outline", self.stroke)
        self.stroke_width = self._spin("Outline width (pt)", 0.1, 20.0, 0.1, 1)
        self.stroke_width.valueChanged.connect(lambda v: self._emit("stroke_width", v))
        self._add("stroke_width", "Outline width (pt)", self.stroke_width)
        self.radius = self._spin("Corner radius (mm)", 0.0, 50.0, 0.5, 1)
        self.radius.valueChanged.connect(lambda v: self._emit("radius", v or None))
        self._add("radius", "Corner radius (mm)", self.radius)
        self.line_width = self._spin("Line width (pt)", 0.1, 20.0, 0.1, 1)
        self.line_width.valueChanged.connect(lambda v: self._emit("width", v))
        self._add("line_width", "Line width (pt)", self.line_width)
        self.quiet_zone = QSpinBox()
        self.quiet_zone.setRange(0, 10)
        self.quiet_zone.setKeyboardTracking(False)
        self.quiet_zone.setAccessibleName("Quiet zone (modules)")
        self.quiet_zone.valueChanged.connect(lambda v: self._emit("quiet_zone", v))
        self._add("quiet_zone", "Quiet zone (modules)", self.quiet_zone)
        self.image_path = QLineEdit()
        self.image_path.setReadOnly(True)
        self.image_path.setAccessibleName("Image file")
        browse = QPushButton("Choose a picture…")
        browse.clicked.connect(self._browse_image)
        self.use_event_logo = QPushButton("Use the event's logo")
        self.use_event_logo.setToolTip("The logo uploaded in Event setup; left off the badge "
                                       "while the event has none.")
        self.use_event_logo.clicked.connect(self.choose_event_logo)
        image_row = QWidget()
        row = QVBoxLayout(image_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.image_path)
        row.addWidget(browse)
        row.addWidget(self.use_event_logo)
        self._add("path", "Picture", image_row)
        self._add("categories", "Colour by category", self._category_editor())
        self.side = self._choice("Side", [("both", "Both sides"), ("front", "Front only"),
                                          ("back", "Back only")], "side")
        outer = QVBoxLayout(self)
        outer.addWidget(self.heading)
        outer.addWidget(self.hint)
        outer.addLayout(self.form)
        outer.addStretch(1)
        self.show_layout("", (0.0, 0.0))

    # -- building rows ------------------------------------------------------------------

    def _add(self, key: str, title: str, widget: QWidget) -> None:
        self.form.addRow(title, widget)
        self._rows[key] = widget

    def _spin(self, name: str, low: float, high: float, step: float,
              decimals: int) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(low, high)
        spin.setSingleStep(step)
        spin.setDecimals(decimals)
        spin.setKeyboardTracking(False)  # a value is taken on Enter or leaving the box
        spin.setAccessibleName(name)
        return spin

    def _choice(self, title: str, options: list[tuple[str, str]], key: str) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(title)
        for value, text in options:
            box.addItem(text, value)
        box.activated.connect(lambda _i: self._emit(key, box.currentData()))
        self._add(key, title, box)
        return box

    def _category_editor(self) -> QWidget:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        self.category_table = QTableWidget(0, 2)
        self.category_table.setAccessibleName("Colours by ticket category")
        self.category_table.setHorizontalHeaderLabels(["Category", "Colour"])
        self.category_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch)
        self.category_table.verticalHeader().setVisible(False)
        self.category_table.setMinimumHeight(150)
        self.category_table.itemChanged.connect(lambda _item: self._categories_edited())
        buttons = QHBoxLayout()
        self.add_category = QComboBox()
        self.add_category.setAccessibleName("Add a category")
        self.add_category.activated.connect(self._category_added)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._category_removed)
        buttons.addWidget(self.add_category, 1)
        buttons.addWidget(remove)
        column.addWidget(self.category_table)
        column.addLayout(buttons)
        note = QLabel("A colour set in Event setup comes first; these are for categories "
                      "without one there, and other categories use the fill above.")
        note.setWordWrap(True)
        column.addWidget(note)
        return holder

    def _show_rows(self, keys: set[str]) -> None:
        for key, widget in self._rows.items():
            self.form.setRowVisible(widget, key in keys)

    # -- what is shown ------------------------------------------------------------------

    def set_categories(self, categories: list[str]) -> None:
        self._categories = list(categories)

    def show_layout(self, title: str, page: tuple[float, float]) -> None:
        """Nothing chosen: the layout's own settings."""
        self._element = None
        self._filling = True
        self.heading.setText("The layout")
        self.layout_title.setText(title)
        self.page_size.setText(f"{page[0]:g} × {page[1]:g} mm")
        self._show_rows({"layout_title", "page"})
        self._filling = False

    def show_element(self, element: Document, page: tuple[float, float]) -> None:
        self._element = element
        kind = str(element.get("type"))
        self._filling = True
        try:
            self.heading.setText(element_title(element))
            box = element_box(element, page)
            values = {"x": box[0], "y": box[1], "width": box[2], "height": box[3]}
            for key in ("x1", "y1", "x2", "y2"):
                values[key] = float(element.get(key, 0.0))
            for key, spin in self.spins.items():
                spin.setValue(values[key])
            self.form.labelForField(self.spins["width"]).setText(
                "Size (mm)" if kind == "qr" else "Width (mm)")
            self.template.setText(str(element.get("text", "")))
            _choose(self.font, "Noto Sans")
            _choose(self.weight, element.get("weight", "regular"))
            self.size.setValue(float(element.get("size", 12)))
            self.min_size.setValue(float(element.get("min_size", element.get("size", 12))))
            fit = element.get("fit", "shrink")
            _choose(self.fit, fit)
            self.max_lines.setValue(int(element.get("max_lines", 2 if fit == "wrap" else 1)))
            self.max_lines.setEnabled(fit == "wrap")
            self.line_height.setValue(float(element.get("line_height", 1.15)))
            _choose(self.align, element.get("align", "center"))
            _choose(self.valign, element.get("valign", "middle"))
            self.uppercase.setChecked(bool(element.get("uppercase", False)))
            self.colour.set_colour(_default_colour(element.get("colour", "#000000")))
            self.fill.set_colour(_default_colour(element.get("fill")))
            self.stroke.set_colour(_default_colour(element.get("stroke")))
            self.stroke_width.setValue(float(element.get("stroke_width", 0.5)))
            self.radius.setValue(float(element.get("radius", 0.0)))
            self.line_width.setValue(float(element.get("width", 0.5)) if kind == "line"
                                     else 0.5)
            self.quiet_zone.setValue(int(element.get("quiet_zone", 4)))
            self.image_path.setText(_EVENT_LOGO_TEXT if element.get("source") == EVENT_LOGO
                                    else str(element.get("path", "")))
            _choose(self.side, element.get("side", "both"))
            self._fill_categories(element.get("fill"))
            self._show_rows(set(_GEOMETRY.get(kind, ())) | set(_ROWS.get(kind, ())))
        finally:
            self._filling = False

    def _fill_categories(self, fill: Any) -> None:
        mapping = fill.get("by_category", {}) if isinstance(fill, dict) else {}
        self.category_table.setRowCount(0)
        for name, colour in mapping.items():
            row = self.category_table.rowCount()
            self.category_table.insertRow(row)
            self.category_table.setItem(row, 0, QTableWidgetItem(name))
            swatch = QTableWidgetItem(colour)
            swatch.setBackground(QColor(colour))
            swatch.setForeground(QColor("#ffffff") if QColor(colour).lightness() < 140
                                 else QColor("#000000"))
            self.category_table.setItem(row, 1, swatch)
        self.add_category.clear()
        self.add_category.addItem("Add a category…", "")
        for category in self._categories:
            if category.casefold() not in {n.casefold() for n in mapping}:
                self.add_category.addItem(category, category)

    # -- edits --------------------------------------------------------------------------

    def _emit(self, key: str, value: Any) -> None:
        if not self._filling and self._element is not None:
            self.setting_edited.emit(key, value)

    def _geometry_changed(self) -> None:
        if self._filling or self._element is None:
            return
        if self._element.get("type") == "line":
            self.line_edited.emit(tuple(self.spins[k].value() for k in ("x1", "y1", "x2", "y2")))
            return
        box: Box = (self.spins["x"].value(), self.spins["y"].value(),
                    self.spins["width"].value(), self.spins["height"].value())
        if self._element.get("type") == "qr":
            box = (box[0], box[1], box[2], box[2])
        self.box_edited.emit(box)

    def _insert_field(self, index: int) -> None:
        field = self.insert_field.itemData(index)
        self.insert_field.setCurrentIndex(0)
        if field:
            self.template.insert(f"{{{field}}}")
            self._emit("text", self.template.text())

    def _colour_edited(self, key: str, colour: str | None) -> None:
        if self._element is None:
            return
        current = self._element.get(key)
        if isinstance(current, dict) and colour not in (None, "auto"):
            # A colour by category keeps its categories: the field edits the default.
            self._emit(key, {**current, "default": colour})
        else:
            self._emit(key, colour)

    def _category_mapping(self) -> dict[str, str]:
        mapping = {}
        for row in range(self.category_table.rowCount()):
            name, colour = self.category_table.item(row, 0), self.category_table.item(row, 1)
            if name and colour and name.text().strip():
                mapping[name.text().strip()] = colour.text().strip()
        return mapping

    def _set_fill_categories(self, mapping: dict[str, str]) -> None:
        if self._element is None:
            return
        default = _default_colour(self._element.get("fill")) or "#455a64"
        self._emit("fill", {"by_category": mapping, "default": default} if mapping else default)

    def _categories_edited(self) -> None:
        if not self._filling:
            self._set_fill_categories(self._category_mapping())

    def _category_added(self, index: int) -> None:
        category = self.add_category.itemData(index)
        if category:
            self._set_fill_categories({**self._category_mapping(), category: "#1f5fa8"})

    def _category_removed(self) -> None:
        row = self.category_table.currentRow()
        if row < 0:
            return
        mapping = self._category_mapping()
        name = self.category_table.item(row, 0)
        if name is not None:
            mapping.pop(name.text().strip(), None)
        self._set_fill_categories(mapping)

    def _browse_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "A picture for the badge", "",
                                              "Pictures (*.png *.jpg *.jpeg);;All files (*)")
        if path:
            self.choose_image(path)

    def choose_image(self, path: str) -> None:
        self.image_path.setText(path)
        self._emit("path", path)

    def choose_event_logo(self) -> None:
        self.image_path.setText(_EVENT_LOGO_TEXT)
        self._emit("source", EVENT_LOGO)


def _choose(box: QComboBox, value: Any) -> None:
    index = box.findData(value)
    box.setCurrentIndex(index if index >= 0 else 0)


def _default_colour(value: Any) -> str | None:
    if isinstance(value, dict):
        return str(value.get("default")) if value.get("default") else None
    return str(value) if value else None

