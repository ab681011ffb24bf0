"""Read-only attendance queries for exports and the event report: who came, where, when."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from kiosk.core.changes import KINDS, ChangeKind
from kiosk.core.hlc import Stamp
from kiosk.store.checkins import CheckinRow, duplicate_checkins

_NOT_VOIDED = "NOT EXISTS (SELECT 1 FROM checkin_voids v WHERE v.target_id = c.change_id)"
# Arrivals and desk throughput are counted in slots of this many minutes.
SLOT_MINUTES = 15


@dataclass(frozen=True)
class AttendeeAttendance:
    """One registration and what became of it on the day."""

    id: str
    first_name: str
    last_name: str
    organisation: str
    email: str
    category: str
    status: str
    external_ref: str
    external_barcode: str
    walkin: bool
    checked_in_at: str  # '' when not checked in at the main desk
    checked_in_desk: str
    badge_printed: bool
    booked: tuple[str, ...]  # workshop names
    attended: tuple[str, ...]  # workshop names, by a scan at the door


@dataclass(frozen=True)
class WorkshopAttendance:
    id: str
    name: str
    room: str
    starts: str
    capacity: int | None
    booked: int
    attended: int
    attended_booked: int


@dataclass(frozen=True)
class Conflict:
    """A check-in staff should know about: a duplicate (two desks) or a supervisor override."""

    kind: str  # "duplicate" or "override"
    checkin: CheckinRow
    first_name: str
    last_name: str
    checkpoint: str


@dataclass(frozen=True)
class AuditEntry:
    """Who did what at which desk; attendee ids only, never names."""

    at: str
    action: str
    desk: str
    operator: str
    device_id: str
    attendee_id: str
    detail: str


@dataclass(frozen=True)
class EventFigures:
    """The anonymous figures of the event report (kept when personal data is wiped)."""

    registered: int = 0
    cancelled: int = 0
    checked_in: int = 0
    walkins: int = 0
    badges_printed: int = 0
    reprints: int = 0
    duplicates: int = 0
    overrides: int = 0
    undone: int = 0
    edit_conflicts: int = 0
    arrivals: dict[str, int] = field(default_factory=dict)  # slot start -> people
    categories: dict[str, list[int]] = field(default_factory=dict)  # -> [registered, came]
    workshops: list[dict[str, Any]] = field(default_factory=list)
    desks: dict[str, dict[str, int]] = field(default_factory=dict)  # desk -> slot -> check-ins

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> EventFigures:
        return cls(**json.loads(text))


def slot_of(at: str) -> str:
    """The start of the 15-minute slot an ISO time falls in, e.g. '2026-11-28T09:15'."""
    when = datetime.fromisoformat(at)
    return when.replace(minute=when.minute - when.minute % SLOT_MINUTES, second=0,
                        microsecond=0).isoformat(timespec="minutes")


def _session_names(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT id, name FROM sessions"))


def _workshop_scans(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(attendee id, session id) for every counting check-in at a workshop door."""
    return conn.execute(
        "SELECT DISTINCT c.attendee_id, k.session_id FROM checkins c "
        "JOIN checkpoints k ON k.id = c.checkpoint_id "
        f"WHERE k.session_id IS NOT NULL AND {_NOT_VOIDED}"
    ).fetchall()


