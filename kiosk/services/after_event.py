"""After the event, for the console: is it over, what the file still holds, the guarded wipe."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from kiosk.core.refusal import Refusal
from kiosk.core.text import count_people
from kiosk.services import retention
from kiosk.services.desk_settings import DeskSettings
from kiosk.services.event_access import REBUILT, EventFile
from kiosk.services.event_report import figures_for, write_report
from kiosk.services.exports import export, export_through
from kiosk.store import queries
from kiosk.store.attendance import AuditEntry, EventFigures, audit_trail
from kiosk.store.backups import Backup, BackupError
from kiosk.store.event_store import EventStore
from kiosk.store.retention import PersonalDataCounts

# The event counts as over from this hour on its (last) day: volunteers pack up laptops at
# the end of the day, and a borrowed laptop may leave the venue with everyone's names on it.
EVENT_DAY_ENDS = time(17, 0)
_REMINDER_DISMISSED = "console.after_event_reminder_dismissed"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def event_last_day(date_text: str) -> date | None:
    """The event's last day from its date field ("2026-11-28", or a range such as
    "2026-11-28 to 2026-11-29"); None when no date is set or none can be read."""
    days = []
    for found in _ISO_DAY.findall(date_text or ""):
        try:
            days.append(date.fromisoformat(found))
        except ValueError:
            continue
    return max(days) if days else None


def event_is_over(date_text: str, now: datetime) -> bool:
    """Whether the event has ended at ``now`` (local time): from EVENT_DAY_ENDS on its last
    day. An event without a date is never "over": there is nothing to remind from."""
    last = event_last_day(date_text)
    if last is None:
        return False
    return now.date() > last or (now.date() == last and now.time() >= EVENT_DAY_ENDS)


def reminder_due(date_text: str, now: datetime, personal_data_left: bool) -> bool:
    """Remind staff to export and wipe: the event is over and people's data is still here."""
    return personal_data_left and event_is_over(date_text, now)


@dataclass(frozen=True)
class AfterEventState:
    """What the After the event screen shows about the file (no one's personal data)."""

    event_name: str
    event_date: str
    counts: PersonalDataCounts
    plan: retention.RetentionPlan
    figures: EventFigures
    wiped: bool  # a wipe kept only the figures
    anonymised: bool  # the rows stay, without names or contacts
    has_pin: bool
    reminder_dismissed: bool

    @property
    def personal_data_left(self) -> bool:
        return self.counts.attendees > 0 and not self.anonymised

    def reminder(self, now: datetime) -> bool:
        return not self.reminder_dismissed and reminder_due(
            self.event_date, now, self.personal_data_left)

    def left_lines(self) -> list[str]:
        """What the file holds now, in anonymous counts."""
        c, f = self.counts, self.figures
        if self.wiped and c.attendees == 0:
            people = "No one's personal data: the people, their check-ins and prints are gone."
        elif self.anonymised:
            people = (f"{c.attendees:,} anonymous rows (an id, category and check-in time; no "
                      "names, contacts, notes or needs).")
        else:
            people = (f"{c.attendees:,} people with names and contact details, "
                      f"{c.checkins:,} check-ins, {c.print_jobs:,} print jobs.")
        return [people,
                f"Backups: {self.plan.backups}. Badge PDFs: {self.plan.badge_files}.",
                f"The report's figures (a wipe keeps them): {f.registered:,} registered, "
                f"{f.checked_in:,} checked in, {f.walkins:,} walk-ins, {f.badges_printed:,} "
                f"badges printed, {len(f.workshops)} workshops."]


def _last_removal(entries: list[AuditEntry]) -> str:
    """'wipe', 'anonymise' or '' — the latest of those since the latest import."""
    for entry in reversed(entries):
        if entry.action in ("wipe", "anonymise", "import"):
            return "" if entry.action == "import" else entry.action
    return ""


def after_event_state(store: EventStore,
                      trail: list[AuditEntry] | None = None) -> AfterEventState:
    """``trail``: the audit trail (oldest first) when the caller has just read it."""
    event = queries.get_event(store.conn)
    figures, wiped = figures_for(store)
    plan = retention.plan(store)
    removal = _last_removal(audit_trail(store.conn) if trail is None else trail)
    return AfterEventState(
        event_name=event.name if event else "",
        event_date=event.date if event else "",
        counts=plan.counts, plan=plan, figures=figures, wiped=wiped,
        anonymised=removal == "anonymise" and plan.counts.attendees > 0,
        has_pin=DeskSettings(store).has_pin(),
        reminder_dismissed=store.setting(_REMINDER_DISMISSED) == "1",
    )


def dismiss_reminder(store: EventStore) -> None:
    """Staff have read the reminder: not shown again in this event file's console."""
    store.set_setting(_REMINDER_DISMISSED, "1")


def audit_newest_first(store: EventStore) -> list[AuditEntry]:
    return list(reversed(audit_trail(store.conn)))


def overview(store: EventStore) -> tuple[AfterEventState, list[AuditEntry]]:
    """The state and the audit trail (newest first), reading the change log once."""
    trail = audit_trail(store.conn)
    return after_event_state(store, trail), list(reversed(trail))


# -- exports and the report ---------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """A file written for the organiser, or why it was not."""

    path: Path | None
    rows: int = 0
    replaced: bool = False
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.path is not None and not self.problem


def export_file(store: EventStore, what: str, out: str | Path) -> Written:
    """The CLI's export (noted in the audit trail), with a refusal as a value."""
    replaced = Path(out).expanduser().exists()
    try:
        result = export(store, what, out)
    except Refusal as exc:  # a wrong name, a missing folder, an event file in the way
        return Written(None, problem=str(exc))
    return Written(result.path, result.rows, replaced)


