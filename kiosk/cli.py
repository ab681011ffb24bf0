"""Command line: ``python -m kiosk COMMAND`` (also installed as ``kiosk``)."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kiosk import __version__

Handler = Callable[[argparse.Namespace], int]


class UserError(Exception):
    """Something the person at the keyboard can fix; printed without a traceback."""


def _open_store(path: str) -> Any:
    from kiosk.store.database import EventFileError
    from kiosk.store.event_store import EventStore

    if not Path(path).is_file():
        raise UserError(f"There is no event file at {path}. Create one with `kiosk init {path}`"
                        " or try `kiosk demo {path}`.")
    try:
        return EventStore.open(path)
    except EventFileError as exc:
        raise UserError(str(exc)) from exc


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


# -- commands ---------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from kiosk.services.event_setup import EventExists, NewEvent, create_event

    try:
        store = create_event(args.event, NewEvent(args.name, args.date or "", args.venue or ""))
    except EventExists as exc:
        raise UserError(str(exc)) from exc
    store.close()
    print(f"Created {args.event} for “{args.name}”. Next: kiosk import {args.event} FILE.csv")
    return 0


def _parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        column, sep, target = pair.rpartition("=")
        if not sep or not column or not target:
            raise UserError(
                f"--map needs COLUMN=FIELD, e.g. --map 'Surname=last_name' (got {pair!r})."
            )
        mapping[column.strip()] = target.strip()
    return mapping


def cmd_import(args: argparse.Namespace) -> int:
    from kiosk.importing.records import ImportRefused
    from kiosk.services.registration_import import import_file

    store = _open_store(args.event)
    try:
        report = import_file(
            store, args.file, preset=args.preset, mapping=_parse_mapping(args.map),
            sheet=args.sheet, dry_run=args.dry_run,
        )
    except ImportRefused as exc:
        if args.json:
            _print_json({"refused": str(exc)})
        else:
            print(f"Not imported: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    if args.json:
        data = report.as_json()
        _print_json({k: data[k] for k in (
            "read", "created", "updated", "unchanged", "duplicates", "cancelled", "missing",
            "errors", "preset", "sheet", "dry_run", "duplicate_rows", "missing_ids",
            "new_sessions")})
        return 0
    verb = "Would import" if report.dry_run else "Imported"
    print(f"{verb} {args.file} (read as {report.preset}"
          + (f", sheet “{report.sheet}”" if report.sheet else "") + "):")
    print(f"  {report.read} registrations read: {report.created} new, {report.updated} updated,"
          f" {report.unchanged} unchanged, {len(report.errors)} with errors")
    print(f"  {report.cancelled} cancelled, {report.duplicates} possible duplicates,"
          f" {report.missing} no longer in the file")
    for rows in report.duplicate_rows:
        print(f"  Possible duplicate: rows {', '.join(map(str, rows))} (same name and email)")
    if report.missing:
        print(f"  {report.missing} people imported before are not in this file; they were kept."
              " Cancel them in the console if they are no longer coming.")
    for session in report.new_sessions:
        print(f"  New workshop: {session}")
    for error in report.errors:
        print(f"  Row {error.row}: {error.message}")
    if report.dry_run:
        print("Nothing was written (--dry-run).")
    return 0


def _attendee_json(attendee: Any) -> dict[str, Any]:
    return {
        "id": attendee.id,
        "first_name": attendee.first_name,
        "last_name": attendee.last_name,
        "badge_name": attendee.badge_name,
        "pronouns": attendee.pronouns,
        "organisation": attendee.organisation,
        "email": attendee.email,
        "category": attendee.category,
        "status": attendee.status.value,
        "sessions": list(attendee.sessions),
        "checked_in": attendee.checked_in,
    }


def cmd_attendees(args: argparse.Namespace) -> int:
    from kiosk.store import queries

    store = _open_store(args.event)
    people = queries.list_attendees(store.conn, search=args.search, status=args.status)
    store.close()
    if args.json:
        _print_json([_attendee_json(a) for a in people])
        return 0
    for a in people:
        mark = "✓" if a.checked_in else " "
        org = f" — {a.organisation}" if a.organisation else ""
        state = "" if a.status.value == "active" else f" [{a.status.value}]"
        print(f"{mark} {a.id}  {a.full_name or a.display_name}{org} ({a.category}){state}")
    print(f"{len(people)} attendee(s)")
    return 0


def cmd_sessions(args: argparse.Namespace) -> int:
    from kiosk.core.models import Session
    from kiosk.services.event_setup import add_session, session_id_for
    from kiosk.store import queries

    store = _open_store(args.event)
    if args.add:
        add_session(store, Session(
            id=session_id_for(args.add), name=args.add, room=args.room or "",
            starts=args.starts or "", ends=args.ends or "", capacity=args.capacity,
        ))
    sessions = queries.list_sessions(store.conn)
    booked = queries.session_bookings(store.conn)
    store.close()
    if args.json:
        _print_json([{"id": s.id, "name": s.name, "room": s.room, "starts": s.starts,
                      "ends": s.ends, "capacity": s.capacity, "booked": booked.get(s.id, 0)}
                     for s in sessions])
        return 0
    for s in sessions:
        cap = f"{booked.get(s.id, 0)}/{s.capacity}" if s.capacity else str(booked.get(s.id, 0))
        when = f"{s.starts}–{s.ends}" if s.starts else ""
        print(f"{s.name}  {when}  {s.room}  booked {cap}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from kiosk.services.demo import create_demo_event
    from kiosk.services.event_setup import EventExists

    try:
        store, report = create_demo_event(args.event, args.attendees, args.seed)
    except EventExists as exc:
        raise UserError(str(exc)) from exc
    store.close()
    print(f"Created the demo event in {args.event}: {report.created} attendees,"
          f" {report.cancelled} cancelled. Open it with: python main.py {args.event}")
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    store = _open_store(args.event)
    count = store.rebuild()
    store.close()
    print(f"Rebuilt {args.event} from {count} changes in its log.")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from kiosk.bench import run_bench

    return run_bench(attendees=args.attendees, as_json=args.json, only=args.only)


# -- parser -----------------------------------------------------------------------------


def _command(
    sub: Any, name: str, handler: Handler, summary: str, example: str
) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        name, help=summary, description=summary,
        epilog=textwrap.dedent(f"example:\n  {example}"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Check-in desk for conferences: set up, import, check in, sync.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _command(sub, "init", cmd_init, "Create a new event file (holds the event's signing key).",
                 "kiosk init conference.db --name 'Together Against Trafficking' --date 2026-11-28")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--name", required=True, help="the event's name, as printed on badges")
    p.add_argument("--date", help="YYYY-MM-DD")
    p.add_argument("--venue")

    p = _command(sub, "import", cmd_import,
                 "Import registrations from a CSV or XLSX export (Eventbrite, Ticket Tailor, "
                 "pretix, Tito, Hi.Events, Google Forms, Microsoft Forms, or any table).",
                 "kiosk import conference.db eventbrite-report.csv --dry-run")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--preset", help="the source system, if not recognised from the headers")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                   help="read COLUMN as FIELD, e.g. --map 'Surname=last_name' (repeatable)")
    p.add_argument("--sheet", help="the XLSX sheet that holds the attendees")
    p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")

    p = _command(sub, "attendees", cmd_attendees, "List or search attendees.",
                 "kiosk attendees conference.db --search 'nguyen' --json")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--search", metavar="TEXT")
    p.add_argument("--status", choices=["active", "cancelled", "all"], default="active")
    p.add_argument("--json", action="store_true")

    p = _command(sub, "sessions", cmd_sessions, "List workshops, or add one.",
                 "kiosk sessions conference.db --add 'Engaging With Businesses' --capacity 40 "
                 "--room 'Room 2' --starts 11:00 --ends 12:30")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--add", metavar="NAME", help="add (or update) the workshop called NAME")
    p.add_argument("--capacity", type=int)
    p.add_argument("--room")
    p.add_argument("--starts", metavar="HH:MM")
    p.add_argument("--ends", metavar="HH:MM")
    p.add_argument("--json", action="store_true")

    p = _command(sub, "demo", cmd_demo, "Create a fictional demo event to try the kiosk on.",
                 "kiosk demo demo.db --attendees 300 --seed 1")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--attendees", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)

    p = _command(sub, "rebuild", cmd_rebuild,
                 "Rebuild the attendee, check-in and workshop tables from the change log.",
                 "kiosk rebuild conference.db")
    p.add_argument("event", metavar="EVENT.db")

    p = _command(sub, "bench", cmd_bench,
                 "Measure the performance budgets on this machine (takes a few minutes).",
                 "kiosk bench --json")
    p.add_argument("--attendees", type=int, default=100_000)
    p.add_argument("--only", action="append", metavar="NAME", help="run only this benchmark")
    p.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    try:
        return int(args.handler(args))
    except UserError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
