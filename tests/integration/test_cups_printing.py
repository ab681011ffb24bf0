"""Printing through a real CUPS spooler into its CUPS-PDF queue ``KioskPDF``: the badge that
comes out, a paused queue, a rejecting queue, a missing printer, a restart, auto-print."""

from __future__ import annotations

import os
import pwd
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.checkin_rules import Outcome
from kiosk.printing import (
    CupsBackend,
    JobEvent,
    PrinterState,
    PrintJobStatus,
    PrintWorker,
    cups_available,
)
from kiosk.services.demo import create_demo_event
from kiosk.services.desk import Desk
from kiosk.services.print_service import (
    PrintOutcome,
    PrintService,
    badge_folder,
    desk_printers,
    print_worker,
)
from kiosk.store import queries
from kiosk.store.event_file import EventFile
from tests.conftest import need_real_part

pytestmark = pytest.mark.cups

QUEUE = "KioskPDF"
SAFETY_TIMEOUT = 120.0  # seconds; only a hung spooler makes a test wait this long


def _cups_pdf_folders() -> list[Path]:
    """Where CUPS-PDF may put a job: its configured Out folder (for this user) and the
    folder for anonymous jobs, plus the usual defaults."""
    home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    folders = [home / "PDF", Path("/var/spool/cups-pdf/ANONYMOUS"),
               Path("/var/spool/cups-pdf") / pwd.getpwuid(os.getuid()).pw_name]
    conf = Path("/etc/cups/cups-pdf.conf")
    if conf.is_file():
        for line in conf.read_text(errors="replace").splitlines():
            match = re.match(r"\s*(Out|AnonDirName)\s+(\S+)", line)
            if match:
                folders.insert(0, Path(match.group(2).replace("${HOME}", str(home))))
    return folders


def _cups_pdf_output(document: str) -> Path:
    """The PDF CUPS-PDF wrote for a job titled ``document`` (named after the title)."""
    deadline = time.monotonic() + SAFETY_TIMEOUT
    while time.monotonic() < deadline:
        for folder in _cups_pdf_folders():
            found = sorted(folder.glob(f"{document}*.pdf")) if folder.is_dir() else []
            if found and subprocess.run(["pdfinfo", str(found[0])], capture_output=True
                                        ).returncode == 0:
                return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no CUPS-PDF output for {document} in {_cups_pdf_folders()}")


