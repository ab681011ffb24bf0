"""The import tab's "Registration system" panel: connect pretix or a published sheet, and see
the link's last pull, what it brought, the check-ins still to send and what needs attention."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.services import registration_system as source
from kiosk.services.event_access import EventFile
from kiosk.ui.console.listening import EventListener, Heard
from kiosk.ui.ops import EventOps

SYSTEMS = (("pretix", "pretix (live: registrations in, check-ins back)"),
           ("sheet", "A published sheet (CSV or XLSX at an https address)"))


class SourcePanel(QGroupBox):
    """Connect (testing the connection and the token's permissions first), then watch."""

    def __init__(self, event: EventFile, parent: QWidget | None = None) -> None:
        super().__init__("Registration system", parent)
        self.ops = EventOps(event, self, "source")
        self.system_box = QComboBox()
        self.system_box.setAccessibleName("Registration system")
        for key, title in SYSTEMS:
            self.system_box.addItem(title, key)
        self.forms = QStackedWidget()
        self.forms.addWidget(self._pretix_form())
        self.forms.addWidget(self._sheet_form())
        self.system_box.currentIndexChanged.connect(self.forms.setCurrentIndex)
        self.connect_button = QPushButton("Test and connect")
        self.connect_button.clicked.connect(self.on_connect_requested)
        self.pull_button = QPushButton("Pull now")
        self.pull_button.clicked.connect(self.on_pull_requested)
        self.push_button = QPushButton("Send check-ins now")
        self.push_button.clicked.connect(self.on_push_requested)
        self.state_label = QLabel("No registration system is connected.")
        self.state_label.setWordWrap(True)
        self.state_label.setAccessibleName("Link state")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Link message")
        self.attention = QListWidget()
        self.attention.setAccessibleName("Needs attention")
        self.attention.setMaximumHeight(110)
        buttons = QHBoxLayout()
        for button in (self.connect_button, self.pull_button, self.push_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.system_box)
        layout.addWidget(self.forms)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.state_label)
        layout.addWidget(QLabel("Needs attention (check-ins the system objected to):"))
        layout.addWidget(self.attention)
        self.listener = EventListener(event, self)
        self.listener.heard.connect(self.on_heard)
        self.refresh()

    def _pretix_form(self) -> QWidget:
        form = QWidget()
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://pretix.eu")
        self.organizer_edit = QLineEdit()
        self.event_edit = QLineEdit()
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)  # over a shoulder, too
        self.list_box = QSpinBox()
        self.list_box.setRange(0, 10_000_000)
        self.list_box.setSpecialValueText("The event's only list")  # 0: chosen on connecting
        layout = QFormLayout(form)
        for label, widget in (("pretix address", self.url_edit),
                              ("Organizer short name", self.organizer_edit),
                              ("Event short name", self.event_edit),
                              ("API token", self.token_edit),
                              ("Check-in list number", self.list_box)):
            widget.setAccessibleName(label)
            layout.addRow(label, widget)
        return form

    def _sheet_form(self) -> QWidget:
        form = QWidget()
        self.sheet_edit = QLineEdit()
        self.sheet_edit.setPlaceholderText("https://docs.google.com/spreadsheets/…/pub?output=csv")
        self.sheet_edit.setAccessibleName("Sheet address")
        layout = QFormLayout(form)
        layout.addRow("Published address", self.sheet_edit)
        return form

    # -- actions ---------------------------------------------------------------------------

    def on_connect_requested(self) -> None:
        self.message.setText("Asking…")
        self.connect_button.setEnabled(False)
        if self.system_box.currentData() == "sheet":
            url = self.sheet_edit.text()
            self.ops.call(lambda event: source.configure_sheet(event, url),
                          self._on_connected, self._on_failed, lane="link")
            return
        url, organizer, slug = (self.url_edit.text(), self.organizer_edit.text(),
                                self.event_edit.text())
        token, checkin_list = self.token_edit.text(), self.list_box.value() or None
        self.ops.call(lambda event: source.configure_pretix(event, url, organizer, slug,
                                                            token, checkin_list),
                      self._on_connected, self._on_failed, lane="link")

    def _on_connected(self, config: source.SourceConfig) -> None:
        self.connect_button.setEnabled(True)
        self.token_edit.clear()  # kept in the event file now, not in the window
        self.message.setText(f"Connected to {config.system}: the token may do all kiosk "
                             "needs. Pulling now; while the hub runs, this happens by itself.")
        self.on_pull_requested()

    def _on_failed(self, message: str) -> None:
        self.connect_button.setEnabled(True)
        self.message.setText(message)
        self.refresh()

    def on_pull_requested(self) -> None:
        self.ops.call(source.pull_now, self._on_pulled, self._on_failed, lane="link")

    def _on_pulled(self, report: Any) -> None:
        self.message.setText(f"Pulled: {report.created} new, {report.updated} changed, "
                             f"{report.cancelled} cancelled, {len(report.errors)} rows with "
                             "problems.")
        self.refresh()

    def on_push_requested(self) -> None:
        self.ops.call(source.push_now, self._on_pushed, self._on_failed, lane="link")

    def _on_pushed(self, report: source.PushReport) -> None:
        self.message.setText(f"Sent {report.pushed} check-ins and undos; {report.already} the "
                             f"system had already; {report.refused} refused (below).")
        self.refresh()

    # -- showing the state -----------------------------------------------------------------

    def on_heard(self, heard: Heard) -> None:
        if heard.changes or heard.local:
            self.refresh()

    def refresh(self) -> None:
        self.ops.read(lambda view: (source.source_state(view), source.attention_lines(view)),
                      self._show)

    def _show(self, answer: tuple[source.SourceState, list[source.AttentionLine]]) -> None:
        state, lines = answer
        self.pull_button.setEnabled(bool(state.system))
        self.push_button.setEnabled(state.system == "pretix")
        if not state.system:
            self.state_label.setText("No registration system is connected: import files "
                                     "above, or connect pretix or a published sheet.")
        else:
            last = state.last_pull
            brought = last.brought if last else {}
            text = [f"Connected: {state.system} at {state.where}.",
                    f"Last pull: {last.at if last else 'not yet'}."
                    + (f" The last that brought anything ({last.brought_at}): "
                       f"{brought.get('created', 0)} new, {brought.get('updated', 0)} "
                       f"changed, {brought.get('cancelled', 0)} cancelled."
                       if last and last.brought_at else "")]
            if state.system == "pretix":
                text.append(f"Check-ins still to send: {state.pending_push}.")
            text += [f"Problem: {error}" for error in state.errors]
            self.state_label.setText("\n".join(text))
        self.attention.clear()
        for line in lines:
            self.attention.addItem(f"{line.who} ({line.at}): {line.message}")

    def shutdown(self) -> None:
        """Stop listening and wait for a question under way (the window is closing)."""
        self.listener.stop()
        self.ops.shutdown()
