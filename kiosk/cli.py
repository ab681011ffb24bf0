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
from kiosk.core.refusal import Refusal

Handler = Callable[[argparse.Namespace], int]


class UserError(Refusal):
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
    done = ""
    try:
        if args.add:
            add_session(store, Session(
                id=session_id_for(args.add), name=args.add, room=args.room or "",
                starts=args.starts or "", ends=args.ends or "", capacity=args.capacity,
            ))
        if args.remove:
            done = _removed(store, "workshop", args.remove, args.event)
        sessions = queries.list_sessions(store.conn)
        booked = queries.session_bookings(store.conn)
    finally:
        store.close()
    if done and not args.json:
        print(done)
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


def _removed(store: Any, what: str, name: str, event: str) -> str:
    """Remove the workshop or checkpoint called ``name`` (the console's rules); what was done."""
    from kiosk.services import event_settings
    from kiosk.store import checkins

    if what == "workshop":
        session = checkins.get_session(store.conn, name)
        if session is None:
            raise UserError(f"There is no workshop called “{name}”. See `kiosk sessions {event}`.")
        outcome = event_settings.remove_workshop(store, session.id)
    else:
        point = checkins.get_checkpoint(store.conn, name)
        if point is None:
            raise UserError(f"There is no checkpoint called “{name}”. "
                            f"See `kiosk checkpoints {event}`.")
        outcome = event_settings.remove_checkpoint(store, point.id)
    if not outcome.saved:
        raise UserError(outcome.problem)
    return outcome.done


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


def _desk(args: argparse.Namespace, store: Any) -> Any:
    from kiosk.services.desk import Desk, DeskError

    name = args.desk or store.setting("desk_name") or "Desk"
    try:
        return Desk(store, name, args.operator or "", args.checkpoint or "main")
    except DeskError as exc:
        raise UserError(str(exc)) from exc


def _desk_options(parser: argparse.ArgumentParser, checkpoint: bool = True) -> None:
    if checkpoint:
        parser.add_argument("--checkpoint", metavar="NAME",
                            help="a workshop door's checkpoint (default: the main desk)")
    parser.add_argument("--desk", metavar="NAME", help="this desk's name, shown to other desks")
    parser.add_argument("--operator", metavar="NAME", help="who is at the desk")
    parser.add_argument("--json", action="store_true")


def _person_json(attendee: Any) -> dict[str, Any] | None:
    if attendee is None:
        return None
    return {"id": attendee.id, "first_name": attendee.first_name,
            "last_name": attendee.last_name, "badge_name": attendee.badge_name,
            "display_name": attendee.display_name, "category": attendee.category,
            "desk_note": attendee.desk_note, "access_needs": attendee.access_needs,
            "checked_in": attendee.checked_in}


def _print_result(result: Any, as_json: bool) -> None:
    if as_json:
        data: dict[str, Any] = {
            "outcome": result.outcome.value, "message": result.message,
            "tone": result.tone.value, "attendee": _person_json(result.attendee),
        }
        if result.prior is not None:
            data["first_checkin"] = {"at": result.prior.at, "device": result.prior.device,
                                     "operator": result.prior.operator}
        if result.checkin_id:
            data["checkin_id"] = result.checkin_id
        if result.code:
            data["code"] = result.code
        _print_json(data)
        return
    print(f"{result.tone.value.upper()}: {result.headline} — {result.message}")
    if result.attendee is not None:
        a = result.attendee
        print(f"  {a.display_name} ({a.category})  id {a.id}")
        if a.desk_note:
            print(f"  Note: {a.desk_note}")
        if a.access_needs:
            print(f"  Access needs: {a.access_needs}")
    if result.code:
        print(f"  Walk-in code: {result.code}")


