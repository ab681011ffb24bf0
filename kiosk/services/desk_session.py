"""The desk without Qt: open a desk on an event file, scan, check in, print, sync, back up.

A :class:`DeskSession` is what a desk window, ``kiosk checkin`` and the bench drive. Each
action is one call that blocks until it is done (a window calls it off its UI thread). A
scan is one write through the event file's door: the decision is taken inside the write
transaction, with the check-in and its badge's print job, so two desks on one file can never
both say "ok" for one ticket. The counts follow the changes the door announces; the print
worker, the syncer and the rolling backups run on threads of their own, through the door.
"""

from __future__ import annotations

import contextlib
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.badges import LayoutInfo, bundled_layouts
from kiosk.core import tickets
from kiosk.core.changes import ChangeKind
from kiosk.core.changes import self_checkin as self_checkin_changes
from kiosk.core.checkin_rules import Outcome
from kiosk.core.find_me import wait_before_next_try
from kiosk.core.models import MAIN_CHECKPOINT_ID, Attendee, Event
from kiosk.core.refusal import Refusal
from kiosk.core.text import count_people
from kiosk.printing import (
    PDF_FOLDER,
    BadgeUnavailable,
    JobEvent,
    PrinterDirectory,
    PrintJobStatus,
    PrintWorker,
    SubmitOutcome,
)
from kiosk.printing.messages import for_printer, printer_missing, printer_paused
from kiosk.printing.printer import PrinterInfo
from kiosk.services.desk import Desk, DeskError, ScanResult, UndoResult, usable_checkpoint
from kiosk.services.desk_settings import DeskSettings
from kiosk.services.event_access import REBUILT
from kiosk.services.faults import EventFileFault, Fault, as_fault
from kiosk.services.print_service import (
    PrintOutcome,
    PrintRequest,
    PrintService,
    PrintSettings,
    badge_folder,
    desk_printers,
    print_test_page,
    print_worker,
)
from kiosk.store import checkins, print_jobs, queries, self_checkin
from kiosk.store.backups import (
    Backup,
    backup_due,
    list_backups,
    remove_leftovers,
    take_backup,
)
from kiosk.store.database import DatabaseFault, EventFileError
from kiosk.store.desk_lock import DeskLock, DeskLocked
from kiosk.store.event_file import EventFile, Priority
from kiosk.store.event_store import ELSEWHERE, EventReader, EventStore, Written

# Rolling snapshots of the event file while the desk is open (and one on close).
BACKUP_EVERY_S = 300
# Other desks' check-ins arrive in bursts: count again once a burst has settled, and at
# most once a second while changes keep coming (an import's batches: each count reads the
# whole list, on the same two cores as the import).
RECOUNT_AFTER_S = 0.3
RECOUNT_EVERY_S = 1.0

_COUNTED_KINDS = frozenset({ChangeKind.CHECKIN, ChangeKind.CHECKIN_VOID, ChangeKind.ATTENDEE_UPSERT,
                            ChangeKind.ATTENDEE_EDIT, ChangeKind.WALKIN,
                            ChangeKind.ATTENDEE_MERGE})
_CHECKPOINT_KINDS = frozenset({ChangeKind.CHECKPOINT_REMOVE, ChangeKind.CHECKPOINT_UPSERT,
                               ChangeKind.SESSION_UPSERT, ChangeKind.SESSION_REMOVE})


class DeskOpenFailed(Refusal):
    """The desk cannot open on this file; the message says why and what to do."""


@dataclass(frozen=True)
class DamagedFile:
    """The event file cannot be read. Instead of opening it, the desk says so and offers
    to restore ``backup``: the newest snapshot that reads (None when there is none)."""

    message: str
    backup: Backup | None

    @property
    def advice(self) -> str:
        if self.backup is None:
            return (f"{self.message} No backup of it that can be read was found on this "
                    "computer: ask staff.")
        backup = self.backup
        taken = backup.taken_at.replace("T", " ")[:16]
        return (f"{self.message} The newest good backup, of {taken}, holds "
                f"{count_people(backup.attendees or 0)} and {backup.checkins} check-in(s); "
                "check-ins made after it come back when the desk syncs.")


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


