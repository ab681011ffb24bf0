"""The Batch badges screen driven as an organiser would: filters and layouts, the count and
pages it shows, the preview's pages, saving the PDF, sending badges through the print queue
(to the PDF folder, and to a real CUPS queue where there is one), cancelling a long batch."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.badges.resources import LAYOUTS_DIR
from kiosk.printing import PrintJobStatus
from kiosk.services.demo import create_demo_event
from kiosk.services.event_access import EventFile
from kiosk.services.print_service import badge_folder
from kiosk.store import print_jobs, queries
from kiosk.ui.console.batch_screen import FROM_FILE, BatchScreen

# The CUPS test skips (or, in CI, fails) as the CUPS printing tests do, with their fixture.
from tests.integration.test_cups_printing import _cups_pdf_output, cups_pdf
from tests.ui.conftest import dispose
from tests.ui.console.screens import read

__all__ = ["cups_pdf"]  # a fixture, used by name

SAFETY_MS = 60_000  # only a hung screen makes a test wait this long


@pytest.fixture
def open_batch(qtbot) -> Iterator:
    screens: list[BatchScreen] = []
    doors: list[EventFile] = []

    def opener(path: Path) -> BatchScreen:
        event = EventFile.open(path, threaded=True)
        doors.append(event)
        screen = BatchScreen(event)
        screens.append(screen)
        screen.resize(1280, 820)
        screen.show()
        with qtbot.waitSignal(screen.ready, timeout=SAFETY_MS):
            screen.start()
        qtbot.waitUntil(lambda: screen.printer_box.count() > 0, timeout=SAFETY_MS)
        qtbot.waitUntil(lambda: not screen.busy, timeout=SAFETY_MS)
        return screen

    yield opener
    while screens:
        screen = screens.pop()
        screen.shutdown()
        dispose(screen)
    while doors:
        doors.pop().close()


def _choose(qtbot, screen: BatchScreen, box, key) -> None:
    """Pick an entry of a drop-down by its key, as a click on it would, and wait for the
    figures that follow."""
    index = box.findData(key)
    assert index >= 0, f"{key!r} is not offered"
    with qtbot.waitSignal(screen.plan_shown, timeout=SAFETY_MS):
        box.setCurrentIndex(index)


def _pick_printer(screen: BatchScreen, name: str) -> None:
    index = screen.printer_box.findData(name)
    assert index >= 0, f"{name!r} is not offered"
    screen.printer_box.setCurrentIndex(index)
    assert screen.printer_box.currentText() == name  # ready: no state after its name


def _press(qtbot, button) -> None:
    """Click a button once it can be pressed (a preview being drawn holds it back)."""
    qtbot.waitUntil(button.isEnabled, timeout=SAFETY_MS)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _tick(qtbot, screen: BatchScreen, box) -> None:
    with qtbot.waitSignal(screen.plan_shown, timeout=SAFETY_MS):
        box.click()


def _expected(path: Path, **want) -> list:
    """The attendees a batch must hold, read straight from the event (not by the screen's
    query): active, unmerged, matching what is asked."""
    def find(store) -> list:
        people = queries.list_attendees(store.conn, status="active")
        if "category" in want:
            people = [a for a in people if a.category == want["category"]]
        if "printed" in want:
            printed = {row[0] for row in store.conn.execute("SELECT attendee_id FROM prints")}
            people = [a for a in people if a.id not in printed]
        return people
    return read(path, find)


def _jobs_and_prints(store) -> tuple[list, list[str]]:
    """The print queue's jobs, and whom the log says a badge was printed for."""
    return (print_jobs.list_jobs(store.conn),
            [row[0] for row in store.conn.execute("SELECT attendee_id FROM prints")])


def _pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(next(x for x in info.stdout.splitlines() if x.startswith("Pages:")).split()[1])


def _dark_pixels(screen: BatchScreen) -> int:
    image = screen.view.grab().toImage()
    return sum(1 for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)
               if image.pixelColor(x, y).lightness() < 90)


