"""Removing personal data from an event database: wipe (counts only) and anonymise."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.core.changes import KINDS, ChangeKind, Wipe
from kiosk.core.refusal import Refusal
from kiosk.store import connector_state, kept_columns
from kiosk.store.attendance import EventFigures, event_figures
from kiosk.store.event_store import EventStore
from kiosk.store.retention_schema import ensure_retention_tables

# Change kinds that hold no one's personal data: a wipe keeps them (and the event's shape).
# Each kind's privacy class lives with the kind (kiosk.core.changes).
_EVENT_KINDS = tuple(kind.value for kind, spec in KINDS.items()
                     if spec.privacy.wipe is Wipe.KEEP)


class WipeRefused(Refusal):
    """The files could not be made clean (e.g. the app still has them open); says what to do."""


@dataclass(frozen=True)
class PersonalDataCounts:
    """What a wipe or anonymise will remove (or removed)."""

    attendees: int
    checkins: int
    changes: int
    print_jobs: int
    import_runs: int
    unsent_changes: int  # recorded here, not yet at the hub (lost to the hub by a wipe)
    # Badges the print system was made to forget (purged spool jobs, a PDF printer's
    # files), and what it could not reach, in words (a printer's own memory).
    print_copies_removed: int = 0
    not_reached: tuple[str, ...] = ()
    kept_columns: int = 0  # people with columns of the registration file kept here

    def plus(self, other: PersonalDataCounts) -> PersonalDataCounts:
        """What two runs of one wipe removed together."""
        return PersonalDataCounts.of(
            [a + b for a, b in zip(self._counted(), other._counted(), strict=True)])

    def to_json(self) -> str:
        return json.dumps(self._counted())

    @classmethod
    def from_json(cls, text: str) -> PersonalDataCounts:
        return cls.of([int(n) for n in json.loads(text)])

    @classmethod
    def of(cls, counted: list[int]) -> PersonalDataCounts:
        attendees, checkins, changes, print_jobs, import_runs, unsent, kept = counted
        return cls(attendees, checkins, changes, print_jobs, import_runs, unsent,
                   kept_columns=kept)

    def _counted(self) -> list[int]:
        return [self.attendees, self.checkins, self.changes, self.print_jobs,
                self.import_runs, self.unsent_changes, self.kept_columns]


# What a wipe has removed from the file while its backups and badge PDFs are not yet gone
# (a local setting, counts only): a run cut short and run again says what the wipe removed,
# not the nobody left for the second run to find.
_WIPE_UNDER_WAY = "retention.wipe_under_way"


def personal_data_counts(conn: sqlite3.Connection) -> PersonalDataCounts:
    def count(sql: str) -> int:
        return conn.execute(sql).fetchone()[0]

    enrolled = count("SELECT count(*) FROM sqlite_master WHERE name = 'sync_hub'") and count(
        "SELECT count(*) FROM sync_hub")
    return PersonalDataCounts(
        attendees=count("SELECT count(*) FROM attendees"),
        checkins=count("SELECT count(*) FROM checkins"),
        changes=count("SELECT count(*) FROM changes"),
        print_jobs=count("SELECT count(*) FROM print_jobs"),
        import_runs=count("SELECT count(*) FROM import_runs"),
        unsent_changes=count("SELECT count(*) FROM changes WHERE hub_seq IS NULL")
        if enrolled else 0,
        kept_columns=kept_columns.count(conn),
    )


def log_action(conn: sqlite3.Connection, action: str, detail: str) -> None:
    """Note an export, report or wipe in the local audit trail (no personal data)."""
    ensure_retention_tables(conn)
    conn.execute("INSERT INTO retention_log (at, action, detail) VALUES (?, ?, ?)",
                 (datetime.now().isoformat(timespec="seconds"), action, detail))


def kept_figures(conn: sqlite3.Connection) -> EventFigures | None:
    """The figures saved by a wipe, if this event was wiped."""
    ensure_retention_tables(conn)
    row = conn.execute("SELECT figures FROM retention_figures WHERE id = 1").fetchone()
    return EventFigures.from_json(row[0]) if row else None


def _recreate_search_index(conn: sqlite3.Connection) -> None:
    """Drop the full-text index and make it again, empty: deleting rows from FTS5 can leave
    old terms in its segments."""
    tables = dict(conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE name IN "
        "('attendee_search', 'attendee_search_terms')"))
    conn.execute("DROP TABLE IF EXISTS attendee_search_terms")
    conn.execute("DROP TABLE IF EXISTS attendee_search")
    conn.execute(tables["attendee_search"])
    conn.execute(tables["attendee_search_terms"])


def _compact(conn: sqlite3.Connection) -> None:
    """Rewrite the file without free pages and empty the write-ahead log, so removed bytes
    are gone from both."""
    conn.execute("VACUUM")
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    if busy:
        raise WipeRefused("The event file is open in another program (the kiosk app or a "
                          "print worker), so its write-ahead log still holds old data. Close "
                          "the kiosk app on this computer and run the command again.")


def wipe_under_way(store: EventStore) -> PersonalDataCounts | None:
    """What an unfinished wipe removed from the file so far, if one is under way."""
    text = store.setting(_WIPE_UNDER_WAY)
    return PersonalDataCounts.from_json(text) if text else None


def wipe_finished(store: EventStore) -> None:
    """The wipe's files (backups, badge PDFs) are gone too: the next wipe counts afresh."""
    store.conn.execute("DELETE FROM settings WHERE key = ?", (_WIPE_UNDER_WAY,))
    store.touch("settings")
    # Left empty, as the wipe left it (the page written here holds no one's data).
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def wipe(store: EventStore) -> PersonalDataCounts:
    """Remove every person from the event: registrations, check-ins, prints, print jobs,
    imports and their changes. The event, workshops, checkpoints and the report's anonymous
    figures stay. Returns what the wipe removed, with what an earlier run of it cut short
    (see :func:`wipe_finished`) removed before."""
    conn = store.conn
    ensure_retention_tables(conn)
    before = personal_data_counts(conn)
    earlier = wipe_under_way(store)
    removed = before if earlier is None else earlier.plus(before)
    figures = kept_figures(conn) or event_figures(conn)
    conn.execute("PRAGMA secure_delete = ON")
    with store.transaction():
        conn.execute("INSERT OR REPLACE INTO retention_figures (id, figures, at) "
                     "VALUES (1, ?, ?)",
                     (figures.to_json(), datetime.now().isoformat(timespec="seconds")))
        marks = ", ".join("?" * len(_EVENT_KINDS))
        conn.execute(f"DELETE FROM changes WHERE kind NOT IN ({marks})", _EVENT_KINDS)
        # Changes from elsewhere still waiting to be applied hold names too.
        conn.execute(f"DELETE FROM sync_held WHERE kind NOT IN ({marks})", _EVENT_KINDS)
        for table in ("bookings", "attendees", "checkins", "checkin_voids", "prints",
                      "print_jobs", "import_runs", kept_columns.TABLE):
            conn.execute(f"DELETE FROM {table}")
        conn.execute("DELETE FROM settings WHERE key = 'desk.operator'")
        store.set_setting(_WIPE_UNDER_WAY, removed.to_json())
        connector_state.disconnect(conn)  # else its next pull would bring everyone back
        _recreate_search_index(conn)
        log_action(conn, "wipe", f"removed {before.attendees} people, {before.checkins} "
                                 f"check-ins, {before.changes} logged changes")
    _compact(conn)
    return removed


