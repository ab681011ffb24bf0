"""Printing through Qt's print support (Windows, and anywhere without CUPS), with no dialog:
each page rasterised at the printer's resolution and drawn edge to edge on the layout's page."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

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

log = logging.getLogger(__name__)

# PDF bytes and a resolution in dpi -> each page as PNG bytes.
Rasteriser = Callable[[bytes, int], list[bytes]]

QT_PDF = "qt-pdf"
# Office printers claim 1200 dpi and more; a badge gains nothing past this but bulk.
_MAX_DPI = 600

_application: QGuiApplication | None = None


def _ensure_application() -> None:
    """Qt's printer list needs an application object; the GUI has one, the CLI does not."""
    global _application
    if QCoreApplication.instance() is None:
        _application = QGuiApplication(["kiosk"])


_STATES = {
    QPrinter.PrinterState.Idle: PrinterState.READY,
    QPrinter.PrinterState.Active: PrinterState.PRINTING,
    QPrinter.PrinterState.Aborted: PrinterState.PAUSED,
    QPrinter.PrinterState.Error: PrinterState.PAUSED,
}


class QtPrintBackend:
    """The system's printers as Qt sees them; with ``pdf_folder``, also a printer named
    ``qt-pdf`` that prints through the same code into PDF files there."""

    kind = "qt"

    def __init__(self, rasterise: Rasteriser, pdf_folder: Path | None = None) -> None:
        self._rasterise = rasterise
        self._pdf_folder = pdf_folder
        _ensure_application()

    def printers(self) -> list[PrinterInfo]:
        found = [self._info(info) for info in QPrinterInfo.availablePrinters()]
        if self._pdf_folder is not None:
            found.append(self.printer(QT_PDF))
        return found

    def printer(self, name: str) -> PrinterInfo:
        if self._pdf_folder is not None and name.casefold() == QT_PDF:
            return PrinterInfo(QT_PDF, self.kind, PrinterState.READY,
                               location=str(self._pdf_folder))
        info = QPrinterInfo.printerInfo(name)
        if info.isNull():
            return PrinterInfo(name, self.kind, PrinterState.MISSING)
        return self._info(info)

    def _info(self, info: QPrinterInfo) -> PrinterInfo:
        state = _STATES.get(info.state(), PrinterState.READY)
        return PrinterInfo(info.printerName(), self.kind, state, is_default=info.isDefault(),
                           location=info.location())

    def _qprinter(self, name: str, document: BadgeDocument) -> QPrinter:
        if self._pdf_folder is not None and name.casefold() == QT_PDF:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self._pdf_folder.mkdir(parents=True, exist_ok=True)
            printer.setOutputFileName(str(self._pdf_folder / f"{document.name}.pdf"))
            printer.setResolution(document.dpi)
        else:
            printer = QPrinter(QPrinterInfo.printerInfo(name),
                               QPrinter.PrinterMode.HighResolution)
        printer.setDocName(document.name)
        printer.setFullPage(True)
        landscape = document.width_mm > document.height_mm
        # A page size is given upright; the layout's orientation turns it.
        size = QPageSize(QSizeF(min(document.width_mm, document.height_mm),
                                max(document.width_mm, document.height_mm)),
                         QPageSize.Unit.Millimeter, "Badge", QPageSize.SizeMatchPolicy.ExactMatch)
        orientation = (QPageLayout.Orientation.Landscape if landscape
                       else QPageLayout.Orientation.Portrait)
        printer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0),
                                          QPageLayout.Unit.Millimeter))
        return printer

    def submit(self, printer: str, document: BadgeDocument) -> Submission:
        if self.printer(printer).state is PrinterState.MISSING:
            return Submission(SubmitOutcome.REFUSED, message=messages.printer_missing(printer))
        qprinter = self._qprinter(printer, document)
        dpi = min(qprinter.resolution(), _MAX_DPI)
        try:
            pages = self._rasterise(document.pdf, dpi)
        except (OSError, RuntimeError) as error:
            return Submission(SubmitOutcome.REFUSED,
                              message=messages.badge_unmakeable(type(error).__name__))
        painter = QPainter()
        if not painter.begin(qprinter):
            return Submission(SubmitOutcome.REFUSED, message=messages.printer_refused(
                printer, "it would not start the job"))
        try:
            target = QRectF(qprinter.paperRect(QPrinter.Unit.DevicePixel))
            for number, png in enumerate(pages):
                if number:
                    qprinter.newPage()
                painter.drawImage(target, QImage.fromData(png))
        finally:
            ended = painter.end()
        if not ended:
            return Submission(SubmitOutcome.REFUSED, message=messages.printer_refused(
                printer, "the job was cut short"))
        log.info("job %s drawn for a Qt printer at %s dpi", document.name, dpi)
        # Qt hands the pages to the system and cannot see further: drawn is printed.
        return Submission(SubmitOutcome.PRINTED, document.name)

    def follow(self, printer: str, spooler_job_ids: Sequence[str]) -> dict[str, SpooledJob]:
        return {i: SpooledJob(JobProgress.DONE) for i in spooler_job_ids}

    def withdraw(self, printer: str, spooler_job_id: str) -> None:
        """Qt cannot take back pages it handed over."""

    def forget(self, printer: str, copies: Sequence[SpoolCopy]) -> Forgotten:
        """Qt hands pages to the system's print queue and keeps no handle on them."""
        if not copies:
            return Forgotten()
        return Forgotten(0, (f"{len(copies)} badge(s) sent to “{printer}” through the "
                             "system's print queue: if that queue keeps printed documents, "
                             "clear them there, and from the printer's own memory if it has "
                             "one.",))


def render_pdf_pages(pdf: bytes, dpi: int) -> list[QImage]:
    """Each page of a PDF as a QImage at ``dpi``, by Qt's own PDF renderer (safe off the UI
    thread: each call has its own document)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtPdf import QPdfDocument

    _ensure_application()
    source = QBuffer()
    source.setData(QByteArray(pdf))
    source.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(source)
    pages = []
    for index in range(document.pageCount()):
        points = document.pagePointSize(index)
        size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
        pages.append(document.render(index, size))
    document.close()
    return pages


def rasterise_with_qtpdf(pdf: bytes, dpi: int) -> list[bytes]:
    """Pages as PNG at ``dpi`` with Qt's own PDF renderer, where poppler is not installed
    (Windows, a frozen app): the same pages the PDF printer would print."""
    from PySide6.QtCore import QBuffer, QIODevice

    pages = []
    for image in render_pdf_pages(pdf, dpi):
        out = QBuffer()
        out.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(out, "PNG")  # type: ignore[call-overload]  # the stubs miss QIODevice
        pages.append(bytes(out.data().data()))
    return pages
