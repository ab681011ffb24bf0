"""The desk's one writer: a thread that owns the event file; the window only sends requests.

Every read and write of the event happens here, in order, so the UI thread never waits on
the disk. Results come back as signals, delivered on the UI thread.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QMetaObject,
    QObject,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)

from kiosk.core.models import Event
from kiosk.services.desk import Desk, DeskError, usable_checkpoint
from kiosk.services.desk_settings import DeskSettings
from kiosk.store import queries
from kiosk.store.backups import backup_due, take_backup
from kiosk.store.database import DatabaseFault, EventFileError
from kiosk.store.event_store import EventStore

if TYPE_CHECKING:  # loaded after the desk is ready: they pull in the HTTP and PDF stacks
    from kiosk.printing import PrintWorker
    from kiosk.services.print_service import PrintService
    from kiosk.services.syncer import Syncer

# Rolling snapshots of the event file while the desk is open (and one on close).
BACKUP_EVERY_S = 300


@dataclass(frozen=True)
class DeskOpened:
    event: Event
    settings: dict[str, Any]
    checkpoint_name: str
    workshop: str | None
    checked_in: int
    expected: int
    has_pin: bool
    checkpoints: list[tuple[str, str]]
    notice: str = ""  # something the volunteer should know on opening (in words)


def _plain(exc: Exception) -> str:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "The event file is busy (another program has it open). This was not saved: " \
               "try again in a moment."
    if "disk" in text or "full" in text:
        return "The disk is full, so this was not saved. Ask staff to free some space."
    return "Something went wrong and this was not saved. Try again, or ask staff."


class DeskWorker(QObject):
    opened = Signal(object)
    open_failed = Signal(str)
    scan_decided = Signal(object)
    search_found = Signal(int, object)
    undone = Signal(object)
    attendee_saved = Signal(object)
    counts_changed = Signal(int, int)
    fault = Signal(str)
    pin_checked = Signal(int, int)  # (request, 1 if the PIN is right else 0)
    exact_found = Signal(object)
    sample_ready = Signal(object)
    print_requested = Signal(object)  # PrintRequest: what became of asking for a badge
    print_changed = Signal(object)  # JobEvent from the print worker's thread
    sync_changed = Signal(object)  # SyncStatus, every few seconds when connected to a hub
    hub_connected = Signal(str)
    _synced = Signal(int)  # changes pulled in a round (from the sync thread)
    checkpoint_moved = Signal(str, str)  # (checkpoint now, why): this desk's was removed
    settings_saved = Signal(object, int)  # (settings, 1 if a PIN is set)

    def __init__(self, event_path: str, mode: str | None = None) -> None:
        super().__init__()
        self._path = event_path
        self._mode = mode
        self._store: EventStore | None = None
        self._desk: Desk | None = None
        self._settings: DeskSettings | None = None
        self._cached_counts: tuple[int, int] | None = None
        self._recount: QTimer | None = None
        self._printing: PrintService | None = None
        self._print_worker: PrintWorker | None = None
        self._syncer: Syncer | None = None
        self._sync_stop = threading.Event()
        self._sync_thread: threading.Thread | None = None
        self._sync_timer: QTimer | None = None
        self._backups: threading.Thread | None = None

    @Slot()
    def open(self) -> None:
        try:
            self._store = EventStore.open(self._path, background_checkpoints=True)
            self._settings = DeskSettings(self._store)
            settings = self._settings.snapshot()
            if self._mode:
                settings["mode"] = self._mode
            checkpoint, notice = usable_checkpoint(self._store, settings["checkpoint"])
            if settings["mode"] == "door" and checkpoint == "main":
                doors = [c for c in queries.list_checkpoints(self._store.conn) if c.session_id]
                if not doors:
                    raise DeskError("Workshop door mode needs a workshop door checkpoint. "
                                    "Add one in Settings or with `kiosk checkpoints`.")
                checkpoint = doors[0].id
            self._desk = Desk(self._store, settings["desk_name"], settings["operator"],
                              checkpoint)
            event = queries.get_event(self._store.conn)
            if event is None:
                raise EventFileError(f"{self._path} has no event in it yet.")
            checked_in, expected = self._counts()
            self._cached_counts = (checked_in, expected)
            self._recount = QTimer(self)  # created here: it lives in the writer thread
            self._recount.setSingleShot(True)
            self._recount.setInterval(3000)
            self._recount.timeout.connect(self._on_recount_due)
            self.opened.emit(DeskOpened(
                event, settings, self._desk.checkpoint.name,
                self._desk.session.name if self._desk.session else None,
                checked_in, expected, self._settings.has_pin(),
                [(c.id, c.name) for c in queries.list_checkpoints(self._store.conn)], notice))
            # Ready to scan first; printing, sync and backups start behind it.
            self._start_printing(settings)
            self._start_sync()
            self._backups = threading.Thread(target=self._back_up_every_few_minutes,
                                             name="kiosk-backups", daemon=True)
            self._backups.start()
        except (EventFileError, DeskError, DatabaseFault) as exc:
            self.open_failed.emit(str(exc) if not isinstance(exc, DatabaseFault)
                                  else _plain(exc))

    def _start_sync(self) -> None:
        """When this desk is connected to a hub, sync on a thread of its own (with its own
        connection to the event file); the header hears how it is going every two seconds."""
        from kiosk.services.syncer import Syncer, SyncState

        if self._sync_timer is None:
            self._synced.connect(self._on_synced)
            self._sync_timer = QTimer(self)
            self._sync_timer.setInterval(2000)
            self._sync_timer.timeout.connect(self._report_sync)
            self._sync_timer.start()
        if self._sync_thread is not None and self._sync_thread.is_alive():
            return
        probe = Syncer(self._store) if self._store is not None else None
        if probe is None or probe.status.state is SyncState.NOT_CONNECTED:
            self._report_sync()
            return
        self._sync_thread = threading.Thread(target=self._sync_forever, name="kiosk-sync",
                                             daemon=True)
        self._sync_thread.start()

    def _back_up_every_few_minutes(self) -> None:
        """Rolling snapshots (VACUUM INTO) on their own connection and thread."""
        while not self._sync_stop.wait(BACKUP_EVERY_S):
            try:
                if backup_due(self._path, BACKUP_EVERY_S):
                    take_backup(self._path)
            except (OSError, DatabaseFault):
                self.fault.emit("A backup of the event file could not be made. Check that "
                                "the disk has space; check-ins go on.")

    def _sync_forever(self) -> None:
        from kiosk.services.syncer import Syncer

        store = EventStore.open(self._path)
        try:
            self._syncer = Syncer(store)
            self._syncer.nudge()
            self._syncer.run(self._sync_stop,
                             on_round=lambda report: self._synced.emit(report.pulled))
            self._syncer.close()
        finally:
            store.close()

    @Slot(str)
    def connect_hub(self, token: str) -> None:
        """“Connect to hub”: spend an enrolment token, then start syncing."""
        from kiosk.services.syncer import sync_errors
        from kiosk.sync.enrolment import connect_desk

        if self._store is None:
            return
        try:
            link = connect_desk(self._store, token.strip())
        except sync_errors() as exc:
            self.fault.emit(str(exc))
            return
        self.hub_connected.emit(f"Connected to the hub at {link.url} as “{link.desk_name}”.")
        self._start_sync()

    @Slot(int)
    def _on_synced(self, pulled: int) -> None:
        if pulled and self._recount is not None and not self._recount.isActive():
            self._recount.start(200)  # other desks' check-ins: update the counts soon

    @Slot()
    def _report_sync(self) -> None:
        if self._syncer is not None:
            self.sync_changed.emit(self._syncer.status)
            if self._syncer.status.state.value == "wiped" and self._print_worker is not None:
                self._print_worker.stop(timeout=5.0)  # no badge, with its name, after a wipe
                self._print_worker = None
        else:
            self.sync_changed.emit(None)

    def _start_printing(self, settings: dict[str, Any]) -> None:
        """Badges print on their own thread; this thread only queues them."""
        from kiosk.services.print_service import (
            PrintService,
            badge_folder,
            desk_printers,
            print_worker,
        )

        assert self._store is not None
        printers = desk_printers(badge_folder(self._path))
        self._print_worker = print_worker(self._path, printers, self.print_changed.emit)
        self._printing = PrintService(self._store, printers, settings["operator"],
                                      self_service=settings["mode"] == "self",
                                      wake=self._print_worker.wake)
        self._print_worker.start()

    def _auto_print(self, result: object) -> None:
        if self._printing is None:
            return
        request = self._printing.on_checked_in(result)
        if request.outcome.value != "skipped":
            self.print_requested.emit(request)

    @Slot(str, str, int)
    def print_badge(self, attendee_id: str, reason: str, supervisor: int) -> None:
        if self._printing is None:
            return
        try:
            self.print_requested.emit(self._printing.print_badge(
                attendee_id, reason=reason, supervisor_approved=bool(supervisor)))
        except DatabaseFault as exc:
            self.fault.emit(_plain(exc))

    def _counts(self) -> tuple[int, int]:
        assert self._store is not None and self._desk is not None
        if self._desk.session is not None:
            from kiosk.store import checkins
            return (checkins.attendance(self._store.conn, self._desk.checkpoint.id),
                    self._desk.session.capacity or 0)
        return queries.attendance_counts(self._store.conn)

    def _after_write(self, result: object = None) -> None:
        """Keep the header's counts current without a full count per scan (that costs more
        than the scan at 100,000 attendees): adjust now, recount in the background soon."""
        if self._cached_counts is None:
            self._cached_counts = self._counts()
        checked_in, expected = self._cached_counts
        outcome = getattr(result, "outcome", None)
        if outcome is not None and outcome.value == "ok":
            checked_in += 1
        elif getattr(result, "undone", False):
            checked_in = max(0, checked_in - 1)
        self._cached_counts = (checked_in, expected)
        self.counts_changed.emit(checked_in, expected)
        if self._syncer is not None:
            self._syncer.nudge()  # send it to the hub now, not at the next round
        if self._recount is not None and not self._recount.isActive():
            self._recount.start()

    def _follow_removed_checkpoint(self) -> None:
        """The organisers removed this desk's checkpoint (it came in by sync): carry on at
        the main desk at once, so no check-in is made at a checkpoint that is gone."""
        assert self._store is not None and self._desk is not None
        current = self._desk.checkpoint.id
        checkpoint, notice = usable_checkpoint(self._store, current)
        if checkpoint == current:
            return
        self._desk = Desk(self._store, self._desk.desk_name, self._desk.operator, checkpoint)
        self.checkpoint_moved.emit(self._desk.checkpoint.name, notice)

    @Slot()
    def _on_recount_due(self) -> None:
        if self._store is None:
            return
        try:
            if self._desk is not None:
                self._follow_removed_checkpoint()
            self._cached_counts = self._counts()
            self.counts_changed.emit(*self._cached_counts)
        except DatabaseFault:
            pass  # the next write tries again

    @Slot(str)
    def scan(self, raw: str) -> None:
        if self._desk is None:
            return
        try:
            result = self._desk.scan(raw)
            self.scan_decided.emit(result)
            self._auto_print(result)
            self._after_write(result)
        except DatabaseFault as exc:
            self.fault.emit(_plain(exc))

    @Slot(str, str)
    def check_in(self, attendee_id: str, override: str) -> None:
        if self._desk is None:
            return
        try:
            result = self._desk.check_in(attendee_id, override=override)
            self.scan_decided.emit(result)
            self._auto_print(result)
            self._after_write(result)
        except DatabaseFault as exc:
            self.fault.emit(_plain(exc))

    @Slot(int, str)
    def search(self, request: int, text: str) -> None:
        if self._desk is None:
            return
        try:
            self.search_found.emit(request, self._desk.search(text))
        except DatabaseFault as exc:
            self.fault.emit(_plain(exc))

    @Slot()
    def undo(self) -> None:
        if self._desk is None:
            return
        try:
            result = self._desk.undo()
            self.undone.emit(result)
            self._after_write(result)
        except DatabaseFault as exc:
            self.fault.emit(_plain(exc))

    @Slot(object)
    def walk_in(self, form: dict[str, str]) -> None:
        if self._desk is None:
            return
        try:
            result = self._desk.walk_in(**form)
            self.scan_decided.emit(result)
            self._auto_print(result)
            self._after_write(result)
        except DeskError as exc:
            self.fault.emit(str(exc))
        except DatabaseFault as exc:
            self.fault.emit(_plain(exc))

    @Slot(str, object)
    def edit(self, attendee_id: str, changes: dict[str, str]) -> None:
        if self._desk is None:
            return
        try:
            self.attendee_saved.emit(self._desk.edit(attendee_id, **changes))
        except DeskError as exc:
            self.fault.emit(str(exc))
        except DatabaseFault as exc:
            self.fault.emit(_plain(exc))

    @Slot(int, str)
    def check_pin(self, request: int, pin: str) -> None:
        """The slow PIN hash runs here, never on the UI thread."""
        ok = self._settings.check_pin(pin) if self._settings else False
        self.pin_checked.emit(request, int(ok))

    @Slot(str, str)
    def find_exact(self, first_name: str, last_name: str) -> None:
        """Self check-in: one exact match or nothing — never a list of other people."""
        if self._desk is None:
            return
        try:
            self.exact_found.emit(self._desk.find_exact(first_name, last_name))
        except DatabaseFault as exc:
            self.fault.emit(_plain(exc))

    @Slot(str)
    def sample(self, state: str) -> None:
        """A result to show for a screenshot, built from real data without writing."""
        if self._desk is None:
            return
        self.sample_ready.emit(self._desk.sample_result(state))

    @Slot(object, str)
    def save_settings(self, values: dict[str, Any], pin: str) -> None:
        if self._settings is None:
            return
        try:
            for key, value in values.items():
                self._settings[key] = value
            if pin:
                self._settings.set_pin(pin)
            self.settings_saved.emit(self._settings.snapshot(), int(self._settings.has_pin()))
        except (ValueError, DatabaseFault) as exc:
            self.fault.emit(str(exc) if isinstance(exc, ValueError) else _plain(exc))

    @Slot()
    def close(self) -> None:
        if self._recount is not None:
            self._recount.stop()
        if self._print_worker is not None:
            self._print_worker.stop(timeout=5.0)
            self._print_worker = None
        if self._sync_timer is not None:
            self._sync_timer.stop()
        self._sync_stop.set()
        if self._syncer is not None:
            self._syncer.nudge()
        if self._sync_thread is not None:
            self._sync_thread.join(timeout=5.0)
        if self._store is not None:
            with contextlib.suppress(OSError, DatabaseFault):
                take_backup(self._path)  # one on close, too
        if self._store is not None:
            self._store.close()
            self._store = None
        self._desk = None


class DeskClient(QObject):
    """The window's handle on the worker: each call is queued to the worker's thread."""

    _open = Signal()
    _scan = Signal(str)
    _check_in = Signal(str, str)
    _search = Signal(int, str)
    _undo = Signal()
    _walk_in = Signal(object)
    _edit = Signal(str, object)
    _check_pin = Signal(int, str)
    _find_exact = Signal(str, str)
    _sample = Signal(str)
    _save_settings = Signal(object, str)
    _print_badge = Signal(str, str, int)
    _connect_hub = Signal(str)

    def __init__(
        self, event_path: str, mode: str | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._event_path = event_path
        self.worker = DeskWorker(event_path, mode)
        self._thread = QThread(self)
        self._thread.setObjectName("desk-writer")
        self.worker.moveToThread(self._thread)
        self._open.connect(self.worker.open)
        self._scan.connect(self.worker.scan)
        self._check_in.connect(self.worker.check_in)
        self._search.connect(self.worker.search)
        self._undo.connect(self.worker.undo)
        self._walk_in.connect(self.worker.walk_in)
        self._edit.connect(self.worker.edit)
        self._check_pin.connect(self.worker.check_pin)
        self._find_exact.connect(self.worker.find_exact)
        self._sample.connect(self.worker.sample)
        self._save_settings.connect(self.worker.save_settings)
        self._print_badge.connect(self.worker.print_badge)
        self._connect_hub.connect(self.worker.connect_hub)
        self.worker.pin_checked.connect(self._on_pin_checked)
        self._pin_callbacks: dict[int, Callable[[bool], None]] = {}
        self._thread.start()
        self._searches = 0
        app = QCoreApplication.instance()
        if app is not None:  # however the app ends, the writer finishes and closes the file
            app.aboutToQuit.connect(self.shutdown)

    @property
    def event_path(self) -> str:
        return self._event_path

    def open(self) -> None:
        self._open.emit()

    def scan(self, raw: str) -> None:
        self._scan.emit(raw)

    def check_in(self, attendee_id: str, override: str = "") -> None:
        self._check_in.emit(attendee_id, override)

    def search(self, text: str) -> int:
        """Ask for people matching ``text``; answers to older requests can be ignored."""
        self._searches += 1
        self._search.emit(self._searches, text)
        return self._searches

    @property
    def latest_search(self) -> int:
        return self._searches

    def undo(self) -> None:
        self._undo.emit()

    def walk_in(self, form: dict[str, str]) -> None:
        self._walk_in.emit(form)

    def edit(self, attendee_id: str, changes: dict[str, str]) -> None:
        self._edit.emit(attendee_id, changes)

    def check_pin(self, pin: str, then: Callable[[bool], None]) -> None:
        self._searches += 1
        self._pin_callbacks[self._searches] = then
        self._check_pin.emit(self._searches, pin)

    def _on_pin_checked(self, request: int, ok: int) -> None:
        callback = self._pin_callbacks.pop(request, None)
        if callback is not None:
            callback(bool(ok))

    def find_exact(self, first_name: str, last_name: str) -> None:
        self._find_exact.emit(first_name, last_name)

    def sample(self, state: str) -> None:
        self._sample.emit(state)

    def connect_hub(self, token: str) -> None:
        self._connect_hub.emit(token)

    def print_badge(self, attendee_id: str, reason: str = "", supervisor: bool = False) -> None:
        self._print_badge.emit(attendee_id, reason, int(supervisor))

    def save_settings(self, values: dict[str, Any], pin: str = "") -> None:
        self._save_settings.emit(values, pin)

    def shutdown(self) -> None:
        """Close the event file in the writer thread, then stop the thread (in that order)."""
        if not self._thread.isRunning():
            return
        QMetaObject.invokeMethod(self.worker, "close", Qt.ConnectionType.BlockingQueuedConnection)
        self._thread.quit()
        self._thread.wait(5000)
