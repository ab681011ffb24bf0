"""The desk's commands: ``checkin``, ``search``, ``undo``, ``walkin``, ``edit``."""

from __future__ import annotations

import argparse
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


def _result_json(result: Any, categories: CategoryWords) -> dict[str, Any]:
    data: dict[str, Any] = {
        "outcome": result.outcome.value, "message": result.message,
        "tone": result.tone.value, "attendee": _person_json(result.attendee, categories),
    }
    if result.attendee is not None:
        data["category_label"] = result.category_label  # what the desk's screen shows
    if result.prior is not None:
        data["first_checkin"] = {"at": result.prior.at, "device": result.prior.device,
                                 "operator": result.prior.operator}
    if result.checkin_id:
        data["checkin_id"] = result.checkin_id
    if result.code:
        data["code"] = result.code
    return data


def _person_json(attendee: Any, categories: CategoryWords) -> dict[str, Any] | None:
    if attendee is None:
        return None
    return {"id": attendee.id, "first_name": attendee.first_name,
            "last_name": attendee.last_name, "badge_name": attendee.badge_name,
            "display_name": attendee.display_name, **categories.as_json(attendee.category),
            "desk_note": attendee.desk_note, "access_needs": attendee.access_needs,
            "checked_in": attendee.checked_in}


def _print_result(result: Any, as_json: bool, categories: CategoryWords) -> None:
    if as_json:
        print_json(_result_json(result, categories))
        return
    print(f"{result.tone.value.upper()}: {result.headline} — {result.message}")
    if result.attendee is not None:
        a = result.attendee
        shown = f" ({result.category_label})" if result.category_label else ""
        print(f"  {a.display_name}{shown}  id {a.id}")
        if a.desk_note:
            print(f"  Note: {a.desk_note}")
        if a.access_needs:
            print(f"  Access needs: {a.access_needs}")
    if result.code:
        print(f"  Walk-in code: {result.code}")


def cmd_checkin(args: argparse.Namespace) -> int:
    """The desk's own use case (``DeskSession``): the decision, the check-in and, with
    ``--print``, the badge's print job come from one write; then the badge is printed and
    the command waits for the printer's answer."""
    from kiosk.cli.printing import wait_and_report
    from kiosk.services.desk_session import DeskSession
    from kiosk.services.print_service import PrintOutcome

    if not Path(args.event).is_file():
        raise UserError(f"There is no event file at {args.event}.")
    session = DeskSession.open(args.event, exclusive=False, threaded=args.print, overrides={
        "desk_name": args.desk, "operator": args.operator, "checkpoint": args.checkpoint})
    session.auto_print = bool(args.print)  # the desk's own setting is for its window
    try:
        if args.print:
            session.printing.choose_printer()  # asks the print system: before the write
        answer = session.check_in(args.attendee, override=args.override or "") \
            if args.attendee else session.scan(args.code or "")
        categories = session.event.read(CategoryWords.of)
        if not (args.json and args.print):
            _print_result(answer.result, args.json, categories)
        if not args.print:
            return 0
        request = answer.printing
        if request is None or request.outcome is not PrintOutcome.QUEUED or request.job is None:
            why = request.message if request is not None else (
                "No badge: they were checked in already (`kiosk badges EVENT.db --attendees "
                "ID` prints one again if it is needed)." if answer.result.outcome.value in
                ("repeat", "already") else "No badge: not checked in.")
            if args.json:
                print_json({**_result_json(answer.result, categories), "printing": why})
            else:
                print(f"  Badge: {why}")
            return 1 if answer.result.outcome.value == "ok" else 0
        return wait_and_report(session.printing, args.event, [request.job.id], args.json,
                               extra=_result_json(answer.result, categories))
    finally:
        session.close(backup=False)