def anonymised_payload(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A change's payload without the person's names, contacts, notes, needs or codes, and
    without the volunteer's name: what its kind's privacy class keeps (a kind this version
    does not know keeps nothing)."""
    try:
        spec = KINDS[ChangeKind(kind)]
    except ValueError:
        return {}
    return spec.privacy.anonymised(payload)


def anonymise(store: EventStore) -> PersonalDataCounts:
    """Keep every person as an id with category, status, bookings and check-in times; remove
    names, emails, organisations, pronouns, notes, needs and barcodes (and the volunteers'
    names), in the derived tables and in the change log, and every column of the registration
    file kept in this copy."""
    conn = store.conn
    ensure_retention_tables(conn)
    before = personal_data_counts(conn)
    conn.execute("PRAGMA secure_delete = ON")
    with store.transaction():
        for table in ("changes", "sync_held"):  # held: from elsewhere, not yet applied
            rows = conn.execute(f"SELECT change_id, kind, payload FROM {table}").fetchall()
            conn.executemany(f"UPDATE {table} SET payload = ? WHERE change_id = ?", [
                (json.dumps(anonymised_payload(kind, json.loads(payload)),
                            ensure_ascii=False, separators=(",", ":")), change_id)
                for change_id, kind, payload in rows])
        conn.execute("DELETE FROM import_runs")
        kept_columns.remove_all(conn)
        conn.execute("UPDATE print_jobs SET operator = '', last_error = ''")
        conn.execute("DELETE FROM settings WHERE key = 'desk.operator'")
        connector_state.disconnect(conn)
        conn.execute("DELETE FROM attendees")
        _recreate_search_index(conn)
        store.rebuild()
        log_action(conn, "anonymise", f"removed names and contact details of "
                                      f"{before.attendees} people")
    _compact(conn)
    return before
