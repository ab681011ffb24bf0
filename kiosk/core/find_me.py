"""Self check-in's "find me": the second detail a person gives, and how a kiosk slows down.

A name alone is public knowledge, so a kiosk that checks people in by name would tell any
stranger who is here. Find-me therefore also asks for something the person knows (their
email address or their booking reference), answers a wrong detail exactly as it answers a
name nobody has, and after a few failures makes each further try wait longer.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta

# Failures a kiosk forgives before it slows down (typos happen; three in a row are guesses).
FREE_TRIES = 3
# The wait after the last forgiven failure; it doubles with each further one, up to LONGEST.
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)
# A run of failures ends after this long without one once its wait is over, so a kiosk
# that a few people failed at in the morning is not slow in the afternoon.
QUIET = timedelta(minutes=5)


def detail_key(text: str) -> str:
    """An email address or booking reference as compared: case and spaces do not count
    (" AB12 34 " is "ab1234"), and look-alike forms of a character (full-width digits) meet."""
    return unicodedata.normalize("NFKC", "".join(text.split())).casefold()


def wait_after(failures_in_a_row: int) -> timedelta:
    """How long a kiosk waits after this many failures in a row."""
    if failures_in_a_row < FREE_TRIES:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** (failures_in_a_row - FREE_TRIES), LONGEST_WAIT)


def wait_before_next_try(failures: Iterable[datetime], now: datetime) -> timedelta:
    """How long this kiosk must wait before it takes another try, given when its find-me
    tries failed (any order). A failure stamped later than ``now`` (a clock put back) counts
    as if it had just happened."""
    in_a_row = 0
    free_at: datetime | None = None
    for at in sorted(min(at, now) for at in failures):
        if free_at is not None and at > free_at + QUIET:
            in_a_row = 0
        in_a_row += 1
        free_at = at + wait_after(in_a_row)
    if free_at is None:
        return timedelta(0)
    return max(timedelta(0), free_at - now)
