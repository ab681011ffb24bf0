"""Self check-in: attendee-facing, one big instruction, and nobody else's data, ever."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, QTranslator, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.badges.resources import RESOURCES_DIR
from kiosk.core.checkin_rules import Outcome
from kiosk.services.desk import ScanResult
from kiosk.services.desk_session import (
    SELF_CHECKIN_NEEDS_PIN,
    DeskAnswer,
    DeskOpened,
    DeskSession,
    FindMeAnswer,
)
from kiosk.ui.desk_handle import DeskHandle
from kiosk.ui.dialogs import PinDialog
from kiosk.ui.fitting import FittedLabel
from kiosk.ui.scanner_filter import ScannerFilter
from kiosk.ui.sounds import ResultSounds
from kiosk.ui.theme import scaled_font

LANGUAGES = {"en": "English", "pl": "Polski"}
RESET_MS = 8000


def _font(points: int, bold: bool = False) -> QFont:
    return scaled_font(points, bold)


def _big_button(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setFont(_font(20, True))
    button.setMinimumHeight(72)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class SelfCheckInWindow(QMainWindow):
    """Start screen → (scan | find me by my exact name and a detail only I know) → welcome
    → start screen."""

    ready = Signal()
    result_shown = Signal(object)
    exit_requested = Signal()

    def __init__(
        self, desk: DeskHandle, language: str = "en", scanner: ScannerFilter | None = None
    ) -> None:
        super().__init__()
        self.desk = desk
        desk.setParent(self)
        self.language = language
        self._translator = QTranslator(self)
        self.setWindowTitle("kiosk")
        self.resize(1280, 720)  # shown full screen; this is for a window left as it is
        self.sounds = ResultSounds(parent=self, load_later=True)
        self.pages = QStackedWidget()
        self.setCentralWidget(self.pages)
        # Start page.
        # Labels that never widen the window: long words shrink, then break, then "…".
        self.event_label = FittedLabel("Event", 20, min_points=14, max_lines=2)
        self.event_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.instruction = FittedLabel("Instruction", 40, min_points=24, bold=True,
                                       max_lines=3)
        self.instruction.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = FittedLabel("Hint", 20, min_points=14, max_lines=4)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_ticket = _big_button("")
        self.no_ticket.clicked.connect(self.show_find_page)
        self.language_buttons: dict[str, QPushButton] = {}
        languages = QHBoxLayout()
        languages.addStretch(1)
        for code, name in LANGUAGES.items():
            button = QPushButton(name)
            button.setFont(_font(16))
            button.setMinimumHeight(48)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAccessibleName(name)
            button.clicked.connect(lambda _=False, c=code: self.set_language(c))
            self.language_buttons[code] = button
            languages.addWidget(button)
        self.staff_button = QPushButton()
        self.staff_button.setFont(_font(14))
        self.staff_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.staff_button.setMinimumHeight(44)
        self.staff_button.clicked.connect(self.on_staff_requested)
        languages.addWidget(self.staff_button)
        # Scanners type into this invisible field, which always has the focus.
        self.scan_input = QLineEdit()
        self.scan_input.setAccessibleName("Ticket code")
        self.scan_input.setFixedSize(1, 1)
        self.scan_input.returnPressed.connect(self._on_scan_typed)
        start = QWidget()
        layout = QVBoxLayout(start)
        layout.addWidget(self.event_label)
        layout.addStretch(1)
        layout.addWidget(self.instruction)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        layout.addWidget(self.no_ticket, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addLayout(languages)
        layout.addWidget(self.scan_input)
        # Find-me page: the name exactly as registered (the surname may be blank) and a
        # second detail the person knows, because anyone may know a name.
        self.find_title = FittedLabel("Find me", 30, min_points=18, bold=True, max_lines=3)
        self.first_label, self.last_label, self.detail_label = (
            FittedLabel("First name", 20, min_points=14, max_lines=2),
            FittedLabel("Surname", 20, min_points=14, max_lines=2),
            FittedLabel("Email address or booking reference", 20, min_points=14,
                        max_lines=2))
        self.first_name, self.last_name, self.detail = QLineEdit(), QLineEdit(), QLineEdit()
        # An on-screen keyboard must not learn or suggest what someone typed here.
        self.detail.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData
                                        | Qt.InputMethodHint.ImhNoPredictiveText
                                        | Qt.InputMethodHint.ImhNoAutoUppercase)
        for field in (self.first_name, self.last_name, self.detail):
            field.setFont(_font(24))
            field.setMinimumHeight(56)
            field.returnPressed.connect(self._on_find)
        self.find_hint = FittedLabel("Hint", 20, min_points=14, bold=True, max_lines=3)
        self.find_hint.hide()
        self.find_button = _big_button("")
        self.find_button.clicked.connect(self._on_find)
        self.back_button = _big_button("")
        self.back_button.clicked.connect(self.show_start)
        find = QWidget()
        form = QVBoxLayout(find)
        form.addWidget(self.find_title)
        for widget in (self.first_label, self.first_name, self.last_label, self.last_name,
                       self.detail_label, self.detail, self.find_hint):
            form.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.find_button)
        form.addStretch(1)
        form.addLayout(buttons)
        # Result page.
        self.result_title = FittedLabel("Result", 48, min_points=36, bold=True, max_lines=3)
        self.result_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.result_text = FittedLabel("Result details", 26, min_points=18, max_lines=4)
        self.result_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        result = QWidget()
        result.setObjectName("selfresult")
        result_layout = QVBoxLayout(result)
        result_layout.addStretch(1)
        result_layout.addWidget(self.result_title)
        result_layout.addWidget(self.result_text)
        result_layout.addStretch(1)
        # Only when self check-in could not start: nothing runs, so staff may close it.
        self.close_button = _big_button("")
        self.close_button.setMinimumWidth(320)
        self.close_button.clicked.connect(self.exit_requested.emit)
        self.close_button.hide()
        result_layout.addWidget(self.close_button, alignment=Qt.AlignmentFlag.AlignCenter)
        self.result_page = result
        for page in (start, find, result):
            self.pages.addWidget(page)
        self._reset = QTimer(self)
        self._reset.setSingleShot(True)
        self._reset.timeout.connect(self.show_start)
        desk.opened.connect(self._on_session)
        desk.open_failed.connect(self._on_open_failed)
        desk.bridge.fault.connect(self.on_fault)
        self._dialog: PinDialog | None = None  # the staff PIN, while it is asked for
        self.scanner = scanner or ScannerFilter(self)
        self.scanner.scanned.connect(self._on_scanned)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self.scanner)
        self.set_language(language)
        self.show_start()

    # -- language ----------------------------------------------------------------------------

    def set_language(self, code: str) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.removeTranslator(self._translator)
            if code != "en" and self._translator.load(
                    str(RESOURCES_DIR / "translations" / f"kiosk_{code}.qm")):
                app.installTranslator(self._translator)
        self.language = code
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.instruction.setText(self.tr("Scan the QR code on your ticket"))
        self.hint.setText(self.tr("Hold your ticket or phone under the scanner. "
                                  "Your badge will be printed."))
        self.no_ticket.setText(self.tr("Can't find your ticket?"))
        self.no_ticket.setAccessibleName(self.no_ticket.text())
        self.staff_button.setText(self.tr("Staff"))
        self.staff_button.setAccessibleName(self.tr("Staff"))
        self.find_title.setText(self.tr("Type your name as you registered it, and your email "
                                        "address or booking reference"))
        self.first_label.setText(self.tr("First name"))
        self.last_label.setText(self.tr("Surname (leave empty if you have only one name)"))
        self.detail_label.setText(self.tr("Email address or booking reference"))
        self.first_name.setAccessibleName(self.tr("First name"))
        self.last_name.setAccessibleName(self.tr("Surname"))
        self.detail.setAccessibleName(self.tr("Email address or booking reference"))
        self.find_hint.setText(self.tr("Please type your name and your email address or "
                                       "booking reference."))
        self.find_button.setText(self.tr("Find me"))
        self.back_button.setText(self.tr("Back"))
        self.close_button.setText(self.tr("Close (staff)"))

    # -- flow --------------------------------------------------------------------------------

    def _on_session(self, session: DeskSession) -> None:
        self.on_opened(session.opened)

    def scan(self, code: str) -> None:
        self.desk.do(lambda s: s.scan(code), self.on_answered, self.on_fault)

    def on_answered(self, answer: DeskAnswer) -> None:
        self.on_scan_decided(answer.result)

    def show_sample(self, state: str) -> None:
        """A result built from real data without writing (screenshots, documentation)."""
        self.desk.do(lambda s: s.sample(state), self.on_scan_decided, self.on_fault, "look")

    def on_opened(self, opened: DeskOpened) -> None:
        self.event_label.setText(opened.event.name)
        self.ready.emit()

    def _on_open_failed(self, message: str) -> None:
        if message == SELF_CHECKIN_NEEDS_PIN:
            self._show_message(
                self.tr("This kiosk needs a supervisor PIN before it can run self check-in; "
                        "ask staff."),
                self.tr("Staff: open this event as a staffed desk, set a supervisor PIN in "
                        "Settings, then start self check-in again."), "#b3261e", reset=False)
        else:
            self._show_message(self.tr("This kiosk is not ready."),
                               self.tr("Please go to the staffed desk."), "#b3261e",
                               reset=False)
        self.close_button.show()
        self.ready.emit()

    def show_start(self) -> None:
        self._reset.stop()
        self.first_name.clear()
        self.last_name.clear()
        self.detail.clear()
        self.find_hint.hide()
        self.pages.setCurrentIndex(0)
        self.scan_input.clear()
        self.scan_input.setFocus()

    def show_find_page(self) -> None:
        self.pages.setCurrentIndex(1)
        self.first_name.setFocus()
        self._reset.start(60_000)  # walked away half-way: back to the start

    def _on_scanned(self, code: str) -> None:
        """A ticket scanned on any page checks its holder in (on the find-me page too:
        they found their ticket); while staff type the PIN, it is refused, untyped."""
        dialog = self._dialog
        if dialog is not None and dialog.isVisible():
            dialog.take_scan(code)
            return
        self.scan(code)

    def _on_scan_typed(self) -> None:
        code = self.scan_input.text()
        self.scan_input.clear()
        if code.strip():
            self.scan(code)

    def _on_find(self) -> None:
        first, last = self.first_name.text().strip(), self.last_name.text().strip()
        detail = self.detail.text().strip()
        if not (first or last) or not detail:
            self.find_hint.show()  # never nothing at all: say what is missing
            return
        self.find_hint.hide()
        # One write: the kiosk's slow-down, the match and the check-in are decided together.
        self.desk.do(lambda s: s.find_me(first, last, detail), self.on_find_answered,
                     self.on_fault)

    def on_find_answered(self, found: FindMeAnswer) -> None:
        if found.answer is not None:
            self.on_answered(found.answer)
            return
        # One answer for a wrong detail, a name nobody has and two people alike: nothing
        # on this screen may tell a stranger which it was.
        text = self.tr("Please go to the desk.")
        if found.wait_s:
            minutes = -(-found.wait_s // 60)  # whole minutes, rounded up
            text += "\n" + self.tr("Find me is paused at this kiosk for %1 min.").replace(
                "%1", str(minutes))
        self._show_message(self.tr("We couldn't find that."), text, "#f2b705",
                           dark_text=True)

    def on_scan_decided(self, result: ScanResult) -> None:
        name = result.attendee.display_name if result.attendee else ""
        if result.outcome in (Outcome.OK, Outcome.REPEAT):
            self._show_message(self.tr("Welcome, %1!").replace("%1", name),
                               self.tr("You are checked in. Your badge is being printed."),
                               "#1b6e2d")
        elif result.outcome is Outcome.ALREADY:
            self._show_message(self.tr("You are already checked in"),
                               self.tr("If you need a new badge, please ask at the staffed "
                                       "desk."), "#f2b705", dark_text=True)
        else:
            # Never say more about a code than that it did not work here.
            self._show_message(self.tr("Sorry, we could not check you in"),
                               self.tr("Please go to the staffed desk — they will help you."),
                               "#b3261e")
        self.sounds.play(result.tone)
        self.result_shown.emit(result)

    def on_fault(self, _message: str) -> None:
        self._show_message(self.tr("Sorry, something went wrong."),
                           self.tr("Please go to the staffed desk."), "#b3261e")

    def _show_message(self, title: str, text: str, colour: str, dark_text: bool = False,
                      reset: bool = True) -> None:
        foreground = "#1b1b1b" if dark_text else "#ffffff"
        self.result_page.setStyleSheet(
            f"QWidget#selfresult {{ background: {colour}; }}"
            f"QWidget#selfresult QLabel {{ color: {foreground}; }}")
        self.result_title.setText(title)
        self.result_text.setText(text)
        self.pages.setCurrentIndex(2)
        self.scan_input.setFocus()
        if reset:
            self._reset.start(RESET_MS)

    # -- leaving the mode ---------------------------------------------------------------------

    def on_staff_requested(self) -> None:
        dialog = PinDialog(self.tr("Staff only: the supervisor PIN leaves self check-in."), self)
        self._dialog = dialog

        def then(ok: bool) -> None:
            if ok:
                self.exit_requested.emit()
            self.scan_input.setFocus()

        dialog.accepted.connect(lambda: self.desk.do(
            lambda s: s.check_pin(dialog.pin.text()), then, self.on_fault, "look"))
        dialog.rejected.connect(self.scan_input.setFocus)
        dialog.open()

    def closeEvent(self, event: object) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self.scanner)
        self.desk.shut_down()
        super().closeEvent(event)  # type: ignore[arg-type]
