"""The second detail compares without case or spaces; a kiosk's waits grow with failures in
a row and a quiet spell forgives them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kiosk.core.find_me import (
    FIRST_WAIT,
    LONGEST_WAIT,
    QUIET,
    detail_key,
    wait_after,
    wait_before_next_try,
)

START = datetime(2026, 11, 28, 9, 0, 0)


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


@pytest.mark.parametrize(("typed", "stored"), [
    (" Zofia.Nowak@Example.ORG ", "zofia.nowak@example.org"),
    ("demo 000 014", "DEMO000014"),
    ("ＡＢ１２", "ab12"),  # full-width letters and digits from some keyboards
])
def test_a_detail_meets_its_stored_form(typed: str, stored: str) -> None:
    assert detail_key(typed) == detail_key(stored)


@pytest.mark.parametrize(("typed", "stored"), [
    ("zofia.nowak@example.org", "zofia.nowak@example.com"),
    ("DEMO-000014", "DEMO000014"),  # a dash is part of the reference: exact, but for case
    ("zofia@exámple.org", "zofia@example.org"),  # accents are forgiven in names, not here
])
def test_anything_else_is_a_different_detail(typed: str, stored: str) -> None:
    assert detail_key(typed) != detail_key(stored)


def test_waits_grow_after_the_free_tries_up_to_the_longest() -> None:
    assert [wait_after(n) for n in range(1, 4)] == [timedelta(0), timedelta(0), FIRST_WAIT]
    assert wait_after(4) == 2 * FIRST_WAIT and wait_after(5) == 4 * FIRST_WAIT
    assert wait_after(40) == LONGEST_WAIT


def test_the_wait_counts_from_the_latest_failure() -> None:
    failures = [at(0), at(10), at(20)]
    assert wait_before_next_try([], at(0)) == timedelta(0)
    assert wait_before_next_try(failures[:2], at(20)) == timedelta(0)
    assert wait_before_next_try(failures, at(20)) == FIRST_WAIT
    assert wait_before_next_try(failures, at(35)) == FIRST_WAIT - timedelta(seconds=15)
    assert wait_before_next_try(list(reversed(failures)), at(60)) == timedelta(0)


def test_failures_spread_out_are_not_a_run() -> None:
    apart = QUIET + timedelta(seconds=1)
    spread = [START + n * apart for n in range(3)]
    assert wait_before_next_try(spread, spread[-1]) == timedelta(0)
    close = [START + n * (QUIET - timedelta(seconds=1)) for n in range(3)]
    assert wait_before_next_try(close, close[-1]) == FIRST_WAIT


def test_a_failure_stamped_in_the_future_counts_as_now() -> None:
    """A clock put back must not turn a wait into hours (nor into nothing)."""
    failures = [at(0), at(1), at(3600)]
    assert wait_before_next_try(failures, at(2)) == FIRST_WAIT
