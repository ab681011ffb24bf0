"""Importing registrations: alone against its floor, and with a desk scanning meanwhile."""

from __future__ import annotations

import gc
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.bench.event_files import (
    BENCH_EVENT,
    copy_event,
    make_event,
    open_desk,
    people_to_scan,
    write_registrations_csv,
)
from kiosk.bench.figures import Figure, percentile, rss_mb
from kiosk.bench.floors import bare_bulk_insert
from kiosk.core.checkin_rules import Outcome
from kiosk.services.demo_people import demo_records
from kiosk.services.desk_session import DeskSession
from kiosk.services.import_preview import import_plan_through, plan_import_through
from kiosk.services.registration_import import BATCH
from kiosk.store.event_file import EventFile

# A busy desk: a scan every 20 ms, far more often than people reach a desk, so every batch
# of the import meets scans.
SCAN_EVERY_S = 0.02
# Scans at the same pace with no import, for the floor under the waits.
CALM_SCANS = 150  # a trial run (a few hundred attendees) makes ten
# A scan that ends in one of these was answered; anything else (or an error) failed.
ANSWERED = frozenset({Outcome.OK, Outcome.ALREADY, Outcome.REPEAT})


def bench_import(workdir: Path, attendees: int) -> list[Figure]:
    source = workdir / "registrations.csv"
    rows = write_registrations_csv(source, demo_records(attendees, seed=7))
    started = time.perf_counter()
    bare_bulk_insert(workdir / "floor.db", rows)
    floor = time.perf_counter() - started
    # The first bench to run makes the event file the others share.
    target = workdir / BENCH_EVENT
    if target.exists():
        target = workdir / "bench-import.db"
    gc.collect()
    made = make_event(target, source)
    gc.collect()
    rss = rss_mb()
    return [
        Figure(f"import {attendees:,} registrations from CSV", made.seconds, "s", budget=15.0,
               floor=floor, note=f"{made.created:,} created, inline as `kiosk import` runs; "
                                 "floor: bare executemany"),
        Figure(f"resident memory after importing {attendees:,}", rss, "MB", budget=300.0),
    ]


