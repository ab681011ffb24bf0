"""The Qt print backend into a PDF-file QPrinter, and the PDF folder pseudo printer."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from printing_fakes import page_size_mm, pdf_text

from kiosk.badges.preview import rasterise
from kiosk.printing import (
    PDF_FOLDER,
    BadgeDocument,
    PdfFolderBackend,
    PrinterState,
    SubmitOutcome,
)
from kiosk.services.badge_printing import badge_code
from kiosk.services.print_service import rasterise_pages, render_job
from kiosk.store import print_jobs, queries
from kiosk.store.event_file import EventFile
from kiosk.store.event_store import EventStore


def _badge(event: EventFile, layout: str) -> tuple[BadgeDocument, str, str]:
    """A print job's badge as the worker makes it (through the door), the person's first name
    and the code its QR should hold."""
    def queue(store: EventStore) -> tuple[print_jobs.PrintJob, str, str]:
        person = queries.list_attendees(store.conn)[0]
        job = print_jobs.add_job(store.conn, person.id, layout, "qt-pdf")
        return job, person.first_name, badge_code(store, person)
    job, first_name, code = event.write(queue)
    return render_job(event, job), first_name, code


@pytest.mark.parametrize(("layout", "size"), [("cr80", (85.6, 53.98)),
                                              ("brother-62x100", (62, 100))])
def test_qt_prints_the_badge_image_on_a_page_of_the_layouts_size(
    qapp: object, event: EventFile, tmp_path: Path, layout: str,
    size: tuple[float, float],
) -> None:
    from kiosk.printing.qt_backend import QT_PDF, QtPrintBackend

    document, _, code = _badge(event, layout)
    backend = QtPrintBackend(rasterise_pages, pdf_folder=tmp_path)
    assert backend.printer(QT_PDF).state is PrinterState.READY
    submission = backend.submit(QT_PDF, document)
    assert submission.outcome is SubmitOutcome.PRINTED
    printed = tmp_path / f"{document.name}.pdf"
    width, height = page_size_mm(printed)
    assert width == pytest.approx(size[0], abs=0.5) and height == pytest.approx(size[1], abs=0.5)
    # An image, not text: what the printer gets is exactly what was drawn. Its QR still reads.
    page = Image.open(io.BytesIO(rasterise(printed.read_bytes(), 300)[0]))
    assert [r.text for r in zxingcpp.read_barcodes(page)] == [code]


def test_qt_refuses_a_printer_it_does_not_have(qapp: object, tmp_path: Path) -> None:
    from kiosk.printing.qt_backend import QtPrintBackend

    backend = QtPrintBackend(rasterise_pages)
    submission = backend.submit("No Such Printer", BadgeDocument("x", b"%PDF", 50, 50))
    assert submission.outcome is SubmitOutcome.REFUSED
    assert "There is no printer called “No Such Printer”" in submission.message


def test_the_pdf_folder_writes_each_badge_whole(event: EventFile, tmp_path: Path) -> None:
    document, name, _ = _badge(event, "insert-4x3in")
    folder = PdfFolderBackend(tmp_path / "badges")
    assert folder.printer("PDF-Folder").state is PrinterState.READY
    assert folder.printer("KioskPDF").state is PrinterState.MISSING
    submission = folder.submit(PDF_FOLDER, document)
    written = tmp_path / "badges" / f"{document.name}.pdf"
    assert submission.outcome is SubmitOutcome.PRINTED and submission.spooler_job_id == \
        written.name
    assert name in pdf_text(written) and list(written.parent.iterdir()) == [written]
    assert page_size_mm(written) == (pytest.approx(101.6, abs=0.5), pytest.approx(76.2, abs=0.5))


def test_an_unwritable_folder_refuses_with_the_folder_named(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    submission = PdfFolderBackend(blocker).submit(PDF_FOLDER, BadgeDocument("x", b"%PDF", 1, 1))
    assert submission.outcome is SubmitOutcome.REFUSED and str(blocker) in submission.message


def test_qt_pdf_rasterises_a_badge_like_poppler_does(qapp, tmp_path) -> None:
    import io

    import zxingcpp
    from PIL import Image

    from kiosk.badges import BadgeData, load_layout, render_badges
    from kiosk.core.models import Attendee, Event
    from kiosk.printing.qt_backend import rasterise_with_qtpdf

    out = io.BytesIO()
    person = Attendee(id="0123456789AB", first_name="Zoë", last_name="Ångström")
    render_badges(load_layout("cr80"), [BadgeData(person, "W10123456789ABCD", Event("Conf"))],
                  out)
    pages = rasterise_with_qtpdf(out.getvalue(), 300)
    assert len(pages) == 1
    image = Image.open(io.BytesIO(pages[0]))
    assert abs(image.width - round(85.6 / 25.4 * 300)) <= 2
    assert [r.text for r in zxingcpp.read_barcodes(image)] == ["W10123456789ABCD"]
