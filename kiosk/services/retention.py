"""After the event: wipe or anonymise personal data everywhere it lies, and the backups."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from kiosk.core.text import count_people
from kiosk.printing import Forgotten, SpoolCopy
from kiosk.services.print_service import badge_folder, desk_printers
from kiosk.store import backups, print_jobs, retention
from kiosk.store.backups import Backup, BackupError, Restored, check_event_file, take_backup
from kiosk.store.event_store import EventStore
from kiosk.store.retention import PersonalDataCounts, WipeRefused

__all__ = ["Backup", "BackupError", "RetentionPlan", "WipeRefused", "anonymise_event",
           "check_event_file", "list_backups", "plan", "restore_backup", "take_backup",
           "wipe_event"]


@dataclass(frozen=True)
class RetentionPlan:
    """What a wipe or anonymise will remove, for the confirmation a coordinator reads."""

    counts: PersonalDataCounts
    backups: int
    backup_folder: Path
    badge_files: int
    badge_folder: Path
    # What a wipe that did not finish removed from the file already (this one finishes it).
    under_way: PersonalDataCounts | None = None

    def lines(self, anonymise: bool = False) -> list[str]:
        c = self.counts
        if self.under_way is not None and not anonymise:
            return [f"- the rest of a wipe that did not finish: it removed "
                    f"{count_people(self.under_way.attendees)} from the file already; their "
                    f"names are still in {self.backups} backup(s) in {self.backup_folder} and "
                    f"{self.badge_files} badge PDF(s) in {self.badge_folder}",
                    *self._last_lines(anonymise)]
        people = ("the names, emails, organisations, pronouns, notes, access needs and "
                  f"barcodes of {c.attendees} people, and volunteers' names (ids, "
                  "categories and check-in times stay)" if anonymise else
                  f"{c.attendees} people with their check-ins ({c.checkins}), badge prints "
                  f"and {c.print_jobs} print jobs (only anonymous counts stay)")
        lines = [f"- {people}",
                 f"- the same details in the change log ({c.changes} changes) and in "
                 f"{c.import_runs} import report(s)",
                 *([f"- the registration file's columns kept in this copy for "
                    f"{c.kept_columns} people"] if c.kept_columns else []),
                 f"- {self.backups} backup(s) in {self.backup_folder}",
                 f"- {self.badge_files} badge PDF(s) in {self.badge_folder}"]
        if c.print_jobs:
            lines.append("- what the print system keeps of the badges printed here (CUPS's "
                         "spool, a PDF printer's files)")
        return lines + self._last_lines(anonymise)

    def _last_lines(self, anonymise: bool) -> list[str]:
        c = self.counts
        lines = []
        if c.unsent_changes and not anonymise:
            lines.append(f"- WARNING: {c.unsent_changes} changes made here have not reached "
                         "the hub yet; sync first if they should count")
        lines.append("Not touched: exports, tickets and desk copies written elsewhere — "
                     "delete those yourself.")
        return lines


def _event_path(store: EventStore) -> Path:
    row = store.conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2])


def plan(store: EventStore) -> RetentionPlan:
    path = _event_path(store)
    folder = badge_folder(path)
    files = sum(1 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0
    return RetentionPlan(retention.personal_data_counts(store.conn),
                         len(backups.list_backups(path)), backups.backup_folder(path), files,
                         folder, retention.wipe_under_way(store))


def _remove_files(path: Path) -> None:
    backups.destroy_backups(path)
    backups.destroy_folder(badge_folder(path))


def forget_printed_badges(store: EventStore) -> Forgotten:
    """Make the print systems forget the badges this device sent them: CUPS's spool keeps
    each whole badge for a day after printing, a PDF printer keeps its files. What cannot
    be reached (a printer's own memory) is said, in words."""
    path = _event_path(store)
    printers = desk_printers(badge_folder(path))
    forgotten = Forgotten()
    for printer, sent in print_jobs.sent_badges(store.conn).items():
        found = printers.find(printer)
        copies = [SpoolCopy(job_id, document) for job_id, document in sent]
        if found is None:
            forgotten += Forgotten(0, (f"the printer “{printer}” is not on this computer "
                                       f"any more: {len(copies)} badge(s) sent to it may be "
                                       "kept in its own memory or queue",))
            continue
        forgotten += found[0].forget(found[1].name, copies)
    return forgotten


def wipe_event(store: EventStore) -> PersonalDataCounts:
    """Remove everyone's personal data from the file, its log, backups and badge PDFs, and
    the copies of their badges print systems keep."""
    forgotten = forget_printed_badges(store)
    counts = retention.wipe(store)
    _remove_files(_event_path(store))
    retention.wipe_finished(store)
    return replace(counts, print_copies_removed=forgotten.removed,
                   not_reached=forgotten.left)


def anonymise_event(store: EventStore) -> PersonalDataCounts:
    """Keep per-person rows without names, contacts, notes or needs; drop backups and PDFs,
    and the copies of badges print systems keep (they hold the names), as a wipe does."""
    forgotten = forget_printed_badges(store)
    counts = retention.anonymise(store)
    _remove_files(_event_path(store))
    return replace(counts, print_copies_removed=forgotten.removed,
                   not_reached=forgotten.left)


def list_backups(event_path: str | Path) -> list[Backup]:
    return backups.list_backups(event_path)


def restore_backup(event_path: str | Path, number: int,
                   store: EventStore | None = None) -> Restored:
    """Put a backup back (through ``store``'s connection when this process has the file
    open); a damaged current file is set aside whole rather than snapshotted."""
    return backups.restore_backup(event_path, number, conn=store.conn if store else None)


def restored_message(number: int, restored: Restored) -> str:
    """What a restore did, in the same words for the command line and the console."""
    words = [f"Restored backup {number}."]
    if restored.set_aside is not None:
        words.append(f"The event file could not be read (it is damaged or was written "
                     f"over), so it was kept whole as {restored.set_aside.name} for staff.")
    if restored.before is not None:
        words.append(f"The file as it was just before is kept as backup 1 "
                     f"({restored.before.name}).")
    words.append("Sync the desk to catch up.")
    return " ".join(words)
