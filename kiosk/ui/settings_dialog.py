"""The desk's settings, behind the supervisor PIN: the desk, printing, and a scanner test.

Three tabs. *Desk*: names, mode, checkpoint, how results look, the PIN. *Printing*: the
printer (the list ``kiosk printers`` gives, with each one's state), the badge layout,
auto-print at the main desk and at a workshop door, and a test page. *Scanner*: scan the
test code (or any ticket) and the page says what the scanner sends and what to change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.badges.qr_drawing import encode_qr
from kiosk.scanning.scanner_check import TEST_CODE, check_scan
from kiosk.scanning.wedge import ScanTiming
from kiosk.services.desk_session import SELF_MODE_NEEDS_PIN
from kiosk.services.desk_settings import OPTIONS
from kiosk.ui.dialogs import FORM_POINTS, SCANNED_WHILE_OPEN, _field, _Form, _wrapped
from kiosk.ui.fitting import FittingScrollArea
from kiosk.ui.theme import scaled_font

if TYPE_CHECKING:
    from kiosk.services.desk_session import PrintChoices

PDF_FOLDER = "pdf-folder"
_STATES = {"ready": "ready", "printing": "printing", "paused": "paused",
           "rejecting": "not taking badges", "missing": "not found", "offline":
           "print system not running"}


def _scrolled(page: QWidget) -> QScrollArea:
    """A tab's page that scrolls rather than make the dialog taller than a small screen."""
    return FittingScrollArea(page, margin=260)


def _combo(name: str) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    box.setMinimumHeight(44)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(24)
    return box


