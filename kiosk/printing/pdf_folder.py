"""The PDF folder pseudo printer: each badge becomes a PDF file, for printing by hand."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kiosk.printing import messages
from kiosk.printing.document import BadgeDocument
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
from kiosk.store.outputs import (
    OutputRefused,
    overwrite_and_delete,
    private_folder,
    write_private,
)

PDF_FOLDER = "pdf-folder"


class PdfFolderBackend:
    """One printer, named ``pdf-folder``, that writes ``<document>.pdf`` into a folder."""

    kind = PDF_FOLDER

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def printers(self) -> list[PrinterInfo]:
        return [self.printer(PDF_FOLDER)]

    def printer(self, name: str) -> PrinterInfo:
        if name.casefold() != PDF_FOLDER:
            return PrinterInfo(name, self.kind, PrinterState.MISSING)
        return PrinterInfo(PDF_FOLDER, self.kind, PrinterState.READY,
                           location=str(self.folder))

    def submit(self, printer: str, document: BadgeDocument) -> Submission:
        target = self.folder / f"{document.name}.pdf"
        try:
            # Private, and written beside then renamed: the folder never shows half a badge.
            private_folder(self.folder)
            write_private(target, document.pdf, (".pdf",), "A badge")
        except (OSError, OutputRefused) as error:
            reason = error.strerror if isinstance(error, OSError) else None
            detail = f"cannot write to {self.folder}: {reason or error}"
            return Submission(SubmitOutcome.REFUSED,
                              message=messages.printer_refused(PDF_FOLDER, detail))
        return Submission(SubmitOutcome.PRINTED, target.name)

    def follow(self, printer: str, spooler_job_ids: Sequence[str]) -> dict[str, SpooledJob]:
        return {i: SpooledJob(JobProgress.DONE) if (self.folder / i).is_file()
                else SpooledJob(JobProgress.GONE, messages.job_gone(PDF_FOLDER))
                for i in spooler_job_ids}

    def withdraw(self, printer: str, spooler_job_id: str) -> None:
        """A written file is a finished badge; it stays for whoever prints the folder."""

    def forget(self, printer: str, copies: Sequence[SpoolCopy]) -> Forgotten:
        """The badges' files in the folder (a wipe also removes the whole folder)."""
        removed = 0
        for copy in copies:
            target = self.folder / f"{copy.document}.pdf"
            if target.is_file():
                overwrite_and_delete(target)
                removed += 1
        return Forgotten(removed)
