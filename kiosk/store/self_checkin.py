"""What self check-in asks of the event file: the people who bear every word of a name,
and the find-me tries that found nobody (this kiosk's latest, every kiosk's count)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from kiosk.core.changes import ChangeKind

_FAILED = ChangeKind.FIND_ME_FAILED.value


@dataclass(frozen=True)
class NamedPerson:
    """Just what find-me compares: never shown to anyone."""

    id: str
    first_name: str
    last_name: str
    email: str
    external_ref: str


def people_named(conn: sqlite3.Connection, name_words: list[str]) -> list[NamedPerson]:
    """Active people whose names hold every one of these (folded) words as a whole word.

    Whole words only, and no limit: the caller keeps those whose name is exactly the one
    typed, so a common first name must not push the right person out of a first page."""
    if not name_words:
        return []
    expression = " AND ".join('names : "' + word.replace('"', '""') + '"'
                              for word in name_words)
    return [NamedPerson(*row) for row in conn.execute(
        "SELECT a.id, a.first_name, a.last_name, a.email, a.external_ref "
        "FROM attendee_search s JOIN attendees a ON a.rowid = s.rowid "
        "WHERE attendee_search MATCH ? AND a.status = 'active' AND a.merged_into IS NULL",
        (expression,))]


def recent_failures(conn: sqlite3.Connection, device_id: str, limit: int = 50
                    ) -> list[datetime]:
    """When this device's latest failed find-me tries happened (its own clock's times)."""
    rows = conn.execute(
        "SELECT payload FROM changes WHERE device_id = ? AND kind = ? "
        "ORDER BY device_seq DESC LIMIT ?", (device_id, _FAILED, limit))
    found = []
    for (payload,) in rows:
        try:
            found.append(datetime.fromisoformat(json.loads(payload)["at"]))
        except (ValueError, KeyError, TypeError):
            continue  # a stamp this kiosk cannot read does not slow it down
    return found


def failures_by_device(conn: sqlite3.Connection) -> dict[str, tuple[str, int]]:
    """Device id -> (its desk name, find-me tries that found nobody) for every kiosk that
    had one, as far as this file has heard."""
    # With max(), SQLite takes the bare column from that row: the desk's latest name.
    return {device: (desk or "", count) for device, desk, _seq, count in conn.execute(
        "SELECT device_id, json_extract(payload, '$.desk'), max(device_seq), count(*) "
        "FROM changes WHERE kind = ? GROUP BY device_id", (_FAILED,))}
