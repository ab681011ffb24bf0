"""What is still to be told to the registration system, and what became of what was told.

The queue is the change log itself: every check-in at the main desk (and every undo of
one) without a final row in ``connector_pushes`` is pending, so nothing recorded can be
left out, across restarts and crashes alike.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from kiosk.core.models import MAIN_CHECKPOINT_ID

SENDING = "sending"
FINAL_STATES = ("pushed", "already", "refused", "skipped")


@dataclass(frozen=True)
class PushItem:
    """A check-in or an undo still to be told, with what telling it needs."""

    change_id: str
    kind: str  # "checkin" or "void"
    attendee_id: str
    at: str
    hlc: str
    code: str  # the person's ticket code from the registration system ("" if none)
    reference: str
    target_id: str  # for an undo: the check-in it undoes
    voided: bool  # a check-in undone since (told as nothing, if not told yet)
    earlier: bool  # the person has an earlier check-in that counts: this is a duplicate
    attempts: int  # tries whose answer never came (a crash, a lost connection)
    target_state: str  # for an undo: what became of the check-in it undoes
    target_reason: str  # … and why ("duplicate": it was never told)


@dataclass(frozen=True)
class AttentionRow:
    change_id: str
    attendee_id: str
    reason: str
    message: str
    state: str
    at: str


_CHECKINS = f"""
    SELECT c.change_id, 'checkin', c.attendee_id, c.at, c.hlc, a.external_barcode,
           a.external_ref, '',
           EXISTS (SELECT 1 FROM checkin_voids v WHERE v.target_id = c.change_id),
           EXISTS (SELECT 1 FROM checkins e WHERE e.attendee_id = c.attendee_id
                   AND e.checkpoint_id = '{MAIN_CHECKPOINT_ID}' AND e.hlc < c.hlc
                   AND NOT EXISTS (SELECT 1 FROM checkin_voids w
                                   WHERE w.target_id = e.change_id)),
           coalesce(p.attempts, 0), '', ''
    FROM checkins c
    LEFT JOIN attendees a ON a.id = c.attendee_id
    LEFT JOIN connector_pushes p ON p.change_id = c.change_id
    WHERE c.checkpoint_id = '{MAIN_CHECKPOINT_ID}' AND (p.state IS NULL OR p.state = 'sending')
"""
_VOIDS = f"""
    SELECT v.change_id, 'void', t.attendee_id, v.at, v.hlc, a.external_barcode,
           a.external_ref, v.target_id, 0, 0, coalesce(p.attempts, 0),
           coalesce(tp.state, ''), coalesce(tp.reason, '')
    FROM checkin_voids v
    JOIN checkins t ON t.change_id = v.target_id
    LEFT JOIN attendees a ON a.id = t.attendee_id
    LEFT JOIN connector_pushes p ON p.change_id = v.change_id
    LEFT JOIN connector_pushes tp ON tp.change_id = v.target_id
    WHERE t.checkpoint_id = '{MAIN_CHECKPOINT_ID}' AND (p.state IS NULL OR p.state = 'sending')
"""


def to_push(conn: sqlite3.Connection, limit: int = 200) -> list[PushItem]:
    """The oldest check-ins and undos still to be told, in the order they were made."""
    rows = conn.execute(f"SELECT * FROM ({_CHECKINS} UNION ALL {_VOIDS}) ORDER BY 5 LIMIT ?",
                        (limit,)).fetchall()
    return [PushItem(r[0], r[1], r[2], r[3], r[4], r[5] or "", r[6] or "", r[7], bool(r[8]),
                     bool(r[9]), int(r[10]), r[11], r[12]) for r in rows]


def pending_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute(f"SELECT count(*) FROM ({_CHECKINS} UNION ALL {_VOIDS})")
               .fetchone()[0])


def mark_sending(conn: sqlite3.Connection, change_ids: list[str], at: str) -> None:
    """Note a try before it is made: if its answer never comes, the next try asks first."""
    conn.executemany(
        "INSERT INTO connector_pushes (change_id, state, attempts, updated_at) "
        "VALUES (?, 'sending', 1, ?) ON CONFLICT (change_id) DO UPDATE SET "
        "attempts = attempts + 1, updated_at = excluded.updated_at",
        [(change_id, at) for change_id in change_ids])


def record_answer(conn: sqlite3.Connection, change_id: str, state: str, reason: str,
                  message: str, at: str) -> None:
    if state not in FINAL_STATES:
        raise ValueError(f"not a final state: {state}")
    conn.execute(
        "INSERT INTO connector_pushes (change_id, state, reason, message, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (change_id) DO UPDATE SET state = excluded.state, "
        "reason = excluded.reason, message = excluded.message, "
        "updated_at = excluded.updated_at",
        (change_id, state, reason, message, at))


def attention(conn: sqlite3.Connection, limit: int = 500) -> list[AttentionRow]:
    """Check-ins the registration system refused, or took with an objection."""
    rows = conn.execute(
        """
        SELECT p.change_id, coalesce(c.attendee_id, t.attendee_id, ''), p.reason, p.message,
               p.state, coalesce(c.at, v.at, '')
        FROM connector_pushes p
        LEFT JOIN checkins c ON c.change_id = p.change_id
        LEFT JOIN checkin_voids v ON v.change_id = p.change_id
        LEFT JOIN checkins t ON t.change_id = v.target_id
        WHERE p.reason != '' AND p.reason != 'duplicate'
        ORDER BY p.updated_at DESC LIMIT ?
        """, (limit,)).fetchall()
    return [AttentionRow(*row) for row in rows]


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {state: n for state, n in conn.execute(
        "SELECT state, count(*) FROM connector_pushes GROUP BY state")}


def forget(conn: sqlite3.Connection) -> None:
    """A new registration system: what was told to the old one means nothing to it."""
    conn.execute("DELETE FROM connector_pushes")


def disconnect(conn: sqlite3.Connection) -> None:
    """Forget the registration system: its link, its token and what was sent. After a wipe a
    link left in place would pull everyone back in at its next round."""
    conn.execute("DELETE FROM settings WHERE key LIKE 'source.%'")
    conn.execute("DELETE FROM secrets WHERE key LIKE 'source.%'")
    conn.execute("DELETE FROM connector_pushes")
