"""Read-only queries for batch badge printing: who matches the organisers' filters."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from kiosk.store.print_jobs import has_badge_sql

# Who can have a badge at all: registrations that stand and were not merged into another.
_EXPECTED = "a.status = 'active' AND a.merged_into IS NULL"
# Whether a badge exists or is on its way: the desk's own reprint rule.
_HAS_BADGE = has_badge_sql("a.id")


@dataclass(frozen=True)
class BatchCandidate:
    """An attendee who matches a batch's filters, with what its sort orders need."""

    attendee_id: str
    first_name: str
    last_name: str
    badge_name: str
    organisation: str
    category: str
    has_badge: bool


def batch_candidates(
    conn: sqlite3.Connection,
    category: str | None = None,
    session_id: str | None = None,
    not_printed: bool = False,
    not_checked_in: bool = False,
) -> list[BatchCandidate]:
    """Expected attendees matching every filter given (None / False: that filter is off),
    in no particular order."""
    where = [_EXPECTED]
    params: list[str] = []
    if category is not None:
        where.append("a.category = ? COLLATE NOCASE")
        params.append(category)
    if session_id is not None:
        where.append("EXISTS (SELECT 1 FROM bookings b WHERE b.attendee_id = a.id "
                     "AND b.session_id = ?)")
        params.append(session_id)
    if not_printed:
        where.append(f"NOT {_HAS_BADGE}")
    if not_checked_in:
        where.append("a.checked_in_hlc IS NULL")
    rows = conn.execute(
        "SELECT a.id, a.first_name, a.last_name, a.badge_name, a.organisation, a.category, "
        f"{_HAS_BADGE} FROM attendees a WHERE {' AND '.join(where)}",
        params,
    )
    return [BatchCandidate(i, first, last, badge_name, organisation, category, bool(badged))
            for i, first, last, badge_name, organisation, category, badged in rows]


def expected_categories(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """(category, expected attendees in it), the largest first."""
    return conn.execute(
        f"SELECT a.category, count(*) FROM attendees a WHERE {_EXPECTED} "
        "GROUP BY a.category COLLATE NOCASE ORDER BY count(*) DESC, a.category"
    ).fetchall()
