"""Scan -> decision with its durable write, beside the write the design requires, bare."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.bench.event_files import bench_event, open_desk, people_to_scan
from kiosk.bench.figures import Figure, percentile
from kiosk.bench.floors import ScanFloor, WalPages
from kiosk.core.checkin_rules import Outcome
from kiosk.core.models import Attendee

# The ratio to the floor moves with the machine's mood from run to run: the figure is the
# middle of several runs, each of scans and floor steps taking turns.
RUNS = 5
SCANS_PER_RUN = 1_000
WARM_UP = 20
PAGE_COUNTS = 100  # check-ins whose WAL pages are counted (other people than the timed ones)
FLOOR_TIMES = 1.5


@dataclass(frozen=True)
class Run:
    """One interleaved run: the scans' seconds and the floor steps' seconds."""

    scans: list[float]
    floor: list[float]

    @property
    def ratio(self) -> float:
        return percentile(self.scans, 0.99) / percentile(self.floor, 0.99)


def bench_checkin(workdir: Path, attendees: int) -> list[Figure]:
    path = bench_event(workdir, attendees)
    per_run = max(2, min(SCANS_PER_RUN, attendees // 100))
    warm = min(WARM_UP, per_run)
    counted = min(PAGE_COUNTS, per_run)
    people = people_to_scan(path, warm + RUNS * per_run + counted)
    warm_up, timed = people[:warm], people[warm:warm + RUNS * per_run]
    others = people[warm + RUNS * per_run:]
    runs, not_ok, floor = _interleaved_runs(path, warm_up, timed, per_run)
    try:
        pages, floor_pages = _pages_per_check_in(path, floor, others)
    finally:
        floor.close()
    middle = sorted(runs, key=lambda run: run.ratio)[len(runs) // 2]
    scans = [s for run in runs for s in run.scans]
    steps = [s for run in runs for s in run.floor]
    ratios = ", ".join(f"{run.ratio:.2f}" for run in runs)
    p99, floor99 = percentile(middle.scans, 0.99), percentile(middle.floor, 0.99)
    failed = f"; {not_ok} scans were not ok" if not_ok else ""
    return [
        Figure("scan -> decision + durable write, p50", percentile(scans, 0.5) * 1000, "ms",
               floor=percentile(steps, 0.5) * 1000,
               note=f"{len(scans)} scans of signed tickets through DeskSession.scan, the "
                    f"door's writer thread, auto-print off{failed}"),
        Figure("scan -> decision + durable write, p99", p99 * 1000, "ms", budget=30.0,
               floor=floor99 * 1000, floor_times=FLOOR_TIMES,
               note=f"{p99 / floor99:.2f}x its floor (budget {FLOOR_TIMES:g}x): the middle of "
                    f"{len(runs)} runs of {per_run} (ratios {ratios}); floor: indexed lookup + "
                    "one log row + one check-in row with the event file's indexes, one "
                    "synchronous=FULL transaction, taking turns with the scans"),
        Figure("WAL pages a check-in's commit writes", pages, "pages", floor=floor_pages,
               note="the log entry, the derived check-in and the attendee's state, with their "
                    "indexes, in one transaction; the floor writes the first two"),
    ]


def _interleaved_runs(
    path: Path, warm_up: list[tuple[Attendee, str]], timed: list[tuple[Attendee, str]],
    per_run: int,
) -> tuple[list[Run], int, ScanFloor]:
    """Scans through the desk as it runs, a floor step after each (left open: the pages
    are counted next)."""
    session = open_desk(path)
    floor: ScanFloor | None = None
    not_ok = 0
    runs: list[Run] = []
    try:
        session.scan(warm_up[0][1])
        floor = ScanFloor(path)  # copies the check-in just made
        # Both sides warm, after the floor's new tables changed the schema under the desk.
        for person, code in warm_up[1:]:
            session.scan(code)
            floor.step(person.id)
        for start in range(0, len(timed), per_run):
            scans, steps = [], []
            for person, code in timed[start:start + per_run]:
                started = time.perf_counter()
                answer = session.scan(code)
                scans.append(time.perf_counter() - started)
                not_ok += answer.result.outcome is not Outcome.OK
                steps.append(floor.step(person.id))
            runs.append(Run(scans, steps))
    except BaseException:
        if floor is not None:
            floor.close()
        raise
    finally:
        session.close(backup=False)
    return runs, not_ok, floor


def _pages_per_check_in(path: Path, floor: ScanFloor,
                        people: list[tuple[Attendee, str]]) -> tuple[float, float]:
    """WAL pages one check-in's commit writes, and one floor step's, on the same file.
    Counted on an inline door: a writer thread's checkpointer would restart the log under
    the count."""
    session = open_desk(path, threaded=False)
    try:
        counter = WalPages(session.event.store.conn, path)
        scan_pages = counter.per_write(lambda: sum(
            session.scan(code).result.outcome is Outcome.OK for _, code in people))
        floor_pages = counter.per_write(lambda: sum(
            floor.step(person.id) >= 0 for person, _ in people))
    finally:
        session.close(backup=False)
    return scan_pages, floor_pages
