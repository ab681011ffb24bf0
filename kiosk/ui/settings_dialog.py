"""The desk's settings, behind the supervisor PIN: names, mode, checkpoint, look, PIN."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox, QWidget

from kiosk.services.desk_session import SELF_MODE_NEEDS_PIN
from kiosk.services.desk_settings import OPTIONS
from kiosk.ui.dialogs import _field, _Form


class SettingsDialog(_Form):
    """Edits a snapshot of the settings; the caller saves what comes back."""

    def __init__(self, settings: dict[str, Any], checkpoints: list[tuple[str, str]],
                 parent: QWidget | None = None, has_pin: bool = False) -> None:
        super().__init__("Desk settings", "Changes apply when the desk restarts its session.",
                         parent)
        self.has_pin = has_pin
        self.desk_name = _field(OPTIONS["desk_name"].title, settings["desk_name"])
        self.operator = _field(OPTIONS["operator"].title, settings["operator"])
        self.mode = QComboBox()
        self.mode.setAccessibleName(OPTIONS["mode"].title)
        for value, label in (("desk", "Staffed desk"), ("self", "Self check-in"),
                             ("door", "Workshop door")):
            self.mode.addItem(label, value)
        self.mode.setCurrentIndex(max(0, self.mode.findData(settings["mode"])))
        self.checkpoint = QComboBox()
        self.checkpoint.setAccessibleName(OPTIONS["checkpoint"].title)
        for checkpoint_id, name in checkpoints:
            self.checkpoint.addItem(name, checkpoint_id)
        self.checkpoint.setCurrentIndex(max(0, self.checkpoint.findData(settings["checkpoint"])))
        self.result_seconds = QSpinBox()
        self.result_seconds.setRange(2, 60)
        self.result_seconds.setValue(int(settings["result_seconds"]))
        self.result_seconds.setAccessibleName(OPTIONS["result_seconds"].title)
        self.sounds = QCheckBox(OPTIONS["sounds"].title)
        self.sounds.setChecked(bool(settings["sounds"]))
        self.high_contrast = QCheckBox("High-contrast colours")
        self.high_contrast.setChecked(settings["theme"] == "high-contrast")
        self.auto_print = QCheckBox(OPTIONS["print.auto"].title)
        self.auto_print.setChecked(bool(settings["print.auto"]))
        self.new_pin = _field("New supervisor PIN (leave empty to keep)")
        self.new_pin.setEchoMode(QLineEdit.EchoMode.Password)
        for widget in (self.mode, self.checkpoint, self.result_seconds):
            widget.setMinimumHeight(44)
        self.form.addRow("Desk name", self.desk_name)
        self.form.addRow("Operator", self.operator)
        self.form.addRow("Mode", self.mode)
        self.form.addRow("Checkpoint", self.checkpoint)
        self.form.addRow("Result shown for (s)", self.result_seconds)
        self.form.addRow("", self.sounds)
        self.form.addRow("", self.high_contrast)
        self.form.addRow("", self.auto_print)
        self.form.addRow("New PIN", self.new_pin)

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
        }

    def pin(self) -> str:
        return self.new_pin.text().strip()
