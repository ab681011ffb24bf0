"""The first window when no event file is given: open the last event, open a file, create an
event, connect a new desk to a hub, or try the demo."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.services import event_files
from kiosk.services.event_files import Opened
from kiosk.ui.theme import scaled_font

_PROBLEM = "color: #b3261e;"


class _Background(QObject):
    """Runs one piece of work on a plain thread; the answer comes back on the UI thread."""

    _answered = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._answered.connect(lambda then, answer: then(answer))
        self._threads: list[threading.Thread] = []

    def run(self, work: Callable[[], Any], then: Callable[[Any], None]) -> None:
        def body() -> None:
            try:
                answer = work()
            except Exception as exc:  # never a traceback in the window: say it plainly
                answer = Opened(problem=f"Something went wrong: {exc}")
            self._answered.emit(then, answer)

        thread = threading.Thread(target=body, name="first-run", daemon=True)
        self._threads.append(thread)
        thread.start()

    def wait(self, seconds: float = 30.0) -> None:
        for thread in self._threads:
            thread.join(seconds)


def _big_button(title: str, note: str) -> QPushButton:
    button = QPushButton(f"{title}\n{note}")
    button.setMinimumHeight(84)
    button.setFont(scaled_font(11))
    button.setStyleSheet("QPushButton { text-align: left; padding: 10px 16px; }")
    button.setAccessibleName(title)
    return button


def _field(name: str, text: str = "", placeholder: str = "") -> QLineEdit:
    field = QLineEdit(text)
    field.setAccessibleName(name)
    field.setPlaceholderText(placeholder)
    field.setMinimumHeight(36)
    return field


def _slug(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.strip().lower()).strip("-")[:60] or "event"


def default_folder() -> Path:
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


class FirstRunWindow(QWidget):
    """``event_chosen`` with the event file to open at the desk; ``problem_shown`` with a
    message when something could not be done (the window stays, nothing is lost)."""

    event_chosen = Signal(str)
    problem_shown = Signal(str)

    def __init__(self, config_folder: Path | None = None, folder: Path | None = None,
                 demo_path: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("kiosk — choose an event")
        self.resize(980, 700)
        self._config = config_folder
        self._folder = folder or default_folder()
        self._demo = demo_path
        self._background = _Background(self)
        self._location_edited = False
        self.recent = event_files.recent_events(config_folder)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._home_page())
        self.pages.addWidget(self._create_page())
        self.pages.addWidget(self._connect_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 28, 40, 28)
        title = QLabel("kiosk")
        title.setFont(scaled_font(26, bold=True))
        tagline = QLabel("Check-in, badges and tickets for your event. It keeps working "
                         "without a network.")
        tagline.setFont(scaled_font(12))
        layout.addWidget(title)
        layout.addWidget(tagline)
        layout.addSpacing(12)
        layout.addWidget(self.pages, 1)

    # -- pages ----------------------------------------------------------------------------

    def _home_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.last_button: QPushButton | None = None
        if self.recent:
            last = self.recent[0]
            box = QFrame()
            box.setStyleSheet("QFrame { background: #e8f0fb; border: 1px solid #9db8e0; "
                              "border-radius: 6px; }")
            inner = QHBoxLayout(box)
            text = QLabel(f"<b>Last time:</b> {last.name}<br><span style='color:#444'>"
                          f"{last.parent}</span>")
            text.setStyleSheet("border: none;")
            text.setFont(scaled_font(12))
            self.last_button = QPushButton("Open it")
            self.last_button.setAccessibleName(f"Open {last.name}")
            self.last_button.setMinimumWidth(160)
            self.last_button.setFont(scaled_font(12, bold=True))
            self.last_button.setMinimumHeight(48)
            self.last_button.setDefault(True)
            self.last_button.clicked.connect(lambda: self.open_file(last))
            inner.addWidget(text, 1)
            inner.addWidget(self.last_button)
            layout.addWidget(box)
        self.open_button = _big_button("Open an event file…", "The file the organisers gave "
                                       "you, or one you have used before.")
        self.open_button.clicked.connect(self.choose_file)
        self.create_button = _big_button("Create a new event", "For organisers: name it, "
                                         "then import registrations and make tickets.")
        self.create_button.clicked.connect(lambda: self.pages.setCurrentIndex(1))
        self.connect_button = _big_button("Connect to a hub", "For a new desk: paste the "
                                          "token the organisers give you.")
        self.connect_button.clicked.connect(lambda: self.pages.setCurrentIndex(2))
        self.demo_button = _big_button("Try the demo event", "A made-up conference to "
                                       "practise on. Nothing done there is real.")
        self.demo_button.clicked.connect(self.try_demo)
        grid = QGridLayout()
        grid.addWidget(self.open_button, 0, 0)
        grid.addWidget(self.create_button, 0, 1)
        grid.addWidget(self.connect_button, 1, 0)
        grid.addWidget(self.demo_button, 1, 1)
        layout.addLayout(grid)
        self.others = QListWidget()
        self.others.setAccessibleName("Other event files opened here")
        self.others.setMaximumHeight(150)
        for path in self.recent[1:]:
            self.others.addItem(str(path))
        self.others.itemActivated.connect(lambda item: self.open_file(Path(item.text())))
        if self.recent[1:]:
            layout.addWidget(QLabel("Other event files opened on this computer (double-click "
                                    "to open):"))
            layout.addWidget(self.others)
            layout.addStretch(1)
        else:
            self.others.hide()
            layout.addStretch(1)
        self.home_message = QLabel("")
        self.home_message.setWordWrap(True)
        self.home_message.setAccessibleName("Problem")
        self.home_message.setStyleSheet(_PROBLEM)
        layout.addWidget(self.home_message)
        return page

    def _create_page(self) -> QWidget:
        page = QWidget()
        self.new_name = _field("Event name", placeholder="Together Against Trafficking 2026")
        self.new_name.textEdited.connect(self._suggest_location)
        self.new_date = _field("Date", placeholder="year-month-day, like 2026-11-28")
        self.new_venue = _field("Venue")
        self.new_location = _field("Save the event file as",
                                   str(self._folder / "event.db"))
        self.new_location.textEdited.connect(self._on_location_edited)
        browse = QPushButton("Choose…")
        browse.clicked.connect(lambda: self._choose_save_file(self.new_location))
        self.create_event_button = QPushButton("Create the event and open it")
        self.create_event_button.setMinimumHeight(44)
        self.create_event_button.clicked.connect(self.create_event)
        back = QPushButton("Back")
        back.setMinimumHeight(44)
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.create_message = QLabel("")
        self.create_message.setWordWrap(True)
        self.create_message.setAccessibleName("Problem")
        self.create_message.setStyleSheet(_PROBLEM)
        where = QHBoxLayout()
        where.addWidget(self.new_location, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("Name", self.new_name)
        form.addRow("Date", self.new_date)
        form.addRow("Venue", self.new_venue)
        form.addRow("Save as", where)
        buttons = QHBoxLayout()
        buttons.addWidget(back)
        buttons.addStretch(1)
        buttons.addWidget(self.create_event_button)
        layout = QVBoxLayout(page)
        heading = QLabel("Create a new event")
        heading.setFont(scaled_font(16, bold=True))
        layout.addWidget(heading)
        layout.addWidget(QLabel("This copy of the event holds its signing key: only it can make "
                                "tickets. Keep it safe and give desks a desk copy."))
        layout.addLayout(form)
        layout.addWidget(self.create_message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    def _connect_page(self) -> QWidget:
        page = QWidget()
        self.desk_location = _field("Save this desk's event file as",
                                    str(self._folder / "desk.db"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(lambda: self._choose_save_file(self.desk_location))
        self.token = _field("Enrolment token", placeholder="kiosk:…")
        self.enrol_button = QPushButton("Connect and open the desk")
        self.enrol_button.setMinimumHeight(44)
        self.enrol_button.clicked.connect(self.connect_to_hub)
        back = QPushButton("Back")
        back.setMinimumHeight(44)
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.connect_message = QLabel("")
        self.connect_message.setWordWrap(True)
        self.connect_message.setAccessibleName("Problem")
        where = QHBoxLayout()
        where.addWidget(self.desk_location, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("Save as", where)
        form.addRow("Token", self.token)
        buttons = QHBoxLayout()
        buttons.addWidget(back)
        buttons.addStretch(1)
        buttons.addWidget(self.enrol_button)
        layout = QVBoxLayout(page)
        heading = QLabel("Connect this desk to a hub")
        heading.setFont(scaled_font(16, bold=True))
        layout.addWidget(heading)
        intro = QLabel("Paste (or scan) the token shown in the organisers' console, under Desks "
                       "and hub. It starts with “kiosk:”, works once and expires after 15 "
                       "minutes. The desk then receives the registrations from the hub.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.connect_message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    # -- what each choice does --------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        for button in (self.open_button, self.create_button, self.connect_button,
                       self.demo_button, self.create_event_button, self.enrol_button,
                       self.last_button):
            if button is not None:
                button.setEnabled(not busy)

    def _finish(self, message: QLabel) -> Callable[[Opened], None]:
        def then(opened: Opened) -> None:
            self._busy(False)
            if opened.path is None:
                message.setStyleSheet(_PROBLEM)
                message.setText("⚠ " + opened.problem)
                self.problem_shown.emit(opened.problem)
                return
            event_files.remember_event(opened.path, self._config)
            self.event_chosen.emit(str(opened.path))

        return then

    def _start(self, work: Callable[[], Opened], message: QLabel, waiting: str = "") -> None:
        self._busy(True)
        message.setStyleSheet("")
        message.setText(waiting)
        self._background.run(work, self._finish(message))

    def choose_file(self) -> None:
        dialog = QFileDialog(self, "Open an event file", str(self._folder),
                             "Event files (*.db);;All files (*)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.open_file(Path(name)))
        dialog.open()

    def open_file(self, path: Path) -> None:
        self._start(lambda: event_files.check_event_file(path), self.home_message)

    def try_demo(self) -> None:
        self._start(lambda: event_files.open_demo(self._demo), self.home_message,
                    "Making the demo event…")

    def _on_location_edited(self) -> None:
        self._location_edited = True

    def _suggest_location(self, name: str) -> None:
        """Name the file after the event until the organiser chooses a name themselves."""
        if not self._location_edited:
            folder = Path(self.new_location.text()).parent
            self.new_location.setText(str(folder / f"{_slug(name)}.db"))

    def _choose_save_file(self, field: QLineEdit) -> None:
        dialog = QFileDialog(self, "Save the event file as", field.text(),
                             "Event files (*.db)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("db")
        dialog.fileSelected.connect(field.setText)
        dialog.fileSelected.connect(self._on_location_edited)
        dialog.open()

    def create_event(self) -> None:
        name, when = self.new_name.text(), self.new_date.text()
        venue, location = self.new_venue.text(), self.new_location.text()
        self._start(lambda: event_files.new_event(name, when, venue, location),
                    self.create_message, "Creating the event…")

    def connect_to_hub(self) -> None:
        location, token = self.desk_location.text(), self.token.text()
        self._start(lambda: event_files.enrol_desk(location, token), self.connect_message,
                    "Connecting to the hub…")

    def closeEvent(self, event: Any) -> None:
        self._background.wait(10.0)  # a half-made event file is cleaned up before exit
        super().closeEvent(event)


def render_first_run_screenshot(out_png: str | Path, config_folder: Path | None = None) -> int:
    """Show the first-run window, save it to ``out_png``; 0 when saved."""
    import sys

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication(sys.argv[:1])
    window = FirstRunWindow(config_folder)
    window.show()
    loop = QEventLoop()
    QTimer.singleShot(200, loop.quit)
    loop.exec()
    saved = window.grab().save(str(out_png))
    window.close()
    window.deleteLater()
    if not saved:
        print(f"kiosk: the first-run window could not be rendered to {out_png}.",
              file=sys.stderr)
        return 1
    return 0
