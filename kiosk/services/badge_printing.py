"""Badges for attendees: choosing who, in which order, and handing them to the renderer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.badges import BadgeData, Layout, render_badges, render_preview_png
from kiosk.core import tickets
from kiosk.core.models import Attendee
from kiosk.services.event_setup import SIGNING_KEY, event_of
from kiosk.store import batch_queries, checkins, queries
from kiosk.store.event_store import EventReader, EventStore
from kiosk.store.outputs import check_output, private_output, write_private

_SORTS = {
    "last_name": lambda a: (a.last_name.casefold(), a.first_name.casefold()),
    "organisation": lambda a: (a.organisation.casefold(), a.last_name.casefold()),
    "category": lambda a: (a.category.casefold(), a.last_name.casefold()),
}


@dataclass(frozen=True)
class BadgeSelection:
    attendee_ids: list[str] | None = None
    category: str | None = None
    checked_in: bool | None = None
    sort: str = "last_name"
    workshop: str | None = None  # a workshop's name or id: people booked on it
    not_printed: bool = False  # no badge printed at any desk, none queued here


def badge_code(store: EventReader, attendee: Attendee) -> str:
    """What the badge's QR holds: the signed ticket where this copy can sign (organisers),
    else a walk-in's own code, else the attendee's imported barcode."""
    key = store.secret(SIGNING_KEY)
    if key is not None:
        return tickets.sign_ticket(key, attendee.id, attendee.ticket_serial)
    row = store.conn.execute("SELECT walkin_code FROM attendees WHERE id = ?",
                             (attendee.id,)).fetchone()
    if row and row[0]:
        return str(row[0])
    return attendee.external_barcode or tickets.walkin_code(attendee.id)


def select_attendees(store: EventStore, selection: BadgeSelection) -> list[Attendee]:
    people = queries.list_attendees(store.conn, status="active")
    if selection.attendee_ids:
        wanted = set(selection.attendee_ids)
        people = [a for a in people if a.id in wanted]
        missing = wanted - {a.id for a in people}
        if missing:
            raise ValueError(f"No active attendee with id {', '.join(sorted(missing))}.")
    if selection.category:
        people = [a for a in people if a.category.casefold() == selection.category.casefold()]
    if selection.checked_in is not None:
        people = [a for a in people if a.checked_in == selection.checked_in]
    if selection.workshop or selection.not_printed:
        session = checkins.get_session(store.conn, selection.workshop) \
            if selection.workshop else None
        if selection.workshop and session is None:
            raise ValueError(f"There is no workshop called “{selection.workshop}”.")
        wanted = {c.attendee_id for c in batch_queries.batch_candidates(
            store.conn, session_id=session.id if session else None,
            not_printed=selection.not_printed)}
        people = [a for a in people if a.id in wanted]
    return sorted(people, key=_SORTS[selection.sort])


def write_badges(store: EventStore, layout: Layout, out: Path, selection: BadgeSelection) -> int:
    """The selected people's badges in one PDF at ``out``: never over an event file, private,
    and whole or not at all."""
    check_output(out, (".pdf",), "The badges")
    people = select_attendees(store, selection)
    if not people:
        raise ValueError("No attendees match; nothing to print.")
    event = event_of(store)
    with private_output(out, (".pdf",), "The badges") as pdf:
        render_badges(layout, [BadgeData(a, badge_code(store, a), event) for a in people], pdf)
    return len(people)


def preview_badge(store: EventStore, layout: Layout, attendee_id: str, dpi: int = 203) -> bytes:
    attendee = queries.get_attendee(store.conn, attendee_id)
    if attendee is None:
        raise LookupError(f"No attendee with id {attendee_id}.")
    return render_preview_png(layout, BadgeData(attendee, badge_code(store, attendee),
                                                event_of(store)), dpi=dpi)



def write_preview(store: EventStore, layout: Layout, attendee_id: str, out: str | Path,
                  dpi: int = 203) -> Path:
    """One badge as a PNG at ``out``: never over an event file, private, whole or not at all."""
    check_output(out, (".png",), "The badge preview")
    return write_private(out, preview_badge(store, layout, attendee_id, dpi), (".png",),
                         "The badge preview")
