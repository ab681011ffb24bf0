"""The end-of-event rule at its edges, the typed confirmation, and what a restore warns of."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.services.after_event import (
    confirmation_matches,
    event_is_over,
    event_last_day,
    reminder_due,
    restore_warning,
)
from kiosk.store.backups import Backup
from kiosk.store.retention import PersonalDataCounts

DAY = "2026-11-28"


@pytest.mark.parametrize(("now", "over"), [
    (datetime(2026, 11, 27, 23, 59), False),  # the evening before
    (datetime(2026, 11, 28, 8, 0), False),  # the morning of the event
    (datetime(2026, 11, 28, 16, 59, 59), False),  # still on
    (datetime(2026, 11, 28, 17, 0), True),  # the end of the event day
    (datetime(2026, 11, 28, 23, 59), True),
    (datetime(2026, 11, 29, 0, 0), True),  # the day after
    (datetime(2027, 3, 1, 12, 0), True),  # months later
])
def test_the_event_is_over_from_the_end_of_its_day(now: datetime, over: bool) -> None:
    assert event_is_over(DAY, now) is over


@pytest.mark.parametrize("text", ["", "   ", "next spring", "2026-13-45", "28/11/2026"])
def test_without_a_readable_date_the_event_is_never_over(text: str) -> None:
    assert event_last_day(text) is None
    assert event_is_over(text, datetime(2099, 1, 1)) is False
    assert reminder_due(text, datetime(2099, 1, 1), personal_data_left=True) is False


def test_a_two_day_event_is_over_after_its_last_day() -> None:
    text = "2026-11-28 to 2026-11-29"
    assert event_last_day(text) == date(2026, 11, 29)
    assert not event_is_over(text, datetime(2026, 11, 28, 18, 0))
    assert event_is_over(text, datetime(2026, 11, 29, 17, 30))


def test_no_reminder_once_the_personal_data_is_gone() -> None:
    after = datetime(2026, 12, 1, 10, 0)
    assert reminder_due(DAY, after, personal_data_left=True)
    assert not reminder_due(DAY, after, personal_data_left=False)
    assert not reminder_due(DAY, datetime(2026, 11, 28, 9, 0), personal_data_left=True)


@pytest.mark.parametrize(("typed", "anonymise", "ok"), [
    ("WIPE", False, True),
    ("wipe", False, True),
    ("  Together   Against Trafficking ", False, True),
    ("together against trafficking", True, True),
    ("ANONYMISE", True, True),
    ("WIPE", True, False),  # the other word
    ("ANONYMISE", False, False),
    ("WIP", False, False),
    ("Together", False, False),
    ("", False, False),
])
def test_the_typed_confirmation(typed: str, anonymise: bool, ok: bool) -> None:
    assert confirmation_matches(typed, "Together Against Trafficking", anonymise) is ok


def test_an_event_without_a_name_needs_the_word() -> None:
    assert not confirmation_matches("", "", anonymise=False)
    assert confirmation_matches("WIPE", "", anonymise=False)


def test_the_restore_warning_says_what_happens_to_later_changes() -> None:
    backup = Backup(2, Path("/x/event-backups/b.db"), "2026-11-28T14:05:00", 4_000_000, 60,
                    20)
    now = PersonalDataCounts(attendees=61, checkins=25, changes=300, print_jobs=3,
                             import_runs=1, unsent_changes=0)
    text = restore_warning(backup, now)
    assert "2026-11-28 at 14:05:00" in text
    assert "60 people and 20 check-ins" in text and "now: 61 people and 25 check-ins" in text
    assert "after that" in text and "taken out of the file" in text
    assert "saved as a new backup" in text
