"""Every bench runs at a tiny size and reports the figures it promises; verdicts are computed.

No timings are asserted here: a figure's value depends on the machine and its mood.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from kiosk.bench import BENCHES, Figure, run_benches
from kiosk.bench import printing as printing_bench
from kiosk.bench.badges import measure_one_badge, measure_sheet_batch
from kiosk.printing import PDF_FOLDER
from tests.conftest import need_real_part

TINY = 300

EXPECTED: dict[str, list[tuple[str, str]]] = {
    "import": [("import 300 registrations from CSV", "s"),
               ("resident memory after importing 300", "MB")],
    "import_scans": [("scans during an import of 300: made", "scans"),
                     ("scans during an import of 300: failed", "scans"),
                     ("scans during an import of 300: worst wait", "ms"),
                     ("scans during an import of 300: p99", "ms"),
                     ("import of 300 with a desk scanning", "s")],
    "checkin": [("scan -> decision + durable write, p50", "ms"),
                ("scan -> decision + durable write, p99", "ms"),
                ("WAL pages a check-in's commit writes", "pages")],
    "search": [("name search as you type, p99", "ms")],
    "tickets": [("ticket signing", "/s"), ("ticket verification", "/s")],
    "badges": [("one badge PDF, p50", "ms"), ("16 badges imposed on A4 sheets", "s")],
    "app": [("app start to ready-to-scan (300 attendees)", "s")],
    "window": [("Enter -> result painted, p50", "ms"), ("Enter -> result painted, p95", "ms")],
    "printing": [("check-in -> badge accepted by the spooler, p50", "ms"),
                 ("check-in -> badge accepted by the spooler, p95", "ms")],
    "sync": [("push 200 changes to the hub", "s"), ("pull 200 changes from the hub", "s"),
             ("hub throughput, 20 desks pushing check-ins (SQLite)", "/s"),
             ("check-in at desk A visible at desk B, p95", "s")],
    "console": [("attendee table: open to first rows (300)", "ms"),
                ("attendee table: keys read into memory", "ms"),
                ("attendee table: filter -> rows painted, p50", "ms"),
                ("attendee table: filter -> rows painted, p99", "ms"),
                ("attendee table: sort -> rows painted, p50", "ms"),
                ("attendee table: scroll jump -> page painted, p99", "ms"),
                ("attendee table: longest the UI thread was busy", "ms")],
    "connectors": [("pretix pull of 300 orders", "/s"), ("pretix push of 150 check-ins", "/s")],
    "camera": [(f"camera, {kind}: {what}", unit)
               for kind in ("glare", "heavy blur", "very low contrast",
                            "tiny code in a wide frame", "phone screen in dark mode", "clean")
               for what, unit in (("frames read (of 8)", "frames"),
                                  ("ms per frame (p95)", "ms"))]
    + [("camera, no code in view: false reads (of 10)", "frames"),
       ("camera, no code in view: ms per frame (p95)", "ms")],
}

# The budgets of DESIGN.md's table each bench must carry.
BUDGETS = {
    ("import_scans", "scans during an import of 300: failed"): 0,
    ("import_scans", "scans during an import of 300: worst wait"): 1000.0,
    ("import_scans", "scans during an import of 300: p99"): 250.0,
    ("import_scans", "import of 300 with a desk scanning"): 15.0,
    ("checkin", "scan -> decision + durable write, p99"): 30.0,
    ("window", "Enter -> result painted, p95"): 33.0,
    ("printing", "check-in -> badge accepted by the spooler, p95"): 150.0,
    ("camera", "camera, no code in view: false reads (of 10)"): 0,
}


def test_every_bench_in_the_registry_is_expected_here() -> None:
    assert list(BENCHES) == list(EXPECTED)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_bench_runs_small_and_reports_its_figures(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Hermetic: badges go to the PDF folder, not to a CUPS queue; no PostgreSQL; no beeps.
    monkeypatch.setattr(printing_bench, "spooler_printer", lambda: PDF_FOLDER)
    monkeypatch.delenv("KIOSK_BENCH_POSTGRES", raising=False)
    monkeypatch.setenv("KIOSK_SILENT", "1")
    if name == "connectors":
        from tests.integration.pretix_server import PretixMissing, pretix_python

        try:
            pretix_python()
        except PretixMissing as missing:
            need_real_part(f"pretix: {missing}")
    figures = run_benches(tmp_path, TINY, only=[name])
    assert [(f.name, f.unit) for f in figures] == EXPECTED[name]
    for figure in figures:
        assert not math.isnan(figure.value), figure.name
        assert figure.value >= 0, figure.name
        assert figure.floor is None or figure.floor >= 0, figure.name
        # A verdict wherever there is a budget, and only there.
        assert (figure.within_budget is None) == (figure.budget is None), figure.name
        assert figure.within_budget in (True, False, None)
        if (name, figure.name) in BUDGETS:
            assert figure.budget == BUDGETS[name, figure.name]
    if name == "checkin":
        p99 = figures[1]
        assert p99.floor_times == 1.5 and p99.floor is not None and p99.floor > 0
        pages = figures[2]
        # The floor writes a log row and a check-in row, each with its indexes; the scan
        # writes those and the attendee's state.
        assert pages.floor is not None and pages.floor >= 2
        assert 3 <= pages.value <= 30
    if name == "import_scans":
        made, failed = figures[0], figures[1]
        assert made.value >= 1
        assert failed.within_budget is (failed.value == 0)


def test_a_verdict_weighs_the_budget_and_the_times_its_floor() -> None:
    assert Figure("a", 10.0, "ms").within_budget is None
    assert Figure("a", 10.0, "ms", budget=30.0).within_budget is True
    assert Figure("a", 31.0, "ms", budget=30.0).within_budget is False
    assert Figure("a", 10.0, "ms", budget=30.0, floor=8.0, floor_times=1.5).within_budget
    assert not Figure("a", 13.0, "ms", budget=30.0, floor=8.0, floor_times=1.5).within_budget
    assert Figure("failed", 0, "scans", budget=0).within_budget is True
    assert Figure("failed", 1, "scans", budget=0).within_budget is False
    assert Figure("nothing measured", math.nan, "ms", budget=30.0).within_budget is False


def test_the_badge_bench_measures_badges_and_their_floor() -> None:
    ours, floor = measure_one_badge(3)
    assert floor > 0
    assert ours > 0
    assert measure_sheet_batch(9) > 0