@dataclass(frozen=True)
class DeskAnswer:
    """A scan's or check-in's answer and what became of its badge (both from one write):
    ``badge_exists`` says the person has a badge now (printed, or queued by this answer),
    so a second one is a reprint."""

    result: ScanResult
    printing: PrintRequest | None = None
    badge_exists: bool = False


@dataclass(frozen=True)
class PrintChoices:
    """What Settings offers for printing: the printers (as ``kiosk printers`` lists them,
    with their state), the bundled badge layouts, this desk's choices, and the printer
    badges go to now (the choice, else the system's default, else the PDF folder)."""

    printers: list[PrinterInfo]
    layouts: list[LayoutInfo]
    settings: PrintSettings
    in_use: str


@dataclass(frozen=True)
class PrinterInUse:
    """The printer badges go to, for the desk's status line: its name, whether it is the
    PDF folder (nothing comes out on paper), and why it cannot print now ("" when it can)."""

    name: str
    pdf_folder: bool
    problem: str


@dataclass(frozen=True)
class FindMeAnswer:
    """Self check-in's "find me": the check-in when the name and the second detail found
    one person; otherwise nothing more than how long the kiosk now waits. A wrong detail,
    a name nobody has and two people alike all come back the same."""

    answer: DeskAnswer | None = None
    wait_s: int = 0  # seconds before this kiosk takes another try (0: at once)


# Said at the kiosk, and refused in Settings, when self check-in has no supervisor PIN:
# without one, nobody could be kept from closing the kiosk and reaching the desk behind it.
SELF_CHECKIN_NEEDS_PIN = ("This kiosk needs a supervisor PIN before it can run self check-in; "
                          "ask staff.")
SELF_MODE_NEEDS_PIN = ("Self check-in needs a supervisor PIN, so that only staff can close "
                       "the kiosk. Set a new supervisor PIN first, then choose self check-in.")


def _ignore(*_: Any) -> None:
    return None


_CODE_RUN = re.compile(r"[0-9A-Za-z]{10,}")


def looks_like_a_ticket_code(text: str) -> bool:
    """Whether a name (or any field a badge prints) holds a ticket code: one of our codes
    anywhere in it, in either case, or a run of ten or more letters and digits with five
    digits or more, as imported barcodes are. Names, even very long ones, hold no such run:
    a code pasted into a name, or typed into it by a scanner, must never become a name."""
    for run in _CODE_RUN.findall(text):
        upper = run.upper()
        for start in range(len(upper) - 1):
            if upper.startswith(tickets.TICKET_PREFIX, start) and tickets.looks_like_ticket(
                    upper[start:start + tickets.TICKET_LENGTH]):
                return True
            if upper.startswith(tickets.WALKIN_PREFIX, start) and tickets.looks_like_walkin(
                    upper[start:start + tickets.WALKIN_LENGTH]):
                return True
        if sum(character.isdigit() for character in run) >= 5:
            return True
    return False


@dataclass
class DeskListeners:
    """What a desk tells whoever shows it, from any thread (a window hands it to its own)."""

    counts_changed: Callable[[int, int], None] = _ignore
    print_changed: Callable[[JobEvent], None] = _ignore
    sync_changed: Callable[[Any], None] = _ignore  # SyncStatus, or None when not connected
    checkpoint_moved: Callable[[str, str], None] = _ignore  # (checkpoint now, why)
    fault: Callable[[str], None] = _ignore


@dataclass
class _Workers:
    printing: PrintWorker | None = None
    syncer: Any = None  # Syncer, loaded once the desk is ready (it brings the HTTP stack)
    sync_thread: threading.Thread | None = None
    backups: threading.Thread | None = None
    stop: threading.Event = field(default_factory=threading.Event)