def cmd_checkin(args: argparse.Namespace) -> int:
    store = _open_store(args.event)
    try:
        desk = _desk(args, store)
        result = desk.check_in(args.attendee, override=args.override or "") if args.attendee \
            else desk.scan(args.code or "")
    finally:
        store.close()
    _print_result(result, args.json)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    store = _open_store(args.event)
    try:
        found = _desk(args, store).search(args.text, limit=args.limit)
    finally:
        store.close()
    if args.json:
        _print_json([{**_attendee_json(a), "display_name": a.display_name} for a in found])
        return 0
    for a in found:
        state = "checked in" if a.checked_in else ("cancelled" if a.status.value == "cancelled"
                                                   else "not yet")
        org = f" — {a.organisation}" if a.organisation else ""
        print(f"{a.id}  {a.full_name or a.display_name}{org}  [{state}]")
    if not found:
        print("Nobody found. Check the spelling, or try the surname or organisation.")
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    store = _open_store(args.event)
    try:
        result = _desk(args, store).undo(args.checkin)
    finally:
        store.close()
    if args.json:
        _print_json({"undone": result.undone, "message": result.message,
                     "attendee": _person_json(result.attendee)})
    else:
        print(result.message)
    return 0


def cmd_walkin(args: argparse.Namespace) -> int:
    from kiosk.services.desk import DeskError

    store = _open_store(args.event)
    try:
        result = _desk(args, store).walk_in(args.first or "", args.last or "",
                                            args.badge_name or "", args.org or "",
                                            args.category or "delegate")
    except DeskError as exc:
        raise UserError(str(exc)) from exc
    finally:
        store.close()
    _print_result(result, args.json)
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    from kiosk.services.desk import DeskError

    changes = {name: getattr(args, name) for name in
               ("badge_name", "pronouns", "organisation", "category", "first_name", "last_name")
               if getattr(args, name) is not None}
    if not changes:
        raise UserError("Say what to change, e.g. --badge-name 'Kate Nowak'.")
    store = _open_store(args.event)
    try:
        updated = _desk(args, store).edit(args.attendee, **changes)
    except DeskError as exc:
        raise UserError(str(exc)) from exc
    finally:
        store.close()
    if args.json:
        _print_json(_person_json(updated) | {"organisation": updated.organisation,
                                              "pronouns": updated.pronouns})
    else:
        print(f"Saved: {updated.display_name} ({updated.category})"
              + (f", {updated.organisation}" if updated.organisation else ""))
    return 0


