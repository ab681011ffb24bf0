"""Importing an organisers' registration file: create, update, report — never lose a desk's edit."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from kiosk.core import changes, tickets
from kiosk.core.bulk_work import collector_paused
from kiosk.core.changes import Change, NewChange
from kiosk.core.damaged_text import damaged_names
from kiosk.core.models import TEXT_DEFAULTS, Session
from kiosk.core.text import email_key, fold, name_key
from kiosk.importing.fields import Fate, fate_of
from kiosk.importing.limits import MAX_FILE_BYTES
from kiosk.importing.records import ImportRefused, RowError, SourceRecord
from kiosk.services.event_setup import session_id_for
from kiosk.services.import_categories import CategoryPlacer, list_new_categories
from kiosk.store import kept_columns, queries
from kiosk.store.event_file import EventFile, Priority
from kiosk.store.event_store import EventReader, EventStore

_CONSENT = {"yes": True, "no": False}
_UNSET = object()


@dataclass(frozen=True)
class ImportColumn:
    """A column of the file and what becomes of it: ``mapped`` to ``field`` (every desk gets
    it), ``kept`` in the organisers' copy only, or ``dropped`` (never read)."""

    heading: str
    fate: Fate
    field: str = ""


@dataclass(frozen=True)
class DamagedName:
    """A name (or organisation) in the file that looks damaged. Imported as it is: an
    organiser corrects it (Attendees → Edit), or exports the file again as UTF-8."""

    row: int
    field: str
    value: str
    problem: str
    suggestion: str = ""  # what it probably said, when that can be told


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
    # Ticket types that became categories of their own: their badges print no label yet.
    new_categories: list[str] = field(default_factory=list)
    columns: list[ImportColumn] = field(default_factory=list)
    damaged_names: list[DamagedName] = field(default_factory=list)
    kept: int = 0  # people whose kept columns are written (new or changed)
    kept_removed: int = 0  # people whose columns kept before this file keeps no more
    # What was mended as the file was read (zero bytes removed, say); those rows import.
    warnings: list[str] = field(default_factory=list)

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
    Only registrations that stand count: a cancelled booking and the same person's new one
    are a rebooking, not a duplicate.
    """
    groups: dict[tuple[str, str], list[int]] = {}
    for record in records:
        if record.fields.get("status") == "cancelled":
            continue
        email = email_key(record.fields.get("email", ""))
        name = name_key(record.fields.get("first_name", ""), record.fields.get("last_name", ""))
        if email and name:
            groups.setdefault((name, email), []).append(record.row)
    return [rows for rows in groups.values() if len(rows) > 1]


def _session_changes(
    store: EventReader, records: Iterable[SourceRecord]
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


# Registrations written per transaction: a batch takes some 60 ms at 100,000 attendees, and a
# scan waits behind one batch at most (in this process the writer puts it first; another
# process's desk gets the lock between batches).
BATCH = 500
# Inline (`kiosk import`, no desk in this process): a desk in another process waits for one
# batch at most, so fewer, larger batches — each commit's fixed cost is a fifth of a batch
# of 500 here.
BATCH_INLINE = 2_000


@dataclass(frozen=True)
class FileStamp:
    """A registration file as it was when planned: an import refuses it if it changed."""

    path: Path
    size: int
    modified_ns: int
    digest: str

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        stat = path.stat()
        return cls(path, stat.st_size, stat.st_mtime_ns, _digest(path))

    def problem(self) -> str:
        try:
            now = FileStamp.of(self.path)
        except OSError:
            return (f"{self.path.name} is no longer where it was read from. Choose it again and "
                    "look at the dry run before importing.")
        if (now.size, now.digest) != (self.size, self.digest):
            return (f"{self.path.name} has changed since the dry run. Look at the new dry run "
                    "before importing it.")
        return ""


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class ImportPlan:
    """What an import will write, worked out off the writer (read, parse, match, diff): its
    report, the workshops it adds and each registration it creates or changes. The dry run
    shows this plan; importing writes this same plan."""

    report: ImportReport
    new_sessions: tuple[Session, ...]
    planned: tuple[_Planned, ...]
    source: str
    event_state: str  # a digest of the registrations it was planned against
    file: FileStamp | None = None
    new_categories: tuple[str, ...] = ()  # to be listed, with no badge label
    # (attendee id, heading -> value) for the organisers' copy only; {} removes
    kept: tuple[tuple[str, dict[str, str]], ...] = ()


def _state_digest(state: dict[str, tuple[str, dict[str, Any]]]) -> str:
    return hashlib.sha256(json.dumps(sorted(state.items()), sort_keys=True, default=str,
                                     ensure_ascii=False).encode()).hexdigest()


def plan_records(
    view: EventReader,
    records: list[SourceRecord],
    errors: list[RowError],
    *,
    source: str = "",
    preset: str = "",
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    warnings: Iterable[str] = (),
    incremental: bool = False,
) -> ImportPlan:
    """Match the file's rows with the event's registrations and work out what changes.
    ``columns`` (heading -> field) says what becomes of each column, for the report.
    ``incremental``: the records are only those changed since the last pull from a
    registration system (kiosk.connectors), so nobody is "missing" for being left out."""
    with collector_paused():
        report = ImportReport(preset=preset, sheet=sheet, dry_run=True, errors=list(errors),
                              warnings=list(warnings))
        report.read = len(records) + len({e.row for e in errors})
        report.columns = [ImportColumn(heading, fate_of(name),
                                       name if fate_of(name) is Fate.MAPPED else "")
                          for heading, name in (columns or {}).items()]
        report.damaged_names = [
            DamagedName(record.row, name, record.fields[name], damage.problem,
                        damage.suggestion)
            for record in records for name, damage in damaged_names(record.fields)]
        session_ids, new_sessions = _session_changes(view, records)
        report.new_sessions = [s.name for s in new_sessions]
        existing = queries.import_state(view.conn)
        placer = CategoryPlacer(queries.get_event(view.conn, logo=False))
        kept_now = kept_columns.all_kept(view.conn)
        kept: list[tuple[str, dict[str, str]]] = []
        planned: list[_Planned] = []
        keys = _import_keys(records)
        for record, key in zip(records, keys, strict=True):
            values = _payload_fields(record, session_ids)
            values["category"] = placer.place(values["category"])
            if values["status"] == "cancelled":
                report.cancelled += 1
            known = existing.get(key)
            if known is None:
                # A new registration's change carries only what differs from the defaults.
                values = {n: v for n, v in values.items()
                          if TEXT_DEFAULTS.get(n, _UNSET) != v}
                attendee_id = tickets.new_attendee_id()
                planned.append(_Planned(record.row, attendee_id, key, values, True))
                report.created += 1
                if record.kept:
                    kept.append((attendee_id, dict(record.kept)))
                continue
            attendee_id, source_values = known
            source_values = {**source_values, "category": placer.known(
                source_values.get("category", TEXT_DEFAULTS["category"]))}
            if record.kept != kept_now.get(attendee_id, {}):
                kept.append((attendee_id, dict(record.kept)))
            changed = {n: v for n, v in values.items()
                       if source_values.get(n, TEXT_DEFAULTS.get(n)) != v}
            if changed:
                planned.append(_Planned(record.row, attendee_id, key, changed, False))
                report.updated += 1
            else:
                report.unchanged += 1
        file_keys = set(keys)
        report.missing_ids = [] if incremental else sorted(
            aid for key, (aid, _) in existing.items() if key not in file_keys)
        report.missing = len(report.missing_ids)
        report.duplicate_rows = _duplicate_groups(records)
        report.duplicates = sum(len(rows) - 1 for rows in report.duplicate_rows)
        report.new_categories = list(placer.new)
        report.kept = sum(1 for _, columns in kept if columns)
        report.kept_removed = len(kept) - report.kept
        return ImportPlan(report, tuple(new_sessions), tuple(planned), source,
                          _state_digest(existing), new_categories=tuple(placer.new),
                          kept=tuple(kept))


def write_plan(target: EventFile | EventStore, plan: ImportPlan) -> ImportReport:
    """Write a plan: the workshops, then the registrations in batches of ``BATCH`` (each one
    transaction, between the desk's scans), then the import's note. Refused, writing
    nothing, when the file or the event's registrations changed since it was planned.

    Interrupted, every batch written is whole and running the same import again writes
    only the rest (unchanged rows change nothing)."""
    event = _door(target)
    if plan.file is not None and (problem := plan.file.problem()):
        raise ImportRefused(problem)
    now = event.read(lambda reader: _state_digest(queries.import_state(reader.conn)))
    if now != plan.event_state:
        raise ImportRefused("The event's registrations changed since this dry run (another "
                            "import, or a sync). Look at the dry run again, then import.")
    report = replace(plan.report, dry_run=False)
    base = event.read(lambda reader: reader.setting("last_import_hlc", "") or "")

    def workshops(store: EventStore) -> None:
        for session in plan.new_sessions:
            store.record(changes.workshop.workshop(session.id, session.name))
    if plan.new_sessions:
        event.write(workshops, priority=Priority.BULK)
    if plan.new_categories:
        event.write(partial(list_new_categories, names=plan.new_categories),
                    priority=Priority.BULK)
    last_hlc = ""
    batch = BATCH if event.threaded else BATCH_INLINE
    with collector_paused(), event.bulk_run():
        # The next batch's changes are made while the writer writes this one (one batch
        # queued at most, so a scan still waits for one batch at most).
        writing: Future[Change | None] | None = None
        for start in range(0, len(plan.planned), batch):
            items = []
            for row in plan.planned[start:start + batch]:
                fields: dict[str, Any] = dict(row.fields)
                if row.created:
                    fields["import_key"] = row.key
                items.append(changes.attendee.registration(row.attendee_id, fields, base))
            if writing is not None:
                last = writing.result()
                last_hlc = last.hlc if last is not None else last_hlc
            # Not waiting for the disk: each batch is whole or absent, and the import's
            # closing write (or any check-in between) makes every batch durable.
            writing = event.submit(partial(_record_all, items=items), priority=Priority.BULK,
                                   synced=False)
        if writing is not None:
            last = writing.result()
            last_hlc = last.hlc if last is not None else last_hlc
    # The columns the organisers keep: a local table of this copy, never the change log.
    for start in range(0, len(plan.kept), BATCH):
        event.write(partial(_keep, rows=plan.kept[start:start + BATCH]),
                    priority=Priority.BULK)
    note = json.dumps(_note(report), ensure_ascii=False)

    def finish(store: EventStore) -> None:
        if last_hlc:
            store.set_setting("last_import_hlc", last_hlc)
        if report.columns:  # remembered, so the next import of a newer export keeps them too
            store.set_setting(_KEPT_HEADINGS, json.dumps(
                [c.heading for c in report.columns if c.fate is Fate.KEPT],
                ensure_ascii=False))
        store.record_import_run(store.next_stamp(), plan.source, report.preset, note)
    event.write(finish, priority=Priority.BULK)
    return report


def _note(report: ImportReport) -> dict[str, Any]:
    """The report as kept in this file's list of imports: the damaged names by row and
    field only (the names themselves are in the registrations)."""
    data = report.as_json()
    data["damaged_names"] = [{"row": d.row, "field": d.field} for d in report.damaged_names]
    return data


# The headings the organisers chose to keep at the last import (a local setting).
_KEPT_HEADINGS = "import.kept_columns"


def kept_headings(view: EventReader) -> list[str]:
    """The columns kept at the last import: kept again by default, dropped only when the
    organisers say so."""
    return list(json.loads(view.setting(_KEPT_HEADINGS) or "[]"))


def _keep(store: EventStore, rows: tuple[tuple[str, dict[str, str]], ...]) -> None:
    kept_columns.keep(store.conn, rows)


def _record_all(store: EventStore, items: list[NewChange]) -> Change | None:
    return store.record_many(items)


def _door(target: EventFile | EventStore) -> EventFile:
    return target if isinstance(target, EventFile) else target.door


def import_records(
    target: EventFile | EventStore,
    records: list[SourceRecord],
    errors: list[RowError],
    *,
    source: str = "",
    preset: str = "",
    sheet: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Bring the event in line with an organisers' records: plan, then (unless a dry run)
    write the plan."""
    event = _door(target)
    plan = event.read(lambda reader: plan_records(reader, records, errors, source=source,
                                                  preset=preset, sheet=sheet))
    return plan.report if dry_run else write_plan(event, plan)


def plan_file(
    event: EventFile,
    path: str | Path,
    *,
    preset: str | None = None,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
) -> ImportPlan:
    """Read a CSV or XLSX export and plan its import (the dry run). Raises ``ImportRefused``
    for unreadable files. The file is read here, off the writer."""
    from kiosk.importing import read_registrations  # openpyxl is slow to load; only here

    source = Path(path)
    # A file too big to import is refused by the reader without being read through here.
    stamp = (FileStamp.of(source) if source.is_file()
             and source.stat().st_size <= MAX_FILE_BYTES else None)
    workshops, kept_before = event.read(
        lambda reader: ([s.name for s in queries.list_sessions(reader.conn)],
                        kept_headings(reader)))
    with collector_paused():
        result = read_registrations(source, preset=preset, mapping=mapping, sheet=sheet,
                                    workshops=workshops, kept_before=kept_before)
    plan = event.read(lambda reader: plan_records(
        reader, result.records, result.errors, source=source.name, preset=result.preset,
        sheet=result.sheet, columns=result.columns, warnings=result.warnings))
    return replace(plan, file=stamp)


def import_file(
    target: EventFile | EventStore,
    path: str | Path,
    *,
    preset: str | None = None,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Read a CSV or XLSX export and import it (or, ``dry_run``, say what it would do).
    Raises ``ImportRefused`` for unreadable files."""
    event = _door(target)
    plan = plan_file(event, path, preset=preset, mapping=mapping, sheet=sheet)
    return plan.report if dry_run else write_plan(event, plan)
