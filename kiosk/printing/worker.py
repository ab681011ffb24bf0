"""The print worker: a thread that takes queued badges to their printers and follows them out."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from kiosk.core.changes import badge
from kiosk.printing import messages
from kiosk.printing.directory import PrinterDirectory
from kiosk.printing.document import BadgeDocument, BadgeUnavailable
from kiosk.printing.events import JobEvent, JobListener
from kiosk.printing.printer import (
    JobProgress,
    PrinterBackend,
    PrinterInfo,
    SpooledJob,
    Submission,
    SubmitOutcome,
)
from kiosk.store import print_jobs
from kiosk.store.event_file import EventFile, Priority
from kiosk.store.event_store import Written
from kiosk.store.print_jobs import PrintJob, PrintJobStatus

log = logging.getLogger(__name__)

# Makes a job's badge on the worker's thread: it reads what it needs through the event
# file's door and draws off it.
Renderer = Callable[[EventFile, PrintJob], BadgeDocument]

_FINISHED = {
    JobProgress.DONE: PrintJobStatus.DONE,
    JobProgress.FAILED: PrintJobStatus.FAILED,
    JobProgress.GONE: PrintJobStatus.FAILED,
}


class PrintWorker:
    """Prints queued jobs one at a time, off the desk's thread, through the event file's door.

    The desk queues a job and calls :meth:`wake`; nothing it does waits for a printer. A job
    whose printer is paused (or whose print system is down) stays queued and is tried again
    every ``hold_seconds``; jobs for other printers go on meanwhile. Every change of a job
    is passed to ``listener`` on this thread. Started again, it resumes queued jobs and
    follows the ones its spooler still has.
    """

    def __init__(
        self,
        event: EventFile,
        printers: PrinterDirectory,
        render: Renderer,
        listener: JobListener | None = None,
        poll_seconds: float = 0.5,
        hold_seconds: float = 3.0,
        now: Callable[[], datetime] = datetime.now,
        warm_up: Callable[[EventFile], object] | None = None,
        stale_seconds: float = 60.0,
    ) -> None:
        self._event = event
        self._printers = printers
        self._render = render
        self._listener = listener
        self._poll = poll_seconds
        self._hold = hold_seconds
        self._now = now
        self._warm_up = warm_up
        self._stale = stale_seconds
        self._held: dict[str, float] = {}  # printer -> when to ask it again (monotonic)
        self._known: dict[str, tuple[float, tuple[PrinterBackend, PrinterInfo] | None]] = {}
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._unsubscribe: Callable[[], None] = lambda: None

    def start(self) -> None:
        self._stopping.clear()
        # Whoever queues, retries or cancels a badge through this process's door (the desk,
        # the console's batches) wakes the sender: nobody needs to know the worker.
        self._unsubscribe = self._event.subscribe(self._on_written)
        self._threads = [
            threading.Thread(target=self._send, name="print-sender", daemon=True),
            threading.Thread(target=self._follow, name="print-follower", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def wake(self) -> None:
        """Look at the queue now (a job was queued, retried or cancelled)."""
        self._wake.set()

    def _on_written(self, written: Written) -> None:
        if "print_jobs" in written.local:
            self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the job in hand, then stop; queued jobs wait for the next start."""
        self._unsubscribe()
        self._stopping.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    @property
    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    # -- the threads ----------------------------------------------------------------------
    # Two: the sender takes queued badges to their printers; the follower asks spoolers about
    # the badges they took. Sending never waits behind a question about earlier badges, which
    # a busy spooler can take a tenth of a second to answer. Both read and write the queue
    # through the event file's door, a moment at a time: never while a printer is asked.

    def _send(self) -> None:
        try:
            if self._warm_up is not None:
                self._warm_up_once()
            while not self._stopping.is_set():
                self._wake.clear()
                if not self._send_next():
                    self._wake.wait(self._poll)
        except Exception:
            log.exception("the print sender stopped on a fault")
            raise

    def _follow(self) -> None:
        try:
            while True:
                self._recover()
                self._follow_spooled()
                if self._stopping.wait(self._poll):
                    break
        except Exception:
            log.exception("the print follower stopped on a fault")
            raise

    def _write(self, op: Callable[[Any], Any]) -> Any:
        return self._event.write(op, priority=Priority.NORMAL)

    def _warm_up_once(self) -> None:
        """Load fonts and the layout before the first badge, which would otherwise pay."""
        assert self._warm_up is not None
        try:
            self._warm_up(self._event)
        except Exception:
            log.warning("warming up the badge renderer failed", exc_info=True)

    def _emit(self, job_id: int) -> None:
        if self._listener is None:
            return
        job = self._event.read(lambda r: print_jobs.get_job(r.conn, job_id))
        if job is None:
            return
        try:
            self._listener(JobEvent(job))
        except Exception:  # the desk's display must not stop the printing
            log.exception("a print job listener failed")

    def _recover(self) -> None:
        """A job left half-sent by a worker that stopped: nobody knows whether the badge came
        out, so a person is asked. Only jobs claimed ``stale_seconds`` ago count, so a second
        worker on the same file (the CLI beside the app) never takes the other's job in hand."""
        def fail_stale(store: Any) -> list[int]:
            return [job.id for job in print_jobs.stale_sends(store.conn, self._stale)
                    if print_jobs.fail(store.conn, job.id, messages.interrupted(),
                                       attempted=True)]
        for job_id in self._write(fail_stale):
            self._emit(job_id)

    def _send_next(self) -> bool:
        now = time.monotonic()
        self._held = {name: until for name, until in self._held.items() if until > now}
        held = set(self._held)

        def claim_next(store: Any) -> tuple[PrintJob | None, bool]:
            job = print_jobs.next_queued(store.conn, held)
            return job, job is not None and print_jobs.claim(store.conn, job.id)
        job, claimed = self._write(claim_next)
        if job is None:
            return False
        if not claimed:
            return True  # cancelled or moved meanwhile
        found = self._find(job.printer)
        if found is None:
            self._fail(job, messages.printer_missing(job.printer), attempted=False)
            return True
        backend, printer = found
        if printer.state.worth_waiting:
            self._wait(job, messages.for_printer(printer))
            return True
        if not printer.state.takes_jobs:
            self._fail(job, messages.for_printer(printer), attempted=False)
            return True
        self._emit(job.id)
        try:
            document = self._render(self._event, job)
        except BadgeUnavailable as error:
            self._fail(job, str(error), attempted=False)
            return True
        except Exception as error:  # a fault in one badge must not stop the queue
            log.exception("could not make the badge for print job %s", job.id)
            self._fail(job, messages.badge_unmakeable(type(error).__name__), False)
            return True
        self._submit(job, backend, printer.name, document)
        return True

    def _find(self, name: str) -> tuple[PrinterBackend, PrinterInfo] | None:
        """A printer and its state, asked again once ``hold_seconds`` old: in a rush of badges
        the print system is not asked the same question before each one. A printer paused
        in between still takes the badge; the follower then shows it waiting."""
        asked_at, found = self._known.get(name, (-1e9, None))
        if time.monotonic() - asked_at > self._hold:
            found = self._printers.find(name)
            self._known[name] = (time.monotonic(), found)
        return found

    def _submit(
        self, job: PrintJob, backend: PrinterBackend, printer: str, document: BadgeDocument,
    ) -> None:
        submission, spooled = deliver(self._event, [job], backend, printer, document,
                                      self._now)
        if submission.outcome is SubmitOutcome.WAIT:
            self._wait(job, submission.message)
        elif submission.outcome is SubmitOutcome.REFUSED:
            self._fail(job, submission.message, attempted=True)
        else:
            if not spooled:  # cancelled while it was being sent: take it back
                backend.withdraw(printer, submission.spooler_job_id)
            log.info("print job %s accepted by %s", job.id, backend.kind)
            self._emit(job.id)

    def _wait(self, job: PrintJob, reason: str) -> None:
        self._held[job.printer] = time.monotonic() + self._hold
        self._known.pop(job.printer, None)
        self._write(lambda store: print_jobs.hold(store.conn, job.id, reason))
        if reason != job.last_error:  # say it once, not at every look
            self._emit(job.id)

    def _fail(self, job: PrintJob, reason: str, attempted: bool) -> None:
        log.info("print job %s failed", job.id)
        self._known.pop(job.printer, None)
        if self._write(lambda store: print_jobs.fail(store.conn, job.id, reason, attempted)):
            self._emit(job.id)

    def _follow_spooled(self) -> None:
        """Ask each spooler about the jobs it took and has not finished: one question a
        printer."""
        by_printer: dict[str, list[PrintJob]] = {}
        printing = self._event.read(
            lambda r: print_jobs.list_jobs(r.conn, [PrintJobStatus.PRINTING]))
        for job in printing:
            if job.spooler_job_id:
                by_printer.setdefault(job.printer, []).append(job)
        for printer_name, jobs in by_printer.items():
            found = self._printers.find(printer_name)
            if found is None:
                for job in jobs:
                    self._settle(job, SpooledJob(JobProgress.GONE,
                                                 messages.job_gone(printer_name)))
                continue
            backend, printer = found
            progress = backend.follow(printer.name, [job.spooler_job_id for job in jobs])
            for job in jobs:
                self._settle(job, progress.get(job.spooler_job_id,
                                               SpooledJob(JobProgress.PRINTING)))

    def _settle(self, job: PrintJob, spooled: SpooledJob) -> None:
        status = _FINISHED.get(spooled.progress)

        def settle(store: Any) -> bool:
            return (print_jobs.finish(store.conn, job.id, status, spooled.message) if status
                    else print_jobs.note(store.conn, job.id, spooled.message))
        if self._write(settle):
            self._emit(job.id)


def deliver(
    event: EventFile, jobs: list[PrintJob], backend: PrinterBackend, printer: str,
    document: BadgeDocument, now: Callable[[], datetime] = datetime.now,
) -> tuple[Submission, list[PrintJob]]:
    """The one way a badge reaches a printer, for the desk's worker and the organisers'
    batches alike: hand one document (a badge, or a sheet of them) for these claimed jobs
    to the printer and, once it is accepted, log each badge as printed (``badge.printed``,
    once per job) in one write. Returns the printer's answer and the jobs now with the
    spooler (a job cancelled meanwhile is not among them)."""
    submission = backend.submit(printer, document)
    if not submission.accepted:
        return submission, []
    at = now().isoformat(timespec="seconds")

    def spooled(store: Any) -> list[PrintJob]:
        marked = (print_jobs.mark_spooled(
            store, job.id, submission.spooler_job_id,
            done=submission.outcome is SubmitOutcome.PRINTED,
            printed=badge.badge_printed(job.attendee_id, at, job.layout, printer,
                                        job.reprint_reason, job.operator))
            for job in jobs)
        return [job for job in marked if job is not None]
    return submission, event.write(spooled, priority=Priority.NORMAL)