class DeskSession:
    """One desk (staffed, self check-in or workshop door) open on an event file."""

    def __init__(
        self, event: EventFile, desk: Desk, settings: DeskSettings, opened: DeskOpened,
        printing: PrintService, lock: DeskLock | None, listeners: DeskListeners,
    ) -> None:
        self.event = event
        self.opened = opened
        self.listeners = listeners
        self._desk = desk
        self._settings = settings
        self._printing = printing
        self._lock = lock
        self._counts = (opened.checked_in, opened.expected)
        self._counts_lock = threading.Lock()
        self._recount: threading.Timer | None = None
        self._checkpoints_changed = False  # the next recount looks at the desk's checkpoint
        self._counted_here: set[str] = set()  # check-ins this desk counted as it made them
        self._last_recount = -RECOUNT_EVERY_S  # time.monotonic() when the last one began
        self._workers = _Workers()
        self._closed = False
        # Whether an "ok" prints its badge: None follows the desk's setting; the command line
        # sets it from --print.
        self.auto_print: bool | None = None
        self._unsubscribe = event.subscribe(self._on_written)

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open_or_damaged(
        cls, path: str | Path, mode: str | None = None,
        listeners: DeskListeners | None = None, printers: PrinterDirectory | None = None,
    ) -> DeskSession | DamagedFile:
        """Open the desk, or, when its file is damaged, say so with the backup a volunteer
        can restore from the desk (any other fault is raised, in plain words, as by open)."""
        try:
            return cls.open(path, mode, listeners, printers)
        except EventFileFault as exc:
            if exc.fault is not Fault.DAMAGED:
                raise
            readable = [b for b in list_backups(path) if b.attendees is not None]
            return DamagedFile(str(exc), readable[0] if readable else None)

    @classmethod
    def open(
        cls, path: str | Path, mode: str | None = None,
        listeners: DeskListeners | None = None, printers: PrinterDirectory | None = None,
        now: Callable[[], datetime] = datetime.now, exclusive: bool = True,
        threaded: bool = True, overrides: dict[str, Any] | None = None,
    ) -> DeskSession:
        """Open the desk; raises DeskOpenFailed (in plain words) when it cannot.

        ``exclusive`` refuses a second desk on a file another desk on this computer has open
        (two desks sharing one file and one device would mistake each other's check-ins
        for their own). ``threaded`` is off for the command line: no writer thread.
        ``overrides`` replace settings for this session only (``desk_name``, ``operator``,
        ``checkpoint``), as the command line's options do."""
        # The file first: nothing (not even the desk's lock beside it) is made next to a file
        # that is no kiosk event file.
        try:
            event = EventFile.open(path, threaded=threaded)
        except (EventFileError, DatabaseFault, OSError) as exc:
            raise as_fault(exc, path) from exc
        lock = None
        try:
            if exclusive:
                lock = DeskLock.take(path)
            remove_leftovers(path)  # a backup killed half-way last time
        except DeskLocked as exc:
            event.close()
            raise DeskOpenFailed(str(exc)) from exc
        except OSError as exc:
            event.close()
            if lock is not None:
                lock.release()
            raise as_fault(exc, path) from exc
        try:
            return cls._open_on(event, mode, listeners or DeskListeners(), printers, now, lock,
                                overrides or {})
        except BaseException:
            event.close()
            if lock is not None:
                lock.release()
            raise

    @classmethod
    def _open_on(
        cls, event: EventFile, mode: str | None, listeners: DeskListeners,
        printers: PrinterDirectory | None, now: Callable[[], datetime], lock: DeskLock | None,
        overrides: dict[str, Any],
    ) -> DeskSession:
        def open_desk(store: EventStore) -> tuple[Desk, DeskSettings, DeskOpened]:
            settings = DeskSettings(store)
            # Asked for by name (``--mode self``): the attendee-facing kiosk. A desk whose
            # saved mode says self still opens when asked without a mode, so staff can
            # always reach Settings to set the PIN.
            if mode == "self" and not settings.has_pin():
                raise DeskError(SELF_CHECKIN_NEEDS_PIN)
            values = settings.snapshot()
            values.update({key: value for key, value in overrides.items() if value})
            if mode:
                values["mode"] = mode
            checkpoint, notice = usable_checkpoint(store, values["checkpoint"])
            if values["mode"] == "door" and checkpoint == MAIN_CHECKPOINT_ID:
                doors = [c for c in queries.list_checkpoints(store.conn) if c.session_id]
                if not doors:
                    raise DeskError("Workshop door mode needs a workshop door checkpoint. "
                                    "Add one in Settings or with `kiosk checkpoints`.")
                checkpoint = doors[0].id
            desk = Desk(store, values["desk_name"], values["operator"], checkpoint, now=now)
            found = queries.get_event(store.conn)
            if found is None:
                raise EventFileError(f"{Path(event.path).name} has no event in it yet.")
            checked_in, expected = _counts(store, desk)
            return desk, settings, DeskOpened(
                found, values, desk.checkpoint.name,
                desk.session.name if desk.session else None, checked_in, expected,
                settings.has_pin(),
                [(c.id, c.name) for c in queries.list_checkpoints(store.conn)], notice)
        try:
            desk, settings, opened = event.write(open_desk)
        except EventFileFault:
            raise
        except (EventFileError, DeskError) as exc:
            raise DeskOpenFailed(str(exc)) from exc
        except DatabaseFault as exc:
            raise as_fault(exc, event.path) from exc
        directory = printers or desk_printers(badge_folder(event.path))
        printing = PrintService(event, directory, opened.settings["operator"],
                                self_service=opened.settings["mode"] == "self",
                                at_door=desk.session is not None)
        return cls(event, desk, settings, opened, printing, lock, listeners)

    @property
    def printing(self) -> PrintService:
        return self._printing

    # -- the workers --------------------------------------------------------------------------

    def start_workers(self, printing: bool = True, sync: bool = True,
                      backups: bool = True) -> None:
        """Printing, sync and backups start once the desk is ready to scan, behind it."""
        if printing and self._workers.printing is None:
            self._printing.choose_printer(self.event)
            worker = print_worker(self.event, self._printing.printers,
                                  self.listeners.print_changed)
            self._printing.wake = worker.wake
            self._workers.printing = worker
            worker.start()
        if sync:
            self._start_sync()
        if backups and self._workers.backups is None:
            self._workers.backups = threading.Thread(
                target=self._back_up_every_few_minutes, name="kiosk-backups", daemon=True)
            self._workers.backups.start()

    def _start_sync(self) -> None:
        from kiosk.services.syncer import Syncer, SyncState

        thread = self._workers.sync_thread
        if thread is not None and thread.is_alive():
            return
        syncer = Syncer.on(self.event)
        if syncer.status.state is SyncState.NOT_CONNECTED:
            self.listeners.sync_changed(None)
            return
        self._workers.syncer = syncer
        self._workers.sync_thread = threading.Thread(target=self._sync_forever, args=(syncer,),
                                                     name="kiosk-sync", daemon=True)
        self._workers.sync_thread.start()

    def _sync_forever(self, syncer: Any) -> None:
        syncer.on_status = self._on_sync_status
        syncer.nudge()
        try:
            syncer.run(self._workers.stop)
        except EventFileError:
            if not self._workers.stop.is_set():
                raise
            # The desk closed while a long poll was out: nothing left to write to.
        finally:
            syncer.close()

    def _on_sync_status(self, status: Any) -> None:
        if status.state.value == "wiped" and self._workers.printing is not None:
            worker, self._workers.printing = self._workers.printing, None
            threading.Thread(target=worker.stop, kwargs={"timeout": 5.0}, daemon=True).start()
        self.listeners.sync_changed(status)

    def sync_status(self) -> Any:
        syncer = self._workers.syncer
        return syncer.status if syncer is not None else None

    def _back_up_every_few_minutes(self) -> None:
        """Rolling snapshots from a read connection: the writer goes on meanwhile."""
        while not self._workers.stop.wait(BACKUP_EVERY_S):
            try:
                if backup_due(self.event.path, BACKUP_EVERY_S):
                    take_backup(self.event.path, event=self.event)
            except (OSError, DatabaseFault):
                self.listeners.fault("A backup of the event file could not be made. Check "
                                     "that the disk has space; check-ins go on.")

    # -- scanning and checking in -------------------------------------------------------------

    def scan(self, raw: str) -> DeskAnswer:
        """Decide on a code as a scanner, a camera or a person typed it; record the check-in
        and queue its badge in the same write."""
        return self._write_answer(lambda store: self._desk.scan(raw))

    def check_in(self, attendee_id: str, override: str = "",
                 method: str = "search") -> DeskAnswer:
        """Check in a person found by name (``override``: a supervisor's reason; ``method``
        how they were found, for the record: "search", or "undo taken back")."""
        return self._write_answer(lambda store: self._desk.check_in(
            attendee_id, override=override, method=method))

    def walk_in(self, form: dict[str, str]) -> DeskAnswer:
        """Register someone not on the list and check them in. Raises DeskError (also for a
        ticket code in a name)."""
        for key in ("first_name", "last_name", "badge_name", "organisation"):
            if looks_like_a_ticket_code(form.get(key, "")):
                raise DeskError("A name holds a ticket code. Type the person's name; scan "
                                "tickets with the walk-in form closed.")
        return self._write_answer(lambda store: self._desk.walk_in(**form))

    def _write_answer(self, decide: Callable[[EventStore], ScanResult]) -> DeskAnswer:
        answer = self.event.write(lambda store: self._answer(store, decide(store)),
                                  priority=Priority.INTERACTIVE)
        self._answered(answer)
        return answer

    def _answer(self, store: EventStore, result: ScanResult) -> DeskAnswer:
        """The badge for a result, queued in the same write (on the writer)."""
        if result.outcome is Outcome.OK and result.checkin_id is not None:
            with self._counts_lock:  # counted when the answer comes back (_after_write)
                self._counted_here.add(result.checkin_id)
        request = self._printing.after_check_in(store, result, auto=self.auto_print)
        exists = result.attendee is not None and print_jobs.has_badge(store.conn,
                                                                      result.attendee.id)
        return DeskAnswer(result, None if request.outcome is PrintOutcome.SKIPPED else request,
                          exists)

    def _answered(self, answer: DeskAnswer) -> None:
        if answer.printing is not None and answer.printing.outcome is PrintOutcome.QUEUED:
            self._printing.wake()
        self._after_write(answer.result)

    def undo(self, checkin_id: str | None = None) -> UndoResult:
        """Void one of this desk's last check-ins (the latest when none is named)."""
        result = self.event.write(lambda store: self._desk.undo(checkin_id))
        self._after_write(result)
        return result

    def edit(self, attendee_id: str, changes: dict[str, str]) -> Attendee:
        """Correct what goes on a badge. Raises DeskError."""
        return self.event.write(lambda store: self._desk.edit(attendee_id, **changes))

    def print_badge(self, attendee_id: str, reason: str = "",
                    supervisor: bool = False) -> PrintRequest:
        """Queue a badge (a second one is a reprint: it needs a reason)."""
        request = self.event.write(lambda store: self._printing.queue_badge(
            store, attendee_id, reason=reason, supervisor_approved=supervisor))
        if request.outcome is PrintOutcome.QUEUED:
            self._printing.wake()
        return request

    def has_badge(self, attendee_id: str) -> bool:
        """Whether this person has a badge (printed anywhere, or on its way here)."""
        return bool(self.event.read(lambda reader: print_jobs.has_badge(reader.conn,
                                                                        attendee_id)))

    def retry_badge(self, job_id: int) -> PrintRequest:
        """Print a failed badge again, on the printer the desk is set to now."""
        return self._printing.retry(job_id, self.printer_in_use().name)

    # -- the printer ----------------------------------------------------------------------------

    def print_choices(self) -> PrintChoices:
        """What Settings offers for printing (asks the print system: off the UI thread)."""
        return PrintChoices(self._printing.printers.printers(), bundled_layouts(),
                            self._printing.settings(), self._printing.printer_name())

    def printer_in_use(self) -> PrinterInUse:
        """The printer badges go to now, and whether it can print (asks the print system)."""
        name = self._printing.printer_name()
        found = self._printing.printers.find(name)
        problem = for_printer(found[1]) if found else printer_missing(name)
        return PrinterInUse(name, name == PDF_FOLDER, problem)

    def test_print(self, printer: str, layout: str) -> str:
        """Send a test page of ``layout``'s size to ``printer`` now (not queued, not
        recorded); what happened, in words."""
        try:
            submission = print_test_page(self._printing.printers, printer, layout)
        except BadgeUnavailable as error:
            return str(error)
        if submission.outcome in (SubmitOutcome.PRINTED, SubmitOutcome.SPOOLED):
            where = (f"saved as a PDF in {badge_folder(self.event.path).name}"
                     if printer == PDF_FOLDER else f"sent to “{printer}”")
            return f"Test page {where}. Check its edges and that its QR code scans."
        return submission.message or f"The test page could not be printed on “{printer}”."

    # -- finding people -------------------------------------------------------------------------

    def search(self, text: str) -> list[Attendee]:
        return self.event.read(lambda reader: self._desk.search(text, view=reader))

    def find_me(self, first_name: str, last_name: str, detail: str) -> FindMeAnswer:
        """Self check-in's "find me": check in the one person with this name (the surname
        may be blank) and this email address or booking reference, in one write with their
        badge. Anything else is a failure, recorded without what was typed; after a few in
        a row this kiosk makes each further try wait longer, and a try while it waits is
        not looked at."""
        def op(store: EventStore) -> FindMeAnswer:
            now = self._desk.now()
            waiting = wait_before_next_try(
                self_checkin.recent_failures(store.conn, store.device_id), now)
            if waiting:
                return FindMeAnswer(wait_s=_whole_seconds(waiting.total_seconds()))
            attendee = self._desk.find_exact(first_name, last_name, detail)
            if attendee is not None:
                return FindMeAnswer(self._answer(store, self._desk.check_in(attendee.id)))
            store.record(self_checkin_changes.find_me_failed(
                self._desk.desk_name, now.isoformat(timespec="seconds")))
            waiting = wait_before_next_try(
                self_checkin.recent_failures(store.conn, store.device_id), now)
            return FindMeAnswer(wait_s=_whole_seconds(waiting.total_seconds()))
        found = self.event.write(op, priority=Priority.INTERACTIVE)
        if found.answer is not None:
            self._answered(found.answer)
        return found

    def category_choices(self, current: str = "") -> tuple[tuple[str, str], ...]:
        """The event's categories as this desk offers them now (a discreet one by its badge
        label), with ``current`` (a person's own) among them: Event.desk_choices."""
        def choices(reader: EventReader) -> tuple[tuple[str, str], ...]:
            event = queries.get_event(reader.conn, logo=False)
            return event.desk_choices(current) if event is not None else ()
        return self.event.read(choices)

    def sample(self, state: str) -> ScanResult:
        """A result to show for a screenshot, built from real data without writing."""
        return self.event.read(lambda reader: self._desk.sample_result(state, view=reader))

    def sample_print_failure(self, attendee_id: str) -> JobEvent:
        """A badge that failed as a paused printer fails it, for a screenshot (nothing is
        written or sent)."""
        job = print_jobs.PrintJob(0, attendee_id, "cr80", "Reception", PrintJobStatus.FAILED,
                                  attempts=1, last_error=printer_paused("Reception",
                                                                        "out of paper"))
        return JobEvent(job)

    # -- settings -------------------------------------------------------------------------------

    def check_pin(self, pin: str) -> bool:
        """Whether ``pin`` is the supervisor PIN (never, when none is set): the slow hash,
        off the UI thread (and off the writer: it is a read)."""
        return bool(self.event.read(lambda reader: DeskSettings(reader).check_pin(pin)))

    def save_settings(self, values: dict[str, Any], pin: str = "") -> tuple[dict[str, Any], bool]:
        """Save desk settings (and a new PIN); raises ValueError with what is wrong, or
        DeskError when self check-in is chosen on a desk with no supervisor PIN."""
        def save(store: EventStore) -> tuple[dict[str, Any], bool]:
            settings = DeskSettings(store)
            if values.get("mode") == "self" and not pin and not settings.has_pin():
                raise DeskError(SELF_MODE_NEEDS_PIN)
            for key, value in values.items():
                settings[key] = value
            if pin:
                settings.set_pin(pin)
            return settings.snapshot(), settings.has_pin()
        saved = self.event.write(save)
        self._printing.operator = saved[0]["operator"]
        return saved

    def connect_hub(self, token: str) -> str:
        """“Connect to hub”: spend an enrolment token, then start syncing. Raises one of
        ``sync_errors()`` with what to do."""
        from kiosk.store import sync_state
        from kiosk.sync.enrolment import enrol_with_hub, enrolment_identity

        device_id, public = self.event.write(enrolment_identity)
        link, device_key = enrol_with_hub(token.strip(), device_id, public)  # the network
        self.event.write(lambda store: sync_state.save_hub_link(store, link, device_key))
        self._start_sync()
        return f"Connected to the hub at {link.url} as “{link.desk_name}”."

    # -- counts ---------------------------------------------------------------------------------

    def counts(self) -> tuple[int, int]:
        with self._counts_lock:
            return self._counts

    def _after_write(self, result: object) -> None:
        """This desk's own answer moves the count at once; a recount follows the change."""
        outcome = getattr(result, "outcome", None)
        with self._counts_lock:
            checked_in, expected = self._counts
            if outcome is not None and outcome.value == "ok":
                checked_in += 1
            elif getattr(result, "undone", False):
                checked_in = max(0, checked_in - 1)
            self._counts = (checked_in, expected)
        self.listeners.counts_changed(checked_in, expected)
        syncer = self._workers.syncer
        if syncer is not None:
            syncer.nudge()  # send it to the hub now, not at the next round

    def _on_written(self, written: Written) -> None:
        """Told by the door after each write (on the writer's thread: only schedule here).
        This desk's own check-ins moved the count already: only what came from elsewhere
        (another desk, an import, an edit) is counted again."""
        kinds = {change.kind for change in written.changes}
        with self._counts_lock:
            counted = [c.change_id for c in written.changes if c.kind in _COUNTED_KINDS]
            own = self._counted_here.issuperset(counted)
            self._counted_here.difference_update(counted)
        # Another program wrote to the file (`kiosk import` beside the desk): anything may
        # have changed, the desk's checkpoint too.
        checkpoints = bool(kinds & _CHECKPOINT_KINDS) or ELSEWHERE in written.local
        if (counted and not own) or checkpoints or REBUILT in written.local:
            self._schedule_recount(checkpoints)

    def _schedule_recount(self, checkpoints: bool) -> None:
        if not self.event.threaded:
            return  # the command line: no window keeps counts
        with self._counts_lock:
            self._checkpoints_changed |= checkpoints
            if self._closed or (self._recount is not None and self._recount.is_alive()):
                return
            wait = max(RECOUNT_AFTER_S, self._last_recount + RECOUNT_EVERY_S - time.monotonic())
            self._recount = threading.Timer(wait, self._recount_now)
            self._recount.daemon = True
            self._recount.start()

    def _recount_now(self) -> None:
        if self._closed:
            return
        with self._counts_lock:
            checkpoints, self._checkpoints_changed = self._checkpoints_changed, False
            self._last_recount = time.monotonic()
        try:
            if checkpoints:
                self._follow_removed_checkpoint()
            counts = self.event.read(lambda reader: _counts(reader, self._desk))
        except (DatabaseFault, EventFileError):
            with self._counts_lock:  # the next change tries again, the checkpoint too
                self._checkpoints_changed |= checkpoints
            return
        with self._counts_lock:
            self._counts = counts
        self.listeners.counts_changed(*counts)

    def _follow_removed_checkpoint(self) -> None:
        """The organisers removed this desk's checkpoint (it came in by sync): carry on at
        the main desk at once, so no check-in is made at a checkpoint that is gone."""
        current = self._desk.checkpoint.id

        def move(store: EventStore) -> str | None:
            checkpoint, notice = usable_checkpoint(store, current)
            if checkpoint == current:
                return None
            self._desk = Desk(store, self._desk.desk_name, self._desk.operator, checkpoint,
                              now=self._desk.now)
            return notice
        notice = self.event.write(move)
        if notice is not None:
            self.listeners.checkpoint_moved(self._desk.checkpoint.name, notice)

    # -- closing --------------------------------------------------------------------------------

    def close(self, backup: bool = True) -> None:
        """Stop the workers, take a last backup, give the file back."""
        if self._closed:
            return
        self._closed = True
        self._unsubscribe()
        with self._counts_lock:
            recount = self._recount
        if recount is not None:
            recount.cancel()
            if recount is not threading.current_thread():
                recount.join(timeout=10)  # a recount under way finishes before the file closes
        workers = self._workers
        workers.stop.set()
        if workers.printing is not None:
            workers.printing.stop(timeout=5.0)
        if workers.syncer is not None:
            workers.syncer.nudge()
        if workers.sync_thread is not None:
            workers.sync_thread.join(timeout=5.0)
        if workers.backups is not None:
            workers.backups.join(timeout=1.0)
        if backup:
            with contextlib.suppress(OSError, DatabaseFault, EventFileError):
                take_backup(self.event.path, event=self.event)  # one on close, too
        self.event.close()
        if self._lock is not None:
            self._lock.release()


def _whole_seconds(seconds: float) -> int:
    return max(1, math.ceil(seconds)) if seconds > 0 else 0


def _counts(view: EventReader, desk: Desk) -> tuple[int, int]:
    if desk.session is not None:
        return (checkins.attendance(view.conn, desk.checkpoint.id), desk.session.capacity or 0)
    return queries.attendance_counts(view.conn)
