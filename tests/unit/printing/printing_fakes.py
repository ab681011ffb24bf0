"""A scriptable in-memory printer backend and an event to print from, for the printing tests."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.printing import (
    BadgeDocument,
    Forgotten,
    JobEvent,
    JobProgress,
    PrinterInfo,
    PrinterState,
    PrintJobStatus,
    SpoolCopy,
    SpooledJob,
    Submission,
    SubmitOutcome,
)

SAFETY_TIMEOUT = 60.0  # seconds; only a hung test ever waits this long


@dataclass
class FakeBackend:
    """Printers whose state a test sets; every badge submitted is kept, in order."""

    states: dict[str, PrinterState] = field(default_factory=dict)
    refuse_with: str = ""
    spool: bool = False  # SPOOLED (and followed) rather than PRINTED at once
    progress: dict[str, SpooledJob] = field(default_factory=dict)
    submitted: list[tuple[str, BadgeDocument]] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    forgotten: list[SpoolCopy] = field(default_factory=list)
    kind: str = "fake"

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def printers(self) -> list[PrinterInfo]:
        return [self.printer(name) for name in self.states]

    def printer(self, name: str) -> PrinterInfo:
        return PrinterInfo(name, self.kind, self.states.get(name, PrinterState.MISSING),
                           "Out of labels" if self.states.get(name) is PrinterState.PAUSED
                           else "")

    def submit(self, printer: str, document: BadgeDocument) -> Submission:
        if self.refuse_with:
            return Submission(SubmitOutcome.REFUSED, message=self.refuse_with)
        with self._lock:
            self.submitted.append((printer, document))
            job_id = f"{printer}-{len(self.submitted)}"
        if self.spool:
            self.progress.setdefault(job_id, SpooledJob(JobProgress.PRINTING))
            return Submission(SubmitOutcome.SPOOLED, job_id)
        return Submission(SubmitOutcome.PRINTED, job_id)

    def follow(self, printer: str, spooler_job_ids: Sequence[str]) -> dict[str, SpooledJob]:
        return {i: self.progress.get(i, SpooledJob(JobProgress.GONE, "gone"))
                for i in spooler_job_ids}

    def withdraw(self, printer: str, spooler_job_id: str) -> None:
        self.withdrawn.append(spooler_job_id)

    def forget(self, printer: str, copies: Sequence[SpoolCopy]) -> Forgotten:
        self.forgotten.extend(copies)
        return Forgotten(len(copies))


class Timeline:
    """A listener that keeps every event, so a test can wait for one that may be past."""

    def __init__(self) -> None:
        self.events: list[JobEvent] = []
        self._changed = threading.Condition()

    def __call__(self, event: JobEvent) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def wait(self, job_id: int, done: Callable[[JobEvent], bool]) -> JobEvent:
        with self._changed:
            found = self._changed.wait_for(
                lambda: next((e for e in self.events if e.job.id == job_id and done(e)), None),
                SAFETY_TIMEOUT)
        assert found is not None, f"job {job_id}: no such event in {self.lines(job_id)}"
        return found

    def lines(self, job_id: int) -> list[str]:
        return [e.line for e in list(self.events) if e.job.id == job_id]


def wait_for_status(feed: Timeline, job_id: int, *statuses: PrintJobStatus) -> JobEvent:
    return feed.wait(job_id, lambda e: e.job.status in statuses)


def pdf_text(pdf: bytes | Path) -> str:
    source = ["-"] if isinstance(pdf, bytes) else [str(pdf)]
    done = subprocess.run(["pdftotext", "-layout", *source, "-"], capture_output=True,
                          input=pdf if isinstance(pdf, bytes) else None, check=True)
    return done.stdout.decode("utf-8")


def page_size_mm(pdf: Path) -> tuple[float, float]:
    """The first page's size as pdfinfo reports it (points), in millimetres."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Page size:"))
    width, _, height = line.split()[2:5]
    return float(width) / 72 * 25.4, float(height) / 72 * 25.4