def test_a_category_on_a4_sheets_shows_its_count_and_pages_and_previews_them(
    qtbot, event_file, open_batch,
) -> None:
    screen = open_batch(event_file["path"])
    volunteers = _expected(event_file["path"], category="volunteer")
    assert 1 < len(volunteers) <= 8
    with qtbot.waitSignal(screen.preview_shown, timeout=SAFETY_MS) as shown:
        _choose(qtbot, screen, screen.category_box, "volunteer")
    assert screen.count_label.text() == f"{len(volunteers)} badges on 1 page (8 a page)"
    assert shown.args == [1]
    assert screen.page_label.text() == "Page 1 of 1"
    assert screen.preview_stack.currentWidget() is screen.view
    qtbot.waitUntil(lambda: _dark_pixels(screen) > 200, timeout=SAFETY_MS)  # names, QR codes

    # The same people one badge a page, on CR80 cards: a page each.
    _choose(qtbot, screen, screen.layout_box, "cr80")
    assert "holds badges of 90 × 55 mm" in screen.detail_label.text()
    assert not screen.save_button.isEnabled() and not screen.send_button.isEnabled()
    with qtbot.waitSignal(screen.preview_shown, timeout=SAFETY_MS) as shown:
        _choose(qtbot, screen, screen.sheet_box, "one-per-page")
    n = len(volunteers)
    assert screen.count_label.text() == f"{n} badges on {n} pages"
    assert shown.args == [n] and screen.pdf.pageCount() == n
    assert not screen.cut_marks_box.isEnabled()


def test_cut_marks_can_be_left_off_and_each_sheet_starts_as_it_is_designed(
    qtbot, event_file, open_batch,
) -> None:
    screen = open_batch(event_file["path"])
    assert screen.cut_marks_box.isEnabled() and screen.cut_marks_box.isChecked()
    drawn_with_marks = screen.document.pdf
    with qtbot.waitSignal(screen.preview_shown, timeout=SAFETY_MS):
        _tick(qtbot, screen, screen.cut_marks_box)
    assert not screen.cut_marks_box.isChecked()
    assert screen.detail_label.text() == ("Badge 90 × 55 mm (for A4 8-up sheets) on A4 sheet, "
                                          "8 badges 90 × 55 mm.")
    assert screen.document.pdf != drawn_with_marks
    _choose(qtbot, screen, screen.layout_box, "insert-4x3in")
    _choose(qtbot, screen, screen.sheet_box, "letter-6up-4x3in")
    assert not screen.cut_marks_box.isChecked()  # perforated stock: no marks by design
    _tick(qtbot, screen, screen.cut_marks_box)
    assert screen.detail_label.text().endswith("(Avery 5392 style), with cut marks.")


