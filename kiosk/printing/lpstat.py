"""Reading the output of CUPS's ``lpstat`` (run in the C locale) into printer and job states."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kiosk.printing.printer import PrinterState

_PRINTER = re.compile(r"^printer (\S+) (is idle|now printing (\S+?)\.|disabled)")
_ACCEPTING = re.compile(r"^(\S+) (not )?accepting requests")
_DEFAULT = re.compile(r"^system default destination: (\S+)")
_JOB = re.compile(r"^(\S+-\d+)\s")
_ALERTS = re.compile(r"^\s+Alerts: (.*)$")


@dataclass(frozen=True)
class QueueLine:
    """One CUPS queue as ``lpstat -d -p -a`` shows it."""

    name: str
    enabled: bool = True
    accepting: bool = True
    printing_job: str = ""
    reason: str = ""
    is_default: bool = False

    @property
    def state(self) -> PrinterState:
        if not self.accepting:
            return PrinterState.REJECTING
        if not self.enabled:
            return PrinterState.PAUSED
        return PrinterState.PRINTING if self.printing_job else PrinterState.READY


def parse_queues(text: str) -> dict[str, QueueLine]:
    """Queues by name (as CUPS spells it) from ``lpstat -d -p -a`` output.

    A reason (the printer's state message, or why it rejects jobs) is the indented line
    after its printer's line; the rejection's reason wins, being the one that stops jobs.
    """
    queues: dict[str, QueueLine] = {}
    default = ""
    reason_for: tuple[str, bool] | None = None  # (queue, is a rejection's reason)
    for line in text.splitlines():
        if line.startswith(("\t", " ")):
            if reason_for is not None and line.strip():
                name, rejection = reason_for
                if rejection or not queues[name].reason:
                    queues[name] = replace(queues[name], reason=line.strip())
            continue
        reason_for = None
        if match := _PRINTER.match(line):
            name = match.group(1)
            queues[name] = replace(queues.get(name, QueueLine(name)),
                                   enabled=match.group(2) != "disabled",
                                   printing_job=match.group(3) or "")
            reason_for = (name, False)
        elif match := _ACCEPTING.match(line):
            name = match.group(1)
            rejecting = match.group(2) is not None
            queues[name] = replace(queues.get(name, QueueLine(name)), accepting=not rejecting)
            reason_for = (name, True) if rejecting else None
        elif match := _DEFAULT.match(line):
            default = match.group(1)
    return {name: replace(queue, is_default=name == default) for name, queue in queues.items()}


def parse_jobs(text: str) -> dict[str, str]:
    """Job ids ("KioskPDF-12") from ``lpstat -o [-l]`` output, each with its alerts (the
    job's state reasons, e.g. "job-completed-successfully"); empty without ``-l``."""
    jobs: dict[str, str] = {}
    current = ""
    for line in text.splitlines():
        if match := _JOB.match(line):
            current = match.group(1)
            jobs[current] = ""
        elif current and (alerts := _ALERTS.match(line)):
            jobs[current] = alerts.group(1).strip()
    return jobs


def request_id(text: str) -> str:
    """The job id from ``lp``'s "request id is KioskPDF-12 (1 file(s))"."""
    match = re.search(r"request id is (\S+-\d+)", text)
    return match.group(1) if match else ""
