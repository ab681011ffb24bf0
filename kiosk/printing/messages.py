"""What the desk says about printers and badges, in words a volunteer can act on."""

from __future__ import annotations

from kiosk.printing.printer import PrinterInfo, PrinterState
from kiosk.store.print_jobs import PrintJob, PrintJobStatus

# Reasons the print system gives that add nothing to our own sentence.
_EMPTY_REASONS = {"", "paused", "none", "stopped", "rejecting jobs"}


def _because(reason: str) -> str:
    return "" if reason.strip().casefold() in _EMPTY_REASONS else f" ({reason.strip()})"


def printer_paused(name: str, reason: str = "") -> str:
    return (f"The printer “{name}” is paused{_because(reason)}. Press Resume on the printer "
            "or ask staff.")


def printer_rejecting(name: str, reason: str = "") -> str:
    return (f"The printer “{name}” is not taking new badges{_because(reason)}. Choose another "
            "printer in Settings → Printing and press Retry, or ask staff to switch it back "
            "on.")


def printer_missing(name: str) -> str:
    return (f"There is no printer called “{name}” on this computer. Choose another printer in "
            "Settings → Printing, or ask staff to set it up.")


def spooler_offline() -> str:
    return ("The print system on this computer is not running. Badges wait in the queue; "
            "ask staff to restart printing.")


def job_gone(name: str) -> str:
    return (f"The badge was taken off the queue of “{name}” outside the kiosk. Press Retry "
            "to print it again.")


def job_aborted(name: str, reason: str = "") -> str:
    return (f"The printer “{name}” gave up on this badge{_because(reason)}. Check the printer, "
            "then press Retry.")


def printer_refused(name: str, detail: str) -> str:
    return (f"The printer “{name}” did not take the badge ({detail}). Check it is switched on "
            "and connected, then press Retry.")


def badge_unmakeable(detail: str) -> str:
    return f"This badge could not be made ({detail}). Check the badge layout, or ask staff."


def interrupted() -> str:
    return "The kiosk stopped while sending this badge. If no badge came out, press Retry."


def for_printer(printer: PrinterInfo) -> str:
    """Why a printer cannot print now; empty when it can."""
    if printer.state is PrinterState.PAUSED:
        return printer_paused(printer.name, printer.reason)
    if printer.state is PrinterState.REJECTING:
        return printer_rejecting(printer.name, printer.reason)
    if printer.state is PrinterState.MISSING:
        return printer_missing(printer.name)
    if printer.state is PrinterState.OFFLINE:
        return spooler_offline()
    return ""


_HEADLINES = {
    PrintJobStatus.QUEUED: "Badge queued",
    PrintJobStatus.PRINTING: "Printing badge…",
    PrintJobStatus.DONE: "Badge printed",
    PrintJobStatus.FAILED: "Badge failed",
    PrintJobStatus.CANCELLED: "Badge cancelled",
}


def job_line(job: PrintJob) -> str:
    """The one line the desk shows for a job: "Badge failed — The printer … is paused …"."""
    headline = _HEADLINES[job.status]
    return f"{headline} — {job.last_error}" if job.last_error else headline
