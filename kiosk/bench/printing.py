"""Check-in -> badge accepted by the spooler, through the desk's print worker."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from kiosk.bench.event_files import bench_event, copy_event, open_desk, people_to_scan
from kiosk.bench.figures import Figure
from kiosk.printing import PDF_FOLDER, JobEvent, JobFeed, cups_available
from kiosk.services.desk_session import DeskListeners
from kiosk.services.desk_settings import DeskSettings
from kiosk.services.print_service import render_job
from kiosk.store import print_jobs

# The CUPS-PDF queue the budget is measured on where CUPS runs (tests/integration use it too).
CUPS_QUEUE = "KioskPDF"
BADGES = 100
SPOOLER_TIMEOUT_S = 60.0
# CUPS-PDF converts each badge with Ghostscript (about 0.3 s here). A desk's printer has
# finished one person's badge before the next person steps up, so each check-in (and each
# floor step) starts with the spooler idle, as it would at the desk; and the next bench
# does not share the cores with it.
IDLE_TIMEOUT_S = 120.0

# Checks the next person in (auto-print queues their badge and wakes the worker); returns
# the id of the job it queued.
CheckIn = Callable[[], int]


def spooler_printer() -> str:
    """The CUPS-PDF queue when CUPS runs and has it, else the PDF folder printer."""
    if not cups_available():
        return PDF_FOLDER
    try:
        found = subprocess.run(["lpstat", "-p", CUPS_QUEUE], capture_output=True, timeout=10,
                               check=False)
    except (OSError, subprocess.TimeoutExpired):
        return PDF_FOLDER
    return CUPS_QUEUE if found.returncode == 0 else PDF_FOLDER


def time_checkins_to_spooler(n: int, check_in: CheckIn, feed: JobFeed,
                             between: Callable[[], object] = lambda: None,
                             timeout: float = SPOOLER_TIMEOUT_S) -> list[float]:
    """Milliseconds for each of ``n`` check-ins, each timed from just before the check-in
    to the worker's report that the spooler took the badge. One badge at a time, as at a
    desk, so each figure is one volunteer's wait and not a queue's. ``between`` runs after
    each (a floor step taking turns with it)."""
    took: list[float] = []
    for _ in range(n):
        started = time.perf_counter()
        job_id = check_in()
        accepted = feed.wait_for(partial(_settled, job_id), timeout)
        if accepted is None or not accepted.job.change_id:
            raise RuntimeError(f"print job {job_id} was not accepted: "
                               f"{accepted.line if accepted else 'no answer'}")
        took.append((time.perf_counter() - started) * 1000)
        between()
    return took


def _settled(job_id: int, event: JobEvent) -> bool:
    """The job has left the kiosk's hands: spooled, printed, or given up on."""
    job = event.job
    return job.id == job_id and (bool(job.spooler_job_id) or job.status.final)


def p50_p95(took: list[float]) -> tuple[float, float]:
    if len(took) < 2:
        return (took[0], took[0]) if took else (float("nan"), float("nan"))
    return statistics.median(took), statistics.quantiles(took, n=20, method="inclusive")[18]


def measure_checkin_to_spooler(path: Path, n: int, printer: str) -> tuple[list[float],
                                                                          list[float]]:
    """Milliseconds from a scan at the desk (auto-print on) to the spooler accepting its
    badge, over ``n`` scans of people not checked in yet on the event file at ``path``; and,
    taking turns with them, the floor: the same badge rendered and handed to the same
    printer directly (no check-in, queue, worker or job updates)."""
    people = people_to_scan(path, n)
    codes = iter([code for _, code in people])
    feed = JobFeed()
    session = open_desk(path, auto_print=True, listeners=DeskListeners(print_changed=feed))
    try:
        session.event.write(lambda s: DeskSettings(s).update(
            {"print.auto": True, "print.preview": False, "print.printer": printer}))
        session.start_workers(sync=False, backups=False)
        found = session.printing.printers.find(printer)
        if found is None:
            raise RuntimeError(f"the printer {printer} is not there")
        backend, info = found
        floor: list[float] = []
        last_job: list[int] = []

        def check_in() -> int:
            answer = session.scan(next(codes))
            job = answer.printing.job if answer.printing else None
            if job is None:
                raise RuntimeError(answer.printing.message if answer.printing
                                   else answer.result.message)
            last_job[:] = [job.id]
            return job.id

        def floor_step() -> None:
            job = session.event.read(lambda r: print_jobs.get_job(r.conn, last_job[0]))
            assert job is not None
            wait_until_idle(printer)
            started = time.perf_counter()
            backend.submit(info.name, render_job(session.event, job))
            floor.append((time.perf_counter() - started) * 1000)
            wait_until_idle(printer)

        wait_until_idle(printer)
        took = time_checkins_to_spooler(len(people), check_in, feed, floor_step)
    finally:
        session.close(backup=False)
    return took, floor


def wait_until_idle(printer: str) -> None:
    """Wait until the spooler has finished every job on ``printer`` (or give up)."""
    if printer == PDF_FOLDER:
        return
    deadline = time.monotonic() + IDLE_TIMEOUT_S
    while time.monotonic() < deadline:
        pending = subprocess.run(["lpstat", "-W", "not-completed", "-o", printer],
                                 capture_output=True, text=True, timeout=30, check=False)
        if pending.returncode != 0 or not pending.stdout.strip():
            return
        time.sleep(0.05)


def bench_printing(workdir: Path, attendees: int) -> list[Figure]:
    # A copy: the bench sets the desk's printer, and the other benches share the event.
    path = copy_event(bench_event(workdir, attendees), workdir / "printing.db")
    printer = spooler_printer()
    n = BADGES if attendees >= 10_000 else 3
    try:
        took, floor = measure_checkin_to_spooler(path, n, printer)
    finally:
        wait_until_idle(printer)
    where = (f"the CUPS-PDF queue {CUPS_QUEUE} (CUPS runs here)" if printer == CUPS_QUEUE
             else f"the PDF folder printer (no CUPS queue {CUPS_QUEUE} here)")
    p50, p95 = p50_p95(took)
    floor50, floor95 = p50_p95(floor)
    return [
        Figure("check-in -> badge accepted by the spooler, p50", p50, "ms", floor=floor50,
               note=f"{len(took)} scans with auto-print on through DeskSession and its print "
                    f"worker, one badge at a time, the spooler idle before each, to {where}"),
        Figure("check-in -> badge accepted by the spooler, p95", p95, "ms", budget=150.0,
               floor=floor95, note="floor: the same badge rendered and handed to the same "
                                   "printer directly, taking turns with the check-ins"),
    ]

