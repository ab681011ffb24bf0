"""The printing commands: ``kiosk printers``, ``print``, ``print-queue`` and ``print-test``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.cli.common import CommandMaker, UserError, open_event, print_json

# How long `kiosk print` waits for its badges before leaving them to the queue.
WAIT_SECONDS = 60.0




_print_json = print_json


def _job_json(job: Any) -> dict[str, Any]:
    from kiosk.printing import job_line

    return {"id": job.id, "attendee_id": job.attendee_id, "layout": job.layout,
            "printer": job.printer, "status": job.status.value, "attempts": job.attempts,
            "last_error": job.last_error, "reprint_reason": job.reprint_reason,
            "operator": job.operator, "created_at": job.created_at,
            "updated_at": job.updated_at, "spooler_job_id": job.spooler_job_id,
            "line": job_line(job)}


def cmd_printers(args: argparse.Namespace) -> int:
    from kiosk.printing import PDF_FOLDER
    from kiosk.printing.messages import for_printer
    from kiosk.services.print_service import desk_printers

    printers = desk_printers(Path("EVENT-badges")).printers()
    if args.json:
        _print_json([{"name": p.name, "backend": p.backend, "state": p.state.value,
                      "reason": p.reason, "default": p.is_default,
                      "message": for_printer(p)} for p in printers])
        return 0
    for p in printers:
        note = ("writes each badge as a PDF into a folder beside the event file"
                if p.name == PDF_FOLDER else for_printer(p) or p.reason)
        mark = "*" if p.is_default else " "
        print(f"{mark} {p.name:<24} {p.state.value:<10} {p.backend:<10} {note}".rstrip())
    return 0


def _service(event: Any, operator: str = "") -> Any:
    from kiosk.services.print_service import PrintService, badge_folder, desk_printers

    return PrintService(event, desk_printers(badge_folder(event.path)), operator=operator)


def wait_and_report(service: Any, event: str, job_ids: list[int], as_json: bool,
                    extra: dict[str, Any] | None = None) -> int:
    """Run a print worker until the jobs are out (or the wait is over); say how each went
    (with ``extra`` beside the jobs in the JSON, e.g. the check-in they follow)."""
    from kiosk.printing import JobFeed, PrintJobStatus
    from kiosk.services.print_service import print_worker

    feed = JobFeed()
    worker = print_worker(service.event, service.printers, feed)
    worker.start()
    try:
        pending = set(job_ids)

        def ours(event: Any) -> bool:
            return event.job.id in pending

        # Wait until each badge is out or given up on, or is held with a reason (a paused
        # printer): that badge stays queued, and the command says so rather than hang.
        while pending and feed.wait_for(ours, WAIT_SECONDS):
            pending.difference_update(
                job.id for job in _jobs(service, job_ids)
                if job.status.final or (job.status is PrintJobStatus.QUEUED and job.last_error))
    finally:
        worker.stop()
    jobs = _jobs(service, job_ids)
    if as_json:
        listed = [_job_json(job) for job in jobs]
        _print_json(listed if extra is None else {**extra, "print_jobs": listed})
    else:
        from kiosk.printing import job_line

        for job in jobs:
            print(f"{job.id:>5}  {job.attendee_id}  {job_line(job)}")
        if any(not job.status.final for job in jobs):
            print("Badges still waiting stay in the queue and print when the printer is ready "
                  f"(see `kiosk print-queue {event}`).")
    return 0 if all(job.status is PrintJobStatus.DONE for job in jobs) else 1


def _jobs(service: Any, job_ids: list[int]) -> list[Any]:
    return [job for job in (service.job(i) for i in job_ids) if job is not None]


def cmd_print(args: argparse.Namespace) -> int:
    from kiosk.services.print_service import PrintOutcome

    with open_event(args.event, threaded=True) as event:
        service = _service(event, operator=args.operator or "")
        job_ids = []
        refusals = []
        for attendee in args.attendees:
            request = service.print_badge(attendee, printer=args.printer, layout=args.layout,
                                          reason=args.reason or "")
            if request.outcome is PrintOutcome.QUEUED:
                job_ids.append(request.job.id)
            else:
                refusals.append(f"{attendee}: {request.message}")
        for refusal in refusals:
            print(f"Not queued — {refusal}")
        if not job_ids:
            raise UserError("No badge was queued." + (
                " Give --reason TEXT to print another badge for someone who has one."
                if any("already has a badge" in r for r in refusals) else ""))
        status = wait_and_report(service, args.event, job_ids, args.json)
    return status if not refusals else max(status, 1)


def cmd_print_queue(args: argparse.Namespace) -> int:
    from kiosk.printing import job_line
    from kiosk.services.print_service import PrintOutcome

    with open_event(args.event, threaded=True) as event:
        service = _service(event)
        if args.retry is not None or args.cancel is not None:
            request = (service.retry(args.retry, args.printer) if args.retry is not None
                       else service.cancel(args.cancel))
            if request.outcome is PrintOutcome.NOT_POSSIBLE:
                raise UserError(request.message)
            if request.outcome is PrintOutcome.QUEUED:
                return wait_and_report(service, args.event, [request.job.id], args.json)
            print(request.message)
            return 0
        jobs = service.jobs()
    if args.json:
        _print_json([_job_json(job) for job in jobs])
        return 0
    for job in jobs:
        reprint = f" (reprint: {job.reprint_reason})" if job.reprint_reason else ""
        print(f"{job.id:>5}  {job.created_at[:19]}  {job.attendee_id}  {job.printer:<16} "
              f"{job_line(job)}{reprint}")
    print(f"{len(jobs)} print job(s)")
    return 0


def cmd_print_test(args: argparse.Namespace) -> int:
    from kiosk.services.print_service import desk_printers, print_test_page

    printers = desk_printers(Path.cwd() / "kiosk-test-pages")
    submission = print_test_page(printers, args.printer, args.layout)
    if not submission.accepted:
        raise UserError(submission.message)
    where = f" (job {submission.spooler_job_id})" if submission.spooler_job_id else ""
    print(f"Sent a test page for “{args.layout}” to {args.printer}{where}. Check that the "
          "outline sits on the edge of the stock and that the QR code scans.")
    return 0


def register(sub: Any, command: CommandMaker) -> None:
    """Add the printing commands to ``kiosk``'s sub-command parser."""
    p = command(sub, "printers", cmd_printers,
                "List the printers this computer can print badges on, with their state.",
                "kiosk printers --json")
    p.add_argument("--json", action="store_true")

    p = command(sub, "print", cmd_print,
                "Queue badges for attendees and print them, waiting for the printer's answer.",
                "kiosk print conference.db 5UCDCX6A86C6 --printer KioskPDF --layout cr80")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("attendees", nargs="+", metavar="ATTENDEE")
    p.add_argument("--printer", metavar="NAME",
                   help="a printer from `kiosk printers` (default: the desk's printer)")
    p.add_argument("--layout", metavar="NAME", help="a badge layout (default: the desk's)")
    p.add_argument("--reason", metavar="TEXT",
                   help="why a person who has a badge needs another (a reprint)")
    p.add_argument("--operator", metavar="NAME", help="who is printing")
    p.add_argument("--json", action="store_true")

    p = command(sub, "print-queue", cmd_print_queue,
                "Show this desk's print queue; retry a failed badge (on another printer) or "
                "cancel one.",
                "kiosk print-queue conference.db --retry 12 --printer Brother_QL-820")
    p.add_argument("event", metavar="EVENT.db")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--retry", type=int, metavar="ID")
    action.add_argument("--cancel", type=int, metavar="ID")
    p.add_argument("--printer", metavar="NAME", help="with --retry: send it to this printer")
    p.add_argument("--json", action="store_true")

    p = command(sub, "print-test", cmd_print_test,
                "Print a test page on a printer: the layout's bounds and a QR code.",
                "kiosk print-test KioskPDF --layout cr80")
    p.add_argument("printer", metavar="PRINTER")
    p.add_argument("--layout", default="insert-4x3in", metavar="NAME")
