"""Printing through CUPS with its command-line tools: ``lp`` submits, ``lpstat`` reports,
``cancel`` withdraws. No pycups: the tools are on every CUPS system and need no build."""

from __future__ import annotations

import contextlib
import getpass
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.printing import messages
from kiosk.printing.document import BadgeDocument
from kiosk.printing.lpstat import QueueLine, parse_jobs, parse_queues, request_id
from kiosk.printing.media import media_option
from kiosk.printing.printer import (
    Forgotten,
    JobProgress,
    PrinterInfo,
    PrinterState,
    SpoolCopy,
    SpooledJob,
    Submission,
    SubmitOutcome,
)
from kiosk.store.outputs import overwrite_and_delete

log = logging.getLogger(__name__)

# The tools' messages are translated; the parsers read the C locale's.
_ENV = {**os.environ, "LC_ALL": "C", "LANG": "C", "LANGUAGE": "C"}
_TIMEOUT_S = 15


@dataclass(frozen=True)
class Ran:
    """What a command did: its exit status and its output."""

    returncode: int
    stdout: str
    stderr: str


Runner = Callable[[Sequence[str], bytes | None], Ran]


def run_tool(command: Sequence[str], stdin: bytes | None = None) -> Ran:
    try:
        done = subprocess.run(list(command), input=stdin, capture_output=True, env=_ENV,
                              timeout=_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return Ran(124, "", "the print system did not answer in time")
    except OSError as error:
        return Ran(127, "", str(error))
    return Ran(done.returncode, done.stdout.decode("utf-8", "replace"),
               done.stderr.decode("utf-8", "replace"))


def cups_available() -> bool:
    """Whether the CUPS client tools are installed (the scheduler may still be stopped)."""
    return all(shutil.which(tool) for tool in ("lp", "lpstat", "cancel"))


def _spooler_down(ran: Ran) -> bool:
    text = (ran.stderr + ran.stdout).casefold()
    return "scheduler is not running" in text or "unable to connect" in text \
        or ran.returncode in (124, 127)


class CupsBackend:
    """CUPS queues. A job is submitted with the layout's media size and no scaling, and
    followed with ``lpstat`` until the spooler has finished with it."""

    kind = "cups"

    def __init__(self, run: Runner = run_tool) -> None:
        self._run = run

    def _queues(self) -> dict[str, QueueLine] | None:
        ran = self._run(["lpstat", "-d", "-p", "-a"], None)
        if _spooler_down(ran):
            return None
        return parse_queues(ran.stdout)  # no queues at all: "No destinations added", exit 1

    def printers(self) -> list[PrinterInfo]:
        queues = self._queues()
        if queues is None:
            return []
        return [self._info(queue) for queue in sorted(queues.values(), key=lambda q: q.name)]

    def printer(self, name: str) -> PrinterInfo:
        queues = self._queues()
        if queues is None:
            return PrinterInfo(name, self.kind, PrinterState.OFFLINE)
        # CUPS queue names are case-blind.
        queue = next((q for q in queues.values() if q.name.casefold() == name.casefold()), None)
        if queue is None:
            return PrinterInfo(name, self.kind, PrinterState.MISSING)
        return self._info(queue)

    def _info(self, queue: QueueLine) -> PrinterInfo:
        return PrinterInfo(queue.name, self.kind, queue.state, queue.reason, queue.is_default)

    def submit(self, printer: str, document: BadgeDocument) -> Submission:
        command = [
            "lp", "-d", printer, "-t", document.name,
            "-o", f"media={media_option(document.width_mm, document.height_mm)}",
            # The badge is drawn at its true size: never shrink it to a margin.
            "-o", "fit-to-page=false", "-o", "print-scaling=none",
        ]
        ran = self._run(command, document.pdf)
        job_id = request_id(ran.stdout) if ran.returncode == 0 else ""
        if job_id:
            return Submission(SubmitOutcome.SPOOLED, job_id)
        error = (ran.stderr or ran.stdout).strip()
        log.warning("lp refused job %s: %s", document.name, error)
        lowered = error.casefold()
        if _spooler_down(ran):
            return Submission(SubmitOutcome.WAIT, message=messages.spooler_offline())
        if "not accepting" in lowered:
            return Submission(SubmitOutcome.REFUSED, message=messages.printer_rejecting(printer))
        if "does not exist" in lowered or "invalid destination" in lowered:
            return Submission(SubmitOutcome.REFUSED, message=messages.printer_missing(printer))
        detail = error.removeprefix("lp: ").removeprefix("Error - ") or "no reason given"
        return Submission(SubmitOutcome.REFUSED, message=messages.printer_refused(printer, detail))

    def follow(self, printer: str, spooler_job_ids: Sequence[str]) -> dict[str, SpooledJob]:
        pending = self._run(["lpstat", "-W", "not-completed", "-o", printer], None)
        if _spooler_down(pending):
            return {i: SpooledJob(JobProgress.WAITING, messages.spooler_offline())
                    for i in spooler_job_ids}
        waiting = parse_jobs(pending.stdout)
        found: dict[str, SpooledJob] = {}
        if any(i in waiting for i in spooler_job_ids):
            queue = self.printer(printer)
            still = (SpooledJob(JobProgress.WAITING, messages.for_printer(queue))
                     if queue.state is PrinterState.PAUSED else SpooledJob(JobProgress.PRINTING))
            found.update({i: still for i in spooler_job_ids if i in waiting})
        if len(found) < len(spooler_job_ids):
            finished = parse_jobs(
                self._run(["lpstat", "-W", "completed", "-l", "-o", printer], None).stdout)
            for job_id in spooler_job_ids:
                if job_id not in found:
                    found[job_id] = _finished(printer, finished.get(job_id))
        return found

    def withdraw(self, printer: str, spooler_job_id: str) -> None:
        if spooler_job_id:
            self._run(["cancel", spooler_job_id], None)

    def forget(self, printer: str, copies: Sequence[SpoolCopy]) -> Forgotten:
        """Purge the badges' jobs from CUPS's spool (its job files keep the whole badge for
        a day after printing), delete what a CUPS-PDF printer wrote of them, and say what
        cannot be reached: a real printer's own memory."""
        jobs = [c.spooler_job_id for c in copies if c.spooler_job_id]
        left: list[str] = []
        removed = 0
        if jobs:
            for job in jobs:  # a job not yet finished: cancelled and purged at once
                self._run(["cancel", "-x", job], None)
            purged, problem = self._purge(printer, jobs)
            removed += purged
            if problem:
                left.append(problem)
        device = self._device(printer)
        if device.startswith("cups-pdf:"):
            found, problem = _remove_cups_pdf_files([c.document for c in copies if c.document])
            removed += found
            if problem:
                left.append(problem)
        elif copies:
            left.append(f"the printer “{printer}” may keep copies of {len(copies)} badge(s) "
                        "in its own memory: clear its job history from its own menu or web "
                        "page, if it has one")
        return Forgotten(removed, tuple(left))

    def _device(self, printer: str) -> str:
        ran = self._run(["lpstat", "-v", printer], None)
        _, _, uri = ran.stdout.partition(": ")
        return uri.strip() if ran.returncode == 0 else ""

    def _purge(self, printer: str, jobs: Sequence[str]) -> tuple[int, str]:
        """Purge finished jobs by number with IPP's Purge-Jobs (``cancel -x`` refuses a job
        already printed); then ask CUPS which of them it still keeps."""
        numbers = [job.rpartition("-")[2] for job in jobs if job.rpartition("-")[2].isdigit()]
        if shutil.which("ipptool"):
            for start in range(0, len(numbers), 100):
                # The numbers go into the test itself: ipptool's -d variables hold one value.
                chunk = ",".join(numbers[start:start + 100])
                with tempfile.NamedTemporaryFile("w", suffix=".test", delete=False) as test:
                    test.write(_PURGE_TEST.replace("$jobs", chunk))
                try:
                    self._run(["ipptool", "-d", f"user={getpass.getuser()}", "-t",
                               f"ipp://localhost/printers/{printer}", test.name], None)
                finally:
                    os.unlink(test.name)
        kept = self._run(["lpstat", "-W", "all", "-o", printer], None)
        still = [job for job in jobs if job in parse_jobs(kept.stdout)]
        if not still:
            return len(jobs), ""
        return len(jobs) - len(still), (
            f"the print system still keeps {len(still)} printed badge(s) for “{printer}” in "
            f"its spool (it needs an administrator): run `cancel -a -x {printer}` as one, "
            "or they go by themselves a day after printing")


def _finished(printer: str, alerts: str | None) -> SpooledJob:
    """A job CUPS no longer has pending, from its state reasons in the completed list."""
    if alerts is None:
        return SpooledJob(JobProgress.GONE, messages.job_gone(printer))
    if "aborted" in alerts:
        return SpooledJob(JobProgress.FAILED, messages.job_aborted(printer, alerts))
    if "canceled" in alerts or "cancelled" in alerts:
        return SpooledJob(JobProgress.GONE, messages.job_gone(printer))
    return SpooledJob(JobProgress.DONE)


# IPP's Purge-Jobs for given job numbers: CUPS removes their files and history at once.
_PURGE_TEST = """{
  NAME "Purge the kiosk's printed badges"
  OPERATION Purge-Jobs
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR name requesting-user-name $user
  ATTR integer job-ids $jobs
}
"""


def _cups_pdf_folders() -> list[Path]:
    """Where CUPS-PDF writes this user's PDFs (its ``Out`` setting, with ${HOME} and
    ${USER} as for this user), and its folder for anonymous jobs."""
    home, user = str(Path.home()), getpass.getuser()
    settings = {"Out": "/var/spool/cups-pdf/${USER}",
                "AnonDirName": "/var/spool/cups-pdf/ANONYMOUS"}
    with contextlib.suppress(OSError):
        for line in Path("/etc/cups/cups-pdf.conf").read_text(errors="replace").splitlines():
            key, _, value = line.strip().partition(" ")
            if key in settings and value.strip():
                settings[key] = value.strip()
    return [Path(folder.replace("${HOME}", home).replace("${USER}", user))
            for folder in settings.values()]


def _remove_cups_pdf_files(documents: Sequence[str]) -> tuple[int, str]:
    """Delete the PDFs CUPS-PDF made of these documents (it names each after the job's
    title, which is the badge's document name)."""
    if not documents:
        return 0, ""
    removed = 0
    unreachable = []
    for folder in _cups_pdf_folders():
        try:
            names = [entry for entry in folder.iterdir() if entry.is_file()]
        except FileNotFoundError:
            continue
        except OSError:
            unreachable.append(str(folder))
            continue
        for entry in names:
            if entry.name.startswith(tuple(documents)):
                with contextlib.suppress(OSError):
                    overwrite_and_delete(entry)
                    removed += 1
    problem = (f"the PDF printer's folder {', '.join(unreachable)} could not be opened: "
               "delete its kiosk-badge PDFs by hand") if unreachable else ""
    return removed, problem
