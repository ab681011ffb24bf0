"""Read-only queries over the derived tables: attendees, sessions, checkpoints, the event."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from kiosk.core.models import Attendee, Checkpoint, Event, Session, Status
from kiosk.store.search import match_expression

_ATTENDEE_COLUMNS = (
    "id, first_name, last_name, badge_name, pronouns, organisation, email, category, status, "
    "external_ref, external_barcode, desk_note, access_needs, photo_consent, first_name_only, "
    "extra, sessions, ticket_serial, merged_into, checked_in_hlc"
)


def attendee_from_row(row: sqlite3.Row | tuple[Any, ...]) -> Attendee:
    (id_, first, last, badge, pronouns, org, email, category, status, ref, barcode, note, needs,
     consent, first_only, extra, sessions, serial, merged, checked_in) = row
    return Attendee(
        id=id_, first_name=first, last_name=last, badge_name=badge, pronouns=pronouns,
        organisation=org, email=email, category=category, status=Status(status),
        external_ref=ref, external_barcode=barcode, desk_note=note, access_needs=needs,
        photo_consent=None if consent is None else bool(consent),
        first_name_only=bool(first_only), extra=json.loads(extra),
        sessions=tuple(json.loads(sessions)), ticket_serial=serial, merged_into=merged,
        checked_in=checked_in is not None,
    )


def get_attendee(conn: sqlite3.Connection, attendee_id: str) -> Attendee | None:
    row = conn.execute(
        f"SELECT {_ATTENDEE_COLUMNS} FROM attendees WHERE id = ?", (attendee_id,)
    ).fetchone()
    return attendee_from_row(row) if row else None


def list_attendees(
    conn: sqlite3.Connection,
    search: str | None = None,
    status: str = "active",
    limit: int | None = None,
) -> list[Attendee]:
    """Attendees by last name, or the best matches for ``search`` first."""
    where, params = ["merged_into IS NULL"], []
    if status != "all":
        where.append("status = ?")
        params.append(status)
    if search:
        expression = match_expression(search)
        if expression is None:
            return []
        sql = (
            f"SELECT {_ATTENDEE_COLUMNS} FROM attendee_search "
            "JOIN attendees ON attendees.rowid = attendee_search.rowid "
            f"WHERE attendee_search MATCH ? AND {' AND '.join(where)} "
            "ORDER BY attendee_search.rank, last_name, first_name"
        )
        params.insert(0, expression)
    else:
        sql = (
            f"SELECT {_ATTENDEE_COLUMNS} FROM attendees WHERE {' AND '.join(where)} "
            "ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, id"
        )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [attendee_from_row(row) for row in conn.execute(sql, params)]


def search_attendees(
    conn: sqlite3.Connection, expression: str, limit: int = 200
) -> list[Attendee]:
    """Attendees matching a ready-made FTS5 expression, best first."""
    if not expression:
        return []
    sql = (
        f"SELECT {_ATTENDEE_COLUMNS} FROM attendee_search "
        "JOIN attendees ON attendees.rowid = attendee_search.rowid "
        "WHERE attendee_search MATCH ? AND merged_into IS NULL "
        "ORDER BY attendee_search.rank LIMIT ?"
    )
    return [attendee_from_row(row) for row in conn.execute(sql, (expression, limit))]


def import_state(conn: sqlite3.Connection) -> dict[str, tuple[str, dict[str, Any]]]:
    """Attendees that came from an organisers' file: import key -> (id, source values)."""
    state = {}
    for key, attendee_id, lanes in conn.execute(
        "SELECT import_key, id, lanes FROM attendees WHERE import_key != ''"
    ):
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


def get_event(conn: sqlite3.Connection) -> Event | None:
    fields = event_fields(conn)
    if "name" not in fields:
        return None
    categories = fields.get("categories")
    return Event(
        name=fields["name"],
        date=fields.get("date", ""),
        venue=fields.get("venue", ""),
        event_tag=fields.get("event_tag", ""),
        **({"categories": tuple(categories)} if categories else {}),
    )


def attendance_counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """(checked in at the main desk, expected): active, unmerged registrations."""
    checked_in, expected = conn.execute(
        "SELECT count(checked_in_hlc), count(*) FROM attendees "
        "WHERE status = 'active' AND merged_into IS NULL"
    ).fetchone()
    return checked_in, expected