def export_file_through(event: EventFile, what: str, out: str | Path) -> Written:
    """:func:`export_file` through the event file's door: the desk goes on checking people
    in while the file is written."""
    replaced = Path(out).expanduser().exists()
    try:
        result = export_through(event, what, out)
    except Refusal as exc:  # a wrong name, a missing folder, an event file in the way
        return Written(None, problem=str(exc))
    return Written(result.path, result.rows, replaced)


def report_file(store: EventStore, out: str | Path) -> Written:
    replaced = Path(out).expanduser().exists()
    try:
        return Written(write_report(store, out), replaced=replaced)
    except Refusal as exc:
        return Written(None, problem=str(exc))


def default_file(event_path: str | Path, what: str, suffix: str) -> Path:
    """Beside the event file: ``conference-attendees.xlsx``."""
    path = Path(event_path).expanduser().absolute()  # not resolve(): no disk on the UI thread
    return path.parent / f"{path.stem}-{what}{suffix}"


# -- backups --------------------------------------------------------------------------------


def restore_warning(backup: Backup, counts: PersonalDataCounts) -> str:
    """What restoring ``backup`` does to what was recorded after it, in plain words."""
    taken = backup.taken_at.replace("T", " at ")
    held = (f"{backup.attendees:,} people and {backup.checkins:,} check-ins"
            if backup.attendees is not None and backup.checkins is not None
            else "a state that cannot be read")
    return (f"The event file goes back to how it was on {taken}: {held} (now: "
            f"{counts.attendees:,} people and {counts.checkins:,} check-ins).\n\n"
            f"Everything recorded on this computer after that — check-ins, walk-ins, "
            f"corrections, badge prints, imports — is taken out of the file. Before "
            f"restoring, the file as it is now is saved as a new backup, so you can undo "
            f"this by restoring that one. If this desk syncs with a hub, the next sync "
            f"brings back what had already reached the hub.")


@dataclass(frozen=True)
class BackupDone:
    message: str
    ok: bool


def take_backup_now(event_path: str | Path) -> BackupDone:
    try:
        path = retention.take_backup(event_path)
    except BackupError as exc:
        return BackupDone(str(exc), False)
    return BackupDone(f"Took a backup: {path.name}.", True)


def restore(event_path: str | Path, number: int,
            store: EventStore | None = None) -> BackupDone:
    try:
        restored = retention.restore_backup(event_path, number, store)
    except BackupError as exc:
        return BackupDone(str(exc), False)
    return BackupDone(retention.restored_message(number, restored), True)


def restore_announced(store: EventStore, event_path: str | Path, number: int) -> BackupDone:
    """:func:`restore` as a write of the event file's door (run with ``atomic=False``):
    nothing else writes while the file is put back, and everyone following the file hears
    that it was rebuilt under them."""
    done = restore(event_path, number, store)
    if done.ok:
        store.touch(REBUILT)
    return done


# -- wipe and anonymise -------------------------------------------------------------------

WIPE_WORD = "WIPE"
ANONYMISE_WORD = "ANONYMISE"


def confirmation_word(anonymise: bool) -> str:
    return ANONYMISE_WORD if anonymise else WIPE_WORD


def confirmation_matches(typed: str, event_name: str, anonymise: bool) -> bool:
    """The organiser typed the event's name or the word (WIPE / ANONYMISE), any case."""
    text = " ".join(typed.split()).casefold()
    if not text:
        return False
    name = " ".join(event_name.split()).casefold()
    return text == confirmation_word(anonymise).casefold() or (bool(name) and text == name)


@dataclass(frozen=True)
class Removal:
    """The outcome of a wipe or anonymise asked for at the console."""

    done: bool
    message: str
    wrong_pin: bool = False
    removed: PersonalDataCounts | None = None


def remove_personal_data(store: EventStore, pin: str, typed: str,
                         anonymise: bool) -> Removal:
    """Check the supervisor PIN and the typed confirmation, then wipe or anonymise the file,
    its backups and badge PDFs. Nothing is removed unless both are right."""
    settings = DeskSettings(store)
    if settings.has_pin() and not settings.check_pin(pin):
        return Removal(False, "That PIN is not right. Nothing was removed.", wrong_pin=True)
    event = queries.get_event(store.conn)
    if not confirmation_matches(typed, event.name if event else "", anonymise):
        return Removal(False, f"Type {confirmation_word(anonymise)} or the event's name to "
                              "confirm. Nothing was removed.")
    try:
        counts = (retention.anonymise_event(store) if anonymise
                  else retention.wipe_event(store))
    except retention.WipeRefused:
        # The people are out of the file's tables by now; only the write-ahead log still
        # holds old pages, because another program is reading the file.
        store.touch(REBUILT)
        verb = "Anonymise" if anonymise else "Wipe"
        return Removal(False, "The people were removed from the event file, but another "
                              "program (a second kiosk window, a print worker or `kiosk` on "
                              "the command line) has it open, so old data is still in its "
                              f"write-ahead log. Close that program, then press “{verb} for "
                              "good” again to finish.")
    store.touch(REBUILT)
    done = "Anonymised" if anonymise else "Wiped"
    # A wipe cut short and pressed again counts what its first press removed too.
    whose = f"{count_people(counts.attendees)}'s personal data is" if counts.attendees else \
        "the personal data is"
    spool = (f" The print system forgot {counts.print_copies_removed} copies of badges."
             if counts.print_copies_removed else "")
    left = "".join(f" Not reached: {item}." for item in counts.not_reached)
    return Removal(True, f"{done}: {whose} gone from this event file, its backups and its "
                         f"badge PDFs.{spool} The event report still gives the anonymous "
                         f"figures.{left}", removed=counts)