def cmd_search(args: argparse.Namespace) -> int:
    with open_store(args.event) as store:
        found = _desk(args, store).search(args.text, limit=args.limit)
        categories = CategoryWords.of(store)
    if args.json:
        print_json([{**attendee_json(a, categories), "display_name": a.display_name}
                    for a in found])
        return 0
    for a in found:
        state = "checked in" if a.checked_in else ("cancelled" if a.status.value == "cancelled"
                                                   else "not yet")
        org = f" — {a.organisation}" if a.organisation else ""
        print(f"{a.id}  {a.full_name or a.display_name}{org}"
              f"{categories.in_words(a.category)}  [{state}]")
    if not found:
        print("Nobody found. Check the spelling, or try the surname or organisation.")
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    with open_store(args.event) as store:
        result = _desk(args, store).undo(args.checkin)
        categories = CategoryWords.of(store)
    if args.json:
        print_json({"undone": result.undone, "message": result.message,
                     "attendee": _person_json(result.attendee, categories)})
    else:
        print(result.message)
    return 0


def cmd_walkin(args: argparse.Namespace) -> int:
    from kiosk.services.desk import DeskError

    with open_store(args.event) as store:
        try:
            result = _desk(args, store).walk_in(args.first or "", args.last or "",
                                                args.badge_name or "", args.org or "",
                                                args.category or "")
        except DeskError as exc:
            raise UserError(str(exc)) from exc
        categories = CategoryWords.of(store)
    _print_result(result, args.json, categories)
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    from kiosk.services.desk import DeskError

    changes = {name: getattr(args, name) for name in
               ("badge_name", "pronouns", "organisation", "category", "first_name", "last_name")
               if getattr(args, name) is not None}
    if not changes:
        raise UserError("Say what to change, e.g. --badge-name 'Kate Nowak'.")
    with open_store(args.event) as store:
        try:
            updated = _desk(args, store).edit(args.attendee, **changes)
        except DeskError as exc:
            raise UserError(str(exc)) from exc
        categories = CategoryWords.of(store)
    if args.json:
        print_json((_person_json(updated, categories) or {})
                   | {"organisation": updated.organisation, "pronouns": updated.pronouns})
    else:
        print(f"Saved: {updated.display_name}{categories.in_words(updated.category)}"
              + (f", {updated.organisation}" if updated.organisation else ""))
    return 0


def register(sub: Any, command: CommandMaker) -> None:
    """Add these commands to ``kiosk``'s sub-command parser."""
    p = command(sub, "checkin", cmd_checkin,
                 "Check in a scanned or typed ticket code (or --attendee ID found by search).",
                 "kiosk checkin conference.db K1… --desk 'Desk 2' --operator Sam --json")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("code", nargs="?", metavar="CODE")
    p.add_argument("--attendee", metavar="ID", help="check in this attendee (found by search)")
    p.add_argument("--override", metavar="REASON",
                   help="supervisor: let them in past a full workshop or a missing booking")
    p.add_argument("--print", action="store_true",
                   help="print their badge too (queued with the check-in, in the same write) "
                        "and wait for the printer's answer")
    _desk_options(p)

    p = command(sub, "search", cmd_search, "Find people by name, organisation or email.",
                 "kiosk search conference.db 'sm jo' --json")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--limit", type=int, default=20)
    _desk_options(p)

    p = command(sub, "undo", cmd_undo, "Undo this desk's last check-in (or --checkin ID).",
                 "kiosk undo conference.db --json")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--checkin", metavar="ID", help="one of this desk's last five check-ins")
    _desk_options(p)

    p = command(sub, "walkin", cmd_walkin,
                 "Register someone who is not on the list, and check them in.",
                 "kiosk walkin conference.db --first Amani --last Tesfay --org 'Hope Trust'")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("--first", metavar="NAME")
    p.add_argument("--last", metavar="NAME")
    p.add_argument("--badge-name", metavar="NAME")
    p.add_argument("--org", metavar="ORGANISATION")
    p.add_argument("--category", metavar="NAME",
                   help="one of the event's categories (see Event setup); default: delegate, "
                        "else the event's first")
    _desk_options(p)

    p = command(sub, "edit", cmd_edit,
                 "Correct an attendee's badge name, pronouns, organisation or category.",
                 "kiosk edit conference.db 5UCDCX6A86C6 --badge-name 'Kate Nowak'")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("attendee", metavar="ATTENDEE")
    for field in ("badge-name", "pronouns", "organisation", "category", "first-name",
                  "last-name"):
        p.add_argument(f"--{field}", metavar="TEXT")
    _desk_options(p, checkpoint=False)
    p.set_defaults(checkpoint=None)
