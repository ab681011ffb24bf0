"""Applying one change of the log to the derived tables: idempotent and order-independent."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from kiosk.core import merge
from kiosk.core.changes import Change, ChangeKind
from kiosk.core.models import ATTENDEE_FIELDS, TEXT_DEFAULTS
from kiosk.store.merges import survivor_id
from kiosk.store.search import index_attendee, search_words

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
_JSON_COLUMNS = {"sessions"}
_BOOL_COLUMNS = {"first_name_only"}
_CONVERTED = _JSON_COLUMNS | _BOOL_COLUMNS | {"photo_consent"}
_NAMES = ("first_name", "last_name", "badge_name")
_OTHER = ("organisation", "email")


_column_encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _to_column(name: str, value: Any) -> Any:
    if name in _JSON_COLUMNS:
        return _column_encoder.encode(value)
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


_INSERT_ATTENDEE = (
    "INSERT INTO attendees (id, "
    + ", ".join(ATTENDEE_COLUMNS)
    + ", lanes, created_hlc) VALUES (?, "
    + ", ".join("?" * len(ATTENDEE_COLUMNS))
    + ", ?, ?)"
)


def load_lanes(conn: sqlite3.Connection, text: str) -> dict[str, dict[str, list[Any]]]:
    """The two lanes of an attendee row.

    A registration written once, by one import, points at its creating change
    (``{"r": change_id}``) instead of repeating every field with the same stamp: imports
    of 100,000 people spend their time writing. It is expanded on the next write.
    """
    data = json.loads(text)
    if "r" in data:
        hlc, payload = conn.execute(
            "SELECT hlc, payload FROM changes WHERE change_id = ?", (data["r"],)
        ).fetchone()
        return source_lanes(json.loads(payload), hlc)
    return data


def source_lanes(payload: dict[str, Any], hlc: str) -> dict[str, dict[str, list[Any]]]:
    base = payload.get("base", "")
    return {"d": {}, "s": {name: [value, hlc, base] for name, value in payload["fields"].items()}}


def _compact_lanes(change_id: str) -> str:
    return '{"r":"' + change_id + '"}'


_lanes_encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _dumps(value: Any) -> str:
    return _lanes_encoder.encode(value)


_payload_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def payload_json(payload: dict[str, Any]) -> str:
    """A change's payload as stored in the log (and inside compact lanes)."""
    return _payload_encoder.encode(payload)


def _write_attendee(conn: sqlite3.Connection, change: Change, lane: str) -> None:
    payload = change.payload
    attendee_id = payload["id"]
    row = conn.execute(
        "SELECT rowid, lanes FROM attendees WHERE id = ?", (attendee_id,)
    ).fetchone()
    fresh = row is None
    if fresh and lane == "s":
        _create_attendees(conn, [change])
        return
    lanes = {"s": {}, "d": {}} if fresh else load_lanes(conn, row[1])
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
    source, desk = lanes.get("s", {}), lanes.get("d", {})
    values = []
    for name in ATTENDEE_COLUMNS:
        found, value = merge.visible(source.get(name), desk.get(name))
        values.append(_to_column(name, value if found else _COLUMN_DEFAULTS[name]))
    visible = dict(zip(ATTENDEE_COLUMNS, values, strict=True))
    if fresh:
        cursor = conn.execute(
            _INSERT_ATTENDEE, (attendee_id, *values, _dumps(lanes), change.hlc)
        )
        rowid = cursor.lastrowid
    else:
        rowid = row[0]
        conn.execute(_UPDATE_ATTENDEE, (*values, _dumps(lanes), change.hlc, attendee_id))
    index_attendee(conn, rowid, [str(visible[name]) for name in _NAMES],
                   [str(visible[name]) for name in _OTHER], replace=not fresh)
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


def _removed_since(conn: sqlite3.Connection, what: str, id_: str, hlc: str) -> bool:
    """Whether the workshop or checkpoint was removed by a change later than ``hlc``."""
    row = conn.execute("SELECT hlc FROM removals WHERE what = ? AND id = ?",
                       (what, id_)).fetchone()
    return row is not None and row[0] > hlc


def _upsert_session(conn: sqlite3.Connection, change: Change) -> None:
    p = change.payload
    if _removed_since(conn, "session", p["id"], change.hlc):
        return
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
    conn.execute("DELETE FROM removals WHERE what = 'session' AND id = ? AND hlc < ?",
                 (p["id"], change.hlc))


