"""The badge commands: ``layouts``, ``badges``, ``badge-preview``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.cli.common import CommandMaker, UserError, open_store, print_json


def cmd_layouts(args: argparse.Namespace) -> int:
    from kiosk.badges import bundled_layouts

    layouts = bundled_layouts()
    if args.json:
        print_json([{"name": x.name, "title": x.title, "kind": x.kind,
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
    with open_store(args.event) as store:
        try:
            count = write_badges(store, layout, Path(args.out), BadgeSelection(
                attendee_ids=args.attendees or None, category=args.category,
                checked_in=True if args.checked_in else False if args.not_checked_in else None,
                sort=args.sort, workshop=args.workshop, not_printed=args.not_printed,
            ))
        except ValueError as exc:
            raise UserError(str(exc)) from exc
    print(f"Wrote {count} badge(s) to {args.out}.")
    return 0


def cmd_badge_preview(args: argparse.Namespace) -> int:
    from kiosk.badges import PreviewUnavailable
    from kiosk.services.badge_printing import write_preview

    layout = _layout(args.layout)
    with open_store(args.event) as store:
        try:
            write_preview(store, layout, args.attendee, args.out, dpi=args.dpi)
        except LookupError as exc:
            raise UserError(str(exc)) from exc
        except PreviewUnavailable as exc:
            raise UserError(f"Previews need poppler's pdftoppm: {exc}") from exc
    print(f"Wrote the preview to {args.out}.")
    return 0


def register(sub: Any, command: CommandMaker) -> None:
    """Add these commands to ``kiosk``'s sub-command parser."""
    p = command(sub, "layouts", cmd_layouts, "List the bundled badge layouts and their sizes.",
                 "kiosk layouts")
    p.add_argument("--json", action="store_true")

    p = command(sub, "badges", cmd_badges,
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

    p = command(sub, "badge-preview", cmd_badge_preview,
                 "Render one attendee's badge as a PNG at the printer's resolution.",
                 "kiosk badge-preview conference.db 5UCDCX6A86C6 --layout cr80 --out badge.png")
    p.add_argument("event", metavar="EVENT.db")
    p.add_argument("attendee", metavar="ATTENDEE")
    p.add_argument("--layout", required=True)
    p.add_argument("--out", required=True, metavar="FILE.png")
    p.add_argument("--dpi", type=int, default=203)
