"""What staff should look at after desks sync: double check-ins, clashing edits, duplicates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from kiosk.core.text import name_key
from kiosk.store.checkins import duplicate_checkins
from kiosk.store.event_store import EventStore


class AttentionKind(StrEnum):
    DOUBLE_CHECKIN = "double_checkin"  # both kept; the earliest counts
    CLASHING_EDIT = "clashing_edit"  # the later edit shows; the other stays in the log
    POSSIBLE_DUPLICATE = "possible_duplicate"  # two records, perhaps one person: merge?
    LEFT_OUT = "left_out"  # an ill-formed change from another device, not taken in


@dataclass(frozen=True)
class AttentionItem:
    kind: AttentionKind
    attendee_ids: tuple[str, ...]
    change_ids: tuple[str, ...]
    message: str


def _names(store: EventStore) -> dict[str, str]:
    return {row[0]: (row[1] or f"{row[2]} {row[3]}").strip() for row in store.conn.execute(
        "SELECT id, badge_name, first_name, last_name FROM attendees")}


def double_checkins(store: EventStore, names: dict[str, str]) -> list[AttentionItem]:
    return [AttentionItem(
        AttentionKind.DOUBLE_CHECKIN, (row.attendee_id,), (row.change_id,),
        f"{names.get(row.attendee_id, row.attendee_id)} was checked in again at "
        f"{row.desk or 'device ' + row.device_id} ({row.at}); the first check-in counts.")
        for row in duplicate_checkins(store.conn)]


def clashing_edits(store: EventStore, names: dict[str, str]) -> list[AttentionItem]:
    """The same field of one person set to different values at different devices."""
    seen: dict[tuple[str, str], list[tuple[str, str, str, object]]] = {}
    for change_id, device_id, hlc, payload in store.conn.execute(
            "SELECT change_id, device_id, hlc, payload FROM changes "
            "WHERE kind = 'attendee.edit' ORDER BY hlc"):
        data = json.loads(payload)
        for field, value in data.get("fields", {}).items():
            seen.setdefault((data["id"], field), []).append((change_id, device_id, hlc, value))
    items = []
    for (attendee_id, field), edits in sorted(seen.items()):
        if len({e[1] for e in edits}) > 1 and len({json.dumps(e[3]) for e in edits}) > 1:
            shown = edits[-1][3]
            others = sorted({str(e[3]) for e in edits[:-1] if e[3] != shown})
            items.append(AttentionItem(
                AttentionKind.CLASHING_EDIT, (attendee_id,), tuple(e[0] for e in edits),
                f"{names.get(attendee_id, attendee_id)}: {field.replace('_', ' ')} was changed "
                f"at more than one desk. Showing “{shown}”; also entered: "
                + ", ".join(f"“{o}”" for o in others) + "."))
    return items


def possible_duplicates(store: EventStore, names: dict[str, str]) -> list[AttentionItem]:
    groups: dict[str, list[str]] = {}
    for attendee_id, first, last in store.conn.execute(
            "SELECT id, first_name, last_name FROM attendees WHERE merged_into IS NULL "
            "AND status = 'active' ORDER BY id"):
        key = name_key(first, last)
        if key.strip():
            groups.setdefault(key, []).append(attendee_id)
    return [AttentionItem(
        AttentionKind.POSSIBLE_DUPLICATE, tuple(ids), (),
        f"{len(ids)} records for {names.get(ids[0], ids[0])}: the same person? Merge them if so.")
        for ids in groups.values() if len(ids) > 1]


def left_out(store: EventStore) -> list[AttentionItem]:
    """Changes from other devices that could not be read and were not taken in."""
    rows = store.conn.execute(
        "SELECT device_id, kind, problem, count(*), group_concat(change_id) FROM sync_left_out "
        "GROUP BY device_id, kind, problem ORDER BY min(at)").fetchall()
    return [AttentionItem(
        AttentionKind.LEFT_OUT, (), tuple(ids.split(",")),
        f"{'A change' if n == 1 else f'{n} changes'} ({kind}) from device {device} could not "
        f"be read and {'was' if n == 1 else 'were'} left out: {problem}. Everything else "
        "synced. That device may run an old or damaged copy of the app: tell the organisers.")
        for device, kind, problem, n, ids in rows]


def needs_attention(store: EventStore) -> list[AttentionItem]:
    """Everything staff should look at, double check-ins first."""
    names = _names(store)
    return (double_checkins(store, names) + clashing_edits(store, names)
            + possible_duplicates(store, names) + left_out(store))