def attendee_attendance(conn: sqlite3.Connection) -> list[AttendeeAttendance]:
    """Every registration (merged duplicates left out), by last name."""
    names = _session_names(conn)
    booked: dict[str, list[str]] = defaultdict(list)
    for attendee_id, session_id in conn.execute("SELECT attendee_id, session_id FROM bookings"):
        booked[attendee_id].append(names.get(session_id, session_id))
    attended: dict[str, list[str]] = defaultdict(list)
    for attendee_id, session_id in _workshop_scans(conn):
        attended[attendee_id].append(names.get(session_id, session_id))
    rows = conn.execute(
        "SELECT a.id, a.first_name, a.last_name, a.organisation, a.email, a.category, a.status, "
        "a.external_ref, a.external_barcode, a.walkin_code != '', coalesce(c.at, ''), "
        "coalesce(nullif(c.desk, ''), c.device_id, ''), "
        "EXISTS (SELECT 1 FROM prints p WHERE p.attendee_id = a.id) "
        "FROM attendees a LEFT JOIN checkins c ON c.attendee_id = a.id "
        "AND c.checkpoint_id = 'main' AND c.hlc = a.checked_in_hlc "
        "WHERE a.merged_into IS NULL "
        "ORDER BY a.last_name COLLATE NOCASE, a.first_name COLLATE NOCASE, a.id"
    )
    return [
        AttendeeAttendance(
            id=id_, first_name=first, last_name=last, organisation=org, email=email,
            category=category, status=status, external_ref=ref, external_barcode=barcode,
            walkin=bool(walkin), checked_in_at=at, checked_in_desk=desk,
            badge_printed=bool(printed),
            booked=tuple(sorted(booked[id_])), attended=tuple(sorted(attended[id_])))
        for (id_, first, last, org, email, category, status, ref, barcode, walkin, at, desk,
             printed) in rows
    ]


def workshop_attendance(conn: sqlite3.Connection) -> list[WorkshopAttendance]:
    """Per workshop: capacity, active bookings, people scanned in at its door."""
    bookings = {(a, s) for a, s in conn.execute(
        "SELECT b.attendee_id, b.session_id FROM bookings b JOIN attendees a "
        "ON a.id = b.attendee_id WHERE a.status = 'active' AND a.merged_into IS NULL")}
    booked = Counter(s for _, s in bookings)
    scans = _workshop_scans(conn)
    attended = Counter(s for _, s in scans)
    attended_booked = Counter(s for a, s in scans if (a, s) in bookings)
    return [
        WorkshopAttendance(id_, name, room, starts, capacity, booked[id_], attended[id_],
                           attended_booked[id_])
        for id_, name, room, starts, capacity in conn.execute(
            "SELECT id, name, room, starts, capacity FROM sessions ORDER BY starts, name")
    ]


def conflicts(conn: sqlite3.Connection) -> list[Conflict]:
    """Duplicate check-ins (the later ones) and check-ins a supervisor let through."""
    checkpoint_names = dict(conn.execute("SELECT id, name FROM checkpoints"))
    people = {row[0]: row[1:] for row in conn.execute(
        "SELECT id, first_name, last_name FROM attendees")}
    found = [("duplicate", row) for row in duplicate_checkins(conn)]
    found += [("override", CheckinRow(*row)) for row in conn.execute(
        "SELECT c.change_id, c.attendee_id, c.checkpoint_id, c.device_id, c.desk, c.operator, "
        f"c.hlc, c.at, c.method, c.override FROM checkins c WHERE c.override != '' "
        f"AND {_NOT_VOIDED} ORDER BY c.hlc")]
    found.sort(key=lambda item: item[1].hlc)
    unknown = ("", "")
    return [
        Conflict(kind, row, people.get(row.attendee_id, unknown)[0],
                 people.get(row.attendee_id, unknown)[1],
                 checkpoint_names.get(row.checkpoint_id, row.checkpoint_id))
        for kind, row in found
    ]


def edit_conflicts(conn: sqlite3.Connection) -> int:
    """Fields of one person edited at more than one desk (the later edit won)."""
    devices: dict[tuple[str, str], set[str]] = defaultdict(set)
    for device_id, payload in conn.execute(
            "SELECT device_id, payload FROM changes WHERE kind = 'attendee.edit'"):
        data = json.loads(payload)
        for name in data.get("fields", {}):
            devices[(data.get("id", ""), name)].add(device_id)
    return sum(1 for found in devices.values() if len(found) > 1)


