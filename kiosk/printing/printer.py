"""What a printer backend tells and promises: printer states, submissions, a job's progress."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from kiosk.printing.document import BadgeDocument


class PrinterState(StrEnum):
    """A printer as the desk needs to know it."""

    READY = "ready"
    PRINTING = "printing"
    PAUSED = "paused"  # stopped or disabled: jobs wait until someone resumes it
    REJECTING = "rejecting"  # switched off for new jobs in the print system
    MISSING = "missing"  # no printer of that name here
    OFFLINE = "offline"  # the print system itself is not running

    @property
    def takes_jobs(self) -> bool:
        return self in (PrinterState.READY, PrinterState.PRINTING)

    @property
    def worth_waiting(self) -> bool:
        """A job for a printer in this state stays queued rather than failing."""
        return self in (PrinterState.PAUSED, PrinterState.OFFLINE)


@dataclass(frozen=True)
class PrinterInfo:
    """A printer and its state; ``reason`` is the print system's own words, if any."""

    name: str
    backend: str
    state: PrinterState
    reason: str = ""
    is_default: bool = False
    location: str = ""


class SubmitOutcome(StrEnum):
    """What became of a badge handed to a printer."""

    PRINTED = "printed"  # out, as far as this backend can tell (PDF folder, Qt)
    SPOOLED = "spooled"  # the spooler accepted it and will report when it is out (CUPS)
    WAIT = "wait"  # the printer cannot take it now; keep it queued
    REFUSED = "refused"  # the printer will not take it; a person must act


@dataclass(frozen=True)
class Submission:
    outcome: SubmitOutcome
    spooler_job_id: str = ""
    message: str = ""

    @property
    def accepted(self) -> bool:
        return self.outcome in (SubmitOutcome.PRINTED, SubmitOutcome.SPOOLED)


class JobProgress(StrEnum):
    """A spooled job as the spooler reports it."""

    WAITING = "waiting"
    PRINTING = "printing"
    DONE = "done"
    FAILED = "failed"
    GONE = "gone"  # cancelled or removed outside the kiosk


@dataclass(frozen=True)
class SpooledJob:
    progress: JobProgress
    message: str = ""


@dataclass(frozen=True)
class SpoolCopy:
    """A badge this device sent to a printer, as the print system knows it (no personal
    data: the spooler's job id and the document's name)."""

    spooler_job_id: str
    document: str


@dataclass(frozen=True)
class Forgotten:
    """What a print system was made to forget of the badges sent to it: copies removed
    (spooled jobs purged, output files deleted), and what could not be reached, in words."""

    removed: int = 0
    left: tuple[str, ...] = ()

    def __add__(self, other: Forgotten) -> Forgotten:
        return Forgotten(self.removed + other.removed, self.left + other.left)


class PrinterBackend(Protocol):
    """A print system: CUPS, Qt's print support, or a folder of PDFs."""

    kind: str

    def printers(self) -> list[PrinterInfo]:
        """Every printer this backend offers, with its state."""
        ...

    def printer(self, name: str) -> PrinterInfo:
        """One printer (state MISSING when this backend has none of that name)."""
        ...

    def submit(self, printer: str, document: BadgeDocument) -> Submission:
        ...

    def follow(self, printer: str, spooler_job_ids: Sequence[str]) -> dict[str, SpooledJob]:
        """Where each of these spooled jobs is now (one question for them all)."""
        ...

    def withdraw(self, printer: str, spooler_job_id: str) -> None:
        """Take a spooled job back off the printer's queue, if it is still there."""
        ...

    def forget(self, printer: str, copies: Sequence[SpoolCopy]) -> Forgotten:
        """Remove every copy of these badges the print system keeps (its spool, a PDF
        printer's output), and say what it cannot reach (a printer's own memory)."""
        ...
