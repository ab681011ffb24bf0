"""`kiosk --self-test`: prove on this machine (or this frozen build) that the parts work."""

from __future__ import annotations

import csv
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.core.checkin_rules import Outcome
from kiosk.core.tickets import ALPHABET
from kiosk.services.demo_people import demo_records
from kiosk.services.desk import Desk
from kiosk.services.event_setup import NewEvent, create_event
from kiosk.services.registration_import import import_file
from kiosk.services.ticket_issuing import ticket_code
from kiosk.store import queries

Say = Callable[[str], None]


def _write_registrations(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Order #", "First Name", "Last Name", "Email", "Company",
                         "Ticket Type", "Attendee Status"])
        for record in demo_records(12, seed=3):
            f = record.fields
            writer.writerow([f.get("external_ref", ""), f.get("first_name", ""),
                             f.get("last_name", ""), f.get("email", ""),
                             f.get("organisation", ""), f.get("category", ""), "Attending"])


def _read_back_through_a_qr_code(code: str) -> str:
    """The code as a camera would see it: drawn as a QR image, decoded by zxing-cpp."""
    import qrcode
    import zxingcpp

    image = qrcode.make(code, error_correction=qrcode.constants.ERROR_CORRECT_M).get_image()
    found = [r.text for r in zxingcpp.read_barcodes(image.convert("L"))]
    if found != [code]:
        raise AssertionError(f"zxing-cpp read {found!r} from a ticket's QR code")
    return found[0]


def _damaged(code: str) -> str:
    """The code with one signature character misread: always a different code (replacing
    the end with "00" was the same code whenever its last signature bits were zero)."""
    at = len(code) - 10
    wrong = ALPHABET[(ALPHABET.index(code[at]) + 1) % len(ALPHABET)]
    return code[:at] + wrong + code[at + 1:]


def _check_import_and_check_in(folder: Path, say: Say) -> Path:
    event_path = folder / "self-test.db"
    store = create_event(event_path, NewEvent("Self-test event"))
    source = folder / "registrations.csv"
    _write_registrations(source)
    report = import_file(store, source)
    if report.created < 10 or report.errors:
        raise AssertionError(f"import created {report.created} with {len(report.errors)} errors")
    say(f"imported {report.created} registrations from CSV ({report.preset})")
    person = queries.list_attendees(store.conn)[0]
    code = _read_back_through_a_qr_code(ticket_code(store, person))
    result = Desk(store, "Self-test desk").scan(code)
    if result.outcome is not Outcome.OK:
        raise AssertionError(f"a valid ticket was answered {result.outcome}")
    forged = Desk(store, "Self-test desk").scan(_damaged(ticket_code(store, person)))
    if forged.outcome not in (Outcome.FORGED, Outcome.UNKNOWN):
        raise AssertionError(f"a damaged ticket was answered {forged.outcome}")
    say("checked in one attendee by a ticket code read from a QR image (zxing-cpp); "
        "a damaged code was refused")
    store.close()
    return event_path


def _check_badge_printing(event_path: Path, say: Say) -> None:
    from kiosk.printing import JobFeed
    from kiosk.printing.directory import PrinterDirectory
    from kiosk.printing.pdf_folder import PDF_FOLDER, PdfFolderBackend
    from kiosk.services.print_service import PrintService, badge_folder, print_worker
    from kiosk.store.event_file import EventFile

    folder = badge_folder(event_path)
    printers = PrinterDirectory([PdfFolderBackend(folder)])
    feed = JobFeed()
    event = EventFile.open(event_path, threaded=True)
    worker = print_worker(event, printers, feed)
    try:
        worker.start()
        person = event.read(lambda reader: queries.list_attendees(reader.conn)[0])
        request = PrintService(event, printers, wake=worker.wake).print_badge(
            person.id, printer=PDF_FOLDER)
        if request.job is None:
            raise AssertionError(f"the badge was not queued: {request.message}")
        done = feed.wait_for(lambda e: e.job.status.value in ("done", "failed"), timeout=60)
        if done is None or done.job.status.value != "done":
            raise AssertionError("the badge did not print: "
                                 + (done.line if done else "no answer from the print worker"))
    finally:
        worker.stop(timeout=10)
        event.close()
    pdfs = list(folder.glob("*.pdf"))
    if not pdfs or not pdfs[0].read_bytes().startswith(b"%PDF"):
        raise AssertionError("no badge PDF came out")
    say(f"rendered and printed a badge to {pdfs[0].name} ({pdfs[0].stat().st_size:,} bytes)")


def _check_hub(folder: Path, say: Say) -> None:
    from kiosk.store.hub_log import SqliteHubLog
    from kiosk.sync.client import HubClient
    from kiosk.sync.hub_server import HubThread

    hub = SqliteHubLog(folder / "hub.db")
    with HubThread(hub, tls=False) as server:
        client = HubClient(server.address.url, None, None, timeout=10)
        try:
            health = client.health()
        finally:
            client.close()
    say(f"started a hub on loopback, it answered {health!r}, and stopped it")


def run_self_test(say: Say = print) -> int:
    """0 when every check passed; each check says what it proved."""
    started = time.perf_counter()
    checks = 0
    with tempfile.TemporaryDirectory(prefix="kiosk-self-test-") as tmp:
        folder = Path(tmp)
        try:
            event_path = _check_import_and_check_in(folder, say)
            checks += 2
            _check_badge_printing(event_path, say)
            checks += 1
            _check_hub(folder, say)
            checks += 1
        except Exception as exc:  # the report names what failed; nothing else to protect
            say(f"FAILED after {checks} check(s): {type(exc).__name__}: {exc}")
            return 1
    say(f"self-test passed: {checks} checks in {time.perf_counter() - started:.1f} s")
    return 0
