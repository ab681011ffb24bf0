"""What staff should look at after desks sync: double check-ins, clashing edits, duplicates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from kiosk.core.text import name_key
from kiosk.store.checkins import duplicate_checkins
from kiosk.store.event_store import WAITS_FOR_PERSON, EventStore
from kiosk.store.hub_records import CLOCK_WARNING_MS, clock_words


class AttentionKind(StrEnum):
    DOUBLE_CHECKIN = "double_checkin"  # both kept; the earliest counts
    CLASHING_EDIT = "clashing_edit"  # the later edit shows; the other stays in the log
    POSSIBLE_DUPLICATE = "possible_duplicate"  # two records, perhaps one person: merge?
    LEFT_OUT = "left_out"  # an ill-formed change from another device, not taken in
    HELD = "held"  # a change waiting for its person (or its device) to arrive
    REFUSED = "refused"  # a change of this file the hub would not take


@dataclass(frozen=True)
class AttentionItem:
    kind: AttentionKind
    attendee_ids: tuple[str, ...]
    change_ids: tuple[str, ...]
    message: str


def _names(store: EventStore) -> dict[str, str]:
    return {row[0]: (row[1] or f"{row[2]} {row[3]}").strip() for row in store.conn.execute(
        "SELECT id, badge_name, first_name, last_name FROM attendees")}


def _clocks_off(store: EventStore) -> dict[str, tuple[str, int]]:
    """Devices whose clock the hub found far off: (name, how far ahead, ms)."""
    return {row[0]: (row[1], int(row[2])) for row in store.conn.execute(
        "SELECT device_id, name, clock_off_ms FROM sync_devices WHERE abs(clock_off_ms) > ?",
        (CLOCK_WARNING_MS,))}


def _clock_note(devices: list[str], off: dict[str, tuple[str, int]], doubt: str) -> str:
    """Why staff should not trust the order of changes made at these devices, if a device's
    clock was off; ``doubt`` says what may be wrong ("which came first")."""
    notes = [f"{off[d][0] or 'device ' + d}'s clock was {clock_words(off[d][1])} "
             f"{'ahead' if off[d][1] > 0 else 'behind'}" for d in sorted(set(devices))
             if d in off]
    if not notes:
        return ""
    return " " + "; ".join(notes) + f" when it synced, so {doubt} may be wrong: ask the desks."


def _checkin_devices(store: EventStore, attendee_id: str) -> list[str]:
    return [row[0] for row in store.conn.execute(
        "SELECT DISTINCT device_id FROM checkins WHERE attendee_id = ?", (attendee_id,))]


def double_checkins(store: EventStore, names: dict[str, str]) -> list[AttentionItem]:
    off = _clocks_off(store)
    return [AttentionItem(
        AttentionKind.DOUBLE_CHECKIN, (row.attendee_id,), (row.change_id,),
        f"{names.get(row.attendee_id, row.attendee_id)} was checked in again at "
        f"{row.desk or 'device ' + row.device_id} ({row.at}); the first check-in counts."
        + _clock_note(_checkin_devices(store, row.attendee_id), off, "which came first"))
        for row in duplicate_checkins(store.conn)]


def clashing_edits(store: EventStore, names: dict[str, str]) -> list[AttentionItem]:
    """The same field of one person set to different values at different devices; the later
    stamp shows, so a device whose clock was off is named (its stamps may mislead)."""
    off = _clocks_off(store)
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
                + ", ".join(f"“{o}”" for o in others) + "."
                + _clock_note([e[1] for e in edits], off, "which came later")))
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


def held(store: EventStore) -> list[AttentionItem]:
    """Changes from other devices waiting for their person, or for their device, to arrive."""
    rows = store.conn.execute(
        "SELECT device_id, kind, waits_for, group_concat(change_id) FROM sync_held "
        "GROUP BY device_id, kind, waits_for ORDER BY min(at)").fetchall()
    items = []
    for device, kind, waits_for, ids in rows:
        count = len(ids.split(","))
        what = "A change" if count == 1 else f"{count} changes"
        why = ("names a person this desk does not have: it counts once their registration "
               "arrives. If nobody by that id ever comes, that device may be faulty: tell the "
               "organisers." if waits_for == WAITS_FOR_PERSON else
               "comes from a device this desk has not heard of yet: it is taken in once the "
               "hub lists that device.")
        items.append(AttentionItem(AttentionKind.HELD, (), tuple(ids.split(",")),
                                   f"{what} ({kind}) from device {device} {why}"))
    return items


def refused(store: EventStore) -> list[AttentionItem]:
    """This file's changes the hub refused, with its reasons: kept here."""
    rows = store.conn.execute(
        "SELECT reason, group_concat(change_id) FROM sync_refused GROUP BY reason").fetchall()
    return [AttentionItem(
        AttentionKind.REFUSED, (), tuple(ids.split(",")),
        f"The hub did not take {len(ids.split(','))} change(s) of this file: {reason}. They "
        "are kept here and sent again when the hub's list of devices changes; tell the "
        "organisers.") for reason, ids in rows]


def needs_attention(store: EventStore) -> list[AttentionItem]:
    """Everything staff should look at, double check-ins first."""
    names = _names(store)
    return (double_checkins(store, names) + clashing_edits(store, names)
            + possible_duplicates(store, names) + left_out(store) + held(store)
            + refused(store))