def _page_size_mm(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Page size:"))
    width, _, height = line.split()[2:5]
    return float(width) / 72 * 25.4, float(height) / 72 * 25.4


def _admin(*command: str) -> None:
    subprocess.run(list(command), capture_output=True, check=False)


@pytest.fixture(scope="module")
def cups_pdf() -> Iterator[str]:
    if not cups_available():
        need_real_part("the CUPS client tools (lp, lpstat, cancel) are not installed")
    for tool in ("pdfinfo", "pdftotext"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            need_real_part(f"{tool} (poppler-utils) is not installed")
    state = CupsBackend().printer(QUEUE).state
    if state is PrinterState.OFFLINE:
        need_real_part("the CUPS scheduler (cupsd) is not running")
    if state is PrinterState.MISSING:
        need_real_part(f"there is no CUPS-PDF queue {QUEUE}: lpadmin -p {QUEUE} -E "
                       "-v cups-pdf:/ -m lsb/usr/cups-pdf/CUPS-PDF_opt.ppd")
    # A run that died half-way may have left the queue paused or rejecting.
    _admin("cupsenable", QUEUE)
    _admin("cupsaccept", QUEUE)
    yield QUEUE
    _admin("cupsenable", QUEUE)
    _admin("cupsaccept", QUEUE)


class PrintingDesk:
    """An event with a desk, a print service and a worker on the real spooler, all on the
    event file's one door (threaded, as in the app): the worker prints on its threads, and
    the test reads and writes through the same door."""

    def __init__(self, path: Path) -> None:
        self.path = path
        store, _ = create_demo_event(path, attendees=40, seed=11)
        store.close()
        self.event = EventFile.open(path, threaded=True)
        self.printers = desk_printers(badge_folder(path))
        self.events: list[JobEvent] = []
        self._changed = threading.Condition()
        self.worker = self.new_worker()
        self.service = PrintService(self.event, self.printers, operator="Sam",
                                    wake=lambda: self.worker.wake())
        self.people = self.event.read(lambda r: queries.list_attendees(r.conn))

    def new_worker(self) -> PrintWorker:
        return print_worker(self.event, self.printers, self._listen, poll_seconds=0.1,
                            hold_seconds=0.1)

    def _listen(self, event: JobEvent) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def wait(self, job_id: int, *statuses: PrintJobStatus) -> JobEvent:
        with self._changed:
            found = self._changed.wait_for(lambda: next(
                (e for e in self.events if e.job.id == job_id and e.job.status in statuses),
                None), SAFETY_TIMEOUT)
        lines = [e.line for e in self.events if e.job.id == job_id]
        assert found is not None, f"job {job_id} never reached {statuses}: {lines}"
        return found

    def logged_prints(self) -> list[str]:
        return self.event.read(lambda r: [
            row[0] for row in r.conn.execute("SELECT attendee_id FROM prints")])

    def close(self) -> None:
        self.worker.stop()
        self.event.close()


@pytest.fixture
def desk(cups_pdf: str, tmp_path: Path) -> Iterator[PrintingDesk]:
    at_desk = PrintingDesk(tmp_path / "event.db")
    yield at_desk
    at_desk.close()


@pytest.mark.parametrize(("layout", "size"), [("cr80", (85.6, 53.98)), ("a6", (105, 148))])
def test_the_badge_comes_out_as_a_pdf_of_the_layouts_size_with_the_name(
    desk: PrintingDesk, layout: str, size: tuple[float, float],
) -> None:
    person = desk.people[0]
    job = desk.service.print_badge(person.id, printer=QUEUE, layout=layout).job
    desk.worker.start()
    done = desk.wait(job.id, PrintJobStatus.DONE)
    assert re.fullmatch(rf"{QUEUE}-\d+", done.job.spooler_job_id)
    output = _cups_pdf_output(job.document)
    try:
        width, height = _page_size_mm(output)
        # CUPS gives page sizes in whole points: within half a millimetre.
        assert width == pytest.approx(size[0], abs=0.5)
        assert height == pytest.approx(size[1], abs=0.5)
        text = subprocess.run(["pdftotext", str(output), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert person.first_name in text
    finally:
        output.unlink()
    assert desk.logged_prints() == [person.id]


def test_a_paused_queue_keeps_the_badge_queued_and_prints_it_once_resumed(
    desk: PrintingDesk,
) -> None:
    subprocess.run(["cupsdisable", "-r", "Out of labels", QUEUE], check=True)
    try:
        job = desk.service.print_badge(desk.people[1].id, printer=QUEUE, layout="cr80").job
        desk.worker.start()
        held = desk.wait(job.id, PrintJobStatus.QUEUED)
        assert held.line == (f"Badge queued — The printer “{QUEUE}” is paused (Out of labels). "
                             "Press Resume on the printer or ask staff.")
        assert desk.logged_prints() == []  # nothing logged while nothing was accepted
    finally:
        subprocess.run(["cupsenable", QUEUE], check=True)
    done = desk.wait(job.id, PrintJobStatus.DONE)
    assert done.job.last_error == "" and done.job.attempts == 1
    _cups_pdf_output(job.document).unlink()
    assert desk.logged_prints() == [desk.people[1].id]


def test_a_queue_rejecting_jobs_fails_the_badge_with_what_to_do(desk: PrintingDesk) -> None:
    subprocess.run(["cupsreject", "-r", "closed for the day", QUEUE], check=True)
    try:
        job = desk.service.print_badge(desk.people[2].id, printer=QUEUE).job
        desk.worker.start()
        failed = desk.wait(job.id, PrintJobStatus.FAILED)
    finally:
        subprocess.run(["cupsaccept", QUEUE], check=True)
    assert failed.line == (f"Badge failed — The printer “{QUEUE}” is not taking new badges "
                           "(closed for the day). Choose another printer in Settings → "
                           "Printing and press Retry, or ask staff to switch it back on.")
    assert desk.service.retry(job.id).outcome is PrintOutcome.QUEUED
    desk.worker.wake()
    desk.wait(job.id, PrintJobStatus.DONE)
    _cups_pdf_output(job.document).unlink()


def test_a_missing_printer_fails_with_a_clear_error(desk: PrintingDesk) -> None:
    job = desk.service.print_badge(desk.people[3].id, printer="NoSuchKioskPrinter").job
    desk.worker.start()
    failed = desk.wait(job.id, PrintJobStatus.FAILED)
    assert failed.line == ("Badge failed — There is no printer called “NoSuchKioskPrinter” on "
                           "this computer. Choose another printer in Settings → Printing, or "
                           "ask staff to set it up.")
    assert desk.logged_prints() == []


def test_a_restarted_worker_prints_what_was_queued_while_it_was_stopped(desk: PrintingDesk) -> None:
    first = [desk.service.print_badge(p.id, printer=QUEUE).job for p in desk.people[4:7]]
    desk.worker.start()
    for job in first:
        desk.wait(job.id, PrintJobStatus.DONE)
    desk.worker.stop()
    second = [desk.service.print_badge(p.id, printer=QUEUE).job for p in desk.people[7:9]]
    desk.worker = desk.new_worker()  # the app started again
    desk.worker.start()
    for job in second:
        desk.wait(job.id, PrintJobStatus.DONE)
    for job in first + second:
        _cups_pdf_output(job.document).unlink()
    assert sorted(desk.logged_prints()) == sorted(p.id for p in desk.people[4:9])


def test_check_ins_in_a_row_with_auto_print_each_print_once_through_cups(
    desk: PrintingDesk,
) -> None:
    people = desk.people[9:29]
    desk.service.save_settings(auto=True, preview=False, printer=QUEUE, layout="cr80")
    checkin_desk = desk.event.write(lambda store: Desk(store, "Desk 1", "Sam"))
    desk.worker.start()
    jobs = []
    for person in people:
        result = desk.event.write(lambda store, person=person: checkin_desk.check_in(person.id))
        assert result.outcome is Outcome.OK
        request = desk.service.on_checked_in(result)
        assert request.outcome is PrintOutcome.QUEUED
        jobs.append(request.job)
    for job in jobs:
        desk.wait(job.id, PrintJobStatus.DONE)
        _cups_pdf_output(job.document).unlink()
    assert sorted(desk.logged_prints()) == sorted(p.id for p in people)
    spooled = {job.spooler_job_id for job in desk.service.jobs()}
    assert len(spooled) == len(people)


def _spool_files(job: str) -> list[Path]:
    """The files CUPS keeps for a job in its spool: control (c) and data (d) files."""
    number = int(job.rpartition("-")[2])
    return [p for p in (Path("/var/spool/cups") / f"c{number:05d}",
                        Path("/var/spool/cups") / f"d{number:05d}-001") if p.exists()]


def _holds(path: Path, name: str) -> bool:
    """Whether a file holds ``name``: in its bytes, or in the text of a PDF it is."""
    data = path.read_bytes()
    if name.encode() in data:
        return True
    if data.startswith(b"%PDF"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
        # pdftotext guesses word breaks from where glyphs sit: a kerned pair of digits can
        # come out as two words ("Zyx292b77 12").
        return name in "".join(text.stdout.split())
    return False


@pytest.mark.parametrize("removal", ["wipe", "anonymise"])
def test_a_wipe_leaves_no_badge_in_the_spool_or_the_pdf_printers_folder(
        cups_pdf, tmp_path: Path, removal: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Wipe and anonymise alike: a badge holds the name both remove."""
    from kiosk.cli import main as kiosk

    if not os.access("/var/spool/cups", os.R_OK | os.X_OK):
        need_real_part("reading /var/spool/cups (the test runs as root in CI)")
    import uuid

    from kiosk.services.attendee_admin import edit_attendee

    desk = PrintingDesk(tmp_path / "event.db")
    people = desk.people[:2]
    # Names no other test prints: the spool keeps other tests' badges for a day.
    names = [f"Zyx{uuid.uuid4().hex[:10]}" for _ in people]
    for person, name in zip(people, names, strict=True):
        desk.event.write(lambda store, person=person, name=name: edit_attendee(
            store, person.id, {"last_name": name}))
    try:
        desk.worker.start()
        jobs = [desk.service.print_badge(p.id, printer=QUEUE, layout="cr80").job
                for p in people]
        done = [desk.wait(job.id, PrintJobStatus.DONE).job for job in jobs]
    finally:
        desk.close()
    outputs = [_cups_pdf_output(job.document) for job in done]
    spooled = [f for job in done for f in _spool_files(job.spooler_job_id)]
    # Before: the whole badge is in the spool and in CUPS-PDF's folder.
    assert spooled and all(any(_holds(f, n) for f in outputs) for n in names)
    capsys.readouterr()
    assert kiosk([removal, str(desk.path), "--yes"]) == 0
    said = capsys.readouterr().out
    assert "what the print system keeps of the badges printed here" in said
    assert "The print system forgot" in said
    assert [f for f in spooled if f.exists()] == []
    assert [f for f in outputs if f.exists()] == []
    left = [f for folder in (Path("/var/spool/cups"), *_cups_pdf_folders()) if folder.is_dir()
            for f in folder.rglob("*") if f.is_file() and any(_holds(f, n) for n in names)]
    assert left == []
