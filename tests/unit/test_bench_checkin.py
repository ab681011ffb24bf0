"""The scan benchmark: its figures, its floor and the WAL pages each side writes."""

from __future__ import annotations

from pathlib import Path

from kiosk.bench import bench_checkin


def test_scan_benchmark_reports_latency_beside_its_floor_and_pages_written(
    tmp_path: Path,
) -> None:
    figures = {f.name: f for f in bench_checkin(tmp_path, 400)}
    p99 = figures["scan -> decision + durable write, p99"]
    assert p99.floor and p99.floor > 0 and p99.value > 0
    assert p99.floor_times == 3.0 and p99.budget == 30.0
    # The verdict is against both budgets: a figure past 3x its floor is over budget.
    assert p99.within_budget == (p99.value <= 30.0 and p99.value <= 3.0 * p99.floor)
    pages = figures["pages a scan's commit writes to the WAL"]
    # One plain insert is one page; a scan writes the log entry, the derived check-in and
    # the attendee's state with their indexes, so it must write several.
    assert pages.floor == 1.0
    assert 3 <= pages.value <= 30
