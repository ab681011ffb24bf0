"""Read-only queries over the derived tables: attendees, sessions, checkpoints, the event."""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
from typing import Any

from kiosk.core.models import Attendee, Checkpoint, Event, Session, Status
from kiosk.core.search_rank import rank_key
from kiosk.core.text import words
from kiosk.store.appliers import source_lanes
from kiosk.store.merges import survivor_id
from kiosk.store.search import find_candidates

_ATTENDEE_COLUMNS = (
    "id, first_name, last_name, badge_name, pronouns, organisation, email, category, status, "
    "external_ref, external_barcode, desk_note, access_needs, photo_consent, first_name_only, "
    "sessions, ticket_serial, merged_into, checked_in_hlc"
)


def attendee_from_row(row: sqlite3.Row | tuple[Any, ...]) -> Attendee:
    (id_, first, last, badge, pronouns, org, email, category, status, ref, barcode, note, needs,
     consent, first_only, sessions, serial, merged, checked_in) = row
    return Attendee(
        id=id_, first_name=first, last_name=last, badge_name=badge, pronouns=pronouns,
        organisation=org, email=email, category=category, status=Status(status),
        external_ref=ref, external_barcode=barcode, desk_note=note, access_needs=needs,
        photo_consent=None if consent is None else bool(consent),
        first_name_only=bool(first_only),
        sessions=tuple(json.loads(sessions)), ticket_serial=serial, merged_into=merged,
        checked_in=checked_in is not None,
    )


def get_attendee(conn: sqlite3.Connection, attendee_id: str) -> Attendee | None:
    row = conn.execute(
        f"SELECT {_ATTENDEE_COLUMNS} FROM attendees WHERE id = ?", (attendee_id,)
    ).fetchone()
    return attendee_from_row(row) if row else None


def get_survivor(conn: sqlite3.Connection, attendee_id: str) -> Attendee | None:
    """The person as they stand now: the record their merges end at (kiosk.store.merges)."""
    return get_attendee(conn, survivor_id(conn, attendee_id))


def list_attendees(
    conn: sqlite3.Connection,
    search: str | None = None,
    status: str = "active",
    limit: int | None = None,
) -> list[Attendee]:
    """Attendees by last name, or the people matching ``search`` (best first)."""
    if search:
        return search_attendees(conn, search, status=None if status == "all" else status,
                                limit=limit or 50)
    where: list[str] = ["merged_into IS NULL"]
    params: list[object] = []
    if status != "all":
        where.append("status = ?")
        params.append(status)
    sql = (
        f"SELECT {_ATTENDEE_COLUMNS} FROM attendees WHERE {' AND '.join(where)} "
        "ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, id"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [attendee_from_row(row) for row in conn.execute(sql, params)]


def attendees_by_id(conn: sqlite3.Connection, ids: list[str]) -> list[Attendee]:
    """The attendees with these ids, in the order given."""
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    found = {row[0]: attendee_from_row(row) for row in conn.execute(
        f"SELECT {_ATTENDEE_COLUMNS} FROM attendees WHERE id IN ({marks})", ids)}
    return [found[i] for i in ids if i in found]


def search_attendees(
    conn: sqlite3.Connection, text: str, alternatives: dict[str, list[str]] | None = None,
    status: str | None = None, limit: int = 20,
) -> list[Attendee]:
    """Name search: every typed word a prefix, accents ignored, best matches first."""
    candidates = find_candidates(conn, text, alternatives, status)
    typed = words(text)
    candidates.sort(key=lambda c: rank_key(typed, c[1], c[2], c[3]))
    return attendees_by_id(conn, [c[0] for c in candidates[:limit]])


def import_state(conn: sqlite3.Connection) -> dict[str, tuple[str, dict[str, Any]]]:
    """Attendees that came from an organisers' file: import key -> (id, source values)."""
    state = {}
    for key, attendee_id, lanes, created_payload, created_hlc in conn.execute(
        "SELECT a.import_key, a.id, a.lanes, c.payload, c.hlc FROM attendees a "
        "LEFT JOIN changes c ON c.change_id = json_extract(a.lanes, '$.r') "
        "WHERE a.import_key != ''"
    ):
        if created_payload is not None:
            source = source_lanes(json.loads(created_payload), created_hlc)["s"]
        else:
            source = json.loads(lanes).get("s", {})
        state[key] = (attendee_id, {name: write[0] for name, write in source.items()})
    return state


def list_sessions(conn: sqlite3.Connection) -> list[Session]:
    return [
        Session(*row)
        for row in conn.execute(
            "SELECT id, name, room, starts, ends, capacity FROM sessions ORDER BY starts, name"
        )
    ]


def session_bookings(conn: sqlite3.Connection) -> dict[str, int]:
    """Active attendees booked on each session."""
    return dict(
        conn.execute(
            "SELECT b.session_id, count(*) FROM bookings b "
            "JOIN attendees a ON a.id = b.attendee_id "
            "WHERE a.status = 'active' AND a.merged_into IS NULL GROUP BY b.session_id"
        ).fetchall()
    )


def list_checkpoints(conn: sqlite3.Connection) -> list[Checkpoint]:
    return [
        Checkpoint(*row)
        for row in conn.execute(
            "SELECT id, name, session_id FROM checkpoints ORDER BY id != 'main', name"
        )
    ]


def event_fields(conn: sqlite3.Connection) -> dict[str, Any]:
    return {key: json.loads(value) for key, value in conn.execute("SELECT key, value FROM event")}


def get_event(conn: sqlite3.Connection, logo: bool = True) -> Event | None:
    """The event; ``logo=False`` leaves the logo out (a scan needs only the categories)."""
    fields = (event_fields(conn) if logo else
              {key: json.loads(value) for key, value in
               conn.execute("SELECT key, value FROM event WHERE key != 'logo'")})
    if "name" not in fields:
        return None
    categories = fields.get("categories")
    return Event(
        name=fields["name"],
        date=fields.get("date", ""),
        venue=fields.get("venue", ""),
        event_tag=fields.get("event_tag", ""),
        **({"categories": tuple(categories)} if categories else {}),
        category_colours=_pairs(fields.get("category_colours")),
        category_labels=_pairs(fields.get("category_labels")),
        discreet_categories=tuple(str(name) for name in
                                  fields.get("discreet_categories") or ()),
        ticket_types=_pairs(fields.get("ticket_types")),
        logo=_logo_bytes(fields.get("logo")) if logo else b"",
    )


def _pairs(mapping: Any) -> tuple[tuple[str, str], ...]:
    """An event field that maps category names to text, as (name, text) pairs."""
    if not isinstance(mapping, dict):
        return ()
    return tuple((str(k), str(v)) for k, v in mapping.items())


def _logo_bytes(logo: Any) -> bytes:
    """The event's logo as stored by event.update: {"data": base64, ...} or nothing."""
    if not isinstance(logo, dict) or not isinstance(logo.get("data"), str):
        return b""
    try:
        return base64.b64decode(logo["data"], validate=True)
    except binascii.Error:
        return b""


def attendance_counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """(checked in at the main desk, expected): active, unmerged registrations."""
    checked_in, expected = conn.execute(
        "SELECT count(checked_in_hlc), count(*) FROM attendees "
        "WHERE status = 'active' AND merged_into IS NULL"
    ).fetchone()
    return checked_in, expected
