"""Attendees' tickets: the signed QR code with their name and the event, as PDF or PNG."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from kiosk.badges.badge_data import BadgeData
from kiosk.badges.catalogue import load_layout
from kiosk.badges.layout import Layout
from kiosk.badges.preview import render_preview_png
from kiosk.badges.render import render_badges
from kiosk.badges.resources import RESOURCES_DIR
from kiosk.core.models import Attendee, Event

_layout: Layout | None = None


def ticket_layout() -> Layout:
    global _layout
    if _layout is None:
        _layout = load_layout(RESOURCES_DIR / "tickets" / "ticket-a6.json")
    return _layout


def render_ticket(
    attendee: Attendee, event: Event, code: str, out: Path | BinaryIO, file_format: str
) -> None:
    """Write one ticket to ``out``, a file name or an open file (``pdf``, or ``png`` at
    150 dpi for e-mail)."""
    badge = BadgeData(attendee=attendee, code=code, event=event)
    if file_format == "pdf":
        render_badges(ticket_layout(), [badge], out)
        return
    png = render_preview_png(ticket_layout(), badge, dpi=150)
    if isinstance(out, Path):
        out.write_bytes(png)
    else:
        out.write(png)