@dataclass
class ConsoleImport:
    """The console's import of a file, run on a thread of its own, and when its parts ran."""

    path: Path
    source: Path
    started: float = 0.0
    writing: float = 0.0  # the plan was made; the batches are being written
    ended: float = 0.0
    created: int = 0
    written: int = 0  # registrations created or changed, in batches of BATCH
    error: BaseException | None = None
    thread: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._run, name="bench-import", daemon=True)

    def _run(self) -> None:
        event = EventFile.open(self.path, threaded=True)  # the desk's door, when it has one
        try:
            self.started = time.perf_counter()
            plan = plan_import_through(event, self.source)
            self.writing = time.perf_counter()
            report = import_plan_through(event, plan)
            self.created, self.written = report.created, report.created + report.updated
            self.ended = time.perf_counter()
        except BaseException as error:  # handed to the bench, which says so
            self.error = error
        finally:
            event.close()

    def start(self) -> ConsoleImport:
        self.thread.start()
        return self

    def running(self) -> bool:
        return self.thread.is_alive()

    def finish(self) -> ConsoleImport:
        self.thread.join()
        if self.error is not None:
            raise RuntimeError(f"the console's import failed: {self.error}") from self.error
        return self

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    @property
    def batch_ms(self) -> float:
        """How long one batch took on average: what a scan may wait behind at most."""
        batches = max(1, -(-self.written // BATCH))
        return (self.ended - self.writing) / batches * 1000


@dataclass
class ScanLog:
    """A desk's scans at a steady pace: how long each waited, and which failed."""

    waits: list[float] = field(default_factory=list)
    at: list[float] = field(default_factory=list)  # when each was answered
    failed: int = 0


def scan_at_a_pace(session: DeskSession, codes: Iterator[str],
                   go_on: Callable[[], bool]) -> ScanLog:
    """Scan a code every ``SCAN_EVERY_S`` until ``go_on()`` says stop (one scan at least).
    A scan that waited longer than the pace is followed by the next at once, not by a burst
    catching up."""
    log = ScanLog()
    due = time.perf_counter()
    for code in codes:
        started = time.perf_counter()
        try:
            answered = session.scan(code).result.outcome in ANSWERED
        except Exception:  # a failed scan is what this bench counts
            answered = False
        log.waits.append(time.perf_counter() - started)
        log.at.append(time.perf_counter())
        log.failed += not answered
        if not go_on():
            break
        due = max(due + SCAN_EVERY_S, time.perf_counter())
        time.sleep(max(0.0, due - time.perf_counter()))
    return log


def bench_import_scans(workdir: Path, attendees: int) -> list[Figure]:
    """One process: the console imports ``attendees`` new registrations on a thread while
    the desk, on the same door, scans people already registered."""
    folder = workdir / "import-scans"
    folder.mkdir(exist_ok=True)
    at_desk = max(50, min(3_000, attendees // 30))
    registered = folder / "registered.csv"
    write_registrations_csv(registered, demo_records(at_desk, seed=11))
    base = make_event(folder / "base.db", registered).path
    late = folder / "late.csv"
    # New references: every row is a new registration, none matches the people at the desk.
    write_registrations_csv(late, demo_records(attendees, seed=12), ref_prefix="L")

    # The floor: the same import with no desk, once before and once after the one with the
    # desk (the first also warms the caches the others find warm), the faster of the two.
    gc.collect()
    quiet = [ConsoleImport(copy_event(base, folder / "alone-1.db"), late).start().finish()]

    busy = copy_event(base, folder / "busy.db")
    codes = itertools.cycle([code for _, code in people_to_scan(busy, at_desk)])
    session = open_desk(busy)
    try:
        calm_scans = CALM_SCANS if attendees >= 10_000 else 10
        calm = scan_at_a_pace(session, itertools.islice(codes, calm_scans), lambda: True)
        gc.collect()
        running = ConsoleImport(busy, late).start()
        during = scan_at_a_pace(session, codes, running.running)
        running.finish()
    finally:
        session.close(backup=False)
    gc.collect()
    quiet.append(ConsoleImport(copy_event(base, folder / "alone-2.db"), late).start().finish())
    alone = min(quiet, key=lambda run: run.seconds)

    writing = sum(running.writing <= at <= running.ended for at in during.at)
    name = f"scans during an import of {attendees:,}"
    calm_note = f"floor: {len(calm.waits)} scans at the same pace with no import"
    return [
        Figure(f"{name}: made", len(during.waits), "scans",
               note=f"a scan every {SCAN_EVERY_S * 1000:.0f} ms through DeskSession.scan while "
                    "the console imports (plan_import_through, import_plan_through) on a "
                    f"thread, same process and door; {writing} while batches were written"),
        Figure(f"{name}: failed", during.failed, "scans", budget=0,
               note="an error, or no answer a volunteer could act on"),
        Figure(f"{name}: worst wait", max(during.waits) * 1000, "ms", budget=1000.0,
               floor=max(calm.waits) * 1000, note=calm_note),
        Figure(f"{name}: p99", percentile(during.waits, 0.99) * 1000, "ms", budget=250.0,
               floor=percentile(calm.waits, 0.99) * 1000,
               note=f"{calm_note}; a batch of {BATCH:,} took {running.batch_ms:.0f} ms on "
                    f"average with the desk, {alone.batch_ms:.0f} ms without"),
        Figure(f"import of {attendees:,} with a desk scanning", running.seconds, "s",
               budget=15.0, floor=alone.seconds,
               note=f"{running.created:,} created; planning took "
                    f"{running.writing - running.started:.1f} s of it; floor: the same import "
                    "on the same path with no desk, the faster of one before and one after"),
    ]
