"""Desks: what needs a person's attention after sync, and enrolment tokens for new desks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.event_access import EventFile
from kiosk.services.venue_hub import (
    AttentionItem,
    attention_needed,
    hub_devices,
    issue_desk_token,
    order_desk_wipe,
)
from kiosk.ui.console.hub_panel import HubPanel
from kiosk.ui.console.listening import EventListener, Heard
from kiosk.ui.console.qr_pixmap import qr_pixmap
from kiosk.ui.ops import EventOps


def _wrapped(text: str) -> QLabel:
    # A label that does not wrap asks for its whole sentence's width, and the console's
    # window would grow past the screen to give it.
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class DesksScreen(QWidget):
    """``attention_shown`` fires once the list is filled; ``token_made`` with the token."""

    attention_shown = Signal(int)
    token_made = Signal(str)
    devices_shown = Signal(int)

    def __init__(self, event: EventFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.event_file = event
        self.ops = EventOps(event, self, "desks")
        self.listener: EventListener | None = None
        self.attention = QListWidget()
        self.attention.setAccessibleName("Needs attention")
        self.attention.setWordWrap(True)  # each item is a sentence: read whole, not scrolled
        self.attention.setSpacing(3)
        refresh = QPushButton("Refresh")
        refresh.setMinimumHeight(44)
        refresh.clicked.connect(self.refresh)
        attention_box = QGroupBox("Needs attention")
        box = QVBoxLayout(attention_box)
        box.addWidget(_wrapped("Double check-ins from desks that were offline, corrections "
                               "made at two desks, and people who may be registered twice."))
        box.addWidget(self.attention, 1)
        box.addWidget(refresh, alignment=Qt.AlignmentFlag.AlignLeft)
        self.hub_location = QLineEdit(str(Path(event.path).with_name("hub.db")))
        self.hub_location.setAccessibleName("Hub database")
        self.hub_browse = QPushButton("Browse…")
        self.hub_browse.clicked.connect(self._browse)
        self.desk_name = QLineEdit("Desk 2")
        self.desk_name.setAccessibleName("New desk's name")
        make = QPushButton("Make a token for this desk")
        make.setMinimumHeight(44)
        make.clicked.connect(self.make_token)
        self.token = QLineEdit()
        self.token.setReadOnly(True)
        self.token.setAccessibleName("Enrolment token")
        self.qr = QLabel()
        self.qr.setAccessibleName("Enrolment token as a QR code")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        enrol_box = QGroupBox("Connect a desk to the hub")
        form = QFormLayout(enrol_box)
        where = QHBoxLayout()
        where.addWidget(self.hub_location, 1)
        where.addWidget(self.hub_browse)
        form.addRow("Hub database", where)
        form.addRow("Desk name", self.desk_name)
        form.addRow("", make)
        form.addRow("Token", self.token)
        form.addRow("", self.qr)
        form.addRow("", self.message)
        top = QHBoxLayout()
        top.addWidget(attention_box, 1)
        top.addWidget(enrol_box, 1)
        top.addWidget(self._devices_box(), 1)
        self.hub_panel = HubPanel(event, self.hub_location, self)
        # The running hub's database cannot change under it.
        self.hub_panel.hub_started.connect(lambda _started: self.hub_browse.setEnabled(False))
        self.hub_panel.hub_stopped.connect(lambda: self.hub_browse.setEnabled(True))
        layout = QVBoxLayout(self)
        layout.addLayout(top, 3)
        layout.addWidget(self.hub_panel, 2)

    def start(self) -> None:
        """Read what needs attention (when the tab is first shown), and again when the file
        is put back from a backup or wiped."""
        if self.listener is None:
            self.listener = EventListener(self.event_file, self)
            self.listener.heard.connect(self._on_heard)
        self.refresh()

    def _on_heard(self, heard: Heard) -> None:
        if heard.rebuilt:
            self.refresh()

    def _devices_box(self) -> QGroupBox:
        """The hub's devices, and wiping a lost desk (it happens when the desk connects)."""
        self.devices = QListWidget()
        self.devices.setAccessibleName("Devices at the hub")
        self.devices.setWordWrap(True)
        show = QPushButton("Show the hub's devices")
        show.setMinimumHeight(44)
        show.clicked.connect(self.refresh_devices)
        self.wipe_button = QPushButton("Wipe this desk's data")
        self.wipe_button.setMinimumHeight(44)
        self.wipe_button.clicked.connect(self.confirm_wipe)
        self.wipe_confirmation: QMessageBox | None = None
        box = QGroupBox("Devices at the hub")
        column = QVBoxLayout(box)
        column.addWidget(_wrapped("A desk that is lost or stolen: choose it and wipe its data. "
                                  "The next time it connects it sends what it holds, removes "
                                  "every name from itself and stops syncing."))
        column.addWidget(self.devices, 1)
        column.addWidget(show, alignment=Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.wipe_button, alignment=Qt.AlignmentFlag.AlignLeft)
        return box

    def refresh_devices(self) -> None:
        hub = self.hub_location.text().strip()
        # The hub's own database, not the event file.
        self.ops.run(lambda: hub_devices(hub), self._show_devices, self.message.setText)

    def _show_devices(self, devices: list[Any]) -> None:
        self.devices.clear()
        for device in devices:
            item = QListWidgetItem(f"{device.name} ({device.role.value}) — {device.state()}")
            item.setData(Qt.ItemDataRole.UserRole, (device.device_id, device.name))
            self.devices.addItem(item)
        self.devices_shown.emit(len(devices))

    def confirm_wipe(self) -> None:
        item = self.devices.currentItem()
        if item is None:
            self.message.setText("Choose the lost desk in the list of devices first.")
            return
        device_id, name = item.data(Qt.ItemDataRole.UserRole)
        box = QMessageBox(QMessageBox.Icon.Warning, "Wipe this desk's data",
                          f"Wipe all personal data from “{name}” the next time it connects? "
                          "It first sends the check-ins it holds, then removes every name, its "
                          "backups and badge PDFs, and stops syncing. This cannot be undone.",
                          QMessageBox.StandardButton.Cancel, self)
        wipe = box.addButton("Wipe its data", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(
            lambda button: self._order_wipe(device_id, name) if button is wipe else None)
        self.wipe_confirmation = box
        box.open()

    def _order_wipe(self, device_id: str, name: str) -> None:
        hub = self.hub_location.text().strip()

        def order() -> Any:
            try:
                return order_desk_wipe(hub, device_id)
            except ValueError as refused:  # no such device, or a hub: said in words
                return str(refused)

        def done(devices: list[Any] | str) -> None:
            if isinstance(devices, str):
                self.message.setText(devices)
                return
            self._show_devices(devices)
            self.message.setText(f"“{name}” will wipe its data the next time it connects.")

        self.ops.run(order, done, self.message.setText)

    def refresh(self) -> None:
        self.ops.read(attention_needed, self._show_attention, self.message.setText)

    def _show_attention(self, items: list[AttentionItem]) -> None:
        self.attention.clear()
        for item in items:
            self.attention.addItem(f"[{item.kind.value.replace('_', ' ')}] {item.message}")
        if not items:
            self.attention.addItem("Nothing needs attention.")
        self.attention_shown.emit(len(items))

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "The hub's database", "",
                                              "Hub database (*.db);;All files (*)")
        if path:
            self.hub_location.setText(path)

    def make_token(self) -> None:
        hub, name = self.hub_location.text().strip(), self.desk_name.text().strip()
        if not hub or not name:
            self.message.setText("Give the hub's database and the new desk's name.")
            return

        def issue() -> Any:
            from kiosk.sync.enrolment import EnrolmentRefused

            try:
                return issue_desk_token(hub, name)
            except EnrolmentRefused:  # the hub has never run: a token would lead nowhere
                return None

        self.ops.run(issue, self._show_token, self.message.setText)

    def _show_token(self, token: str | None) -> None:
        if token is None:
            self.message.setText("Start the hub first (Hub on this computer, below), so the "
                                 "token carries the address desks connect to.")
            return
        self.token.setText(token)
        self.qr.setPixmap(qr_pixmap(token))
        self.message.setText("On the new desk: Connect to hub, then scan or paste this token. "
                             "It works once and expires in 15 minutes.")
        self.token_made.emit(token)

    def shutdown(self) -> None:
        if self.listener is not None:
            self.listener.stop()
        self.hub_panel.shutdown()
        self.ops.shutdown()
