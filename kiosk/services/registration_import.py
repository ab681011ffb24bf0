"""Importing an organisers' registration file: create, update, report — never lose a desk's edit."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kiosk.core import changes, tickets
from kiosk.core.bulk_work import collector_paused
from kiosk.core.models import TEXT_DEFAULTS, Session
from kiosk.core.text import email_key, fold, name_key
from kiosk.importing.records import RowError, SourceRecord
from kiosk.services.event_setup import session_id_for
from kiosk.store import queries
from kiosk.store.event_store import EventStore

_CONSENT = {"yes": True, "no": False}
_UNSET = object()


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    preset: str = ""
    sheet: str | None = None
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    cancelled: int = 0
    missing: int = 0
    errors: list[RowError] = field(default_factory=list)
    duplicate_rows: list[list[int]] = field(default_factory=list)
    missing_ids: list[str] = field(default_factory=list)
    new_sessions: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = [{"row": e.row, "message": e.message} for e in self.errors]
        return data


@dataclass(frozen=True)
class _Planned:
    row: int
    attendee_id: str
    key: str
    fields: dict[str, Any]
    created: bool


def _payload_fields(record: SourceRecord, session_ids: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = dict(record.fields)
    values["category"] = values.get("category") or "delegate"
    values["status"] = values.get("status") or "active"
    values["photo_consent"] = _CONSENT.get(values.get("photo_consent", "").lower())
    values["extra"] = dict(sorted(record.extra.items()))
    values["sessions"] = sorted({session_ids[fold(name)] for name in record.sessions})
    return values


def _import_keys(records: list[SourceRecord]) -> list[str]:
    """Match rows across re-imports by the system's own reference, else by name and email."""
    seen: Counter[str] = Counter()
    keys = []
    for record in records:
        ref = record.fields.get("external_ref", "")
        if ref:
            key = f"ref:{ref}"
        else:
            first, last = record.fields.get("first_name", ""), record.fields.get("last_name", "")
            key = f"who:{name_key(first, last)}|{email_key(record.fields.get('email', ''))}"
        seen[key] += 1
        # The same reference or person twice in one file: keep both, told apart by occurrence.
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


def _duplicate_groups(records: list[SourceRecord]) -> list[list[int]]:
    """Rows with the same normalised name and the same email: the same person, registered twice.

    People sharing an email (a group booked by one person) have different names, so they
    are not duplicates; rows without an email are never called duplicates on name alone.
    """
    groups: dict[tuple[str, str], list[int]] = {}
    for record in records:
        email = email_key(record.fields.get("email", ""))
        name = name_key(record.fields.get("first_name", ""), record.fields.get("last_name", ""))
        if email and name:
            groups.setdefault((name, email), []).append(record.row)
    return [rows for rows in groups.values() if len(rows) > 1]


def _session_changes(
    store: EventStore, records: Iterable[SourceRecord]
) -> tuple[dict[str, str], list[Session]]:
    by_name = {fold(s.name): s.id for s in queries.list_sessions(store.conn)}
    new: list[Session] = []
    for record in records:
        for name in record.sessions:
            if fold(name) not in by_name:
                session = Session(id=session_id_for(name), name=name)
                by_name[fold(name)] = session.id
                new.append(session)
    return by_name, new


def import_records(
    store: EventStore,
    records: list[SourceRecord],
    errors: list[RowError],
    *,
    source: str = "",
    preset: str = "",
    sheet: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Bring the event in line with an organisers' file, in one transaction."""
    with collector_paused():
        return _import_records(store, records, errors, source=source, preset=preset,
                               sheet=sheet, dry_run=dry_run)


def _import_records(
    store: EventStore,
    records: list[SourceRecord],
    errors: list[RowError],
    *,
    source: str,
    preset: str,
    sheet: str | None,
    dry_run: bool,
) -> ImportReport:
    report = ImportReport(preset=preset, sheet=sheet, dry_run=dry_run, errors=list(errors))
    report.read = len(records) + len({e.row for e in errors})
    session_ids, new_sessions = _session_changes(store, records)
    report.new_sessions = [s.name for s in new_sessions]
    existing = queries.import_state(store.conn)
    planned: list[_Planned] = []
    keys = _import_keys(records)
    for record, key in zip(records, keys, strict=True):
        values = _payload_fields(record, session_ids)
        if values["status"] == "cancelled":
            report.cancelled += 1
        known = existing.get(key)
        if known is None:
            # A new registration's change carries only what differs from the defaults.
            values = {n: v for n, v in values.items() if TEXT_DEFAULTS.get(n, _UNSET) != v}
            planned.append(_Planned(record.row, tickets.new_attendee_id(), key, values, True))
            report.created += 1
            continue
        attendee_id, source_values = known
        changed = {n: v for n, v in values.items()
                   if source_values.get(n, TEXT_DEFAULTS.get(n)) != v}
        if changed:
            planned.append(_Planned(record.row, attendee_id, key, changed, False))
            report.updated += 1
        else:
            report.unchanged += 1
    file_keys = set(keys)
    report.missing_ids = sorted(aid for key, (aid, _) in existing.items() if key not in file_keys)
    report.missing = len(report.missing_ids)
    report.duplicate_rows = _duplicate_groups(records)
    report.duplicates = sum(len(rows) - 1 for rows in report.duplicate_rows)
    if dry_run:
        return report
    base = store.setting("last_import_hlc", "") or ""
    with store.transaction():
        for session in new_sessions:
            store.record(changes.workshop.workshop(session.id, session.name))
        items = []
        for plan in planned:
            fields: dict[str, Any] = dict(plan.fields)
            if plan.created:
                fields["import_key"] = plan.key
            items.append(changes.attendee.registration(plan.attendee_id, fields, base))
        last = store.record_many(items)
        if last is not None:
            store.set_setting("last_import_hlc", last.hlc)
        store.record_import_run(
            store.next_stamp(), source, preset, json.dumps(report.as_json(), ensure_ascii=False)
        )
    return report


def import_file(
    store: EventStore,
    path: str | Path,
    *,
    preset: str | None = None,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Read a CSV or XLSX export and import it. Raises ``ImportRefused`` for unreadable files."""
    from kiosk.importing import read_registrations  # openpyxl is slow to load; only here

    workshops = [s.name for s in queries.list_sessions(store.conn)]
    with collector_paused():
        result = read_registrations(path, preset=preset, mapping=mapping, sheet=sheet,
                                    workshops=workshops)
    return import_records(
        store, result.records, result.errors, source=Path(path).name, preset=result.preset,
        sheet=result.sheet, dry_run=dry_run,
    )
