"""The print queue and its printer backends (CUPS, Qt print system, PDF folder)."""

from kiosk.printing.cups import CupsBackend, cups_available
from kiosk.printing.directory import PrinterDirectory
from kiosk.printing.document import BadgeDocument, BadgeUnavailable
from kiosk.printing.events import JobEvent, JobFeed, JobListener
from kiosk.printing.messages import job_line
from kiosk.printing.pdf_folder import PDF_FOLDER, PdfFolderBackend
from kiosk.printing.printer import (
    Forgotten,
    JobProgress,
    PrinterBackend,
    PrinterInfo,
    PrinterState,
    SpoolCopy,
    SpooledJob,
    Submission,
    SubmitOutcome,
)
from kiosk.printing.worker import PrintWorker, Renderer
from kiosk.store.print_jobs import PrintJob, PrintJobStatus

__all__ = [
    "PDF_FOLDER",
    "BadgeDocument",
    "BadgeUnavailable",
    "CupsBackend",
    "Forgotten",
    "JobEvent",
    "JobFeed",
    "JobListener",
    "JobProgress",
    "PdfFolderBackend",
    "PrintJob",
    "PrintJobStatus",
    "PrintWorker",
    "PrinterBackend",
    "PrinterDirectory",
    "PrinterInfo",
    "PrinterState",
    "Renderer",
    "SpoolCopy",
    "SpooledJob",
    "Submission",
    "SubmitOutcome",
    "cups_available",
    "job_line",
]
