"""Command line: ``python -m kiosk COMMAND`` (also installed as ``kiosk``)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from kiosk import __version__
from kiosk.cli import (
    after_event,
    badge_commands,
    desk_commands,
    event_commands,
    printing,
    source_commands,
    sync,
)
from kiosk.cli.common import UserError, command
from kiosk.cli.running import run_command

__all__ = ["UserError", "build_parser", "main"]


def cmd_bench(args: argparse.Namespace) -> int:
    from kiosk.bench import run_bench

    return run_bench(attendees=args.attendees, as_json=args.json, only=args.only)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Check-in desk for conferences: set up, import, check in, sync.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check that this installation works (import, check-in, badge, "
                        "hub) in a temporary folder, and exit 0 if it does")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for commands in (event_commands, desk_commands, badge_commands, printing, sync,
                     source_commands, after_event):
        commands.register(sub, command)
    p = command(sub, "bench", cmd_bench,
                "Measure the performance budgets on this machine (takes a few minutes).",
                "kiosk bench --json")
    p.add_argument("--attendees", type=int, default=100_000)
    p.add_argument("--only", action="append", metavar="NAME", help="run only this benchmark")
    p.add_argument("--json", action="store_true")
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
    return run_command(args)
