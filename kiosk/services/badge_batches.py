"""Badges in batches before the event: who, in what order, on what sheet, to a PDF or a printer.

Every function takes the event store first and may take long (a thousand badges): the
console calls them on a worker thread, with a ``progress`` callback and a ``cancelled``
question that is asked between badges.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TypeVar, overload

from kiosk.badges import (
    BadgeData,
    Layout,
    LayoutError,
    SheetLayout,
    bundled_layouts,
    load_layout,
    render_badges,
)
from kiosk.badges.layout import CutMarks
from kiosk.core.models import Attendee, Event
from kiosk.core.refusal import Refusal
from kiosk.core.text import count_people, fold, has
from kiosk.printing import (
    PDF_FOLDER,
    BadgeDocument,
    PrinterBackend,
    PrinterDirectory,
)
from kiosk.printing import messages as printer_messages
from kiosk.printing.worker import deliver
from kiosk.services.badge_printing import badge_code
from kiosk.services.desk_settings import DeskSettings
from kiosk.services.event_access import EventFile, as_read
from kiosk.services.event_setup import event_of
from kiosk.services.print_service import badge_folder, desk_printers
from kiosk.store import batch_queries, print_jobs, queries
from kiosk.store.batch_queries import BatchCandidate
from kiosk.store.event_store import EventStore
from kiosk.store.outputs import OutputRefused, write_private
from kiosk.store.print_jobs import PrintJob

Progress = Callable[[int, int], None]  # (badges done, badges in all)
Cancelled = Callable[[], bool]
T = TypeVar("T")

ONE_PER_PAGE = "one-per-page"
_SIZE_TOLERANCE_MM = 0.5
_FETCH = 500  # attendees read from the event file at a time while drawing


class BatchCancelled(Exception):
    """The organiser cancelled the batch; nothing was written."""


class BatchSort(StrEnum):
    SURNAME = "surname"
    FIRST_NAME = "first_name"
    ORGANISATION = "organisation"
    CATEGORY = "category"


SORT_TITLES: dict[BatchSort, str] = {
    BatchSort.SURNAME: "Surname",
    BatchSort.FIRST_NAME: "First name",
    BatchSort.ORGANISATION: "Organisation",
    BatchSort.CATEGORY: "Category",
}


@dataclass(frozen=True)
class BatchQuery:
    """Who is in a batch: every filter given must hold (None / False: that filter is off)."""

    category: str | None = None
    workshop: str | None = None  # a session id: people booked on it
    not_printed: bool = False  # no badge printed anywhere, none queued here
    not_checked_in: bool = False
    sort: BatchSort = BatchSort.SURNAME


@dataclass(frozen=True)
class BatchLayout:
    """How a batch looks: a badge layout (a bundled name or a file's path) and the sheet it
    is imposed on. A layout file that is itself a sheet brings its own imposition."""

    badge: str
    sheet: str = ONE_PER_PAGE  # or a bundled sheet layout's name
    cut_marks: bool | None = None  # None: as the sheet has them


@dataclass(frozen=True)
class BatchPlan:
    """A batch as the organiser sees it before making it. ``problem`` says in plain words why
    it cannot be made as chosen; then ``pages`` is 0."""

    query: BatchQuery
    layout: BatchLayout
    attendee_ids: tuple[str, ...]
    with_badge: int  # of them, people who already have a badge (another is a reprint)
    pages: int
    per_page: int
    layout_title: str
    problem: str = ""
    cut_marks: bool = False  # the sheet has cut marks
    badge_title: str = ""  # the badge's own title (``layout_title`` is the sheet's)

    @property
    def count(self) -> int:
        return len(self.attendee_ids)

    @property
    def drawing(self) -> tuple[tuple[str, ...], BatchLayout]:
        """What the PDF depends on: two plans with the same drawing make the same pages."""
        return self.attendee_ids, self.layout


@dataclass(frozen=True)
class BatchDocument:
    """A batch drawn as one PDF."""

    plan: BatchPlan
    pdf: bytes
    pages: int


@dataclass(frozen=True)
class Choice:
    """Something to choose from a list: its key and what the organiser reads."""

    key: str
    title: str


# -- choosing ---------------------------------------------------------------------------


def badge_layout_choices() -> list[Choice]:
    """The bundled badge layouts (sheets are chosen separately)."""
    return [Choice(info.name, info.title) for info in bundled_layouts() if info.kind != "sheet"]


def sheet_choices() -> list[Choice]:
    """One badge a page (badge, card and label printers), then each bundled sheet."""
    return [Choice(ONE_PER_PAGE, "One badge per page (insert, card and label printers)"),
            *(Choice(info.name, info.title) for info in bundled_layouts() if info.kind == "sheet")]


def categories(store: EventStore) -> list[tuple[str, int]]:
    """(category, expected attendees) for the category filter."""
    return batch_queries.expected_categories(store.conn)


def workshops(store: EventStore) -> list[Choice]:
    return [Choice(s.id, s.name) for s in queries.list_sessions(store.conn)]


# -- who, in which order ----------------------------------------------------------------


def _surname(person: BatchCandidate) -> str:
    # Someone known by a badge name, or by one name alone, is found under that name.
    return fold(person.last_name or person.badge_name or person.first_name)


_SORT_KEYS: dict[BatchSort, Callable[[BatchCandidate], tuple[object, ...]]] = {
    BatchSort.SURNAME: lambda p: (_surname(p), fold(p.first_name), p.attendee_id),
    BatchSort.FIRST_NAME: lambda p: (fold(p.first_name or p.badge_name), _surname(p),
                                     p.attendee_id),
    # People with no organisation come after every organisation, not before.
    BatchSort.ORGANISATION: lambda p: (p.organisation == "", fold(p.organisation), _surname(p),
                                       fold(p.first_name), p.attendee_id),
    BatchSort.CATEGORY: lambda p: (fold(p.category), _surname(p), fold(p.first_name),
                                   p.attendee_id),
}


def _candidates(store: EventStore, query: BatchQuery) -> list[BatchCandidate]:
    people = batch_queries.batch_candidates(
        store.conn, category=query.category, session_id=query.workshop,
        not_printed=query.not_printed, not_checked_in=query.not_checked_in)
    # Sorted here, not in SQL: accents and case folded as people read them ("Ó" by "O").
    return sorted(people, key=_SORT_KEYS[query.sort])


def batch_attendee_ids(store: EventStore, query: BatchQuery) -> list[str]:
    """The ids of the attendees in a batch, in badge order."""
    return [person.attendee_id for person in _candidates(store, query)]


# -- how it looks -----------------------------------------------------------------------


class LayoutUnusable(ValueError, Refusal):
    """A batch's layout cannot be used as chosen; the message says why, in plain words."""


def resolve_layout(choice: BatchLayout) -> Layout:
    """The layout a batch is drawn with; LayoutUnusable when the choice cannot be used (a
    bad or missing file, a badge that does not fit the sheet)."""
    try:
        layout = load_layout(choice.badge)
        sheet = None if choice.sheet == ONE_PER_PAGE else load_layout(choice.sheet)
    except LayoutError as error:
        name = Path(error.source).name if error.source else ""
        where = f"{name}: " if name and name != choice.badge else ""
        key = f"{error.key}: " if error.key else ""
        raise LayoutUnusable(f"This layout cannot be used: {where}{key}{error.message}.") \
            from error
    if isinstance(layout, SheetLayout):
        return _with_cut_marks(layout, choice.cut_marks)
    if sheet is None:
        return layout
    if not isinstance(sheet, SheetLayout):
        raise LayoutUnusable(f"“{sheet.title}” is a badge, not a sheet.")
    wanted, given = sheet.badge.page, layout.page
    if abs(wanted.width - given.width) > _SIZE_TOLERANCE_MM or \
            abs(wanted.height - given.height) > _SIZE_TOLERANCE_MM:
        raise LayoutUnusable(
            f"The sheet “{sheet.title}” holds badges of {wanted.width:g} × "
            f"{wanted.height:g} mm, and “{layout.title}” is {given.width:g} × "
            f"{given.height:g} mm. Choose one badge per page, or a layout of that size.")
    return _with_cut_marks(replace(sheet, badge=layout), choice.cut_marks)


def _with_cut_marks(sheet: SheetLayout, wanted: bool | None) -> SheetLayout:
    if wanted is None or wanted == (sheet.cut_marks is not None):
        return sheet
    # The title is what the screen and the PDF call the sheet: it must not promise marks.
    title = sheet.title.replace(", with cut marks", "").replace(" with cut marks", "")
    return replace(sheet, cut_marks=CutMarks() if wanted else None,
                   title=f"{title}, with cut marks" if wanted else title)


def page_count(layout: Layout, badges: int) -> int:
    """Pages of PDF (sides of paper) that ``badges`` badges take."""
    sides = 2 if layout.double_sided is not None else 1
    if isinstance(layout, SheetLayout):
        return math.ceil(badges / layout.per_page) * sides
    return badges * sides


def _per_page(layout: Layout) -> int:
    return layout.per_page if isinstance(layout, SheetLayout) else 1


def plan_batch(store: EventStore, query: BatchQuery, choice: BatchLayout) -> BatchPlan:
    """Who is in the batch and how many pages it makes, before anything is drawn."""
    people = _candidates(store, query)
    ids = tuple(person.attendee_id for person in people)
    with_badge = sum(person.has_badge for person in people)
    try:
        layout = resolve_layout(choice)
    except LayoutUnusable as error:
        return BatchPlan(query, choice, ids, with_badge, 0, 0, "", str(error))
    return BatchPlan(query, choice, ids, with_badge, page_count(layout, len(ids)),
                     _per_page(layout), layout.title,
                     cut_marks=isinstance(layout, SheetLayout) and layout.cut_marks is not None,
                     badge_title=(layout.badge if isinstance(layout, SheetLayout)
                                  else layout).title)


# -- drawing ----------------------------------------------------------------------------


class _BadgesOnDemand(Sequence[BadgeData]):
    """The batch's badges as the renderer asks for them, read a few hundred at a time: it
    reports progress and stops when the organiser cancels, without changing the renderer."""

    def __init__(self, store: EventStore, ids: Sequence[str], event: Event,
                 progress: Progress, cancelled: Cancelled) -> None:
        self._store = store
        self._ids = ids
        self._event = event
        self._progress = progress
        self._cancelled = cancelled
        self._block: tuple[int, list[Attendee | None]] = (-1, [])
        self._step = max(1, len(ids) // 200)

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> BadgeData: ...

    @overload
    def __getitem__(self, index: slice) -> list[BadgeData]: ...

    def __getitem__(self, index: int | slice) -> BadgeData | list[BadgeData]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not 0 <= index < len(self._ids):
            raise IndexError(index)
        if self._cancelled():
            raise BatchCancelled()
        attendee = self._attendee(index)
        done = index + 1
        if done % self._step == 0 or done == len(self._ids):
            self._progress(done, len(self._ids))
        return BadgeData(attendee, badge_code(self._store, attendee), self._event)

    def __iter__(self) -> Iterator[BadgeData]:
        return (self[i] for i in range(len(self)))

    def _attendee(self, index: int) -> Attendee:
        start, block = self._block
        if not start <= index < start + len(block):
            start = index - index % _FETCH
            wanted = list(self._ids[start:start + _FETCH])
            found = {a.id: a for a in queries.attendees_by_id(self._store.conn, wanted)}
            block = [found.get(i) for i in wanted]
            self._block = (start, block)
        attendee = block[index - start]
        if attendee is None:
            raise LookupError("Someone in this batch is no longer in the list (merged or "
                              "removed since it was counted). Refresh, then try again.")
        return attendee


def _draw(store: EventStore, layout: Layout, ids: Sequence[str], progress: Progress,
          cancelled: Cancelled) -> bytes:
    pdf = io.BytesIO()
    render_badges(layout, _BadgesOnDemand(store, ids, event_of(store), progress, cancelled),
                  pdf)
    return pdf.getvalue()


def render_batch(store: EventStore, plan: BatchPlan, progress: Progress = lambda d, t: None,
                 cancelled: Cancelled = lambda: False) -> BatchDocument:
    """The plan's badges as one PDF, in the plan's order (BatchCancelled if cancelled)."""
    if plan.problem:
        raise ValueError(plan.problem)
    if not plan.attendee_ids:
        raise ValueError("Nobody matches these filters, so there are no badges to make.")
    layout = resolve_layout(plan.layout)
    pdf = _draw(store, layout, plan.attendee_ids, progress, cancelled)
    return BatchDocument(plan, pdf, page_count(layout, plan.count))


class _Drawing(Sequence[BadgeData]):
    """Badges already read, as the renderer asks for them: it reports progress and stops
    when the organiser cancels, without changing the renderer."""

    def __init__(self, badges: list[BadgeData], progress: Progress,
                 cancelled: Cancelled) -> None:
        self._badges = badges
        self._progress = progress
        self._cancelled = cancelled
        self._step = max(1, len(badges) // 200)

    def __len__(self) -> int:
        return len(self._badges)

    @overload
    def __getitem__(self, index: int) -> BadgeData: ...

    @overload
    def __getitem__(self, index: slice) -> list[BadgeData]: ...

    def __getitem__(self, index: int | slice) -> BadgeData | list[BadgeData]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if self._cancelled():
            raise BatchCancelled()
        badge = self._badges[index]
        done = index + 1
        if done % self._step == 0 or done == len(self._badges):
            self._progress(done, len(self._badges))
        return badge

    def __iter__(self) -> Iterator[BadgeData]:
        return (self[i] for i in range(len(self)))


def _read_badges(store: EventStore, ids: Sequence[str]) -> list[BadgeData]:
    """Every badge's details (person, code, event), read in one go."""
    return list(_BadgesOnDemand(store, ids, event_of(store), lambda d, t: None, lambda: False))


def _draw_read(layout: Layout, badges: list[BadgeData], progress: Progress,
               cancelled: Cancelled) -> bytes:
    pdf = io.BytesIO()
    render_badges(layout, _Drawing(badges, progress, cancelled), pdf)
    return pdf.getvalue()


def render_batch_through(
    event: EventFile, plan: BatchPlan, progress: Progress = lambda d, t: None,
    cancelled: Cancelled = lambda: False,
) -> BatchDocument:
    """:func:`render_batch` through the event file's door: the badges' details are read as
    one snapshot, then drawn outside it, so a thousand badges being drawn never hold a read
    connection the desk may need."""
    if plan.problem:
        raise ValueError(plan.problem)
    if not plan.attendee_ids:
        raise ValueError("Nobody matches these filters, so there are no badges to make.")
    layout = resolve_layout(plan.layout)
    ids = plan.attendee_ids
    badges = event.read(as_read(lambda store: _read_badges(store, ids)))
    return BatchDocument(plan, _draw_read(layout, badges, progress, cancelled),
                         page_count(layout, plan.count))


class SaveOutcome(StrEnum):
    SAVED = "saved"
    EXISTS = "exists"  # a file is there already; save again with replace=True
    REFUSED = "refused"


@dataclass(frozen=True)
class Saved:
    outcome: SaveOutcome
    path: str
    message: str


def save_pdf(document: BatchDocument, path: str | os.PathLike[str],
             replace_existing: bool = False) -> Saved:
    """Write the batch's PDF; written beside and renamed, so a reader never sees half of it."""
    target = Path(path).expanduser()
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    if target.exists() and not replace_existing:
        return Saved(SaveOutcome.EXISTS, str(target),
                     f"There is already a file called {target.name} there. Press Save again "
                     "to replace it, or choose another name.")
    if not target.parent.is_dir():
        return Saved(SaveOutcome.REFUSED, str(target),
                     f"There is no folder {target.parent}. Choose where to save the badges.")
    try:
        write_private(target, document.pdf, (".pdf",), "The badges")
    except OutputRefused as refused:
        return Saved(SaveOutcome.REFUSED, str(target), str(refused))
    except OSError as error:
        return Saved(SaveOutcome.REFUSED, str(target),
                     f"The badges could not be saved to {target} "
                     f"({error.strerror or error}). Choose another folder.")
    badges, pages = document.plan.count, document.pages
    return Saved(SaveOutcome.SAVED, str(target),
                 f"Saved {_badges(badges)} on {_pages(pages)} to {target}.")


def _badges(n: int) -> str:
    return f"{n:,} badge" + ("" if n == 1 else "s")


def _pages(n: int) -> str:
    return f"{n:,} page" + ("" if n == 1 else "s")


# -- printing ---------------------------------------------------------------------------


def batch_printers(event_path: str | os.PathLike[str]) -> PrinterDirectory:
    """The printers a desk on this event file can use (the PDF folder beside it first)."""
    return desk_printers(badge_folder(os.fspath(event_path)))


def default_printer(store: EventStore, printers: PrinterDirectory) -> str:
    """The desk's printer, else the system's default, else the first that takes badges."""
    return str(DeskSettings(store)["print.printer"]) or printers.default_printer() or ""


class SendOutcome(StrEnum):
    SENT = "sent"  # every badge was accepted by the printer
    CANCELLED = "cancelled"  # the organiser stopped it; what was sent stays sent
    STOPPED = "stopped"  # the printer stopped taking badges part-way
    REFUSED = "refused"  # nothing was sent


@dataclass(frozen=True)
class BatchSent:
    outcome: SendOutcome
    sent: int  # badges the printer accepted (logged as printed)
    total: int
    job_ids: tuple[int, ...]
    message: str


def send_batch(
    store: EventStore, printers: PrinterDirectory, plan: BatchPlan, printer: str,
    reprint_reason: str = "", progress: Progress = lambda d, t: None,
    cancelled: Cancelled = lambda: False,
) -> BatchSent:
    """Print a batch through the print queue, a sheet (or a badge) at a time.

    Each badge is a job in the queue, as at the desk; a sheet's jobs go to the printer as
    one document, and each is logged as printed once the printer has accepted it. The
    people are read again first, so someone given a badge at a desk since the batch was
    counted is left out when the batch is for people not yet printed.
    """
    return _send(store.door, printers, plan, printer, reprint_reason, progress,
                 cancelled)


def send_batch_through(
    event: EventFile, printers: PrinterDirectory, plan: BatchPlan, printer: str,
    reprint_reason: str = "", progress: Progress = lambda d, t: None,
    cancelled: Cancelled = lambda: False,
) -> BatchSent:
    """:func:`send_batch` through the event file's door: each sheet's jobs are claimed in a
    write of their own, its badges are read, drawn and sent outside any write, and its jobs
    are logged as printed in another short write, so the desk scans in between sheets."""
    return _send(event, printers, plan, printer, reprint_reason, progress, cancelled)


def _send(
    door: EventFile, printers: PrinterDirectory, plan: BatchPlan, printer: str,
    reprint_reason: str, progress: Progress, cancelled: Cancelled,
) -> BatchSent:
    if plan.problem:
        return BatchSent(SendOutcome.REFUSED, 0, 0, (), plan.problem)
    people, operator = door.read(as_read(lambda store: (
        _candidates(store, plan.query), str(DeskSettings(store)["operator"]))))
    total = len(people)
    if not people:
        return BatchSent(SendOutcome.REFUSED, 0, 0, (),
                         "Nobody matches these filters, so there are no badges to print.")
    reason = reprint_reason.strip()
    with_badge = sum(person.has_badge for person in people)
    if with_badge and not reason:
        return BatchSent(SendOutcome.REFUSED, 0, total, (), (
            f"{count_people(with_badge)} in this batch already {has(with_badge)} a badge. To print "
            "another, say why (lost, damaged, name corrected), or tick “Not yet printed” to "
            "leave them out."))
    try:
        layout = resolve_layout(plan.layout)
    except LayoutUnusable as error:
        return BatchSent(SendOutcome.REFUSED, 0, total, (), str(error))
    found = printers.find(printer)
    if found is None or not found[1].state.takes_jobs:
        message = (printer_messages.for_printer(found[1]) if found
                   else printer_messages.printer_missing(printer))
        return BatchSent(SendOutcome.REFUSED, 0, total, (), message)
    backend, info = found
    per_page = _per_page(layout)
    sent = 0
    job_ids: list[int] = []
    progress(0, total)
    for start in range(0, total, per_page):
        if cancelled():
            return BatchSent(SendOutcome.CANCELLED, sent, total, tuple(job_ids),
                             f"Cancelled: {_badges(sent)} of {total:,} went to {info.name}; "
                             "the rest were not sent.")
        chunk = people[start:start + per_page]

        def claim(store: EventStore, chunk: list[BatchCandidate] = chunk) -> list[PrintJob]:
            return _claim_jobs(store, chunk, plan.layout.badge, info.name, reason, operator)

        jobs = door.write(claim)
        job_ids += [job.id for job in jobs]
        failure = _print_chunk(door, backend, info.name, layout, jobs)
        if failure:
            door.write(_failing(jobs, failure))
            return BatchSent(SendOutcome.STOPPED, sent, total, tuple(job_ids),
                             f"{_badges(sent)} of {total:,} went to {info.name}, then it "
                             f"stopped: {failure} To print the rest, tick “Not yet printed” "
                             "and send again.")
        sent += len(jobs)
        progress(sent, total)
    pages = page_count(layout, total)
    # The PDF folder is a printer only in name: say where its files are.
    where = f" The PDFs are in {info.location}." if info.backend == PDF_FOLDER else ""
    return BatchSent(SendOutcome.SENT, sent, total, tuple(job_ids),
                     f"All {_badges(total)} ({_pages(pages)}) went to {info.name}.{where}")


def _claim_jobs(store: EventStore, chunk: Sequence[BatchCandidate], layout: str, printer: str,
                reason: str, operator: str) -> list[PrintJob]:
    """Queue the chunk's badges and take them for sending at once, in one transaction, so
    the desk's own print worker never takes one of them to print alone."""
    claimed = []
    with store.transaction():
        for person in chunk:
            job = print_jobs.add_job(store.conn, person.attendee_id, layout, printer,
                                     reprint_reason=reason if person.has_badge else "",
                                     operator=operator)
            print_jobs.claim(store.conn, job.id)
            claimed.append(job)
    return claimed


def _failing(jobs: list[PrintJob], failure: str) -> Callable[[EventStore], None]:
    """The write that gives up on a sheet's jobs, saying why."""
    def fail(store: EventStore) -> None:
        for job in jobs:
            print_jobs.fail(store.conn, job.id, failure)
    return fail


def _print_chunk(door: EventFile, backend: PrinterBackend, printer: str,
                 layout: Layout, jobs: list[PrintJob]) -> str:
    """Draw and send one sheet (or badge); the reason it failed, or "" once accepted."""
    ids = [job.attendee_id for job in jobs]
    try:
        badges = door.read(as_read(lambda store: _read_badges(store, ids)))
        pdf = _draw_read(layout, badges, lambda d, t: None, lambda: False)
    except LookupError as error:
        return str(error)
    except Exception as error:  # a fault in one badge must not leave its jobs half-sent
        return printer_messages.badge_unmakeable(type(error).__name__)
    # A sheet goes by its first badge's document name (no personal data, unique), so its
    # file in a PDF folder, or its title at the spooler, leads back to its jobs.
    document = BadgeDocument(jobs[0].document, pdf, layout.page.width, layout.page.height,
                             layout.dpi)
    # The desk's own delivery: the printer's answer, then each badge logged once.
    submission, _spooled = deliver(door, jobs, backend, printer, document)
    if not submission.accepted:
        return submission.message or printer_messages.printer_refused(printer, "no reason given")
    return ""