def cmd_checkpoints(args: argparse.Namespace) -> int:
    from kiosk.core.changes import ChangeKind
    from kiosk.core.text import words
    from kiosk.store import checkins, queries

    store = _open_store(args.event)
    done = ""
    try:
        if args.remove:
            done = _removed(store, "checkpoint", args.remove, args.event)
        if args.add:
            session = None
            if args.session:
                session = checkins.get_session(store.conn, args.session)
                if session is None:
                    raise UserError(f"There is no workshop called “{args.session}”. "
                                    f"See `kiosk sessions {args.event}`.")
            store.record(ChangeKind.CHECKPOINT_UPSERT, {
                "id": "cp-" + "-".join(words(args.add))[:60], "name": args.add,
                "session_id": session.id if session else None})
        points = queries.list_checkpoints(store.conn)
        counts = {p.id: checkins.attendance(store.conn, p.id) for p in points}
        sessions = {s.id: s for s in queries.list_sessions(store.conn)}
    finally:
        store.close()
    if done and not args.json:
        print(done)
    if args.json:
        _print_json([{"id": p.id, "name": p.name, "session_id": p.session_id,
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


def cmd_keys(args: argparse.Namespace) -> int:
    from kiosk.services.ticket_issuing import public_key

    store = _open_store(args.event)
    key, tag = public_key(store)
    store.close()
    if args.json:
        _print_json({"public_key": key, "event_tag": tag})
    else:
        print(f"public key: {key}\nevent tag:  {tag}")
    return 0


def cmd_package(args: argparse.Namespace) -> int:
    from kiosk.services.ticket_issuing import make_desk_package

    store = _open_store(args.event)
    try:
        target = make_desk_package(store, args.out)
    except FileExistsError as exc:
        raise UserError(str(exc)) from exc
    finally:
        store.close()
    print(f"Wrote the desk copy {target}: it verifies tickets but cannot make them.")
    return 0


def cmd_tickets(args: argparse.Namespace) -> int:
    from kiosk.services.ticket_issuing import NoSigningKey, reissue
    from kiosk.services.ticket_output import write_tickets

    store = _open_store(args.event)
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
    finally:
        store.close()
    print(f"Wrote {written} ticket(s) and mail-merge.csv to {args.out}.")
    return 0



def cmd_layouts(args: argparse.Namespace) -> int:
    from kiosk.badges import bundled_layouts

    layouts = bundled_layouts()
    if args.json:
        _print_json([{"name": x.name, "title": x.title, "kind": x.kind,
                      "width_mm": x.page_size_mm[0], "height_mm": x.page_size_mm[1]}
                     for x in layouts])
        return 0
    for x in layouts:
        size = f"{x.page_size_mm[0]:g} × {x.page_size_mm[1]:g} mm"
        print(f"{x.name:<18} {size:<18} {x.kind:<7} {x.title}")
    return 0


def _layout(name: str) -> Any:
    from kiosk.badges import LayoutError, load_layout

    try:
        return load_layout(name)
    except LayoutError as exc:
        raise UserError(str(exc)) from exc
    except (FileNotFoundError, KeyError, LookupError) as exc:
        raise UserError(f"There is no badge layout called “{name}”. See `kiosk layouts`, or "
                        "give the path of a layout file.") from exc


def cmd_badges(args: argparse.Namespace) -> int:
    from kiosk.services.badge_printing import BadgeSelection, write_badges

    layout = _layout(args.layout)
    store = _open_store(args.event)
    try:
        count = write_badges(store, layout, Path(args.out), BadgeSelection(
            attendee_ids=args.attendees or None, category=args.category,
            checked_in=True if args.checked_in else False if args.not_checked_in else None,
            sort=args.sort, workshop=args.workshop, not_printed=args.not_printed,
        ))
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    finally:
        store.close()
    print(f"Wrote {count} badge(s) to {args.out}.")
    return 0


def cmd_badge_preview(args: argparse.Namespace) -> int:
    from kiosk.badges import PreviewUnavailable
    from kiosk.services.badge_printing import preview_badge

    layout = _layout(args.layout)
    store = _open_store(args.event)
    try:
        png = preview_badge(store, layout, args.attendee, dpi=args.dpi)
    except LookupError as exc:
        raise UserError(str(exc)) from exc
    except PreviewUnavailable as exc:
        raise UserError(f"Previews need poppler's pdftoppm: {exc}") from exc
    finally:
        store.close()
    Path(args.out).write_bytes(png)
    print(f"Wrote the preview to {args.out}.")
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
    parser.add_argument("--self-test", action="store_true",
                        help="check that this installation works (import, check-in, badge, "
                        "hub) in a temporary folder, and exit 0 if it does")
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

    p = _command(sub, "sessions", cmd_sessions, "List workshops, or add or remove one.",
                 "kiosk sessions conference.db --add 'Engaging With Businesses' --capacity 40 "
                 "--room 'Room 2' --starts 11:00 --ends 12:30")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--add", metavar="NAME", help="add (or update) the workshop called NAME")
    p.add_argument("--remove", metavar="NAME", help="take the workshop out (and its doors), "
                   "if nobody is booked on it or has come in")
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

    p = _command(sub, "keys", cmd_keys, "Show the event's public key (what desks verify with).",
                 "kiosk keys conference.db --export-public")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--export-public", action="store_true", help="print the public key (default)")
    p.add_argument("--json", action="store_true")

    p = _command(sub, "package", cmd_package,
                 "Write a desk copy of the event: registrations and public key, no signing key.",
                 "kiosk package conference.db --out desk2.db")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--out", required=True, metavar="DESK.db")

    p = _command(sub, "tickets", cmd_tickets,
                 "Write every active attendee's QR ticket and a mail-merge CSV; or re-issue one.",
                 "kiosk tickets conference.db --out tickets/ --format pdf")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--out", metavar="DIR")
    p.add_argument("--format", choices=["png", "pdf"], default="png")
    p.add_argument("--reissue", metavar="ATTENDEE",
                   help="give ATTENDEE a new code and revoke the old one")

    p = _command(sub, "checkin", cmd_checkin,
                 "Check in a scanned or typed ticket code (or --attendee ID found by search).",
                 "kiosk checkin conference.db K1… --desk 'Desk 2' --operator Sam --json")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("code", nargs="?", metavar="CODE")
    p.add_argument("--attendee", metavar="ID", help="check in this attendee (found by search)")
    p.add_argument("--override", metavar="REASON",
                   help="supervisor: let them in past a full workshop or a missing booking")
    _desk_options(p)

    p = _command(sub, "search", cmd_search, "Find people by name, organisation or email.",
                 "kiosk search conference.db 'sm jo' --json")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--limit", type=int, default=20)
    _desk_options(p)

    p = _command(sub, "undo", cmd_undo, "Undo this desk's last check-in (or --checkin ID).",
                 "kiosk undo conference.db --json")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--checkin", metavar="ID", help="one of this desk's last five check-ins")
    _desk_options(p)

    p = _command(sub, "walkin", cmd_walkin,
                 "Register someone who is not on the list, and check them in.",
                 "kiosk walkin conference.db --first Amani --last Tesfay --org 'Hope Trust'")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--first", metavar="NAME")
    p.add_argument("--last", metavar="NAME")
    p.add_argument("--badge-name", metavar="NAME")
    p.add_argument("--org", metavar="ORGANISATION")
    p.add_argument("--category", default="delegate")
    _desk_options(p)

    p = _command(sub, "edit", cmd_edit,
                 "Correct an attendee's badge name, pronouns, organisation or category.",
                 "kiosk edit conference.db 5UCDCX6A86C6 --badge-name 'Kate Nowak'")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("attendee", metavar="ATTENDEE")
    for field in ("badge-name", "pronouns", "organisation", "category", "first-name",
                  "last-name"):
        p.add_argument(f"--{field}", metavar="TEXT")
    _desk_options(p, checkpoint=False)
    p.set_defaults(checkpoint=None)

    p = _command(sub, "checkpoints", cmd_checkpoints,
                 "List checkpoints (the main desk, workshop doors), or add or remove one.",
                 "kiosk checkpoints conference.db --add 'TTT door' --session "
                 "'Train the Trainer Taster'")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--add", metavar="NAME")
    p.add_argument("--session", metavar="WORKSHOP")
    p.add_argument("--remove", metavar="NAME",
                   help="take a checkpoint out, if nobody has been checked in there")
    p.add_argument("--json", action="store_true")

    p = _command(sub, "layouts", cmd_layouts, "List the bundled badge layouts and their sizes.",
                 "kiosk layouts")
    p.add_argument("--json", action="store_true")

    p = _command(sub, "badges", cmd_badges,
                 "Write badges to a PDF: one a page for label and card printers, imposed on "
                 "sheets for sheet layouts.",
                 "kiosk badges conference.db --layout a4-8up-90x55 --out badges.pdf "
                 "--not-checked-in --sort last_name")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--layout", required=True, help="a bundled layout name or a layout file")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.add_argument("--attendees", nargs="+", metavar="ID", help="only these attendees")
    p.add_argument("--category", help="only this category")
    p.add_argument("--workshop", metavar="WORKSHOP", help="only people booked on this workshop")
    p.add_argument("--not-printed", action="store_true",
                   help="only people with no badge printed yet (at any desk that has synced)")
    state = p.add_mutually_exclusive_group()
    state.add_argument("--checked-in", action="store_true")
    state.add_argument("--not-checked-in", action="store_true")
    p.add_argument("--sort", choices=["last_name", "organisation", "category"],
                   default="last_name")

    p = _command(sub, "badge-preview", cmd_badge_preview,
                 "Render one attendee's badge as a PNG at the printer's resolution.",
                 "kiosk badge-preview conference.db 5UCDCX6A86C6 --layout cr80 --out badge.png")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("attendee", metavar="ATTENDEE")
    p.add_argument("--layout", required=True)
    p.add_argument("--out", required=True, metavar="FILE.png")
    p.add_argument("--dpi", type=int, default=203)

    p = _command(sub, "bench", cmd_bench,
                 "Measure the performance budgets on this machine (takes a few minutes).",
                 "kiosk bench --json")
    p.add_argument("--attendees", type=int, default=100_000)
    p.add_argument("--only", action="append", metavar="NAME", help="run only this benchmark")
    p.add_argument("--json", action="store_true")

    from kiosk import print_cli

    print_cli.register(sub, _command)
    from kiosk import sync_cli

    sync_cli.register(sub, _command)
    from kiosk import report_cli

    report_cli.register(sub, _command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        from kiosk.services.self_test import run_self_test

        return run_self_test()
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
    except Exception as exc:  # a fault: say so plainly, never a traceback
        print(f"kiosk: something went wrong ({type(exc).__name__}: {exc}). Nothing that was "
              "already recorded is lost. Please report this to the organisers.", file=sys.stderr)
        return 1