class SettingsDialog(_Form):
    """Edits a snapshot of the settings; the caller saves what comes back, fills in the
    printers when the print system has answered (``show_print_choices``) and sends test
    pages (``test_print_requested``)."""

    test_print_requested = Signal(str, str)  # printer ("" for the default), layout

    def __init__(self, settings: dict[str, Any], checkpoints: list[tuple[str, str]],
                 parent: QWidget | None = None, has_pin: bool = False) -> None:
        super().__init__("Desk settings", "", parent)
        self.has_pin = has_pin
        self._settings = settings
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Settings pages")
        self.tabs.addTab(_scrolled(self._desk_page(settings, checkpoints)), "Desk")
        self.tabs.addTab(_scrolled(self._printing_page(settings)), "Printing")
        self.scanner_page = ScannerTestPage()
        self.tabs.addTab(_scrolled(self.scanner_page), "Scanner")
        self.layout().insertWidget(1, self.tabs, 1)

    # -- the desk ---------------------------------------------------------------------------

    def _desk_page(self, settings: dict[str, Any], checkpoints: list[tuple[str, str]]
                   ) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.desk_name = _field(OPTIONS["desk_name"].title, settings["desk_name"])
        self.operator = _field(OPTIONS["operator"].title, settings["operator"])
        self.mode = _combo(OPTIONS["mode"].title)
        for value, label in (("desk", "Staffed desk"), ("self", "Self check-in"),
                             ("door", "Workshop door")):
            self.mode.addItem(label, value)
        self.mode.setCurrentIndex(max(0, self.mode.findData(settings["mode"])))
        self.checkpoint = _combo(OPTIONS["checkpoint"].title)
        for checkpoint_id, name in checkpoints:
            self.checkpoint.addItem(name, checkpoint_id)
        self.checkpoint.setCurrentIndex(max(0, self.checkpoint.findData(settings["checkpoint"])))
        self.result_seconds = QSpinBox()
        self.result_seconds.setRange(2, 60)
        self.result_seconds.setValue(int(settings["result_seconds"]))
        self.result_seconds.setAccessibleName(OPTIONS["result_seconds"].title)
        self.result_seconds.setMinimumHeight(44)
        self.sounds = QCheckBox(OPTIONS["sounds"].title)
        self.sounds.setChecked(bool(settings["sounds"]))
        self.high_contrast = QCheckBox("High-contrast colours")
        self.high_contrast.setChecked(settings["theme"] == "high-contrast")
        self.new_pin = _field("New supervisor PIN (leave empty to keep)")
        self.new_pin.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Desk name", self.desk_name)
        form.addRow("Operator", self.operator)
        form.addRow("Mode", self.mode)
        form.addRow("Checkpoint", self.checkpoint)
        form.addRow("Result shown for (s)", self.result_seconds)
        form.addRow("", self.sounds)
        form.addRow("", self.high_contrast)
        form.addRow("New PIN", self.new_pin)
        form.addRow(_wrapped("A new mode or checkpoint applies when the desk is opened again."))
        return page

    # -- printing ---------------------------------------------------------------------------

    def _printing_page(self, settings: dict[str, Any]) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.printer = _combo("Printer")
        self._chosen_printer = str(settings["print.printer"])
        self.printer.addItem("Looking for printers…", self._chosen_printer)
        self.layout_choice = _combo("Badge layout")
        self._chosen_layout = str(settings["print.layout"])
        self.layout_choice.addItem(self._chosen_layout, self._chosen_layout)
        self.auto_print = QCheckBox("Print a badge on each first check-in at the main desk")
        self.auto_print.setChecked(bool(settings["print.auto"]))
        self.auto_print_door = QCheckBox("Print a badge on each first check-in at a workshop "
                                         "door")
        self.auto_print_door.setChecked(bool(settings["print.auto_door"]))
        self.test_button = QPushButton("Print a test page")
        self.test_button.setMinimumHeight(44)
        self.test_button.setAccessibleName("Print a test page")
        self.test_button.clicked.connect(lambda: self.test_print_requested.emit(
            self.printer.currentData() or "", self.layout_choice.currentData() or ""))
        self.test_result = _wrapped("A test page shows the layout's edges and a QR code: "
                                    "check both on the printed page.", "Test page")
        self.printer_note = _wrapped("", "About this printer", hide_when_empty=True)
        form.addRow("Printer", self.printer)
        form.addRow("", self.printer_note)
        self._printing_form = form
        form.setRowVisible(self.printer_note, False)
        form.addRow("Badge layout", self.layout_choice)
        form.addRow("", self.auto_print)
        form.addRow("", self.auto_print_door)
        form.addRow("", self.test_button)
        form.addRow("", self.test_result)
        self.printer.currentIndexChanged.connect(lambda _i: self._describe_printer())
        return page

    def show_print_choices(self, choices: PrintChoices) -> None:
        """The print system's printers and the bundled layouts, once they are known."""
        self._printer_notes: dict[str, str] = {}
        self.printer.clear()
        now = ("none here: PDF files" if choices.in_use == PDF_FOLDER
               else f"now {choices.in_use}")
        self.printer.addItem(f"The computer's default ({now})", "")
        self._printer_notes[""] = ""
        names = set()
        for info in choices.printers:
            names.add(info.name)
            if info.name == PDF_FOLDER:
                label = "PDF files in a folder beside the event file (nothing on paper)"
            else:
                label = f"{info.name} — {_STATES.get(info.state.value, info.state.value)}"
                label += " (the computer's default)" if info.is_default else ""
            self.printer.addItem(label, info.name)
            self._printer_notes[info.name] = info.reason
        if self._chosen_printer and self._chosen_printer not in names:
            self.printer.addItem(f"{self._chosen_printer} — not found on this computer",
                                 self._chosen_printer)
            self._printer_notes[self._chosen_printer] = ""
        self.printer.setCurrentIndex(max(0, self.printer.findData(self._chosen_printer)))
        self.layout_choice.clear()
        for layout in choices.layouts:
            width, height = layout.page_size_mm
            self.layout_choice.addItem(f"{layout.title} ({width:g} × {height:g} mm)",
                                       layout.name)
        if self.layout_choice.findData(self._chosen_layout) < 0:
            self.layout_choice.addItem(f"{self._chosen_layout} (your own layout file)",
                                       self._chosen_layout)
        self.layout_choice.setCurrentIndex(self.layout_choice.findData(self._chosen_layout))
        self._describe_printer()

    def _describe_printer(self) -> None:
        chosen = self.printer.currentData()
        if chosen == PDF_FOLDER:
            self.printer_note.setText("Badges are saved as PDF files, not printed: choose a "
                                      "printer for badges on paper.")
        else:
            self.printer_note.setText(getattr(self, "_printer_notes", {}).get(chosen or "", ""))
        self._printing_form.setRowVisible(self.printer_note, bool(self.printer_note.text()))

    def show_test_result(self, message: str) -> None:
        self.test_result.setText(message)

    # -- the form ---------------------------------------------------------------------------

    def take_scan(self, code: str, timing: ScanTiming | None = None) -> bool:
        """On the Scanner tab a scan is read; elsewhere it is refused, untyped."""
        if self.tabs.currentIndex() == 2:
            self.scanner_page.show_scan(code, timing or ScanTiming((), "none"))
            return True
        self.error.setText(SCANNED_WHILE_OPEN + " To test the scanner, open the Scanner tab.")
        return False

    def problem(self) -> str:
        pin = self.new_pin.text().strip()
        if pin and not (pin.isdigit() and 4 <= len(pin) <= 12):
            return "A supervisor PIN is 4 to 12 digits."
        if not self.desk_name.text().strip():
            return "Give the desk a name, e.g. “Desk 2”."
        if self.mode.currentData() == "self" and not self.has_pin and not pin:
            return SELF_MODE_NEEDS_PIN
        return ""

    def values(self) -> dict[str, Any]:
        return {
            "desk_name": self.desk_name.text().strip(),
            "operator": self.operator.text().strip(),
            "mode": self.mode.currentData(),
            "checkpoint": self.checkpoint.currentData() or "main",
            "result_seconds": self.result_seconds.value(),
            "sounds": self.sounds.isChecked(),
            "theme": "high-contrast" if self.high_contrast.isChecked() else "default",
            "print.auto": self.auto_print.isChecked(),
            "print.auto_door": self.auto_print_door.isChecked(),
            "print.printer": self.printer.currentData() or "",
            "print.layout": self.layout_choice.currentData() or self._chosen_layout,
        }

    def pin(self) -> str:
        return self.new_pin.text().strip()


