"""The benches by name, run one after another on one set of event files, and their table."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from importlib import import_module
from pathlib import Path

from kiosk.bench.figures import Figure

Bench = Callable[[Path, int], list[Figure]]


def _lazy(module: str, function: str) -> Bench:
    """A bench whose module is loaded when it runs: `--only tickets` loads no Qt."""
    def run(workdir: Path, attendees: int) -> list[Figure]:
        bench: Bench = getattr(import_module(f"kiosk.bench.{module}"), function)
        return bench(workdir, attendees)
    run.__qualname__ = run.__name__ = function
    return run


# In this order: the import makes the event file the later benches share, and printing
# (whose spooler goes on working after it) runs after the desk's own figures.
BENCHES: dict[str, Bench] = {
    "import": _lazy("importing", "bench_import"),
    "import_scans": _lazy("importing", "bench_import_scans"),
    "checkin": _lazy("scanning", "bench_checkin"),
    "search": _lazy("search", "bench_search"),
    "tickets": _lazy("tickets", "bench_tickets"),
    "badges": _lazy("badges", "bench_badges"),
    "app": _lazy("desk_window", "bench_app"),
    "window": _lazy("desk_window", "bench_window"),
    "printing": _lazy("printing", "bench_printing"),
    "sync": _lazy("sync", "bench_sync"),
    "console": _lazy("console", "bench_console"),
    "connectors": _lazy("connectors", "bench_connectors"),  # needs the local pretix
    "camera": _lazy("camera", "bench_camera"),
}


def run_benches(workdir: Path, attendees: int, only: list[str] | None = None,
                said: Callable[[str], None] = lambda name: None) -> list[Figure]:
    """Every bench (or those named in ``only``) in order, in ``workdir``."""
    unknown = sorted(set(only or []) - set(BENCHES))
    if unknown:
        raise ValueError(f"no bench called {', '.join(unknown)}; the benches are "
                         f"{', '.join(BENCHES)}")
    figures: list[Figure] = []
    for name, bench in BENCHES.items():
        if only and name not in only:
            continue
        said(name)
        figures.extend(bench(workdir, attendees))
    return figures


def run_bench(attendees: int = 100_000, as_json: bool = False,
              only: list[str] | None = None) -> int:
    """``kiosk bench``: run the benches and print each figure beside its budget and floor."""
    unknown = sorted(set(only or []) - set(BENCHES))
    if unknown:
        print(f"No bench called {', '.join(unknown)}. The benches: {', '.join(BENCHES)}.",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        figures = run_benches(Path(tmp), attendees, only, said=(
            (lambda name: None) if as_json else
            (lambda name: print(f"running {name}…", flush=True))))
    if as_json:
        print(json.dumps({"attendees": attendees, "cores": os.cpu_count(), "figures": [
            {**asdict(f), "within_budget": f.within_budget} for f in figures]}, indent=2))
        return 0
    print(f"{attendees:,} attendees; {os.cpu_count()} cores")
    print(f"{'benchmark':<52} {'value':>10} {'budget':>10} {'floor':>10}  verdict")
    for f in figures:
        budget = f"{f.budget:g} {f.unit}" if f.budget is not None else "—"
        floor = f"{f.floor:.3g} {f.unit}" if f.floor is not None else "—"
        verdict = {True: "ok", False: "OVER BUDGET", None: ""}[f.within_budget]
        print(f"{f.name:<52} {f.value:>8.3g} {f.unit:<2} {budget:>9} {floor:>10}  {verdict}")
        if f.note:
            print(f"    {f.note}")
    return 0
