"""Batch badges: the filters and sort orders against a known event, pages per sheet, the PDF,
saving it, and sending a batch through the print queue to the PDF folder."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.changes import ChangeKind
from kiosk.printing import PdfFolderBackend, PrinterDirectory, PrintJobStatus
from kiosk.services.badge_batches import (
    ONE_PER_PAGE,
    BatchCancelled,
    BatchLayout,
    BatchQuery,
    BatchSort,
    SaveOutcome,
    SendOutcome,
    batch_attendee_ids,
    plan_batch,
    render_batch,
    save_pdf,
    send_batch,
)
from kiosk.services.event_setup import NewEvent, create_event
from kiosk.store import print_jobs
from kiosk.store.event_store import EventStore

A4_8UP = BatchLayout("card-90x55", "a4-8up-90x55")

PEOPLE = {
    # id: (first, last, category, organisation, workshops)
    "A1": ("Zoë", "Ångström", "speaker", "Unseen", ["s-ttt"]),
    "A2": ("Ben", "Adams", "delegate", "Hope for Justice", ["s-biz"]),
    "A3": ("Chidi", "Okafor", "delegate", "", ["s-ttt", "s-biz"]),  # badge printed
    "A4": ("Dana", "Ólafsdóttir", "volunteer", "Anti-Slavery International", []),  # arrived
    "A5": ("Eve", "Brown", "delegate", "Unseen", ["s-ttt"]),  # cancelled
    "A6": ("Suryani", "", "delegate", "Kalayaan", []),  # one name only
    "A7": ("Ada", "Zimmer", "delegate", "Hope for Justice", ["s-biz"]),  # badge queued here
}


def real_id(short: str) -> str:
    """A1 -> A00000000001: attendee ids have the shape ticket codes carry."""
    return f"A{int(short[1:]):011d}"


def short_id(attendee_id: str) -> str:
    return f"A{int(attendee_id[1:])}"


@pytest.fixture
def event(tmp_path: Path) -> Iterator[EventStore]:
    store = create_event(tmp_path / "event.db", NewEvent("Against Trafficking 2026"))
    for session_id, name in (("s-ttt", "Train the Trainer Taster"),
                             ("s-biz", "Engaging With Businesses")):
        store.record(ChangeKind.SESSION_UPSERT, {"id": session_id, "name": name})
    for person_id, (first, last, category, organisation, sessions) in PEOPLE.items():
        store.record(ChangeKind.ATTENDEE_UPSERT, {"id": real_id(person_id), "base": "", "fields": {
            "first_name": first, "last_name": last, "category": category,
            "organisation": organisation, "sessions": sessions}})
    store.record(ChangeKind.ATTENDEE_EDIT, {"id": real_id("A5"),
                                            "fields": {"status": "cancelled"}})
    store.record(ChangeKind.BADGE_PRINTED, {"attendee_id": real_id("A3"),
                                            "at": "2026-11-28T09:02"})
    store.record(ChangeKind.CHECKIN, {"attendee_id": real_id("A4"), "at": "2026-11-28T09:05"})
    print_jobs.add_job(store.conn, real_id("A7"), "cr80", "pdf-folder")
    yield store
    store.close()


def ids(store: EventStore, **query: object) -> list[str]:
    return [short_id(i) for i in batch_attendee_ids(store, BatchQuery(**query))]


def test_everyone_expected_is_in_a_batch_with_no_filters_and_cancelled_people_never(event):
    assert sorted(ids(event)) == ["A1", "A2", "A3", "A4", "A6", "A7"]


def test_not_yet_printed_leaves_out_printed_and_queued_badges(event) -> None:
    # A3's badge was printed at a desk; A7's waits in this computer's print queue.
    assert sorted(ids(event, not_printed=True)) == ["A1", "A2", "A4", "A6"]


def test_a_failed_print_job_does_not_count_as_a_badge(event) -> None:
    job = print_jobs.add_job(event.conn, real_id("A2"), "cr80", "pdf-folder")
    assert "A2" not in ids(event, not_printed=True)
    print_jobs.claim(event.conn, job.id)
    print_jobs.fail(event.conn, job.id, "out of cards")
    assert "A2" in ids(event, not_printed=True)


def test_workshop_filter_takes_people_booked_on_it(event) -> None:
    assert sorted(ids(event, workshop="s-ttt")) == ["A1", "A3"]  # A5 booked but cancelled
    assert sorted(ids(event, workshop="s-biz")) == ["A2", "A3", "A7"]


def test_category_and_not_checked_in(event) -> None:
    assert sorted(ids(event, category="Volunteer")) == ["A4"]  # case-blind
    assert ids(event, category="volunteer", not_checked_in=True) == []
    assert sorted(ids(event, not_checked_in=True)) == ["A1", "A2", "A3", "A6", "A7"]


def test_filters_combine(event) -> None:
    assert ids(event, category="delegate", workshop="s-biz", not_printed=True) == ["A2"]


def test_sort_by_surname_folds_accents_and_files_one_name_under_it(event) -> None:
    # Ångström with the As, Ólafsdóttir with the Os, Suryani (no surname) with the Ss.
    assert ids(event) == ["A2", "A1", "A3", "A4", "A6", "A7"]


def test_sort_by_first_name(event) -> None:
    assert ids(event, sort=BatchSort.FIRST_NAME) == ["A7", "A2", "A3", "A4", "A6", "A1"]


def test_sort_by_organisation_puts_people_without_one_last(event) -> None:
    assert ids(event, sort=BatchSort.ORGANISATION) == ["A4", "A2", "A7", "A6", "A1", "A3"]


def test_sort_by_category_then_surname(event) -> None:
    assert ids(event, sort=BatchSort.CATEGORY) == ["A2", "A3", "A6", "A7", "A1", "A4"]


def test_a_plan_counts_badges_pages_and_people_who_have_one(event) -> None:
    sheet = plan_batch(event, BatchQuery(), A4_8UP)
    assert (sheet.count, sheet.pages, sheet.per_page, sheet.with_badge) == (6, 1, 8, 2)
    assert sheet.cut_marks and sheet.problem == ""
    single = plan_batch(event, BatchQuery(), BatchLayout("cr80", ONE_PER_PAGE))
    assert (single.count, single.pages, single.per_page) == (6, 6, 1)
    letter = plan_batch(event, BatchQuery(), BatchLayout("insert-4x3in", "letter-6up-4x3in",
                                                         cut_marks=True))
    assert (letter.pages, letter.per_page, letter.cut_marks) == (1, 6, True)
    assert letter.layout_title.endswith("(Avery 5392 style), with cut marks")
    plain = plan_batch(event, BatchQuery(), BatchLayout("card-90x55", "a4-8up-90x55",
                                                        cut_marks=False))
    assert not plain.cut_marks and plain.layout_title == "A4 sheet, 8 badges 90 × 55 mm"


def test_a_badge_that_does_not_fit_the_sheet_is_refused_in_plain_words(event) -> None:
    plan = plan_batch(event, BatchQuery(), BatchLayout("cr80", "a4-8up-90x55"))
    assert plan.pages == 0
    assert plan.problem.startswith("The sheet “A4 sheet, 8 badges 90 × 55 mm, with cut marks” "
                                   "holds badges of 90 × 55 mm")
    assert "Choose one badge per page" in plan.problem


def test_a_broken_layout_file_is_refused_in_plain_words(event, tmp_path) -> None:
    broken = tmp_path / "mine.json"
    broken.write_text('{"format": 1, "type": "badge"}')
    plan = plan_batch(event, BatchQuery(), BatchLayout(str(broken)))
    assert plan.problem.startswith("This layout cannot be used: mine.json: ")
    assert plan.problem.endswith(": is required.")
    missing = plan_batch(event, BatchQuery(), BatchLayout(str(tmp_path / "gone.json")))
    assert "no such layout; the bundled layouts are: a4-8up-90x55" in missing.problem


def _pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(next(x for x in info.stdout.splitlines() if x.startswith("Pages:")).split()[1])


def test_the_batch_pdf_has_the_planned_pages_and_saves_only_when_asked_to_replace(
    event, tmp_path,
) -> None:
    plan = plan_batch(event, BatchQuery(), BatchLayout("cr80", ONE_PER_PAGE))
    seen: list[tuple[int, int]] = []
    document = render_batch(event, plan, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (6, 6)
    target = tmp_path / "badges.pdf"
    saved = save_pdf(document, target)
    assert saved.outcome is SaveOutcome.SAVED and _pdf_pages(target) == 6 == document.pages
    again = save_pdf(document, target)
    assert again.outcome is SaveOutcome.EXISTS and "already a file" in again.message
    assert save_pdf(document, target, replace_existing=True).outcome is SaveOutcome.SAVED
    nowhere = save_pdf(document, tmp_path / "no such folder" / "x.pdf")
    assert nowhere.outcome is SaveOutcome.REFUSED and "There is no folder" in nowhere.message


def test_drawing_a_batch_can_be_cancelled(event) -> None:
    plan = plan_batch(event, BatchQuery(), BatchLayout("cr80", ONE_PER_PAGE))
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 2

    with pytest.raises(BatchCancelled):
        render_batch(event, plan, cancelled=cancelled)


def _folder_printer(folder: Path) -> PrinterDirectory:
    return PrinterDirectory([PdfFolderBackend(folder)])


def _logged_prints(store: EventStore) -> list[str]:
    return sorted(short_id(row[0])
                  for row in store.conn.execute("SELECT attendee_id FROM prints"))


def test_sending_a_batch_queues_a_job_per_badge_and_a_document_per_sheet(event, tmp_path):
    folder = tmp_path / "badges"
    plan = plan_batch(event, BatchQuery(not_printed=True), BatchLayout("insert-4x3in",
                                                                       "letter-6up-4x3in"))
    sent = send_batch(event, _folder_printer(folder), plan, "pdf-folder")
    assert sent.outcome is SendOutcome.SENT and sent.sent == 4
    assert sent.message == f"All 4 badges (1 page) went to pdf-folder. The PDFs are in {folder}."
    jobs = [print_jobs.get_job(event.conn, i) for i in sent.job_ids]
    assert [job.status for job in jobs] == [PrintJobStatus.DONE] * 4
    assert [short_id(job.attendee_id) for job in jobs] == ["A2", "A1", "A4", "A6"]  # in order
    files = sorted(folder.glob("*.pdf"))
    assert len(files) == 1 and _pdf_pages(files[0]) == 1
    assert _logged_prints(event) == ["A1", "A2", "A3", "A4", "A6"]
    # They now have badges: the same batch again finds nobody.
    again = send_batch(event, _folder_printer(folder), plan, "pdf-folder")
    assert again.outcome is SendOutcome.REFUSED and "Nobody matches" in again.message


def test_one_badge_a_page_sends_each_badge_as_its_own_document(event, tmp_path) -> None:
    folder = tmp_path / "badges"
    plan = plan_batch(event, BatchQuery(workshop="s-ttt"), BatchLayout("cr80", ONE_PER_PAGE))
    refused = send_batch(event, _folder_printer(folder), plan, "pdf-folder")
    assert refused.outcome is SendOutcome.REFUSED  # Okafor has a badge: a reason is needed
    assert "1 person in this batch already has a badge" in refused.message
    assert list(folder.glob("*.pdf")) == [] and _logged_prints(event) == ["A3"]
    sent = send_batch(event, _folder_printer(folder), plan, "pdf-folder",
                      reprint_reason="name corrected")
    assert sent.outcome is SendOutcome.SENT
    assert len(list(folder.glob("*.pdf"))) == 2
    reasons = {short_id(job.attendee_id): job.reprint_reason
               for job in (print_jobs.get_job(event.conn, i) for i in sent.job_ids)}
    assert reasons == {"A1": "", "A3": "name corrected"}
    assert _logged_prints(event) == ["A1", "A3", "A3"]


def test_a_printer_that_stops_taking_badges_stops_the_batch_and_logs_nothing_unsent(
    event, tmp_path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the badge folder should be")
    plan = plan_batch(event, BatchQuery(not_printed=True), A4_8UP)
    sent = send_batch(event, _folder_printer(blocker / "badges"), plan, "pdf-folder")
    assert sent.outcome is SendOutcome.STOPPED and sent.sent == 0
    assert "tick “Not yet printed” and send again" in sent.message
    jobs = [print_jobs.get_job(event.conn, i) for i in sent.job_ids]
    assert {job.status for job in jobs} == {PrintJobStatus.FAILED}
    assert _logged_prints(event) == ["A3"]
    # Failed jobs are no badge: the same people are still "not yet printed".
    assert sorted(ids(event, not_printed=True)) == ["A1", "A2", "A4", "A6"]


def test_a_missing_printer_is_refused_before_anything_is_queued(event, tmp_path) -> None:
    plan = plan_batch(event, BatchQuery(not_printed=True), A4_8UP)
    sent = send_batch(event, _folder_printer(tmp_path), plan, "Reception Zebra")
    assert sent.outcome is SendOutcome.REFUSED
    assert "There is no printer called “Reception Zebra”" in sent.message
    assert len(print_jobs.list_jobs(event.conn)) == 1  # only A7's, queued before


def test_cancelling_a_send_keeps_what_went_and_queues_nothing_more(event, tmp_path) -> None:
    folder = tmp_path / "badges"
    plan = plan_batch(event, BatchQuery(not_printed=True), BatchLayout("cr80", ONE_PER_PAGE))
    progress: list[int] = []
    sent = send_batch(event, _folder_printer(folder), plan, "pdf-folder",
                      progress=lambda done, total: progress.append(done),
                      cancelled=lambda: len(progress) > 2)  # after two badges went
    assert sent.outcome is SendOutcome.CANCELLED and sent.sent == 2
    assert sent.message == "Cancelled: 2 badges of 4 went to pdf-folder; the rest were not sent."
    assert len(list(folder.glob("*.pdf"))) == 2
    assert len(print_jobs.list_jobs(event.conn)) == 1 + 2
    assert _logged_prints(event) == ["A1", "A2", "A3"]
