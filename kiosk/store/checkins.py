"""Queries the check-in engine needs: codes to attendees, earlier check-ins, attendance."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from kiosk.core.models import Checkpoint, Session

_NOT_VOIDED = "NOT EXISTS (SELECT 1 FROM checkin_voids v WHERE v.target_id = c.change_id)"


@dataclass(frozen=True)
class CheckinRow:
    change_id: str
    attendee_id: str
    checkpoint_id: str
    device_id: str
    desk: str
    operator: str
    hlc: str
    at: str
    method: str
    override: str


_COLUMNS = "c.change_id, c.attendee_id, c.checkpoint_id, c.device_id, c.desk, c.operator, " \
    "c.hlc, c.at, c.method, c.override"


def attendee_by_barcode(conn: sqlite3.Connection, code: str) -> str | None:
    """The attendee whose imported barcode (Eventbrite, pretix…) is exactly ``code``."""
    row = conn.execute(
        "SELECT id FROM attendees WHERE external_barcode = ? AND external_barcode != '' "
        "ORDER BY merged_into IS NOT NULL LIMIT 1",
        (code,),
    ).fetchone()
    return row[0] if row else None


def attendee_by_walkin_code(conn: sqlite3.Connection, code: str) -> str | None:
    row = conn.execute(
        "SELECT id FROM attendees WHERE walkin_code = ? AND walkin_code != ''", (code,)
    ).fetchone()
    return row[0] if row else None


def first_checkin(
    conn: sqlite3.Connection, attendee_id: str, checkpoint_id: str
) -> CheckinRow | None:
    """The check-in that counts: the earliest (by clock) that was not undone."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM checkins c WHERE c.attendee_id = ? AND c.checkpoint_id = ? "
        f"AND {_NOT_VOIDED} ORDER BY c.hlc LIMIT 1",
        (attendee_id, checkpoint_id),
    ).fetchone()
    return CheckinRow(*row) if row else None


def attendance(conn: sqlite3.Connection, checkpoint_id: str) -> int:
    """People (not scans) checked in at a checkpoint."""
    return conn.execute(
        f"SELECT count(DISTINCT c.attendee_id) FROM checkins c WHERE c.checkpoint_id = ? "
        f"AND {_NOT_VOIDED}",
        (checkpoint_id,),
    ).fetchone()[0]


def is_booked(conn: sqlite3.Connection, attendee_id: str, session_id: str) -> bool:
    return conn.execute(
        "SELECT 1 FROM bookings WHERE attendee_id = ? AND session_id = ?",
        (attendee_id, session_id),
    ).fetchone() is not None


def get_checkpoint(conn: sqlite3.Connection, checkpoint: str) -> Checkpoint | None:
    """A checkpoint by id or by name (case-insensitive)."""
    row = conn.execute(
        "SELECT id, name, session_id FROM checkpoints WHERE id = ? OR name = ? COLLATE NOCASE "
        "ORDER BY id = ? DESC LIMIT 1",
        (checkpoint, checkpoint, checkpoint),
    ).fetchone()
    return Checkpoint(*row) if row else None


def last_known_checkpoint_name(conn: sqlite3.Connection, checkpoint_id: str) -> str | None:
    """The name a checkpoint last had in the log (one that was removed, say)."""
    row = conn.execute(
        "SELECT json_extract(payload, '$.name') FROM changes WHERE kind = 'checkpoint.upsert' "
        "AND json_extract(payload, '$.id') = ? ORDER BY hlc DESC LIMIT 1", (checkpoint_id,),
    ).fetchone()
    return str(row[0]) if row and row[0] else None


def get_session(conn: sqlite3.Connection, session: str) -> Session | None:
    """A workshop by id or by name (case-insensitive)."""
    row = conn.execute(
        "SELECT id, name, room, starts, ends, capacity FROM sessions "
        "WHERE id = ? OR name = ? COLLATE NOCASE ORDER BY id = ? DESC LIMIT 1",
        (session, session, session),
    ).fetchone()
    return Session(*row) if row else None


def recent_checkins(conn: sqlite3.Connection, device_id: str, limit: int) -> list[CheckinRow]:
    """This device's latest check-ins that have not been undone, newest first."""
    return [
        CheckinRow(*row)
        for row in conn.execute(
            f"SELECT {_COLUMNS} FROM checkins c WHERE c.device_id = ? AND {_NOT_VOIDED} "
            "ORDER BY c.hlc DESC LIMIT ?",
            (device_id, limit),
        )
    ]


def duplicate_checkins(conn: sqlite3.Connection) -> list[CheckinRow]:
    """Check-ins that did not count because the same person was already in (e.g. two desks
    offline): every not-undone check-in after the first, per person and checkpoint."""
    return [
        CheckinRow(*row)
        for row in conn.execute(
            f"""
            SELECT {_COLUMNS} FROM checkins c
            WHERE {_NOT_VOIDED} AND EXISTS (
                SELECT 1 FROM checkins e WHERE e.attendee_id = c.attendee_id
                AND e.checkpoint_id = c.checkpoint_id AND e.hlc < c.hlc
                AND NOT EXISTS (SELECT 1 FROM checkin_voids w WHERE w.target_id = e.change_id)
            ) ORDER BY c.hlc
            """
        )
    ]


def checkins_of(
    conn: sqlite3.Connection, attendee_id: str, checkpoint_id: str
) -> list[tuple[CheckinRow, bool]]:
    """Every check-in of one person at one checkpoint, oldest first, with whether it was undone
    (one query: the scan path asks for the counting one and this desk's latest together)."""
    return [
        (CheckinRow(*row[:-1]), bool(row[-1]))
        for row in conn.execute(
            f"SELECT {_COLUMNS}, NOT {_NOT_VOIDED} FROM checkins c "
            "WHERE c.attendee_id = ? AND c.checkpoint_id = ? ORDER BY c.hlc",
            (attendee_id, checkpoint_id),
        )
    ]


def checkin_by_id(conn: sqlite3.Connection, change_id: str) -> CheckinRow | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM checkins c WHERE c.change_id = ?", (change_id,)
    ).fetchone()
    return CheckinRow(*row) if row else None
