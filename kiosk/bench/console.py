"""The organisers' attendee table: open, scroll, filter and sort, with the real widgets.

Each figure is the time until the person sees the answer (rows painted with real text),
measured with the real window; beside it, the longest the UI thread was ever busy in one go
(a 5 ms heartbeat timer's worst lateness), which is what a person feels as lag. The floors:
the same filters and sorts on the table's keys in memory alone.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEvent, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.bench.event_files import bench_event
from kiosk.bench.figures import Figure, offscreen_without_display, percentile
from kiosk.store import console_queries
from kiosk.store.attendee_keys import SORTS, AttendeeKeys
from kiosk.store.event_file import EventFile
from kiosk.store.event_store import EventReader
from kiosk.ui.console.attendees_screen import AttendeesScreen
from kiosk.ui.console.organise_window import OrganiseWindow


class _Heartbeat:
    """The worst gap between ticks of a 5 ms timer: how long the UI thread was blocked."""

    def __init__(self) -> None:
        self.worst_ms = 0.0
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._clock.start()
        self._timer.start()

    def _tick(self) -> None:
        self.worst_ms = max(self.worst_ms, self._clock.restart() - 5)

    def stop(self) -> None:
        self._timer.stop()


def _wait(done: Callable[[], bool], timeout_s: float = 60.0) -> float:
    """Run the event loop until ``done()``; returns the milliseconds it took."""
    start = time.perf_counter()
    while not done():
        if time.perf_counter() - start > timeout_s:
            raise TimeoutError("the attendee table did not answer in time")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    return (time.perf_counter() - start) * 1000


# Words an organiser types into the filter: names, organisations, emails, references —
# one and two letters too, which match tens of thousands of rows.
FILTER_WORDS = ("smith", "trust", "an", "council", "e", "kingsmere", "jo", "network", "ng",
                "@example.org", "university", "ali", "sanctuary", "mar", "nguyen", "dung",
                "o'", "police", "ash", "hope", "women", "lee", "a", "freedom", "ma",
                "coalition", "sarah", "khan", "eastholm", "zz-nobody", "smith jo", "")


def measure_keys(event_path: str | Path, words: Sequence[str] = FILTER_WORDS
                 ) -> dict[str, float]:
    """Reading the attendee table's keys into memory on their own, the memory they take,
    filters by ``words`` and every sort from memory, and what a filter cost as an SQLite
    query (milliseconds, megabytes)."""
    event = EventFile.open(event_path)
    try:
        return event.read(lambda reader: _keys_timings(reader, words))
    finally:
        event.close()


def _keys_timings(store: EventReader, words: Sequence[str]) -> dict[str, float]:
    started = time.perf_counter()
    keys = AttendeeKeys()
    keys.refresh(store.conn)
    loaded = (time.perf_counter() - started) * 1000
    keys.order("all", "zz", "name", False)  # the joined search texts, made once
    in_memory = []
    for word in words:
        started = time.perf_counter()
        keys.order("all", word, "name", False)
        in_memory.append((time.perf_counter() - started) * 1000)
    sorts = []
    for sort in SORTS:
        for descending in (False, True):
            started = time.perf_counter()
            keys.order("expected", "", sort, descending)
            sorts.append((time.perf_counter() - started) * 1000)
    # What each filter cost when it was a query: the figure the keys replace.
    sql = []
    for word in words[:8]:
        started = time.perf_counter()
        console_queries.attendee_order(store.conn, "all", word, "name", False)
        sql.append((time.perf_counter() - started) * 1000)
    del keys
    # The memory the keys hold, counted by Python (resident size moves in big steps).
    tracemalloc.start()
    counted = AttendeeKeys()
    counted.refresh(store.conn)
    counted.order("all", "zz", "name", False)
    grown = tracemalloc.get_traced_memory()[0] / 1e6
    tracemalloc.stop()
    del counted
    return {"keys_load_ms": round(loaded, 1), "keys_memory_mb": round(grown, 1),
            "keys_filter_p50_ms": round(statistics.median(in_memory), 1),
            "keys_filter_p99_ms": round(percentile(in_memory, 0.99), 1),
            "keys_sort_p50_ms": round(statistics.median(sorts), 1),
            "keys_sort_max_ms": round(max(sorts), 1),
            "sql_filter_p50_ms": round(statistics.median(sql), 1)}


def measure_attendee_table(event_path: str | Path, jumps: int = 40, seed: int = 1,
                           whole_window: bool = False) -> dict:
    """Open the table, jump to random places, filter, sort; milliseconds for each.

    The Attendees screen on its own by default: in the whole Organise window every other
    screen's first reads (and their redraws) compete for the same cores and Python's lock,
    and the figures would measure them.
    """
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    beat = _Heartbeat()
    beat.start()
    event: EventFile | None = None
    if whole_window:
        window: QWidget = OrganiseWindow(event_path, refresh_ms=3000)
        window.show_screen("attendees")
        screen = window.attendees
    else:
        event = EventFile.open(event_path, threaded=True)
        window = screen = AttendeesScreen(event)
        screen.start()
    window.resize(1280, 820)
    window.show()
    table, model = screen.table, screen.model

    def row_shown(row: int) -> Callable[[], bool]:
        return lambda: screen.visible_text(row, "Name") not in ("…", "")

    def order_changed(action: Callable[[], None]) -> float:
        generation = model.generation
        start = time.perf_counter()
        action()
        _wait(lambda: model.generation != generation)
        _wait(row_shown(0) if model.rowCount() else (lambda: True))
        return (time.perf_counter() - start) * 1000

    results: dict[str, object] = {}
    try:
        started = time.perf_counter()
        results["open_ms"] = round(_wait(lambda: model.rowCount() > 0 and row_shown(0)()), 1)
        results["rows"] = model.rowCount()
        # The keys are read into memory after the first rows are on screen.
        _wait(lambda: screen.keys_ready)
        results["keys_ready_ms"] = round((time.perf_counter() - started) * 1000, 1)
        rng = random.Random(seed)
        scroll = []
        for _ in range(jumps):
            row = rng.randrange(model.rowCount())
            start = time.perf_counter()
            table.scrollTo(model.index(row, 0))
            _wait(row_shown(row))
            scroll.append((time.perf_counter() - start) * 1000)
        results["scroll_jump_p50_ms"] = round(statistics.median(scroll), 1)
        results["scroll_jump_p99_ms"] = round(percentile(scroll, 0.99), 1)
        filters = []
        for word in FILTER_WORDS:
            filters.append(order_changed(lambda word=word: (
                screen.filter_box.setText(word), screen.apply_filter())))
        results["filter_p50_ms"] = round(statistics.median(filters), 1)
        results["filter_p99_ms"] = round(percentile(filters, 0.99), 1)
        results["filter_max_ms"] = round(max(filters), 1)
        sorts = []
        for descending in (False, True):
            direction = Qt.SortOrder.DescendingOrder if descending else \
                Qt.SortOrder.AscendingOrder
            for column in range(model.columnCount()):
                sorts.append(order_changed(lambda column=column, direction=direction:
                                           table.sortByColumn(column, direction)))
        results["sort_p50_ms"] = round(statistics.median(sorts), 1)
        results["sort_max_ms"] = round(max(sorts), 1)
        results["ui_thread_longest_block_ms"] = round(beat.worst_ms, 1)
    finally:
        beat.stop()
        if window is screen:
            screen.shutdown()  # the Organise window does this when it closes
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        if event is not None:
            event.close()
    return results


def bench_console(workdir: Path, attendees: int) -> list[Figure]:
    """The organisers' attendee table: open, scroll, filter and sort, with the real widgets."""
    offscreen_without_display()
    path = bench_event(workdir, attendees)
    keys = measure_keys(path)
    table = measure_attendee_table(path)
    sql = f"as an SQLite query a filter took {keys['sql_filter_p50_ms']:.0f} ms (p50)"
    return [
        Figure(f"attendee table: open to first rows ({attendees:,})", table["open_ms"], "ms",
               budget=2000.0, note="rows from SQLite first; the keys are read after"),
        Figure("attendee table: keys read into memory", keys["keys_load_ms"], "ms",
               note=f"{keys['keys_memory_mb']:.0f} MB; once, on the screen's thread"),
        Figure("attendee table: filter -> rows painted, p50", table["filter_p50_ms"], "ms",
               budget=100.0, floor=keys["keys_filter_p50_ms"],
               note=f"floor: the filter in memory alone; {sql}"),
        Figure("attendee table: filter -> rows painted, p99", table["filter_p99_ms"], "ms",
               budget=250.0, floor=keys["keys_filter_p99_ms"]),
        Figure("attendee table: sort -> rows painted, p50", table["sort_p50_ms"], "ms",
               budget=100.0, floor=keys["keys_sort_p50_ms"],
               note=f"slowest sort {table['sort_max_ms']:.0f} ms"),
        Figure("attendee table: scroll jump -> page painted, p99", table["scroll_jump_p99_ms"],
               "ms", budget=250.0, note=f"p50 {table['scroll_jump_p50_ms']:.0f} ms"),
        Figure("attendee table: longest the UI thread was busy", table[
            "ui_thread_longest_block_ms"], "ms", budget=250.0,
            note="a 5 ms heartbeat's worst lateness while all of the above ran"),
    ]


if __name__ == "__main__":  # python -m kiosk.bench.console EVENT.db [--whole-window]
    for name, value in {**measure_keys(sys.argv[1]), **measure_attendee_table(
            sys.argv[1], whole_window="--whole-window" in sys.argv)}.items():
        print(f"{name:32} {value}")
