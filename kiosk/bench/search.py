"""Name search as you type at the desk, beside a bare FTS5 query for the same prefixes."""

from __future__ import annotations

import random
import time
from pathlib import Path

from kiosk.bench.event_files import bench_event
from kiosk.bench.figures import Figure, percentile
from kiosk.bench.floors import bare_fts_query
from kiosk.services.desk import Desk
from kiosk.store import queries
from kiosk.store.event_store import EventStore
from kiosk.store.search import match_expression


def bench_search(workdir: Path, attendees: int) -> list[Figure]:
    path = bench_event(workdir, attendees)
    store = EventStore.open(path)
    try:
        everyone = queries.list_attendees(store.conn, status="all")
        people = random.Random(5).sample(everyone, min(300, len(everyone)))
        typed = []
        for person in people:
            name = person.last_name or person.first_name
            typed.extend(name[:length] for length in range(2, 7) if len(name) >= length)
        desk = Desk(store, "Bench desk")
        desk.search("warm up")
        timings = []
        for text in typed:
            started = time.perf_counter()
            desk.search(text)
            timings.append(time.perf_counter() - started)
    finally:
        store.close()
    floor = bare_fts_query(path, [match_expression(t) or '""' for t in typed])
    return [Figure("name search as you type, p99", percentile(timings, 0.99) * 1000, "ms",
                   budget=30.0, floor=percentile(floor, 0.99) * 1000,
                   note=f"{len(typed)} prefixes of 2-6 letters; floor: bare FTS5 query")]