def test_saving_writes_a_pdf_with_the_pages_shown_and_asks_before_replacing(
    qtbot, event_file, open_batch, tmp_path,
) -> None:
    screen = open_batch(event_file["path"])
    everyone = _expected(event_file["path"])
    pages = -(-len(everyone) // 8)
    assert screen.count_label.text() == f"{len(everyone)} badges on {pages} pages (8 a page)"
    target = tmp_path / "pre-printed.pdf"
    screen.pdf_path.setText(str(target))
    with qtbot.waitSignal(screen.saved, timeout=SAFETY_MS) as saved:
        _press(qtbot, screen.save_button)
    assert saved.args == [str(target)]
    assert _pdf_pages(target) == pages
    assert screen.message.text() == (f"Saved {len(everyone)} badges on {pages} pages to "
                                     f"{target}.")
    # Saving again over the same file asks first, with no dialog: the button says so.
    _press(qtbot, screen.save_button)
    qtbot.waitUntil(lambda: screen.save_button.text() == "Replace the file", timeout=SAFETY_MS)
    assert "already a file called pre-printed.pdf" in screen.message.text()
    with qtbot.waitSignal(screen.saved, timeout=SAFETY_MS):
        _press(qtbot, screen.save_button)
    assert screen.save_button.text() == "Save PDF"


def test_sending_to_the_pdf_folder_puts_the_jobs_in_the_print_queue_and_the_files_appear(
    qtbot, event_file, open_batch,
) -> None:
    path = event_file["path"]
    screen = open_batch(path)
    _choose(qtbot, screen, screen.category_box, "delegate")
    _tick(qtbot, screen, screen.not_printed_box)
    assert screen.not_printed_box.isChecked()
    delegates = _expected(path, category="delegate", printed=False)
    sheets = -(-len(delegates) // 8)
    assert screen.count_label.text() == f"{len(delegates)} badges on {sheets} pages (8 a page)"
    _pick_printer(screen, "pdf-folder")
    with qtbot.waitSignal(screen.sent, timeout=SAFETY_MS) as sent:
        _press(qtbot, screen.send_button)
    result = sent.args[0]
    assert screen.message.text() == (f"All {len(delegates)} badges ({sheets} pages) went to "
                                     f"pdf-folder. The PDFs are in {badge_folder(path)}.")
    jobs, printed = read(path, _jobs_and_prints)
    assert sorted(j.attendee_id for j in jobs) == sorted(a.id for a in delegates)
    assert {j.status for j in jobs} == {PrintJobStatus.DONE}
    assert [j.id for j in jobs] == list(result.job_ids)
    assert sorted(printed) == sorted(a.id for a in delegates)
    files = sorted(badge_folder(path).glob("*.pdf"))
    assert len(files) == sheets
    assert sum(_pdf_pages(f) for f in files) == sheets
    # They have badges now: "not yet printed" delegates are none.
    qtbot.waitUntil(lambda: screen.count_label.text() == "No badges", timeout=SAFETY_MS)


def test_printing_people_who_have_a_badge_again_needs_a_reason(
    qtbot, event_file, open_batch,
) -> None:
    path = event_file["path"]
    screen = open_batch(path)
    _choose(qtbot, screen, screen.category_box, "volunteer")
    _pick_printer(screen, "pdf-folder")
    with qtbot.waitSignal(screen.sent, timeout=SAFETY_MS):
        _press(qtbot, screen.send_button)
    drawn = screen.document
    qtbot.waitUntil(lambda: "already have a badge" in screen.detail_label.text(),
                    timeout=SAFETY_MS)
    assert screen.reason_box.isVisible()
    assert screen.document is drawn is not None  # the same pages: not drawn again
    with qtbot.waitSignal(screen.sent, timeout=SAFETY_MS) as refused:
        _press(qtbot, screen.send_button)
    assert refused.args[0].sent == 0
    assert "already have a badge. To print another, say why" in screen.message.text()
    qtbot.keyClicks(screen.reason_box, "misspelt names")
    with qtbot.waitSignal(screen.sent, timeout=SAFETY_MS) as again:
        _press(qtbot, screen.send_button)
    assert again.args[0].sent == refused.args[0].total > 0
    jobs, _printed = read(path, _jobs_and_prints)
    assert {j.reprint_reason for j in jobs} == {"", "misspelt names"}


def test_a_layout_file_is_used_and_a_broken_one_is_explained(
    qtbot, event_file, open_batch, tmp_path,
) -> None:
    screen = open_batch(event_file["path"])
    mine = tmp_path / "our-badge.json"
    design = json.loads((LAYOUTS_DIR / "card-90x55.json").read_text())
    design.update(name="our-badge", title="Our own 90 × 55 badge")
    mine.write_text(json.dumps(design))
    screen.layout_box.setCurrentIndex(screen.layout_box.findData(FROM_FILE))
    qtbot.waitUntil(lambda: screen.count_label.text() == "Choose a layout file",
                    timeout=SAFETY_MS)
    assert screen.file_row.isVisible() and not screen.save_button.isEnabled()
    with qtbot.waitSignal(screen.plan_shown, timeout=SAFETY_MS):
        screen.layout_file.setText(str(mine))
        screen.layout_file.editingFinished.emit()
    assert screen.detail_label.text().startswith(
        "Our own 90 × 55 badge on A4 sheet, 8 badges 90 × 55 mm")
    broken = tmp_path / "broken.json"
    broken.write_text("{ this is not JSON")
    with qtbot.waitSignal(screen.plan_shown, timeout=SAFETY_MS):
        screen.layout_file.setText(str(broken))
        screen.layout_file.editingFinished.emit()
    assert screen.detail_label.text().startswith("This layout cannot be used: broken.json")
    assert not screen.preview_button.isEnabled()


@pytest.fixture
def big_event(tmp_path: Path) -> Path:
    path = tmp_path / "big.db"
    store, _ = create_demo_event(path, attendees=1100, seed=5)
    store.close()
    return path


@pytest.mark.slow
def test_a_thousand_badges_show_progress_and_can_be_cancelled(
    qtbot, big_event, open_batch,
) -> None:
    screen = open_batch(big_event)
    count = len(_expected(big_event))
    assert count >= 1000
    pages = -(-count // 8)
    assert screen.count_label.text() == f"{count:,} badges on {pages} pages (8 a page)"
    # Too many to draw unasked: the preview waits for the button.
    assert screen.placeholder.text() == f"Press Preview pages to draw all {pages} pages."
    qtbot.mouseClick(screen.preview_button, Qt.MouseButton.LeftButton)
    assert screen.busy_row.isVisible() and not screen.save_button.isEnabled()
    qtbot.waitUntil(lambda: screen.progress.value() > 0, timeout=SAFETY_MS)
    assert screen.progress.maximum() == count
    qtbot.mouseClick(screen.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.busy, timeout=SAFETY_MS)
    assert screen.placeholder.text().startswith("Preview cancelled.")
    assert screen.preview_stack.currentWidget() is screen.placeholder
    assert not screen.busy_row.isVisible() and screen.save_button.isEnabled()


@pytest.mark.cups
def test_a_small_batch_goes_through_a_real_cups_queue(
    qtbot, event_file, open_batch, cups_pdf,
) -> None:
    path = event_file["path"]
    screen = open_batch(path)
    qtbot.waitUntil(lambda: screen.printer_box.findData(cups_pdf) >= 0, timeout=SAFETY_MS)
    _choose(qtbot, screen, screen.category_box, "press")
    _choose(qtbot, screen, screen.layout_box, "cr80")
    _choose(qtbot, screen, screen.sheet_box, "one-per-page")
    press = _expected(path, category="press")
    assert 0 < len(press) <= 6
    _pick_printer(screen, cups_pdf)
    with qtbot.waitSignal(screen.sent, timeout=SAFETY_MS) as sent:
        _press(qtbot, screen.send_button)
    assert sent.args[0].sent == len(press), screen.message.text()
    jobs, printed = read(path, _jobs_and_prints)
    assert all(j.spooler_job_id.startswith(f"{cups_pdf}-") for j in jobs)
    assert sorted(printed) == sorted(a.id for a in press)  # logged once the spooler took each
    for job in jobs:
        output = _cups_pdf_output(job.document)
        assert _pdf_pages(output) == 1
        output.unlink()



@pytest.mark.slow
def test_sending_a_thousand_badges_shows_progress_and_stops_when_cancelled(
    qtbot, big_event, open_batch,
) -> None:
    screen = open_batch(big_event)
    _pick_printer(screen, "pdf-folder")
    with qtbot.waitSignal(screen.sent, timeout=SAFETY_MS) as sent:
        _press(qtbot, screen.send_button)
        assert not screen.who_group.isEnabled() and not screen.layout_group.isEnabled()
        qtbot.waitUntil(lambda: screen.progress.value() >= 16, timeout=SAFETY_MS)
        qtbot.mouseClick(screen.cancel_button, Qt.MouseButton.LeftButton)
    result = sent.args[0]
    assert result.outcome.value == "cancelled" and 16 <= result.sent < result.total
    assert screen.message.text() == (f"Cancelled: {result.sent:,} badges of "
                                     f"{result.total:,} went to pdf-folder; the rest were "
                                     "not sent.")
    assert screen.who_group.isEnabled()
    jobs, printed = read(big_event, _jobs_and_prints)
    assert len(jobs) == len(printed) == result.sent  # nothing queued past the cancel
    assert {j.status for j in jobs} == {PrintJobStatus.DONE}
    assert len(list(badge_folder(big_event).glob("*.pdf"))) == -(-result.sent // 8)