def _upsert_checkpoint(conn: sqlite3.Connection, change: Change) -> None:
    p = change.payload
    if _removed_since(conn, "checkpoint", p["id"], change.hlc):
        return
    conn.execute(
        """
        INSERT INTO checkpoints (id, name, session_id, hlc) VALUES (?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, session_id = excluded.session_id,
            hlc = excluded.hlc
        WHERE excluded.hlc > checkpoints.hlc
        """,
        (p["id"], p["name"], p.get("session_id"), change.hlc),
    )
    conn.execute("DELETE FROM removals WHERE what = 'checkpoint' AND id = ? AND hlc < ?",
                 (p["id"], change.hlc))


def _remove(conn: sqlite3.Connection, change: Change, what: str, table: str) -> None:
    """Take a workshop or checkpoint out, unless it was upserted after this removal; the
    mark keeps the latest removal, so any order of arrival ends the same."""
    id_ = change.payload["id"]
    if table == "checkpoints" and id_ == "main":
        return  # the main desk is where everyone arrives: never removed
    conn.execute(f"DELETE FROM {table} WHERE id = ? AND hlc < ?", (id_, change.hlc))
    if conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (id_,)).fetchone():
        return  # a later upsert stands
    conn.execute(
        "INSERT INTO removals (what, id, hlc) VALUES (?, ?, ?) "
        "ON CONFLICT (what, id) DO UPDATE SET hlc = excluded.hlc WHERE excluded.hlc > removals.hlc",
        (what, id_, change.hlc),
    )


def _remove_session(conn: sqlite3.Connection, change: Change) -> None:
    _remove(conn, change, "session", "sessions")


def _remove_checkpoint(conn: sqlite3.Connection, change: Change) -> None:
    _remove(conn, change, "checkpoint", "checkpoints")


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
    if p.get("checkpoint_id", "main") == "main":
        # A new check-in can only make the earliest one earlier (undos go the long way).
        conn.execute(
            "UPDATE attendees SET checked_in_hlc = ? WHERE id = ? "
            "AND (checked_in_hlc IS NULL OR checked_in_hlc > ?) "
            "AND NOT EXISTS (SELECT 1 FROM checkin_voids WHERE target_id = ?)",
            (change.hlc, p["attendee_id"], change.hlc, change.change_id),
        )


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


# Tables whose rows belong to a person and follow them into the record they were merged into.
_FOLLOWING_MERGES = ("checkins", "prints")


def _merge_attendee(conn: sqlite3.Connection, change: Change) -> None:
    """A merge: the record points at its survivor, and its check-ins and badge prints (and
    those of records merged into it before) move to the survivor.

    Each check-in or print sits with the survivor of the person its change named, computed
    from the merges known now, so any order of arrival ends in the same place.
    """
    attendee_id = change.payload["id"]
    old_root = survivor_id(conn, attendee_id)
    _edit_attendee(conn, change)
    new_root = survivor_id(conn, attendee_id)
    if new_root == old_root:
        return
    under = [row[0] for row in conn.execute(
        "WITH RECURSIVE under(id) AS (SELECT ? UNION "
        "SELECT a.id FROM attendees a JOIN under u ON a.merged_into = u.id) SELECT id FROM under",
        (attendee_id,))]
    marks = ", ".join("?" * len(under))
    for table in _FOLLOWING_MERGES:
        conn.execute(
            f"UPDATE {table} SET attendee_id = ? WHERE attendee_id = ? AND change_id IN ("
            f"SELECT change_id FROM changes WHERE change_id IN "
            f"(SELECT change_id FROM {table} WHERE attendee_id = ?) "
            f"AND json_extract(payload, '$.attendee_id') IN ({marks}))",
            (new_root, old_root, old_root, *under),
        )
    for root in (old_root, new_root):
        _refresh_checked_in(conn, root)


def _follow_survivor(conn: sqlite3.Connection, table: str, change: Change) -> None:
    """A check-in or print made for a record already merged away counts for its survivor
    (a desk that had not heard of the merge yet)."""
    attendee_id = change.payload["attendee_id"]
    root = survivor_id(conn, attendee_id)
    if root == attendee_id:
        return
    conn.execute(f"UPDATE {table} SET attendee_id = ? WHERE change_id = ?",
                 (root, change.change_id))
    if table == "checkins":
        _refresh_checked_in(conn, attendee_id)
        _refresh_checked_in(conn, root)


def _check_in_following_merges(conn: sqlite3.Connection, change: Change) -> None:
    _check_in(conn, change)
    _follow_survivor(conn, "checkins", change)


def _badge_printed_following_merges(conn: sqlite3.Connection, change: Change) -> None:
    _badge_printed(conn, change)
    _follow_survivor(conn, "prints", change)


def _nothing_derived(conn: sqlite3.Connection, change: Change) -> None:
    """A failed find-me is counted from the log itself; no derived table holds it."""


