"""Organisers' ticket work: sign codes, re-issue (revoking the old code), desk packages."""

from __future__ import annotations

from pathlib import Path

from kiosk.core import changes, tickets
from kiosk.core.models import Attendee, Status
from kiosk.core.refusal import Refusal
from kiosk.services.event_setup import SIGNING_KEY
from kiosk.store import queries
from kiosk.store.event_store import EventStore
from kiosk.store.outputs import OutputRefused, check_output


class NoSigningKey(Refusal):
    """This copy of the event cannot issue tickets: it is a desk copy."""


def _signing_key(store: EventStore) -> bytes:
    key = store.secret(SIGNING_KEY)
    if key is None:
        raise NoSigningKey("This is a desk copy of the event: it can check tickets but not make "
                           "them. Issue tickets from the organisers' event file.")
    return key


def ticket_code(store: EventStore, attendee: Attendee) -> str:
    """The attendee's current signed ticket code."""
    return tickets.sign_ticket(_signing_key(store), attendee.id, attendee.ticket_serial)


def active_ticket_codes(store: EventStore) -> list[tuple[Attendee, str]]:
    key = _signing_key(store)
    return [
        (a, tickets.sign_ticket(key, a.id, a.ticket_serial))
        for a in queries.list_attendees(store.conn, status="active")
        if a.status is Status.ACTIVE
    ]


def reissue(store: EventStore, attendee_id: str) -> tuple[Attendee, str]:
    """A new code for someone whose ticket was lost or shared; the old code is revoked."""
    key = _signing_key(store)
    attendee = queries.get_attendee(store.conn, attendee_id)
    if attendee is None:
        raise LookupError(f"No attendee with id {attendee_id}.")
    serial = attendee.ticket_serial + 1
    if serial > tickets.MAX_SERIAL:
        raise ValueError("This ticket has been re-issued too many times.")
    store.record(changes.attendee.new_ticket(attendee.id, serial))
    updated = queries.get_attendee(store.conn, attendee.id)
    assert updated is not None
    return updated, tickets.sign_ticket(key, attendee.id, serial)


def public_key(store: EventStore) -> tuple[str, str]:
    """(public key in hex, event tag) — all a desk needs to verify tickets."""
    fields = queries.event_fields(store.conn)
    return fields.get("public_key", ""), fields.get("event_tag", "")


def make_desk_package(store: EventStore, out: str | Path) -> Path:
    """A copy of the event for a desk: registrations and public key, no signing key."""
    target = check_output(out, (".db",), "A desk copy")
    if target.exists():
        raise OutputRefused(f"{target} already exists. Choose another file name.")
    store.copy_for_desk(target)
    return target
