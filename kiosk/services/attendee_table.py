"""The organisers' attendee table: who is shown, in what order, following the event's
changes as they come (answered from the keys held in memory)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from kiosk.core.damaged_text import damaged_names
from kiosk.core.hlc import Stamp
from kiosk.store import console_queries, queries
from kiosk.store.attendee_keys import AttendeeKeys
from kiosk.store.event_store import EventStore

__all__ = ["AttendeeKeys", "AttendeeQuery", "AttendeeRow", "FollowedOrder", "attendee_order",
           "attendee_rows", "follow_attendees", "name_check", "workshop_names"]


@dataclass(frozen=True)
class AttendeeQuery:
    """What the organiser asked the table for: a state, words to find, a sort."""

    state: str = "all"
    text: str = ""
    sort: str = "name"
    descending: bool = False


@dataclass(frozen=True)
class AttendeeRow:
    """One attendee as the table shows them: plain text, ready to display."""

    rowid: int
    attendee_id: str
    name: str
    organisation: str
    email: str
    category: str
    status: str
    checked_in: str  # "" or the local time of the check-in that counts
    badge: str  # "" or "printed" / "printed ×2"
    workshops: str
    name_check: str = ""  # "" or why the name (or organisation) looks damaged


def attendee_order(
    store: EventStore, query: AttendeeQuery, keys: AttendeeKeys | None = None
) -> list[int]:
    """Row ids in table order; pages of rows are read by id as the table scrolls.

    With ``keys`` (kept by the caller's thread across calls) the order comes from memory,
    after taking in whatever changed in the event since the last call; without, from SQLite.
    """
    if keys is None:
        return console_queries.attendee_order(
            store.conn, query.state, query.text, query.sort, query.descending
        )
    keys.refresh(store.conn)
    return keys.order(query.state, query.text, query.sort, query.descending)


@dataclass(frozen=True)
class FollowedOrder:
    """The table's order again after the event changed, and the rows that changed."""

    order: list[int]
    changed: frozenset[int] | None  # None: everything was read again


def follow_attendees(
    store: EventStore, keys: AttendeeKeys, query: AttendeeQuery, even_if_unchanged: bool = False
) -> FollowedOrder | None:
    """The order afresh and what changed; None while nothing changed (a look then costs
    microseconds) unless ``even_if_unchanged`` (a new filter or sort)."""
    changed = keys.refresh(store.conn)
    if changed is not None and not changed and not even_if_unchanged:
        return None
    order = keys.order(query.state, query.text, query.sort, query.descending)
    return FollowedOrder(order, None if changed is None else frozenset(changed))


def _clock_time(hlc: str | None) -> str:
    if not hlc:
        return ""
    when = datetime.fromtimestamp(Stamp.parse(hlc).wall_ms / 1000)
    return when.strftime("%a %H:%M")


def attendee_rows(
    store: EventStore, rowids: Sequence[int], workshop_names: Mapping[str, str]
) -> dict[int, AttendeeRow]:
    """The rows for one page of row ids, keyed by row id."""
    rows = {}
    for line in console_queries.attendee_lines(store.conn, rowids):
        name = f"{line.first_name} {line.last_name}".strip() or line.badge_name
        badge = "" if not line.prints else (
            "printed" if line.prints == 1 else f"printed ×{line.prints}")
        workshops = ", ".join(workshop_names.get(s, s) for s in json.loads(line.sessions_json))
        rows[line.rowid] = AttendeeRow(
            line.rowid, line.attendee_id, name, line.organisation, line.email, line.category,
            line.status, _clock_time(line.checked_in_hlc), badge, workshops,
            name_check(line.first_name, line.last_name, line.badge_name, line.organisation),
        )
    return rows


_NAME_TITLES = {"first_name": "First name", "last_name": "Last name",
                "badge_name": "Badge name", "organisation": "Organisation"}


def name_check(first_name: str, last_name: str, badge_name: str = "",
               organisation: str = "") -> str:
    """Why a person's name or organisation looks damaged ("" when it does not), in words
    an organiser can act on; nothing is changed until they correct it."""
    values = {"first_name": first_name, "last_name": last_name, "badge_name": badge_name,
              "organisation": organisation}
    return "; ".join(
        f"{_NAME_TITLES[name]} “{values[name]}”: {damage.problem}"
        + (f" — probably “{damage.suggestion}”" if damage.suggestion else "")
        for name, damage in damaged_names(values))


def workshop_names(store: EventStore) -> dict[str, str]:
    return {s.id: s.name for s in queries.list_sessions(store.conn)}
