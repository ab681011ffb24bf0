"""After-the-event commands: ``kiosk export``, ``report``, ``wipe``, ``anonymise``, ``backups``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.cli.common import CommandMaker, UserError, open_store

EXPORT_KINDS = ("attendees", "workshops", "noshows", "walkins", "conflicts", "audit",
                "checkins")
# kiosk.services.checkin_exports.SYSTEMS, named here so `kiosk --help` loads no services.
CHECKIN_SYSTEMS = ("generic", "eventbrite", "tickettailor", "pretix", "tito", "hievents")


def cmd_export(args: argparse.Namespace) -> int:
    from kiosk.services.exports import export

    with open_store(args.event) as store:
        result = export(store, args.what, args.out, args.system)
    print(f"Wrote {result.rows} row(s) ({result.what}) to {result.path}. Cells that began "
          "with = + - @ or a tab were given a leading ' so a spreadsheet shows them as text.")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from kiosk.services.event_report import write_report

    with open_store(args.event) as store:
        path = write_report(store, args.out)
    print(f"Wrote the event report to {path}.")
    return 0


def _confirmed(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


def _remove(args: argparse.Namespace, anonymise: bool) -> int:
    from kiosk.core.text import count_people
    from kiosk.services import retention

    name = "anonymise" if anonymise else "wipe"
    with open_store(args.event) as store:
        plan = retention.plan(store)
        verb = "Anonymising" if anonymise else "Wiping"
        print(f"{verb} {args.event} removes, for good:")
        print("\n".join(plan.lines(anonymise)))
        if not args.yes:
            if not sys.stdin.isatty():
                raise UserError(f"Nothing was removed: confirm by running `kiosk {name} "
                                    f"{args.event} --yes` (no one was here to answer y/N).")
            if not _confirmed("Export what you need first. Go ahead?"):
                print("Nothing was removed.")
                return 1
        counts = (retention.anonymise_event(store) if anonymise
                  else retention.wipe_event(store))
    done = "Anonymised" if anonymise else "Wiped"
    whose = (f"{count_people(counts.attendees)}'s personal data is" if counts.attendees
             else "the personal data is")
    print(f"{done}: {whose} gone from {args.event}, its backups and its badge PDFs. "
          "`kiosk report` still gives the anonymous figures.")
    if counts.print_copies_removed:
        print(f"The print system forgot {counts.print_copies_removed} copies of badges "
              "(spooled jobs, a PDF printer's files).")
    for left in counts.not_reached:
        print(f"Not reached: {left}.")
    return 0


def cmd_wipe(args: argparse.Namespace) -> int:
    return _remove(args, anonymise=False)


def cmd_anonymise(args: argparse.Namespace) -> int:
    return _remove(args, anonymise=True)


def cmd_backups(args: argparse.Namespace) -> int:
    from kiosk.services import retention

    # Only a kiosk event file (or, to list and restore, one written over beside its
    # backups): nothing is made beside another program's file.
    retention.check_event_file(args.event, written_over=not args.take)
    if args.take:
        print(f"Took a backup: {retention.take_backup(args.event)}")
        return 0
    if args.restore is not None:
        restored = retention.restore_backup(args.event, args.restore)
        print(retention.restored_message(args.restore, restored))
        return 0
    found = retention.list_backups(args.event)
    if not found:
        print(f"No backups of {args.event} yet. Take one with `kiosk backups {args.event} "
              "--take`.")
        return 0
    for b in found:
        what = (f"{b.attendees} people, {b.checkins} check-ins" if b.attendees is not None
                else "cannot be read")
        print(f"{b.number:>3}  {b.taken_at.replace('T', ' ')}  {b.size / 1e6:7.1f} MB  {what}")
    print(f"Restore one with `kiosk backups {args.event} --restore N`.")
    return 0


def register(sub: Any, command: CommandMaker) -> None:
    """Add the after-the-event commands to ``kiosk``'s sub-command parser."""
    p = command(sub, "export", cmd_export,
                "Export attendance (per person, per workshop, no-shows, walk-ins, conflicts, "
                "the audit trail, or barcode/checked_in for the registration system) as CSV "
                "or XLSX.",
                "kiosk export conference.db --out attendance.xlsx --what attendees")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--out", required=True, metavar="FILE.csv|FILE.xlsx")
    p.add_argument("--what", choices=EXPORT_KINDS, default="attendees")
    p.add_argument("--system", choices=CHECKIN_SYSTEMS,
                   help="with --what checkins: name the columns as this registration system "
                        "does (default: the system the registrations were imported from)")

    p = command(sub, "report", cmd_report,
                "Write the event report for organisers and trustees as a PDF.",
                "kiosk report conference.db --out report.pdf")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--out", required=True, metavar="FILE.pdf")

    p = command(sub, "wipe", cmd_wipe,
                "Remove all personal data from the event file, its backups and badge PDFs, "
                "keeping only anonymous counts.",
                "kiosk wipe conference.db --yes")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = command(sub, "anonymise", cmd_anonymise,
                "Remove names, emails, notes and needs but keep one anonymous row per person.",
                "kiosk anonymise conference.db --yes")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = command(sub, "backups", cmd_backups,
                "List the event file's rolling backups, take one, or restore one.",
                "kiosk backups conference.db --restore 2")
    p.add_argument("event", metavar="EVENT.db")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--restore", type=int, metavar="N", help="put backup N back")
    action.add_argument("--take", action="store_true", help="take a backup now")
