"""Read-only queries for the organisers' console: attendee table pages, dashboard figures."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

# Who counts as expected: registrations that stand and were not merged into another.
_EXPECTED = "a.status = 'active' AND a.merged_into IS NULL"
_NOT_VOIDED = "NOT EXISTS (SELECT 1 FROM checkin_voids v WHERE v.target_id = c.change_id)"
_PRINTS = "(SELECT count(*) FROM prints p WHERE p.attendee_id = a.id)"

# Sort keys the attendee table offers, by name; each ends with rowid so the order is total.
SORT_KEYS: dict[str, str] = {
    "name": "a.last_name COLLATE NOCASE, a.first_name COLLATE NOCASE",
    "organisation": "a.organisation COLLATE NOCASE",
    "category": "a.category COLLATE NOCASE",
    "status": "a.status",
    "checked_in": "a.checked_in_hlc IS NULL, a.checked_in_hlc",
    "badge": _PRINTS,
    "workshops": "a.sessions",
}

# Row filters the attendee table offers, by name.
STATE_FILTERS: dict[str, str] = {
    "all": "a.merged_into IS NULL",
    "expected": _EXPECTED,
    "checked_in": f"{_EXPECTED} AND a.checked_in_hlc IS NOT NULL",
    "not_checked_in": f"{_EXPECTED} AND a.checked_in_hlc IS NULL",
    "badge_printed": "a.merged_into IS NULL AND EXISTS "
                     "(SELECT 1 FROM prints p WHERE p.attendee_id = a.id)",
    "badge_not_printed": f"{_EXPECTED} AND NOT EXISTS "
                         "(SELECT 1 FROM prints p WHERE p.attendee_id = a.id)",
    "cancelled": "a.merged_into IS NULL AND a.status = 'cancelled'",
}


@dataclass(frozen=True)
class AttendeeLine:
    """One row of the organisers' attendee table."""

    rowid: int
    attendee_id: str
    first_name: str
    last_name: str
    badge_name: str
    organisation: str
    email: str
    category: str
    status: str
    checked_in_hlc: str | None
    prints: int
    sessions_json: str


def log_position(conn: sqlite3.Connection) -> int:
    """Where the change log stands (its length and its last row): what the dashboard shows
    all derives from the log, so nothing needs reading again while this stands — whichever
    connection asks, and whoever wrote (a wipe that empties the log moves it too)."""
    count, last = conn.execute("SELECT count(*), coalesce(max(rowid), 0) FROM changes"
                               ).fetchone()
    return int(count) * 1_000_000_007 + int(last)


def attendee_order(
    conn: sqlite3.Connection, state: str, text: str, sort: str, descending: bool
) -> list[int]:
    """Row ids of the attendees that match, in table order (cheap: ids only, no text)."""
    where = [STATE_FILTERS[state]]
    params: list[str] = []
    for word in text.casefold().split():
        where.append(
            "instr(lower(a.first_name || ' ' || a.last_name || ' ' || a.badge_name || ' ' "
            "|| a.organisation || ' ' || a.email || ' ' || a.external_ref), ?) > 0"
        )
        params.append(word)
    direction = " DESC" if descending else ""
    order = ", ".join(f"{part.strip()}{direction}" for part in SORT_KEYS[sort].split(", "))
    sql = (f"SELECT a.rowid FROM attendees a WHERE {' AND '.join(where)} "
           f"ORDER BY {order}, a.rowid{direction}")
    return [row[0] for row in conn.execute(sql, params)]


def attendee_lines(conn: sqlite3.Connection, rowids: Sequence[int]) -> list[AttendeeLine]:
    """The table rows for some row ids (one page), in no particular order."""
    if not rowids:
        return []
    marks = ",".join("?" * len(rowids))
    return [
        AttendeeLine(*row)
        for row in conn.execute(
            "SELECT a.rowid, a.id, a.first_name, a.last_name, a.badge_name, a.organisation, "
            f"a.email, a.category, a.status, a.checked_in_hlc, {_PRINTS}, a.sessions "
            f"FROM attendees a WHERE a.rowid IN ({marks})",
            list(rowids),
        )
    ]


def category_attendance(conn: sqlite3.Connection) -> list[tuple[str, int, int]]:
    """(category, checked in, expected) for each category with someone expected."""
    return conn.execute(
        f"SELECT a.category, count(a.checked_in_hlc), count(*) FROM attendees a "
        f"WHERE {_EXPECTED} GROUP BY a.category ORDER BY count(*) DESC, a.category"
    ).fetchall()


