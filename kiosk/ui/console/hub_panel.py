"""The Desks and hub tab's lower row: the hub on this computer, desk copies, USB bundles."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
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
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.event_access import EventFile, EventStore
from kiosk.services.venue_hub import (
    DEFAULT_PORT,
    EVERYWHERE,
    BundleTaken,
    BundleWritten,
    DeskCopy,
    HubConsoleError,
    HubStarted,
    NewDeskBundle,
    VenueHub,
    make_desk_copy,
    take_bundle_file,
    write_bundle_file,
)
from kiosk.ui.ops import EventOps


@dataclass(frozen=True)
class _Refused:
    """A task's expected refusal, handed back as an answer rather than a fault."""

    error: HubConsoleError


def _wrapped(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)  # a long sentence must not widen the window past the screen
    return label


def _changes(count: int) -> str:
    return f"{count:,} change{'' if count == 1 else 's'}"


def _button(text: str, slot: Callable[[], None]) -> QPushButton:
    button = QPushButton(text)
    button.setMinimumHeight(44)
    button.clicked.connect(slot)
    return button


class HubPanel(QWidget):
    """``hub_started``/``hub_stopped``, ``desks_synced`` (changes from desks taken into this
    file), ``copy_made``, ``bundle_written``, ``bundle_taken``; ``refused`` with the words
    shown for anything refused."""

    hub_started = Signal(object)
    hub_stopped = Signal()
    desks_synced = Signal(int)
    copy_made = Signal(object)
    bundle_written = Signal(object)
    bundle_taken = Signal(object)
    refused = Signal(str)
    _exchanged = Signal(int)  # from the hub's exchange thread
    _troubled = Signal(str)  # from the hub's exchange thread: "" when in step again

    def __init__(self, event: EventFile, hub_location: QLineEdit,
                 parent: QWidget | None = None, listen_host: str = EVERYWHERE) -> None:
        super().__init__(parent)
        event_path = event.path
        self.listen_host = listen_host  # tests listen on 127.0.0.1 only
        self._hub_location = hub_location
        self.ops = EventOps(event, self, "hub")
        self._exchanged.connect(self._on_exchanged)
        self._troubled.connect(self._on_troubled)
        self.venue = VenueHub(event_path, on_exchange=self._exchanged.emit)
        self.venue.on_trouble = self._troubled.emit
        self.stopping: threading.Thread | None = None
        self.trust_question: QMessageBox | None = None
        folder, stem = Path(event_path).parent, Path(event_path).stem
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._hub_box(), 1)
        layout.addWidget(self._copy_box(folder / f"{stem}-desk-copy.db"), 1)
        layout.addWidget(self._bundle_box(folder / f"{stem}.bundle"), 1)

    # -- the boxes --------------------------------------------------------------------------

    def _hub_box(self) -> QGroupBox:
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setAccessibleName("Hub port")
        self.start_button = _button("Start the hub", self.start_hub)
        self.stop_button = _button("Stop the hub", self.stop_hub)
        self.stop_button.setEnabled(False)
        self.hub_status = _wrapped("Not running on this computer.")
        self.hub_status.setAccessibleName("Hub status")
        self.hub_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hub_message = _wrapped()
        box = QGroupBox("Hub on this computer")
        column = QVBoxLayout(box)
        column.addWidget(_wrapped("Desks on the venue network sync through a hub. Run it here: "
                                  "it uses the hub database above, loads this event into it, "
                                  "and runs while this window is open."))
        row = QHBoxLayout()
        row.addWidget(QLabel("Port"))
        row.addWidget(self.port)
        row.addWidget(self.start_button)
        row.addWidget(self.stop_button)
        column.addLayout(row)
        column.addWidget(self.hub_status)
        column.addWidget(self.hub_message)
        column.addStretch(1)
        return box

    def _copy_box(self, suggested: Path) -> QGroupBox:
        self.copy_path = QLineEdit(str(suggested))
        self.copy_path.setAccessibleName("Save the desk copy as")
        self.copy_button = _button("Make the desk copy", self.make_copy)
        self.copy_message = _wrapped()
        box = QGroupBox("Desk copy for a desk without network")
        column = QVBoxLayout(box)
        column.addWidget(_wrapped("The registrations and the event's public key, without the "
                                  "signing key: it checks tickets and records check-ins, but "
                                  "cannot make tickets. Its check-ins come back on a USB stick "
                                  "(offline bundle)."))
        column.addLayout(self._path_row(self.copy_path, self._browse_copy))
        column.addWidget(self.copy_button, alignment=Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.copy_message)
        column.addStretch(1)
        return box

    def _bundle_box(self, suggested: Path) -> QGroupBox:
        self.bundle_in = QLineEdit()
        self.bundle_in.setPlaceholderText("a .bundle file from a desk")
        self.bundle_in.setAccessibleName("Bundle to import")
        self.import_button = _button("Import this bundle", self.take_bundle)
        self.bundle_out = QLineEdit(str(suggested))
        self.bundle_out.setAccessibleName("Write this file's changes to")
        self.export_button = _button("Write this file's changes", self.write_bundle)
        self.bundle_message = _wrapped()
        box = QGroupBox("Offline bundle (USB stick)")
        form = QFormLayout(box)
        form.addRow(_wrapped("Changes carried where there is no network, signed by the desk "
                             "that made them and encrypted."))
        form.addRow("From a desk", self._path_row(self.bundle_in, self._browse_bundle_in))
        form.addRow("", self.import_button)
        form.addRow("Save to", self._path_row(self.bundle_out, self._browse_bundle_out))
        form.addRow("", self.export_button)
        form.addRow(self.bundle_message)
        return box

    @staticmethod
    def _path_row(field: QLineEdit, browse: Callable[[], None]) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(field, 1)
        button = QPushButton("Browse…")
        button.clicked.connect(browse)
        row.addWidget(button)
        return row

    def _choose(self, title: str, field: QLineEdit, name_filter: str, save: bool) -> None:
        """A file dialog that only fills the field (opened, never run: nothing blocks)."""
        dialog = QFileDialog(self, title, field.text(), name_filter)
        if save:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.fileSelected.connect(field.setText)
        dialog.open()

    def _browse_copy(self) -> None:
        self._choose("Save the desk copy as", self.copy_path, "Event file (*.db)", True)

    def _browse_bundle_in(self) -> None:
        self._choose("A bundle from a desk", self.bundle_in, "Bundle (*.bundle);;All files (*)",
                     False)

    def _browse_bundle_out(self) -> None:
        self._choose("Save the bundle as", self.bundle_out, "Bundle (*.bundle)", True)

    # -- running tasks ----------------------------------------------------------------------

    def _run(self, work: Callable[[EventStore], Any], then: Callable[[Any], None],
             message: QLabel, button: QPushButton | None = None,
             refused: Callable[[HubConsoleError], None] | None = None) -> None:
        """``work`` as a write of the event file; its answer to ``then``; a refusal shown
        in ``message`` (or given to ``refused``); ``button`` is off meanwhile. Not one
        transaction, as each was on a connection of its own: a desk copy is a ``VACUUM
        INTO``, and the hub takes a moment to start."""
        def task(store: EventStore) -> Any:
            try:
                return work(store)
            except HubConsoleError as exc:
                return _Refused(exc)

        def done(answer: Any) -> None:
            if button is not None:
                button.setEnabled(True)
            if not isinstance(answer, _Refused):
                then(answer)
            elif refused is not None:
                refused(answer.error)
            else:
                self._refuse(message, str(answer.error))

        def failed(text: str) -> None:
            if button is not None:
                button.setEnabled(True)
            self._refuse(message, text)

        if button is not None:
            button.setEnabled(False)
        self.ops.write(task, done, failed, atomic=False)

    def _refuse(self, message: QLabel, text: str) -> None:
        message.setText(text)
        self.refused.emit(text)

    # -- the hub ----------------------------------------------------------------------------

    def start_hub(self) -> None:
        location, port, host = self._hub_location.text(), self.port.value(), self.listen_host
        self.hub_message.setText("Starting the hub…")

        def start(store: EventStore) -> HubStarted:
            return self.venue.start(store, location, port, host)

        self._run(start, self._on_hub_started, self.hub_message, self.start_button)

    def _on_hub_started(self, started: HubStarted) -> None:
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.port.setEnabled(False)
        self._hub_location.setReadOnly(True)  # the hub's file cannot change under it
        self.hub_status.setText(f"Running. Desks connect to {started.url}\n"
                                f"Certificate fingerprint {started.fingerprint}")
        loaded = f"took in {_changes(started.loaded)} of this event file" if started.loaded \
            else "already held everything in this event file"
        self.hub_message.setText(f"The hub {loaded}. Make a token for each desk above; desks' "
                                 "check-ins come into this event file as they sync.")
        self.hub_started.emit(started)

    def stop_hub(self) -> None:
        self.hub_message.setText("Stopping the hub…")
        self.stop_button.setEnabled(False)

        def failed(text: str) -> None:
            self.stop_button.setEnabled(True)
            self._refuse(self.hub_message, text)

        # Not on the event file's writer: the hub's last exchange with the file is a write
        # there, and stopping waits for it.
        self.ops.run(self.venue.stop, self._on_hub_stopped, failed)

    def _on_hub_stopped(self, _answer: object = None) -> None:
        self.stop_button.setEnabled(False)
        self.start_button.setEnabled(True)
        self.port.setEnabled(True)
        self._hub_location.setReadOnly(False)
        self.hub_status.setText("Not running on this computer.")
        self.hub_message.setText("The hub has stopped; desks keep working and sync when it "
                                 "runs again (same port, same tokens).")
        self.hub_stopped.emit()

    def _on_exchanged(self, changes: int) -> None:
        if not self.venue.running:
            return
        lines = self.hub_status.text().split("\n")[:2]
        lines.append(f"Latest from the desks: {_changes(changes)} at {time.strftime('%H:%M:%S')}")
        self.hub_status.setText("\n".join(lines))
        self.desks_synced.emit(changes)

    def _on_troubled(self, text: str) -> None:
        if not self.venue.running:
            return
        if text:
            self._refuse(self.hub_message, text)
        else:
            self.hub_message.setText("This event file is in step with the hub again.")

    # -- a desk copy ------------------------------------------------------------------------

    def make_copy(self) -> None:
        out = self.copy_path.text()
        self.copy_message.setText("Writing the desk copy…")
        self._run(lambda store: make_desk_copy(store, out), self._on_copy_made,
                  self.copy_message, self.copy_button)

    def _on_copy_made(self, copy: DeskCopy) -> None:
        self.copy_message.setText(
            f"Saved {copy.path} with {copy.people:,} registrations. Open it with kiosk on "
            "the desk's computer. It checks tickets in but cannot make tickets: the signing "
            "key stays in this file.")
        self.copy_made.emit(copy)

    # -- bundles ----------------------------------------------------------------------------

    def take_bundle(self, trust_new_desk: bool = False) -> None:
        source = self.bundle_in.text()
        self.bundle_message.setText("Checking the bundle…")

        def take(store: EventStore) -> BundleTaken:
            taken = take_bundle_file(store, source, trust_new_desk)
            self.venue.exchange_soon()  # on to the hub, when it runs here
            return taken

        self._run(take, self._on_bundle_taken, self.bundle_message, self.import_button,
                  refused=self._on_bundle_refused)

    def _on_bundle_refused(self, error: HubConsoleError) -> None:
        if not isinstance(error, NewDeskBundle):
            self._refuse(self.bundle_message, str(error))
            return
        self.bundle_message.setText(str(error))
        box = QMessageBox(QMessageBox.Icon.Question, "A bundle from a new desk",
                          f"{error} Import its changes into this event file?",
                          QMessageBox.StandardButton.Cancel, self)
        take = box.addButton("Import it", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(
            lambda button: self.take_bundle(trust_new_desk=True) if button is take else None)
        self.trust_question = box
        box.open()

    def _on_bundle_taken(self, taken: BundleTaken) -> None:
        name = Path(self.bundle_in.text().strip()).name
        again = " (it had been imported before)" if taken.received and not taken.new else ""
        onward = " They go on to the desks through the hub." if self.venue.running else ""
        self.bundle_message.setText(f"Imported {name}: {taken.new:,} new of "
                                    f"{_changes(taken.received)}{again}.{onward}")
        self.bundle_taken.emit(taken)

    def write_bundle(self) -> None:
        out = self.bundle_out.text()
        self.bundle_message.setText("Writing the bundle…")
        self._run(lambda store: write_bundle_file(store, out), self._on_bundle_written,
                  self.bundle_message, self.export_button)

    def _on_bundle_written(self, written: BundleWritten) -> None:
        self.bundle_message.setText(
            f"Wrote {_changes(written.changes)} made here to {written.path}, signed and "
            "encrypted. Import it on the organisers' computer (Offline bundle, Import).")
        self.bundle_written.emit(written)

    # -- closing ----------------------------------------------------------------------------

    def shutdown(self) -> None:
        """The window is closing: the hub stops on a thread of its own (the desks' last
        changes are taken in first), so closing never waits for it."""
        self.ops.shutdown()
        self.venue.on_exchange = self.venue.on_trouble = None
        if self.venue.running:
            self.stopping = threading.Thread(target=self.venue.stop, name="kiosk-hub-stop")
            self.stopping.start()
