"""The organisers' commands on an event file: ``init``, ``import``, ``attendees``,
``sessions``, ``checkpoints``, ``demo``, ``rebuild``, ``keys``, ``package``, ``tickets``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kiosk.cli.common import (
    CategoryWords,
    CommandMaker,
    UserError,
    attendee_json,
    open_store,
    print_json,
)


def cmd_init(args: argparse.Namespace) -> int:
    from kiosk.services.event_setup import EventExists, NewEvent, create_event

    try:
        store = create_event(args.event, NewEvent(args.name, args.date or "", args.venue or ""))
    except EventExists as exc:
        raise UserError(str(exc)) from exc
    store.close()
    print(f"Created {args.event} for “{args.name}”. Next: kiosk import {args.event} FILE.csv")
    return 0


def _parse_mapping(pairs: Sequence[str], keep: Sequence[str] = ()) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        column, sep, target = pair.rpartition("=")
        if not sep or not column or not target:
            raise UserError(
                f"--map needs COLUMN=FIELD, e.g. --map 'Surname=last_name' (got {pair!r})."
            )
        mapping[column.strip()] = target.strip()
    for column in keep:
        if column.strip() in mapping:
            raise UserError(f"“{column}” is given to both --map and --keep: a column is "
                            "either read into a field or kept as it is. Choose one.")
        mapping[column.strip()] = "keep"
    return mapping


def _import_text(report: Any) -> list[str]:
    """What became of each column, and the names that look damaged."""
    from kiosk.importing.fields import Fate

    lines = []
    for fate, title in ((Fate.MAPPED, "Read"), (Fate.KEPT, "Kept in this copy only"),
                        (Fate.DROPPED, "Dropped")):
        columns = [c for c in report.columns if c.fate == fate]
        if columns:
            shown = ", ".join(f"{c.heading} → {c.field}" if c.field else c.heading
                              for c in columns)
            lines.append(f"  {title} ({len(columns)}): {shown}")
    if report.kept or report.kept_removed:
        would = "would be" if report.dry_run else "were"
        lines.append(f"  Kept columns {would} written for {report.kept} people"
                     + (f"; removed for {report.kept_removed} whose columns this import does "
                        "not keep" if report.kept_removed else ""))
    for damaged in report.damaged_names:
        hint = f" — probably “{damaged.suggestion}”" if damaged.suggestion else ""
        lines.append(f"  Row {damaged.row}: {damaged.field.replace('_', ' ')} "
                     f"“{damaged.value}” looks damaged: {damaged.problem}{hint}. Correct it in "
                     "the console (Attendees → Edit) or export the file again as UTF-8.")
    return lines


def cmd_import(args: argparse.Namespace) -> int:
    from kiosk.importing.records import ImportRefused
    from kiosk.services.registration_import import import_file

    with open_store(args.event, organisers="import") as store:
        try:
            report = import_file(
                store, args.file, preset=args.preset,
                mapping=_parse_mapping(args.map, args.keep),
                sheet=args.sheet, dry_run=args.dry_run,
            )
        except ImportRefused as exc:
            if args.json:
                print_json({"refused": str(exc)})
            else:
                print(f"Not imported: {exc}", file=sys.stderr)
            return 2
    if args.json:
        data = report.as_json()
        print_json({k: data[k] for k in (
            "read", "created", "updated", "unchanged", "duplicates", "cancelled", "missing",
            "errors", "preset", "sheet", "dry_run", "duplicate_rows", "missing_ids",
            "new_sessions", "new_categories", "columns", "damaged_names", "kept",
            "kept_removed", "warnings")})
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
              + (" Cancel them in the console if they are no longer coming."
                 if report.created + report.updated + report.unchanged else
                 " No row of this file could be imported: fix the rows listed below first."))
    for warning in report.warnings:
        print(f"  Note: {warning}")
    for session in report.new_sessions:
        print(f"  New workshop: {session}")
    for category in report.new_categories:
        print(f"  New category: {category} (its badges print no label until you set one in "
              "Event setup)")
    for line in _import_text(report):
        print(line)
    for error in report.errors:
        print(f"  {error.message}")  # it begins "Row N:"
    if report.dry_run:
        print("Nothing was written (--dry-run).")
    return 0


def cmd_attendees(args: argparse.Namespace) -> int:
    from kiosk.store import queries

    with open_store(args.event) as store:
        people = queries.list_attendees(store.conn, search=args.search, status=args.status)
        categories = CategoryWords.of(store)
    if args.json:
        print_json([attendee_json(a, categories) for a in people])
        return 0
    for a in people:
        mark = "✓" if a.checked_in else " "
        org = f" — {a.organisation}" if a.organisation else ""
        state = "" if a.status.value == "active" else f" [{a.status.value}]"
        print(f"{mark} {a.id}  {a.full_name or a.display_name}{org}"
              f"{categories.in_words(a.category)}{state}")
    print(f"{len(people)} attendee(s)")
    return 0


def cmd_sessions(args: argparse.Namespace) -> int:
    """The console's own use cases (event_settings), so the same input gets the same answer
    in the same words in both."""
    from kiosk.services import event_settings
    from kiosk.store import queries

    changing = any(v is not None for v in (args.add, args.edit, args.remove))
    with open_store(args.event, organisers="sessions" if changing else "") as store:
        done = []
        if args.add is not None:
            done.append(_saved(event_settings.save_workshop(store, event_settings.WorkshopForm(
                args.add, args.room or "", args.starts or "", args.ends or "",
                args.capacity or ""))))
        if args.edit is not None:
            existing = event_settings.find_workshop(store, args.edit)
            if existing is None:
                raise UserError(f"There is no workshop called “{args.edit}”. "
                                f"See `kiosk sessions {args.event}`.")
            before = event_settings.form_of(existing)
            form = event_settings.WorkshopForm(*(
                given if given is not None else kept for given, kept in zip(
                    (args.name, args.room, args.starts, args.ends, args.capacity),
                    (before.name, before.room, before.starts, before.ends, before.capacity),
                    strict=True)))
            done.append(_saved(event_settings.save_workshop(store, form, editing=existing.id)))
        if args.remove is not None:
            found = event_settings.find_workshop(store, args.remove)
            if found is None:
                raise UserError(f"There is no workshop called “{args.remove}”. "
                                f"See `kiosk sessions {args.event}`.")
            done.append(_saved(event_settings.remove_workshop(store, found.id)))
        sessions = queries.list_sessions(store.conn)
        booked = queries.session_bookings(store.conn)
    if done and not args.json:
        print("\n".join(done))
    if args.json:
        print_json([{"id": s.id, "name": s.name, "room": s.room, "starts": s.starts,
                     "ends": s.ends, "capacity": s.capacity, "booked": booked.get(s.id, 0)}
                    for s in sessions])
        return 0
    for s in sessions:
        cap = f"{booked.get(s.id, 0)}/{s.capacity}" if s.capacity else str(booked.get(s.id, 0))
        when = f"{s.starts}–{s.ends}" if s.starts else ""
        print(f"{s.name}  {when}  {s.room}  booked {cap}")
    return 0


def _saved(outcome: Any) -> str:
    """What a use case did, or its refusal in its own words."""
    if not outcome.saved:
        raise UserError(outcome.problem)
    return str(outcome.done)


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
    with open_store(args.event) as store:
        count = store.rebuild()
    print(f"Rebuilt {args.event} from {count} changes in its log.")
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    from kiosk.services.ticket_issuing import public_key

    with open_store(args.event) as store:
        key, tag = public_key(store)
    if args.json:
        print_json({"public_key": key, "event_tag": tag})
    else:
        print(f"public key: {key}\nevent tag:  {tag}")
    return 0


def cmd_package(args: argparse.Namespace) -> int:
    from kiosk.services.ticket_issuing import make_desk_package

    with open_store(args.event, organisers="package") as store:
        try:
            target = make_desk_package(store, args.out)
        except FileExistsError as exc:
            raise UserError(str(exc)) from exc
    print(f"Wrote the desk copy {target}: it verifies tickets but cannot make them.")
    return 0


def cmd_tickets(args: argparse.Namespace) -> int:
    from kiosk.services.ticket_issuing import NoSigningKey, reissue
    from kiosk.services.ticket_output import write_tickets

    with open_store(args.event) as store:
        try:
            if args.reissue:
                try:
                    attendee, code = reissue(store, args.reissue)
                except LookupError as exc:
                    raise UserError(str(exc)) from exc
                print(f"New ticket for {attendee.display_name}: {code}\n"
                      "The old code is revoked on every desk once they sync.")
                if not args.out:
                    return 0
            if not args.out:
                raise UserError("Say where to write the tickets: --out FOLDER.")
            written = write_tickets(store, Path(args.out), args.format,
                                    only=[args.reissue] if args.reissue else None)
        except NoSigningKey as exc:
            raise UserError(str(exc)) from exc
    print(f"Wrote {written} ticket(s) and mail-merge.csv to {args.out}.")
    return 0


def cmd_checkpoints(args: argparse.Namespace) -> int:
    from kiosk.services import event_settings
    from kiosk.store import checkins, queries

    changing = args.add is not None or args.remove is not None
    with open_store(args.event, organisers="checkpoints" if changing else "") as store:
        done = []
        if args.remove is not None:
            point = event_settings.find_checkpoint(store, args.remove)
            if point is None:
                raise UserError(f"There is no checkpoint called “{args.remove}”. "
                                f"See `kiosk checkpoints {args.event}`.")
            done.append(_saved(event_settings.remove_checkpoint(store, point.id)))
        if args.add is not None:
            session = None
            if args.session:
                session = event_settings.find_workshop(store, args.session)
                if session is None:
                    raise UserError(f"There is no workshop called “{args.session}”. "
                                    f"See `kiosk sessions {args.event}`.")
            done.append(_saved(event_settings.save_checkpoint(
                store, args.add, session.id if session else None)))
        points = queries.list_checkpoints(store.conn)
        counts = {p.id: checkins.attendance(store.conn, p.id) for p in points}
        sessions = {s.id: s for s in queries.list_sessions(store.conn)}
    if done and not args.json:
        print("\n".join(done))
    if args.json:
        print_json([{"id": p.id, "name": p.name, "session_id": p.session_id,
                     "checked_in": counts[p.id],
                     "capacity": sessions[p.session_id].capacity
                     if p.session_id in sessions else None} for p in points])
        return 0
    for p in points:
        session = sessions.get(p.session_id or "")
        extra = f" — door of “{session.name}”" if session else ""
        cap = f"/{session.capacity}" if session and session.capacity else ""
        print(f"{p.name}{extra}: {counts[p.id]}{cap} checked in")
    return 0


def register(sub: Any, command: CommandMaker) -> None:
    """Add these commands to ``kiosk``'s sub-command parser."""
    p = command(sub, "init", cmd_init, "Create a new event file (holds the event's signing key).",
                 "kiosk init conference.db --name 'Together Against Trafficking' --date 2026-11-28")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--name", required=True, help="the event's name, as printed on badges")
    p.add_argument("--date", help="YYYY-MM-DD")
    p.add_argument("--venue")

    p = command(sub, "import", cmd_import,
                 "Import registrations from a CSV or XLSX export (Eventbrite, Ticket Tailor, "
                 "pretix, Tito, Hi.Events, Google Forms, Microsoft Forms, or any table).",
                 "kiosk import conference.db eventbrite-report.csv --dry-run")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--preset", help="the source system, if not recognised from the headers")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                   help="read COLUMN as FIELD, e.g. --map 'Surname=last_name' (repeatable)")
    p.add_argument("--keep", action="append", default=[], metavar="COLUMN",
                   help="keep COLUMN as it is in this (the organisers') copy only: never sent "
                        "to desks, the hub or bundles; every column not mapped or kept is "
                        "dropped (repeatable)")
    p.add_argument("--sheet", help="the XLSX sheet that holds the attendees")
    p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")

    p = command(sub, "attendees", cmd_attendees, "List or search attendees.",
                 "kiosk attendees conference.db --search 'nguyen' --json")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--search", metavar="TEXT")
    p.add_argument("--status", choices=["active", "cancelled", "all"], default="active")
    p.add_argument("--json", action="store_true")

    p = command(sub, "sessions", cmd_sessions, "List workshops, or add or remove one.",
                 "kiosk sessions conference.db --add 'Engaging With Businesses' --capacity 40 "
                 "--room 'Room 2' --starts 11:00 --ends 12:30")
    p.add_argument("event", metavar="EVENT.db")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--add", metavar="NAME", help="add a workshop called NAME")
    action.add_argument("--edit", metavar="NAME", help="change the workshop called NAME: only "
                        "the options given change (--name renames it)")
    action.add_argument("--remove", metavar="NAME", help="take the workshop out (and its "
                        "doors), if nobody is booked on it or has come in")
    p.add_argument("--name", help="with --edit: its new name")
    p.add_argument("--capacity", metavar="PLACES", help="how many places (empty: no limit)")
    p.add_argument("--room")
    p.add_argument("--starts", metavar="HH:MM")
    p.add_argument("--ends", metavar="HH:MM")
    p.add_argument("--json", action="store_true")

    p = command(sub, "demo", cmd_demo, "Create a fictional demo event to try the kiosk on.",
                 "kiosk demo demo.db --attendees 300 --seed 1")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--attendees", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)

    p = command(sub, "rebuild", cmd_rebuild,
                 "Rebuild the attendee, check-in and workshop tables from the change log.",
                 "kiosk rebuild conference.db")
    p.add_argument("event", metavar="EVENT.db")

    p = command(sub, "keys", cmd_keys, "Show the event's public key (what desks verify with).",
                 "kiosk keys conference.db --export-public")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--export-public", action="store_true", help="print the public key (default)")
    p.add_argument("--json", action="store_true")

    p = command(sub, "package", cmd_package,
                 "Write a desk copy of the event: registrations and public key, no signing key.",
                 "kiosk package conference.db --out desk2.db")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--out", required=True, metavar="DESK.db")

    p = command(sub, "tickets", cmd_tickets,
                 "Write every active attendee's QR ticket and a mail-merge CSV; or re-issue one.",
                 "kiosk tickets conference.db --out tickets/ --format pdf")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--out", metavar="DIR")
    p.add_argument("--format", choices=["png", "pdf"], default="png")
    p.add_argument("--reissue", metavar="ATTENDEE",
                   help="give ATTENDEE a new code and revoke the old one")

    p = command(sub, "checkpoints", cmd_checkpoints,
                 "List checkpoints (the main desk, workshop doors), or add or remove one.",
                 "kiosk checkpoints conference.db --add 'TTT door' --session "
                 "'Train the Trainer Taster'")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--add", metavar="NAME")
    p.add_argument("--session", metavar="WORKSHOP")
    p.add_argument("--remove", metavar="NAME",
                   help="take a checkpoint out, if nobody has been checked in there")
    p.add_argument("--json", action="store_true")