APPLIERS: dict[ChangeKind, Callable[[sqlite3.Connection, Change], None]] = {
    ChangeKind.EVENT_UPDATE: _update_event,
    ChangeKind.ATTENDEE_UPSERT: _upsert_attendee,
    ChangeKind.ATTENDEE_EDIT: _edit_attendee,
    ChangeKind.WALKIN: _edit_attendee,
    ChangeKind.ATTENDEE_MERGE: _merge_attendee,
    ChangeKind.TICKET_REISSUE: _edit_attendee,
    ChangeKind.SESSION_UPSERT: _upsert_session,
    ChangeKind.SESSION_REMOVE: _remove_session,
    ChangeKind.CHECKPOINT_UPSERT: _upsert_checkpoint,
    ChangeKind.CHECKPOINT_REMOVE: _remove_checkpoint,
    ChangeKind.CHECKIN: _check_in_following_merges,
    ChangeKind.CHECKIN_VOID: _void_check_in,
    ChangeKind.BADGE_PRINTED: _badge_printed_following_merges,
    ChangeKind.FIND_ME_FAILED: _nothing_derived,
}


def apply_change(conn: sqlite3.Connection, change: Change) -> None:
    """Bring the derived tables up to date with one change (safe to repeat)."""
    APPLIERS[change.kind](conn, change)


def _existing_ids(conn: sqlite3.Connection, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(r[0] for r in conn.execute(
            f"SELECT id FROM attendees WHERE id IN ({marks})", chunk))
    return found


def _create_attendees(conn: sqlite3.Connection, changes: list[Change]) -> None:
    """New registrations from imports: the same result as one by one, in bulk."""
    rows: list[tuple[Any, ...]] = []
    search_rows: list[tuple[str, str, str]] = []
    bookings: list[tuple[str, str]] = []
    defaults = [_to_column(name, _COLUMN_DEFAULTS[name]) for name in ATTENDEE_COLUMNS]
    positions = {name: i for i, name in enumerate(ATTENDEE_COLUMNS)}
    names_at = [positions[name] for name in _NAMES]
    other_at = [positions[name] for name in _OTHER]
    for change in changes:
        fields = change.payload["fields"]
        values = list(defaults)
        for name, value in fields.items():
            at = positions.get(name)
            if at is not None:
                values[at] = _to_column(name, value) if name in _CONVERTED else value
        attendee_id = change.payload["id"]
        rows.append((attendee_id, *values, _compact_lanes(change.change_id), change.hlc))
        search_rows.append((attendee_id, search_words([str(values[i]) for i in names_at]),
                            search_words([str(values[i]) for i in other_at])))
        bookings.extend((attendee_id, s) for s in fields.get("sessions", ()))
    first_rowid = (conn.execute("SELECT coalesce(max(rowid), 0) FROM attendees").fetchone()[0]
                   + 1)
    conn.executemany(_INSERT_ATTENDEE, rows)
    rowids = dict(conn.execute(
        "SELECT id, rowid FROM attendees WHERE rowid >= ?", (first_rowid,)).fetchall())
    conn.executemany(
        "INSERT INTO attendee_search (rowid, names, other) VALUES (?, ?, ?)",
        [(rowids[attendee_id], names, other) for attendee_id, names, other in search_rows],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO bookings (attendee_id, session_id) VALUES (?, ?)", bookings
    )
    # Check-ins that arrived before the registration itself (rare: out-of-order delivery).
    early = conn.execute(
        "SELECT DISTINCT attendee_id FROM checkins WHERE attendee_id IN "
        "(SELECT id FROM attendees WHERE rowid >= ?)", (first_rowid,)
    ).fetchall()
    for (attendee_id,) in early:
        _refresh_checked_in(conn, attendee_id)


def apply_changes(conn: sqlite3.Connection, changes: list[Change]) -> None:
    """Apply many changes; runs of new registrations go in bulk. Same result as one by one.

    Each change must already be in the ``changes`` table (lanes may point at it).
    """
    pending: list[Change] = []

    def flush() -> None:
        if not pending:
            return
        known = _existing_ids(conn, [c.payload["id"] for c in pending])
        seen: set[str] = set()
        fresh: list[Change] = []
        for change in pending:
            attendee_id = change.payload["id"]
            if attendee_id in known or attendee_id in seen:
                if fresh:
                    _create_attendees(conn, fresh)
                    known.update(c.payload["id"] for c in fresh)
                    fresh = []
                apply_change(conn, change)
            else:
                fresh.append(change)
            seen.add(attendee_id)
        if fresh:
            _create_attendees(conn, fresh)
        pending.clear()

    for change in changes:
        if change.kind is ChangeKind.ATTENDEE_UPSERT:
            pending.append(change)
        else:
            flush()
            apply_change(conn, change)
    flush()