class ScannerTestPage(QWidget):
    """Scan the test code shown here (or any ticket): what came, and what to change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(scaled_font(FORM_POINTS))
        intro = _wrapped("Scan this code with the desk's scanner (from the screen, or "
                         "printed), or scan any ticket. Nobody is checked in while this page "
                         "is open.")
        self.code = QLabel()
        self.code.setAccessibleName("Scanner test code")
        self.code.setAccessibleDescription(TEST_CODE)
        self.code.setPixmap(_qr_pixmap(TEST_CODE, 4))
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.received = _wrapped("Nothing scanned yet.", "What the scanner sent")
        self.received.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = _wrapped("", "How it sends")
        self.advice = _wrapped("", "What to change")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.code)
        layout.addWidget(self.received)
        layout.addWidget(self.facts)
        layout.addWidget(self.advice)
        layout.addStretch(1)
        self._last: tuple[str, ScanTiming] | None = None
        self._trailing: list[str] = []

    def show_scan(self, code: str, timing: ScanTiming) -> None:
        self._last = (code, timing)
        self._trailing = []
        self._show()

    def on_trailing(self, terminator: str) -> None:
        """A terminator just after the scan (the LF of CR+LF): part of what it sends."""
        if self._last is not None:
            self._trailing.append(terminator)
            self._show()

    def _show(self) -> None:
        assert self._last is not None
        code, timing = self._last
        report = check_scan(code, timing, tuple(self._trailing))
        self.received.setText(f"Received: {code}")
        self.facts.setText("\n".join(report.facts))
        self.advice.setText("What to change: " + " ".join(report.advice) if report.advice
                            else "Nothing to change: this scanner works with this desk.")


def _qr_pixmap(code: str, scale: int) -> QPixmap:
    modules = encode_qr(code)
    quiet = 4
    size = len(modules) + 2 * quiet
    image = QImage(size, size, QImage.Format.Format_Grayscale8)
    image.fill(255)
    for y, row in enumerate(modules):
        for x, dark in enumerate(row):
            if dark:
                image.setPixel(x + quiet, y + quiet, 0xFF000000)
    return QPixmap.fromImage(image.scaled(size * scale, size * scale))
