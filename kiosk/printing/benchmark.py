"""Timing a badge from check-in to the spooler accepting it (budget: p95 ≤ 150 ms)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from functools import partial

from kiosk.printing.events import JobEvent, JobFeed

# Checks the next person in (auto-print queues their badge and wakes the worker); returns
# the id of the job it queued.
CheckIn = Callable[[], int]


def time_checkins_to_spooler(n: int, check_in: CheckIn, feed: JobFeed,
                             timeout: float = 60.0) -> tuple[float, float]:
    """(p50, p95) in ms over ``n`` check-ins, each timed from just before the check-in to
    the worker's report that the spooler took the badge. One badge at a time, as at a
    desk, so each figure is one volunteer's wait and not a queue's."""
    took: list[float] = []
    for _ in range(n):
        started = time.perf_counter()
        job_id = check_in()
        accepted = feed.wait_for(partial(_settled, job_id), timeout)
        if accepted is None or not accepted.job.change_id:
            raise RuntimeError(f"print job {job_id} was not accepted: "
                               f"{accepted.line if accepted else 'no answer'}")
        took.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(took, n=20, method="inclusive")
    return statistics.median(took), cuts[18]


def _settled(job_id: int, event: JobEvent) -> bool:
    """The job has left the kiosk's hands: spooled, printed, or given up on."""
    job = event.job
    return job.id == job_id and (bool(job.spooler_job_id) or job.status.final)
