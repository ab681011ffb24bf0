"""Applying one change of the log to the derived tables: idempotent and order-independent."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from kiosk.core import merge
from kiosk.core.changes import Change, ChangeKind
from kiosk.core.models import ATTENDEE_FIELDS, TEXT_DEFAULTS
from kiosk.store.search import index_attendee

# Columns of `attendees` that lanes write; `ticket_serial` etc. are desk-only fields.
ATTENDEE_COLUMNS: tuple[str, ...] = (
    *ATTENDEE_FIELDS,
    "import_key",
    "walkin_code",
    "ticket_serial",
    "merged_into",
)
_COLUMN_DEFAULTS: dict[str, Any] = {
    **TEXT_DEFAULTS,
    "import_key": "",
    "walkin_code": "",
    "ticket_serial": 0,
    "merged_into": None,
}
_JSON_COLUMNS = {"extra", "sessions"}
_BOOL_COLUMNS = {"first_name_only"}
_SEARCHED = ("first_name", "last_name", "badge_name", "organisation", "email")


def _to_column(name: str, value: Any) -> Any:
    if name in _JSON_COLUMNS:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if name in _BOOL_COLUMNS:
        return int(bool(value))
    if name == "photo_consent":
        return None if value is None else int(bool(value))
    return value


_UPDATE_ATTENDEE = (
    "UPDATE attendees SET "
    + ", ".join(f"{c} = ?" for c in ATTENDEE_COLUMNS)
    + ", lanes = ?, created_hlc = min(created_hlc, ?) WHERE id = ?"
)


def _write_attendee(conn: sqlite3.Connection, change: Change, lane: str) -> None:
    payload = change.payload
    attendee_id = payload["id"]
    row = conn.execute(
        "SELECT rowid, lanes FROM attendees WHERE id = ?", (attendee_id,)
    ).fetchone()
    if row is None:
        cursor = conn.execute(
            "INSERT INTO attendees (id, created_hlc) VALUES (?, ?)", (attendee_id, change.hlc)
        )
        rowid, lanes = cursor.lastrowid, {"s": {}, "d": {}}
        fresh = True
    else:
        rowid, lanes = row[0], json.loads(row[1]) or {"s": {}, "d": {}}
        fresh = False
    writes = lanes.setdefault(lane, {})
    base = payload.get("base", "")
    changed = False
    for name, value in payload["fields"].items():
        candidate = [value, change.hlc, base] if lane == "s" else [value, change.hlc]
        if merge.newer(writes.get(name), candidate):
            writes[name] = candidate
            changed = True
    if not changed and not fresh:
        return
    values = []
    for name in ATTENDEE_COLUMNS:
        found, value = merge.visible(lanes.get("s", {}).get(name), lanes.get("d", {}).get(name))
        values.append(_to_column(name, value if found else _COLUMN_DEFAULTS[name]))
    visible = dict(zip(ATTENDEE_COLUMNS, values, strict=True))
    conn.execute(
        _UPDATE_ATTENDEE,
        (*values, json.dumps(lanes, ensure_ascii=False, sort_keys=True), change.hlc, attendee_id),
    )
    index_attendee(conn, rowid, [str(visible[name]) for name in _SEARCHED], replace=not fresh)
    _set_bookings(conn, attendee_id, json.loads(visible["sessions"]), fresh)
    if fresh:
        _refresh_checked_in(conn, attendee_id)


def _set_bookings(
    conn: sqlite3.Connection, attendee_id: str, session_ids: list[str], fresh: bool
) -> None:
    if not fresh:
        conn.execute("DELETE FROM bookings WHERE attendee_id = ?", (attendee_id,))
    conn.executemany(
        "INSERT OR IGNORE INTO bookings (attendee_id, session_id) VALUES (?, ?)",
        [(attendee_id, session_id) for session_id in session_ids],
    )


def _refresh_checked_in(conn: sqlite3.Connection, attendee_id: str) -> None:
    """The earliest check-in at the main desk that was not undone is *the* check-in."""
    conn.execute(
        """
        UPDATE attendees SET checked_in_hlc = (
            SELECT min(c.hlc) FROM checkins c
            WHERE c.attendee_id = attendees.id AND c.checkpoint_id = 'main'
              AND NOT EXISTS (SELECT 1 FROM checkin_voids v WHERE v.target_id = c.change_id)
        ) WHERE id = ?
        """,
        (attendee_id,),
    )


def _upsert_attendee(conn: sqlite3.Connection, change: Change) -> None:
    _write_attendee(conn, change, "s")


def _edit_attendee(conn: sqlite3.Connection, change: Change) -> None:
    _write_attendee(conn, change, "d")


def _update_event(conn: sqlite3.Connection, change: Change) -> None:
    conn.executemany(
        """
        INSERT INTO event (key, value, hlc) VALUES (?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, hlc = excluded.hlc
        WHERE excluded.hlc > event.hlc
        """,
        [
            (key, json.dumps(value, ensure_ascii=False), change.hlc)
            for key, value in change.payload["fields"].items()
        ],
    )


def _upsert_session(conn: sqlite3.Connection, change: Change) -> None:
    p = change.payload
    conn.execute(
        """
        INSERT INTO sessions (id, name, room, starts, ends, capacity, hlc)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, room = excluded.room,
            starts = excluded.starts, ends = excluded.ends, capacity = excluded.capacity,
            hlc = excluded.hlc
        WHERE excluded.hlc > sessions.hlc
        """,
        (p["id"], p["name"], p.get("room", ""), p.get("starts", ""), p.get("ends", ""),
         p.get("capacity"), change.hlc),
    )


def _upsert_checkpoint(conn: sqlite3.Connection, change: Change) -> None:
    p = change.payload
    conn.execute(
        """
        INSERT INTO checkpoints (id, name, session_id, hlc) VALUES (?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, session_id = excluded.session_id,
            hlc = excluded.hlc
        WHERE excluded.hlc > checkpoints.hlc
        """,
        (p["id"], p["name"], p.get("session_id"), change.hlc),
    )


def _check_in(conn: sqlite3.Connection, change: Change) -> None:
    p = change.payload
    conn.execute(
        """
        INSERT OR IGNORE INTO checkins
            (change_id, attendee_id, checkpoint_id, device_id, desk, operator, hlc, at, method,
             override)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (change.change_id, p["attendee_id"], p.get("checkpoint_id", "main"), change.device_id,
         p.get("desk", ""), p.get("operator", ""), change.hlc, p["at"], p.get("method", "scan"),
         p.get("override", "")),
    )
    _refresh_checked_in(conn, p["attendee_id"])


def _void_check_in(conn: sqlite3.Connection, change: Change) -> None:
    p = change.payload
    conn.execute(
        """
        INSERT OR IGNORE INTO checkin_voids (target_id, change_id, device_id, operator, hlc, at)
        VALUES (?, ?, ?, ?, ?, ?)
        """,
        (p["target"], change.change_id, change.device_id, p.get("operator", ""), change.hlc,
         p["at"]),
    )
    row = conn.execute(
        "SELECT attendee_id FROM checkins WHERE change_id = ?", (p["target"],)
    ).fetchone()
    if row:
        _refresh_checked_in(conn, row[0])


def _badge_printed(conn: sqlite3.Connection, change: Change) -> None:
    p = change.payload
    conn.execute(
        """
        INSERT OR IGNORE INTO prints
            (change_id, attendee_id, layout, printer, reprint_reason, device_id, operator, hlc, at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (change.change_id, p["attendee_id"], p.get("layout", ""), p.get("printer", ""),
         p.get("reprint_reason", ""), change.device_id, p.get("operator", ""), change.hlc,
         p["at"]),
    )


APPLIERS: dict[ChangeKind, Callable[[sqlite3.Connection, Change], None]] = {
    ChangeKind.EVENT_UPDATE: _update_event,
    ChangeKind.ATTENDEE_UPSERT: _upsert_attendee,
    ChangeKind.ATTENDEE_EDIT: _edit_attendee,
    ChangeKind.WALKIN: _edit_attendee,
    ChangeKind.ATTENDEE_MERGE: _edit_attendee,
    ChangeKind.TICKET_REISSUE: _edit_attendee,
    ChangeKind.SESSION_UPSERT: _upsert_session,
    ChangeKind.CHECKPOINT_UPSERT: _upsert_checkpoint,
    ChangeKind.CHECKIN: _check_in,
    ChangeKind.CHECKIN_VOID: _void_check_in,
    ChangeKind.BADGE_PRINTED: _badge_printed,
}


def apply_change(conn: sqlite3.Connection, change: Change) -> None:
    """Bring the derived tables up to date with one change (safe to repeat)."""
    APPLIERS[change.kind](conn, change)
