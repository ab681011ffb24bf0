"""The staffed desk (and workshop door): scan, see the result, find, register, fix, undo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.checkin_rules import CheckinFacts, Tone, decide
from kiosk.core.models import MAIN_CHECKPOINT_ID, Attendee, Checkpoint, Status
from kiosk.services.desk import ScanResult, UndoResult
from kiosk.services.desk_session import (
    DamagedFile,
    DeskAnswer,
    DeskOpened,
    DeskSession,
    PrintChoices,
    PrinterInUse,
)
from kiosk.ui.desk_handle import DeskHandle
from kiosk.ui.fitting import ElidedButton, FittedLabel

if TYPE_CHECKING:
    from kiosk.printing.events import JobEvent
    from kiosk.scanning.wedge import ScanTiming
    from kiosk.services.print_service import PrintRequest
    from kiosk.services.syncer import SyncStatus
from kiosk.ui.dialogs import (
    CategoryBox,
    EditDialog,
    PinDialog,
    ReasonDialog,
    TokenDialog,
    WalkInDialog,
)
from kiosk.ui.result_panel import ResultPanel
from kiosk.ui.scanner_filter import ScannerFilter
from kiosk.ui.search_panel import SearchPanel
from kiosk.ui.settings_dialog import SettingsDialog
from kiosk.ui.sounds import ResultSounds
from kiosk.ui.theme import THEMES, Theme


def _label(name: str, points: int = 13, bold: bool = False, lines: int = 1) -> FittedLabel:
    # Never wider than it is given: a long event name or message is shortened, not the
    # reason the window grows off the screen.
    return FittedLabel(name, points, min_points=min(points, 11), bold=bold, max_lines=lines)


def _button(text: str) -> ElidedButton:
    button = ElidedButton(text, 13)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


# While a result is on show it takes most of the width; otherwise the search list does.
RESULT_STRETCH = {True: (7, 3), False: (2, 3)}


class DeskWindow(QMainWindow):
    """What a volunteer sees all day. Every action is a call on the desk session, run off
    the UI thread (``ops``); its answer comes back here."""

    ready = Signal()
    result_shown = Signal(object)
    clock: Callable[[], datetime] = datetime.now  # for the end-of-event reminder
    after_event_reminder: QDialog | None = None

    def __init__(self, desk: DeskHandle, scanner: ScannerFilter | None = None) -> None:
        super().__init__()
        self.desk = desk
        desk.setParent(self)
        self.event_path = desk.event_path
        self.mode = desk.mode or "desk"
        self._searches = 0
        self.opened: DeskOpened | None = None
        self.setWindowTitle("kiosk")
        self.resize(1280, 720)  # until shown maximised (or full screen) for the desk's mode
        self.event_label = _label("Event", 18, True)
        self.desk_label = _label("Desk and checkpoint")
        self.counts_label = _label("Checked in", 16, True)
        self.sync_label = _label("Connection")
        self.sync_label.setText("● Not connected to a hub — working on this desk only")
        self.printer_label = _label("Printer")
        self.printer_label.setText("Printer: finding the printer…")
        for label in (self.counts_label, self.sync_label, self.printer_label):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.event_label)
        left.addWidget(self.desk_label)
        right = QVBoxLayout()
        right.addWidget(self.counts_label)
        right.addWidget(self.sync_label)
        right.addWidget(self.printer_label)
        header.addLayout(left, 1)
        header.addLayout(right, 1)
        self.result = ResultPanel()
        self.result.action_chosen.connect(self.on_action_chosen)
        self.result.cleared.connect(lambda: self._emphasise_result(False))
        self.search = SearchPanel()
        self.search.search_requested.connect(self._on_search_requested)
        self.search.attendee_chosen.connect(self.on_attendee_chosen)
        self.search.code_typed.connect(self.on_scanned)
        self.walkin_button = _button("Register walk-in  (F2)")
        self.undo_button = _button("Undo last check-in  (Ctrl+Z)")
        self.settings_button = _button("Settings")
        self.connect_button = _button("Connect to hub")
        self.connect_button.clicked.connect(self.on_connect_requested)
        self.organise_button = _button("Organise")
        self.organise_button.clicked.connect(self.on_organise_requested)
        self.organise_window: QMainWindow | None = None
        self.camera_button = _button("Camera")
        self.camera_button.setCheckable(True)
        self.camera_button.toggled.connect(self.on_camera_toggled)
        self.camera_view: QWidget | None = None
        self.walkin_button.clicked.connect(self.on_walkin_requested)
        self.undo_button.clicked.connect(self.undo)
        self.settings_button.clicked.connect(self.on_settings_requested)
        buttons = QHBoxLayout()
        for button in (self.walkin_button, self.undo_button, self.camera_button,
                       self.settings_button, self.organise_button, self.connect_button):
            buttons.addWidget(button)
        body = QHBoxLayout()
        self.body = body
        body.addWidget(self.result, RESULT_STRETCH[False][0])
        side = QVBoxLayout()
        self.side = side
        side.addWidget(self.search, 1)
        body.addLayout(side, RESULT_STRETCH[False][1])
        page = QWidget()
        page.setObjectName("desk")
        page.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(page)
        layout.addLayout(header)
        layout.addLayout(body, 1)
        self.fault_label = _label("Problem", 14, True, lines=3)
        self.retry_button = _button("Retry the badge")
        self.retry_button.clicked.connect(self.on_retry_requested)
        self._failed_job: int | None = None
        self.restore_button = _button("Restore the latest backup")
        self.restore_button.clicked.connect(self.on_restore_requested)
        self._damaged: DamagedFile | None = None
        fault = QHBoxLayout()
        fault.addWidget(self.fault_label, 1)
        fault.addWidget(self.retry_button)
        fault.addWidget(self.restore_button)
        self.fault_label.hide()
        self.retry_button.hide()
        self.restore_button.hide()
        layout.addLayout(fault)
        layout.addLayout(buttons)
        self.setCentralWidget(page)
        self.sounds = ResultSounds(parent=self, load_later=True)
        # The dialog open now, if any: scans go to it, never into its fields.
        self.dialog: QDialog | None = None
        QShortcut(QKeySequence("F2"), self, self.on_walkin_requested)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo)
        QShortcut(QKeySequence.StandardKey.Redo, self, self.redo)
        desk.opened.connect(self._on_session)
        desk.open_failed.connect(self.on_open_failed)
        desk.damaged.connect(self.on_damaged)
        desk.bridge.checkpoint_moved.connect(self.on_checkpoint_moved)
        desk.bridge.counts_changed.connect(self.on_counts_changed)
        desk.bridge.fault.connect(self.on_fault)
        desk.bridge.print_changed.connect(self.on_print_changed)
        desk.bridge.sync_changed.connect(self.on_sync_changed)
        self.locked = False
        self._unlocked_for_exit = False
        # A handheld scanner types like a keyboard: bursts are scans wherever the focus is,
        # in this window and in its forms.
        self.scanner = scanner or ScannerFilter(self)
        self.scanner.scan_timed.connect(self.on_scan_read)
        self.scanner.trailing_swallowed.connect(self.on_trailing_terminator)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.scanner)
        self.search.box.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # A desk often runs on a bare X session or a kiosk shell with no window manager to
        # hand it the keyboard: without asking, a scanner's keys would go nowhere.
        QTimer.singleShot(0, self, self._take_keyboard)  # dropped if the window goes first

    def _take_keyboard(self) -> None:
        if self.isVisible() and self.dialog is None and QApplication.activeModalWidget() is None:
            self.activateWindow()
            self.search.box.setFocus()

    # -- start-up --------------------------------------------------------------------------

    def _on_session(self, session: DeskSession) -> None:
        self.on_opened(session.opened)

    def _do(self, work: Callable[[DeskSession], object], then: Callable | None = None,
            lane: str = "act") -> None:
        """Run one of the session's actions off the UI thread; faults are said plainly."""
        if not self.wiped:
            self.desk.do(work, then, self.on_fault, lane)

    def on_opened(self, opened: DeskOpened) -> None:
        self.opened = opened
        settings = opened.settings
        self.apply_theme(THEMES.get(settings["theme"], THEMES["default"]))
        self.result.clear_after_ms = int(settings["result_seconds"]) * 1000
        self.sounds.enabled = bool(settings["sounds"])
        self.event_label.setText(opened.event.name)
        where = f"Door of “{opened.workshop}”" if opened.workshop else opened.checkpoint_name
        self.desk_label.setText(f"{settings['desk_name']}  ·  {where}"
                                + (f"  ·  {settings['operator']}" if settings["operator"] else ""))
        self.setWindowTitle(f"kiosk — {opened.event.name} — {settings['desk_name']}")
        self.on_counts_changed(opened.checked_in, opened.expected)
        self.search.label_of = opened.event.label_of
        self.locked = opened.has_pin
        if opened.notice:  # said, not sounded: nothing went wrong at this desk
            self.fault_label.setText(f"⚠ {opened.notice}")
            self.fault_label.show()
        self.search.box.setFocus()
        self.ready.emit()
        self._look_up_printer()

    def show_for_mode(self) -> None:
        """Maximised at a staffed desk; full screen at a workshop door (and, once it is
        locked by a PIN, anywhere): the window fits whatever screen it is on."""
        self.showMaximized()
        if self.opened is not None:
            self._show_as_opened()
        else:
            self.ready.connect(self._show_as_opened)

    def _show_as_opened(self) -> None:
        if self.locked:
            self.lock_full_screen()
        elif self.opened is not None and self.opened.settings["mode"] == "door":
            self.showFullScreen()

    def on_checkpoint_moved(self, checkpoint: str, notice: str) -> None:
        """This desk's checkpoint was removed by the organisers: say where it checks in now."""
        if self.opened is not None:
            settings = self.opened.settings
            self.opened = replace(self.opened, checkpoint_name=checkpoint, workshop=None)
            self.desk_label.setText(f"{settings['desk_name']}  ·  {checkpoint}"
                                    + (f"  ·  {settings['operator']}" if settings["operator"]
                                       else ""))
        self.fault_label.setText(f"⚠ {notice}")
        self.fault_label.show()

    def on_open_failed(self, message: str) -> None:
        self.event_label.setText("This event could not be opened")
        self.result.show_message("Not ready", "Nobody can be checked in until the event "
                                 "file opens: see the message below.")
        self.on_fault(message)
        self.ready.emit()

    def on_damaged(self, damaged: DamagedFile) -> None:
        """The event file is damaged: say so, and offer its newest good backup (the damaged
        file is kept aside whole; nothing is overwritten)."""
        self._damaged = damaged
        self.on_open_failed(damaged.advice)
        backup = damaged.backup
        if backup is not None:
            taken = backup.taken_at.replace("T", " ")[:16]
            self.restore_button.setText(f"Restore the backup of {taken}")
            self.restore_button.setEnabled(True)
            self.restore_button.show()

    def on_restore_requested(self) -> None:
        damaged = self._damaged
        if damaged is None or damaged.backup is None:
            return
        self.restore_button.setEnabled(False)
        self.fault_label.setText("Restoring the backup…")

        def restored(words: str) -> None:
            self._damaged = None
            self.restore_button.hide()
            self.result.clear()
            self.fault_label.setText(f"✔ {words}")
            self.fault_label.show()

        self.desk.restore(damaged.backup.number, restored, self._restore_failed)

    def _restore_failed(self, message: str) -> None:
        self.restore_button.setEnabled(True)
        self.on_fault(message)

    def apply_theme(self, theme: Theme) -> None:
        self.result.set_theme(theme)
        # On the window's own page only: a style sheet on the window would reach its forms
        # too, putting their text back to the system's size (and high-contrast white text
        # on their light background).
        self.centralWidget().setStyleSheet(f"QWidget#desk {{ background: {theme.window}; }}"
                                           f"QLabel {{ color: {theme.text}; }}")

    # -- scanning and checking in -------------------------------------------------------

    def on_scan_read(self, code: str, timing: ScanTiming) -> None:
        """A scanner's burst: to the form open now, if any (never into its fields), else
        checked in."""
        dialog = self.dialog
        if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            take = getattr(dialog, "take_scan", None)
            if take is not None:
                take(code, timing)
            self.sounds.play(Tone.AMBER)
            return
        if self._console_in_front():
            assert self.organise_window is not None
            self.organise_window.statusBar().showMessage(
                "A ticket was scanned while the Organise window is in front: nothing was "
                "typed and nobody was checked in. Scan tickets at the desk.", 15_000)
            self.sounds.play(Tone.AMBER)
            return
        self.on_scanned(code)

    def on_trailing_terminator(self, terminator: str) -> None:
        dialog = self.dialog
        page = getattr(dialog, "scanner_page", None)
        if page is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            page.on_trailing(terminator)

    def on_scanned(self, code: str) -> None:
        self._do(lambda s: s.scan(code), self.on_answered)

    def on_attendee_chosen(self, attendee_id: str) -> None:
        self._do(lambda s: s.check_in(attendee_id), self.on_answered)
        self.search.clear()

    def check_in(self, attendee_id: str, override: str = "", method: str = "search") -> None:
        self._do(lambda s: s.check_in(attendee_id, override, method), self.on_answered)

    def undo(self) -> None:
        """Ctrl+Z, from anywhere in the window: undo this desk's last check-in."""
        self._do(lambda s: s.undo(), self.on_undone)

    def redo(self) -> None:
        """Take an undo back, while the desk still offers it ("Check in again")."""
        attendee = self.result.attendee
        if attendee is not None and self.result.buttons["redo"].isVisibleTo(self.result):
            self.check_in(attendee.id, method="undo taken back")

    def print_badge(self, attendee_id: str, reason: str = "") -> None:
        self._do(lambda s: s.print_badge(attendee_id, reason), self.on_print_requested)

    def check_pin(self, pin: str, then: Callable[[bool], None]) -> None:
        self._do(lambda s: s.check_pin(pin), then, lane="look")

    def show_sample(self, state: str) -> None:
        """A result built from real data without writing (screenshots, documentation):
        any outcome ("ok", "already", "forged", "full", …), or "cancelled", "undone",
        "saved" (a correction), "printer_failed"."""
        as_decided = ("ok", "already", "forged", "unknown", "other_event", "revoked",
                      "repeat", "not_booked", "full")
        base = state if state in as_decided else "ok"

        def shown(result: ScanResult) -> None:
            person = result.attendee
            if state == "printer_failed" and person is not None:
                self.on_scan_decided(result)
                self._do(lambda s: s.sample_print_failure(person.id), self.on_print_changed,
                         lane="look")
            elif person is None or state in as_decided:
                # As this desk would: a badge after an auto-print, and before "already".
                settings = self.opened.settings if self.opened is not None else {}
                auto = settings.get("print.auto_door" if self.opened is not None
                                    and self.opened.workshop else "print.auto", False)
                self.on_scan_decided(result, badge_exists=state == "already"
                                     or (state == "ok" and bool(auto)))
            elif state == "undone":
                self.on_undone(UndoResult(True, f"Undone: {person.display_name} is no longer "
                                          "checked in.", person))
            elif state == "saved":
                self.on_attendee_saved(person, True)
            elif state == "cancelled":
                cancelled = replace(person, status=Status.CANCELLED, checked_in=False)
                decision = decide(CheckinFacts(cancelled, Checkpoint(MAIN_CHECKPOINT_ID,
                                                                     "Main desk")))
                self.on_scan_decided(replace(result, outcome=decision.outcome,
                                             message=decision.message, attendee=cancelled))
        self._do(lambda s: s.sample(base), shown, lane="look")

    def on_answered(self, answer: DeskAnswer) -> None:
        self.on_scan_decided(answer.result, answer.badge_exists)
        if answer.printing is not None:
            self.on_print_requested(answer.printing)

    def on_scan_decided(self, result: ScanResult, badge_exists: bool = False) -> None:
        self.fault_label.hide()
        self.retry_button.hide()
        self.result.show_result(result, badge_exists)
        self._emphasise_result(True)
        if result.outcome.value != "repeat":
            self.sounds.play(result.tone)
        self.search.box.setFocus()
        self.result_shown.emit(result)

    def _emphasise_result(self, shown: bool) -> None:
        result_share, side_share = RESULT_STRETCH[shown]
        self.body.setStretch(0, result_share)
        self.body.setStretch(1, side_share)

    def on_counts_changed(self, checked_in: int, expected: int) -> None:
        if self.opened and self.opened.workshop:
            self.counts_label.setText(f"{checked_in} of {expected} places taken")
        else:
            self.counts_label.setText(f"{checked_in} of {expected} checked in")

    # -- search ----------------------------------------------------------------------------

    def _on_search_requested(self, text: str) -> None:
        self._searches += 1
        request = self._searches
        self._do(lambda s: s.search(text), lambda people: self.on_search_found(request, people),
                 lane="look")

    def on_search_found(self, request: int, people: list[Attendee]) -> None:
        if request == self._searches:  # not an older answer to a shorter query
            self.search.show_results(people)

    # -- actions ---------------------------------------------------------------------------

    def on_action_chosen(self, action: str) -> None:
        attendee = self.result.attendee
        if action == "undo":
            self.undo()
        elif action == "edit" and attendee is not None:
            self._edit(attendee)
        elif action == "override" and attendee is not None:
            self._override(attendee)
        elif action == "search":
            self.result.clear()
            self.search.box.setFocus()
        elif action == "print" and attendee is not None:
            self.print_badge(attendee.id)
        elif action == "reprint" and attendee is not None:
            self.with_supervisor("Reprints are for supervisors on this desk.",
                                 lambda: self._reprint(attendee))
        elif action == "reprint_new" and attendee is not None:
            # Right after a correction a supervisor (if the desk has one) has just approved it.
            self.print_badge(attendee.id, reason="name corrected")
        elif action == "redo":
            self.redo()
        self.search.box.setFocus()

    def with_supervisor(self, why: str, then: Callable[[], None]) -> None:
        """Run ``then`` at once on an unlocked desk; on a locked one, after the PIN."""
        if not self.locked:
            then()
            return
        dialog = PinDialog(why, self)

        def accepted() -> None:
            def checked(ok: bool) -> None:
                if ok:
                    then()
                else:
                    self.on_fault("That PIN is not right.")

            self.check_pin(dialog.pin.text(), checked)

        dialog.accepted.connect(accepted)
        self._open_dialog(dialog)

    def on_settings_requested(self) -> None:
        self.with_supervisor("Settings are for supervisors.", self._open_settings)

    def _open_settings(self) -> None:
        if self.opened is None:
            return
        dialog = SettingsDialog(self.opened.settings, self.opened.checkpoints, self,
                                has_pin=self.locked)
        dialog.accepted.connect(lambda: self._do(
            lambda s: s.save_settings(dialog.values(), dialog.pin()),
            lambda saved: self.on_settings_saved(*saved)))
        dialog.test_print_requested.connect(lambda printer, layout: self._do(
            lambda s: s.test_print(printer or s.printer_in_use().name, layout),
            lambda said: dialog.show_test_result(said) if shiboken6.isValid(dialog) else None,
            lane="look"))

        def show_choices(choices: PrintChoices) -> None:
            if shiboken6.isValid(dialog):
                dialog.show_print_choices(choices)
        self._do(lambda s: s.print_choices(), show_choices, lane="look")
        self._open_dialog(dialog)

    def on_settings_saved(self, settings: dict, has_pin: bool) -> None:
        if self.opened is not None:
            self.opened = replace(self.opened, settings=settings)
        self.apply_theme(THEMES.get(settings["theme"], THEMES["default"]))
        self.result.clear_after_ms = int(settings["result_seconds"]) * 1000
        self.sounds.enabled = bool(settings["sounds"])
        self.locked = bool(has_pin)
        self.result.show_message("Settings saved", "A new mode or checkpoint applies when "
                                 "the desk is opened again.")
        self._look_up_printer()

    def _edit(self, attendee: Attendee) -> None:
        self.with_supervisor("Corrections are for supervisors on this desk.",
                             lambda: self._open_edit(attendee))

    def _open_edit(self, attendee: Attendee) -> None:
        dialog = EditDialog(attendee, self, self._category_choices(attendee.category))
        dialog.accepted.connect(lambda: self._do(
            lambda s: (s.edit(attendee.id, dialog.changes()), s.has_badge(attendee.id)),
            lambda saved: self.on_attendee_saved(*saved)))
        self._refresh_categories(dialog.category, attendee.category)
        self._open_dialog(dialog)

    def _category_choices(self, current: str = "") -> tuple[tuple[str, str], ...]:
        """The event's categories as the desk opened with them (refreshed once a form is
        open: Event setup may have changed them since)."""
        return self.opened.event.desk_choices(current) if self.opened is not None else ()

    def _refresh_categories(self, box: CategoryBox, current: str = "") -> None:
        def show(choices: tuple[tuple[str, str], ...]) -> None:
            if shiboken6.isValid(box):  # the form may be gone by the time the answer comes
                box.set_choices(choices, current)

        # Not a fault if it fails: the form keeps the categories the desk opened with.
        self.desk.do(lambda s: s.category_choices(current), show, lambda _text: None, "look")

    def _override(self, attendee: Attendee) -> None:
        dialog = PinDialog("A supervisor can let this person in anyway.", self, ask_reason=True)

        def accepted() -> None:
            reason = dialog.reason()
            if not self.locked:  # no PIN set: this desk lets its volunteers decide
                self.check_in(attendee.id, override=reason)
                return

            def then(ok: bool) -> None:
                if ok:
                    self.check_in(attendee.id, override=reason)
                else:
                    self.on_fault("That PIN is not right. Nobody was checked in.")

            self.check_pin(dialog.pin.text(), then)

        dialog.accepted.connect(accepted)
        self._open_dialog(dialog)

    def on_sync_changed(self, status: SyncStatus | None) -> None:
        self.sync_label.setText(describe_sync(status))
        if status is not None and status.state.value == "wiped" and not self.wiped:
            self.show_wiped()

    wiped = False  # the organisers had this desk's data wiped from the hub

    def show_wiped(self) -> None:
        """Say so plainly where results show, instead of scanning; take no more input."""
        self.wiped = True
        self.scanner.set_enabled(False)
        self.result.show_message("Desk wiped", "This desk's data was wiped by the organisers. "
                                 "It no longer checks people in or syncs; ask them what to "
                                 "do.")
        for widget in (self.search, self.walkin_button, self.undo_button, self.camera_button):
            widget.setEnabled(False)

    def on_connect_requested(self) -> None:
        self.with_supervisor("Connecting the desk to a hub is for supervisors.",
                             self._open_connect)

    def _open_connect(self) -> None:
        dialog = TokenDialog(self)
        dialog.accepted.connect(lambda: self._do(lambda s: s.connect_hub(dialog.token()),
                                                 self.on_hub_connected, lane="network"))
        self._open_dialog(dialog)

    def on_hub_connected(self, message: str) -> None:
        self.fault_label.hide()
        self.result.show_message("Connected", message)

    def on_organise_requested(self) -> None:
        self.with_supervisor("The organisers' console is for supervisors.", self._open_organise)

    def _open_organise(self) -> None:
        from kiosk.ui.console.organise_window import OrganiseWindow  # loaded when first used

        if self.organise_window is None:
            self.organise_window = OrganiseWindow(self.event_path)
            self.organise_window.installEventFilter(self)
        # The scanner listener stays on: a scan while the console is in front is kept out
        # of its fields (a name, a filter) and refused there in words.
        self.organise_window.showMaximized()
        self.organise_window.raise_()
        self.organise_window.activateWindow()

    def _console_in_front(self) -> bool:
        """Whether the organisers' console (or one of its forms) is the active window."""
        console = self.organise_window
        active = QApplication.activeWindow()
        if console is None or not shiboken6.isValid(console) or active is None:
            return False
        widget: QObject | None = active
        while widget is not None:
            if widget is console:
                return True
            widget = widget.parent()
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.organise_window and event.type() == QEvent.Type.Close:
            # Closing shuts every screen's thread down (and a hub run from it): the next
            # Organise opens a fresh console rather than this one with nothing behind it.
            self.organise_window = None
            watched.deleteLater()
        return super().eventFilter(watched, event)

    def on_camera_toggled(self, on: bool) -> None:
        """The camera as a second input: shown (and running) only while wanted."""
        if on and self.camera_view is None:
            # QtMultimedia takes a while to load: only when the camera is first wanted.
            from kiosk.scanning.camera import CameraInput
            from kiosk.ui.camera_view import CameraView

            camera = CameraInput(self)
            camera.code_seen.connect(self.on_scanned)
            camera.camera_lost.connect(self.on_fault)
            self.camera_view = CameraView(camera, self)
            self.camera_view.setAccessibleName("Camera preview")
            self.side.insertWidget(0, self.camera_view)
        if self.camera_view is not None:
            self.camera_view.setVisible(on)  # hiding it stops the camera
        self._refocus()

    def _reprint(self, attendee: Attendee) -> None:
        dialog = ReasonDialog("Print another badge", f"{attendee.display_name} already has a "
                              "badge. Why another? (lost, damaged, name corrected)", self)
        dialog.accepted.connect(lambda: self.print_badge(attendee.id, dialog.reason()))
        self._open_dialog(dialog)

    def on_print_requested(self, request: PrintRequest) -> None:
        if request.outcome.value == "needs_reason":
            if self.result.attendee is not None:
                self._reprint(self.result.attendee)
            return
        if request.outcome.value == "queued":
            self.result.badge_queued()
        printer = request.job.printer if request.job is not None else ""
        self.printer_label.setText(_printer_line(printer, request.message))
        if request.outcome.value not in ("queued", "preview", "skipped"):
            self.on_fault(request.message)

    def on_print_changed(self, event: JobEvent) -> None:
        job = event.job
        line = event.line
        if job.printer == "pdf-folder" and job.status.value == "done":
            line = "badge saved as a PDF, not printed"
        self.printer_label.setText(_printer_line(job.printer, line))
        if job.status.value == "failed":
            why = job.last_error.strip().rstrip(".") or "the printer did not take it"
            self.on_fault(f"Badge not printed: {why}. Press Retry, or choose another printer "
                          "in Settings → Printing first.")
            self._failed_job = job.id
            self.retry_button.show()

    def on_retry_requested(self) -> None:
        job_id = self._failed_job
        if job_id is None:
            return
        self._failed_job = None
        self.retry_button.hide()
        self.fault_label.hide()
        self._do(lambda s: s.retry_badge(job_id), self.on_print_requested)

    def _look_up_printer(self) -> None:
        # The print system is asked off the UI thread (lpstat can take a moment).
        self._do(lambda s: s.printer_in_use(), self.on_printer_known, lane="look")

    def on_printer_known(self, printer: PrinterInUse) -> None:
        if printer.pdf_folder:
            self.printer_label.setText("Badges: saved as PDFs, not printed — choose a printer "
                                       "in Settings → Printing")
        elif printer.problem:
            self.printer_label.setText(f"Printer “{printer.name}”: {printer.problem}")
        else:
            self.printer_label.setText(f"Printer “{printer.name}”: ready")

    def on_walkin_requested(self) -> None:
        if self.wiped:
            return
        dialog = WalkInDialog(self, self._category_choices())
        dialog.accepted.connect(lambda: self._do(lambda s: s.walk_in(dialog.values()),
                                                 self.on_answered))
        self._refresh_categories(dialog.category)
        self._open_dialog(dialog)

    def _open_dialog(self, dialog: QDialog) -> None:
        """Open a form. The scanner listener stays on: a scan while it is open goes to the
        form (``take_scan``), never into a field."""
        self.dialog = dialog
        dialog.finished.connect(self._refocus)
        dialog.open()

    def _refocus(self, _result: int = 0) -> None:
        self.dialog = None
        self.scanner.set_enabled(True)
        self.search.box.setFocus()

    def on_undone(self, result: UndoResult) -> None:
        self.result.show_undone(result)
        self._emphasise_result(True)
        self.sounds.play(Tone.AMBER if result.undone else Tone.RED)
        self.search.box.setFocus()

    def on_attendee_saved(self, attendee: Attendee, badge_exists: bool = False) -> None:
        self.result.show_saved(attendee, badge_exists)
        self._emphasise_result(True)

    def on_fault(self, message: str) -> None:
        self.fault_label.setText(f"⚠ {message}")
        self.fault_label.show()
        self.retry_button.hide()
        self.sounds.play(Tone.RED)

    def lock_full_screen(self) -> None:
        """Kiosk lock: full screen, no window controls; leaving needs the PIN."""
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.showFullScreen()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.locked and not self._unlocked_for_exit and self.isFullScreen():
            event.ignore()

            def leave() -> None:
                self._unlocked_for_exit = True
                self.close()

            self.with_supervisor("Closing the desk is for supervisors.", leave)
            return
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.scanner)
        self._remind_after_event()
        if self.organise_window is not None:
            self.organise_window.close()
        self.desk.shut_down()
        super().closeEvent(event)

    def _remind_after_event(self) -> None:
        """Once, as a staffed desk closes after the event: export attendance, then wipe."""
        from kiosk.ui.after_event_reminder import show_reminder

        if self.after_event_reminder is None and self.opened is not None \
                and self.mode != "self":
            self.after_event_reminder = show_reminder(self, self.opened.event,
                                                      self.opened.expected, self.clock())


def _printer_line(printer: str, line: str) -> str:
    """The status line's printer part: which printer, and what it is doing."""
    if printer == "pdf-folder":
        return f"PDF folder (no printer chosen): {line}"
    return f"Printer “{printer}”: {line}" if printer else f"Printer: {line}"


def describe_sync(status: SyncStatus | None) -> str:
    """The header's connection line: state, what is waiting, when it last synced."""
    if status is not None and status.state.value == "wiped":
        return f"■ {status.error}"
    if status is None or status.state.value == "not connected":
        return "● Not connected to a hub — working on this desk only"
    when = ""
    if status.last_sync_ms:
        when = " — synced " + datetime.fromtimestamp(status.last_sync_ms / 1000).strftime("%H:%M")
    waiting = f" — {status.pending} to send" if status.pending else ""
    if status.online:
        line = f"● Online{waiting}{when}"
    else:
        line = f"○ Offline, still checking in{waiting}{when}"
    if status.error and not status.online:
        line += f" ({status.error})"
    return line + (f" — {status.clock_warning}" if status.clock_warning else "")