def attendee_categories(conn: sqlite3.Connection) -> list[tuple[str, str, bool]]:
    """(attendee id, category, expected) for every record not merged into another: the
    categories people are in, as spelt on each record."""
    return [(attendee_id, category, bool(expected)) for attendee_id, category, expected in
            conn.execute("SELECT a.id, a.category, a.status = 'active' FROM attendees a "
                         "WHERE a.merged_into IS NULL")]


def workshop_attendance(conn: sqlite3.Connection) -> list[tuple[str, str, int | None, int, int]]:
    """(session id, name, capacity, booked, booked and checked in at the main desk)."""
    return conn.execute(
        f"""
        SELECT s.id, s.name, s.capacity, count(a.id), count(a.checked_in_hlc)
        FROM sessions s
        LEFT JOIN bookings b ON b.session_id = s.id
        LEFT JOIN attendees a ON a.id = b.attendee_id AND {_EXPECTED}
        GROUP BY s.id ORDER BY s.starts, s.name
        """
    ).fetchall()


def door_attendance(conn: sqlite3.Connection) -> dict[str, int]:
    """People scanned in at each workshop's door checkpoint(s), by session id."""
    return dict(
        conn.execute(
            f"""
            SELECT k.session_id, count(DISTINCT c.attendee_id) FROM checkpoints k
            JOIN checkins c ON c.checkpoint_id = k.id
            WHERE k.session_id IS NOT NULL AND {_NOT_VOIDED}
            GROUP BY k.session_id
            """
        ).fetchall()
    )


def arrivals_by_slot(conn: sqlite3.Connection, slot_ms: int) -> list[tuple[int, int]]:
    """(slot start in ms since the epoch, people whose check-in counts from that slot)."""
    return conn.execute(
        f"SELECT CAST(substr(a.checked_in_hlc, 1, 13) AS INTEGER) / ? * ? AS slot, count(*) "
        f"FROM attendees a WHERE {_EXPECTED} AND a.checked_in_hlc IS NOT NULL "
        "GROUP BY slot ORDER BY slot",
        (slot_ms, slot_ms),
    ).fetchall()


def desk_activity(conn: sqlite3.Connection) -> list[tuple[str, str, int, str]]:
    """(desk name, device id, check-ins recorded, latest time) for every desk that checked
    anyone in, most recent first."""
    return conn.execute(
        f"""
        SELECT c.desk, c.device_id, count(*), max(c.at) FROM checkins c
        WHERE {_NOT_VOIDED} GROUP BY c.device_id, c.desk ORDER BY max(c.hlc) DESC
        """
    ).fetchall()


def device_last_changes(conn: sqlite3.Connection) -> list[tuple[str, int, str]]:
    """(device id, changes recorded, HLC of its latest change) for every device in the log:
    what this file last heard from each desk (its latest change, whatever its kind)."""
    return conn.execute(
        """
        SELECT d.device_id, d.last_seq,
               (SELECT c.hlc FROM changes c WHERE c.device_id = d.device_id
                AND c.device_seq = d.last_seq)
        FROM (SELECT device_id, max(device_seq) AS last_seq FROM changes GROUP BY device_id) d
        """
    ).fetchall()


def names_of(conn: sqlite3.Connection, attendee_ids: Sequence[str]) -> dict[str, str]:
    """Attendee id -> "First Last" for a few ids."""
    if not attendee_ids:
        return {}
    marks = ",".join("?" * len(attendee_ids))
    return {
        row[0]: f"{row[1]} {row[2]}".strip()
        for row in conn.execute(
            f"SELECT id, first_name, last_name FROM attendees WHERE id IN ({marks})",
            list(attendee_ids),
        )
    }


@dataclass(frozen=True)
class RecordFacts:
    """Where a record came from and what it has, for choosing which of two to keep."""

    walk_in: bool
    imported: bool
    prints: int
    created_hlc: str


def record_facts(conn: sqlite3.Connection, attendee_id: str) -> RecordFacts | None:
    row = conn.execute(
        f"SELECT a.walkin_code != '', a.import_key != '', {_PRINTS}, a.created_hlc "
        "FROM attendees a WHERE a.id = ?", (attendee_id,)).fetchone()
    return None if row is None else RecordFacts(bool(row[0]), bool(row[1]), row[2], row[3])


def attendee_ids_at(conn: sqlite3.Connection, rowids: Sequence[int]) -> dict[int, str]:
    """Row id -> attendee id for a few rows (the ones selected in the table)."""
    if not rowids:
        return {}
    marks = ",".join("?" * len(rowids))
    return dict(conn.execute(
        f"SELECT rowid, id FROM attendees WHERE rowid IN ({marks})", list(rowids)).fetchall())
