"""``kiosk source``: connect the registration system (pretix, a sheet), pull, push, run."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from kiosk.cli.common import CommandMaker, UserError, open_event, print_json

EXAMPLE = ("kiosk source conference.db --pretix https://pretix.eu --organizer charity "
           "--event conference --token-file token.txt --list 12\n"
           "  kiosk source conference.db --sheet https://docs.google.com/…/pub?output=csv\n"
           "  kiosk source conference.db            # its state\n"
           "  kiosk source conference.db pull --json\n"
           "  kiosk source conference.db push --json\n"
           "  kiosk source conference.db run        # until Ctrl-C")


def cmd_source(args: argparse.Namespace) -> int:
    # The command says each problem itself, in plain words: the connectors' log lines (for
    # the app's log) are not printed as well.
    quiet = logging.getLogger("kiosk.connectors")
    if not any(isinstance(h, logging.NullHandler) for h in quiet.handlers):
        quiet.addHandler(logging.NullHandler())
    if args.pretix or args.sheet:
        if args.action:
            raise UserError("Connect first, then pull, push or run: one at a time.")
        return _configure(args)
    if args.action == "pull":
        return _pull(args)
    if args.action == "push":
        return _push(args)
    if args.action == "run":
        return _run(args)
    return _state(args)


def _configure(args: argparse.Namespace) -> int:
    from kiosk.services import registration_system as source

    with open_event(args.event) as event:
        if args.sheet:
            config = source.configure_sheet(event, args.sheet)
        else:
            missing = [name for name, value in (("--organizer", args.organizer),
                                                ("--event", args.slug),
                                                ("--token-file", args.token_file))
                       if not value]
            if missing:
                raise UserError(f"Connecting pretix needs {', '.join(missing)} too. Example:\n"
                                f"  {EXAMPLE.splitlines()[0]}")
            config = source.configure_pretix(event, args.pretix, args.organizer, args.slug,
                                             _token(args.token_file), args.list)
        state = event.read(source.source_state)
    if args.json:
        print_json(state.as_json())
    else:
        print(f"Connected: {config.system} at {state.where}. `kiosk source {args.event} run` "
              "keeps it in step (the console does it while its hub runs).")
    return 0


def _token(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise UserError(f"The token file {path} cannot be read ({exc.strerror}).") from None


def _connected(event: Any, transport: Any = None) -> Any:
    from kiosk.services import registration_system as source

    connector = source.open_connector(event, transport)
    if connector is None:
        raise UserError(f"No registration system is connected to {Path(event.path).name}. "
                        "Connect one first:\n  " + EXAMPLE.splitlines()[0])
    return connector


def _pull(args: argparse.Namespace) -> int:
    from kiosk.connectors import ConnectorProblem
    from kiosk.services import registration_system as source

    with open_event(args.event) as event:
        connector = _connected(event)
        try:
            report = source.pull(event, connector)
        except ConnectorProblem as problem:
            raise UserError(str(problem)) from None
        finally:
            connector.close()
    if args.json:
        print_json(report.as_json())
    else:
        print(f"Pulled from {connector.system}: {report.read} read, {report.created} new, "
              f"{report.updated} changed, {report.unchanged} unchanged, {report.cancelled} "
              f"cancelled" + (f", {len(report.errors)} rows with problems" if report.errors
                              else "") + ".")
        for error in report.errors:
            print(f"  {error.message}")
    return 0


def _push(args: argparse.Namespace) -> int:
    from kiosk.services import registration_system as source

    with open_event(args.event) as event:
        connector = _connected(event)
        if connector.system != "pretix":
            connector.close()
            raise UserError("A published sheet takes no check-ins back; export them with "
                            f"`kiosk export {args.event} --what checkins`.")
        status = 0
        try:
            report = source.push(event, connector)
        except source.PushInterrupted as stopped:
            report = stopped.report
            print(f"kiosk: {stopped}", file=sys.stderr)
            status = 1
        finally:
            connector.close()
    if args.json:
        print_json(report.as_json())
    else:
        print(f"Pushed {report.pushed} check-ins and undos; {report.already} pretix had "
              f"already, {report.refused} refused (see `kiosk source {args.event}`), "
              f"{report.pending} still to send.")
    return status


def _state(args: argparse.Namespace) -> int:
    from kiosk.services import registration_system as source

    with open_event(args.event) as event:
        state = event.read(source.source_state)
    if args.json:
        data = state.as_json()
        print_json(data)
        return 0
    if not state.system:
        print(f"No registration system is connected. Connect one:\n  {EXAMPLE.splitlines()[0]}")
        return 0
    last = state.last_pull
    print(f"{state.system} at {state.where}")
    print(f"Last pull: {last.at if last else 'never'}"
          + (f"; the last that brought anything ({last.brought_at}): "
             f"{last.brought.get('created', 0)} new, {last.brought.get('updated', 0)} "
             f"changed, {last.brought.get('cancelled', 0)} cancelled"
             if last and last.brought_at else ""))
    if state.system == "pretix":
        print(f"Check-ins still to send: {state.pending_push}")
    for error in state.errors:
        print(f"Problem: {error}")
    if state.attention:
        print(f"Needs attention ({len(state.attention)}):")
        for item in state.attention:
            print(f"  attendee {item.attendee_id} at {item.at}: {item.message}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from kiosk.services import registration_system as source

    with open_event(args.event, threaded=True) as event:
        _connected(event).close()
        link = source.RegistrationLink(event.path, every_s=args.every,
                                       on_round=lambda problem: _say_round(problem))
        signal.signal(signal.SIGTERM, lambda *_: link.stop())
        print(f"Keeping {Path(args.event).name} in step with the registration system every "
              f"{args.every:g} s, check-ins as they come; Ctrl-C stops.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            link.run(event)
    return 0


_last_said: list[str] = [""]


def _say_round(problem: str) -> None:
    if problem != _last_said[0]:  # each problem once, and once when it has gone
        print(problem or "In step again.", file=sys.stderr if problem else sys.stdout,
              flush=True)
        _last_said[0] = problem


def register(sub: Any, command: CommandMaker) -> None:
    """Add ``kiosk source`` to ``kiosk``'s parser."""
    p = command(sub, "source", cmd_source,
                "Connect the registration system (pretix, or a published sheet), show its "
                "state, pull registrations, push check-ins, or keep doing both.", EXAMPLE)
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("action", nargs="?", choices=("pull", "push", "run"),
                   help="pull: bring in what changed; push: send check-ins; run: both, "
                   "until Ctrl-C (default: show the state)")
    p.add_argument("--pretix", metavar="URL", help="your pretix's address")
    p.add_argument("--organizer", metavar="O", help="the organizer's short name in pretix")
    p.add_argument("--event", dest="slug", metavar="E", help="the event's short name in pretix")
    p.add_argument("--token-file", metavar="FILE",
                   help="a file holding the team API token (kept only in this event file)")
    p.add_argument("--list", type=int, metavar="ID",
                   help="the check-in list's number (needed when the event has several)")
    p.add_argument("--sheet", metavar="URL", help="a published CSV or XLSX sheet's address")
    p.add_argument("--every", type=float, default=60, metavar="SECONDS",
                   help="with run: pull this often (default 60)")
    p.add_argument("--json", action="store_true")