def event_figures(conn: sqlite3.Connection) -> EventFigures:
    """The headline figures, arrivals, categories, workshops and desk throughput."""
    registered, cancelled, checked_in, walkins = conn.execute(
        "SELECT count(*) FILTER (WHERE status = 'active'), "
        "count(*) FILTER (WHERE status != 'active'), "
        "count(checked_in_hlc) FILTER (WHERE status = 'active'), "
        "count(*) FILTER (WHERE walkin_code != '') FROM attendees WHERE merged_into IS NULL"
    ).fetchone()
    printed, reprints = conn.execute(
        "SELECT count(DISTINCT attendee_id), count(*) FILTER (WHERE reprint_reason != '') "
        "FROM prints").fetchone()
    arrivals: Counter[str] = Counter(slot_of(at) for (at,) in conn.execute(
        "SELECT c.at FROM attendees a JOIN checkins c ON c.attendee_id = a.id "
        "AND c.checkpoint_id = 'main' AND c.hlc = a.checked_in_hlc "
        "WHERE a.merged_into IS NULL"))
    categories = {category: [count, came] for category, count, came in conn.execute(
        "SELECT category, count(*), count(checked_in_hlc) FROM attendees "
        "WHERE status = 'active' AND merged_into IS NULL GROUP BY category ORDER BY category")}
    desks: dict[str, Counter[str]] = defaultdict(Counter)
    for desk, at in conn.execute(
            f"SELECT coalesce(nullif(c.desk, ''), c.device_id), c.at FROM checkins c "
            f"WHERE {_NOT_VOIDED}"):
        desks[desk][slot_of(at)] += 1
    found = conflicts(conn)
    return EventFigures(
        registered=registered, cancelled=cancelled, checked_in=checked_in, walkins=walkins,
        badges_printed=printed, reprints=reprints,
        duplicates=sum(1 for c in found if c.kind == "duplicate"),
        overrides=sum(1 for c in found if c.kind == "override"),
        undone=conn.execute("SELECT count(*) FROM checkin_voids").fetchone()[0],
        edit_conflicts=edit_conflicts(conn),
        arrivals=dict(sorted(arrivals.items())), categories=categories,
        workshops=[asdict(w) for w in workshop_attendance(conn)],
        desks={desk: dict(sorted(slots.items())) for desk, slots in sorted(desks.items())},
    )


def _hlc_time(hlc: str) -> str:
    return datetime.fromtimestamp(Stamp.parse(hlc).wall_ms / 1000).isoformat(timespec="seconds")


# The kinds the audit trail tells (each says how, in kiosk.core.changes).
_AUDITED = tuple(kind.value for kind, spec in KINDS.items() if spec.audited)


def _audit_entry(device_id: str, hlc: str, kind: str, data: dict[str, Any],
                 targets: dict[str, str]) -> AuditEntry | None:
    line = KINDS[ChangeKind(kind)].audit(data, lambda target: targets.get(target, ""))
    if line is None:
        return None
    return AuditEntry(data.get("at") or _hlc_time(hlc), line.action, data.get("desk", ""),
                      data.get("operator", ""), device_id, line.attendee_id, line.detail)


def audit_trail(conn: sqlite3.Connection) -> list[AuditEntry]:
    """Check-ins, undos, prints, edits, walk-ins, merges and re-issues from the change log,
    with this device's imports, exports and wipes; oldest first."""
    targets = dict(conn.execute("SELECT change_id, attendee_id FROM checkins"))
    marks = ", ".join("?" * len(_AUDITED))
    entries = [
        entry for device_id, hlc, kind, payload in conn.execute(
            f"SELECT device_id, hlc, kind, payload FROM changes WHERE kind IN ({marks}) "
            "ORDER BY hlc", _AUDITED)
        if (entry := _audit_entry(device_id, hlc, kind, json.loads(payload), targets))
        is not None
    ]
    device = conn.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()
    here = device[0] if device else ""
    entries += [AuditEntry(at.replace(" ", "T"), "import", "", "", here, "", f"file {name}")
                for at, name in conn.execute(
                   "SELECT datetime(at, 'localtime'), file_name FROM import_runs")]
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'retention_log'").fetchone():
        entries += [AuditEntry(at, action, "", "", here, "", detail) for at, action, detail in
                    conn.execute("SELECT at, action, detail FROM retention_log ORDER BY id")]
    return sorted(entries, key=lambda e: e.at)


def last_import_preset(conn: sqlite3.Connection) -> str | None:
    """The source system (import preset) of the latest import into this file, if any."""
    row = conn.execute("SELECT preset FROM import_runs ORDER BY hlc DESC LIMIT 1").fetchone()
    return row[0] if row else None
