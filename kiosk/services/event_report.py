"""The event report for organisers and trustees: figures from the database, drawn as PDF
(a discreet category by its badge label only)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kiosk.core.refusal import Refusal
from kiosk.reports.event_report_pdf import ReportHeader, write_event_report
from kiosk.store import queries
from kiosk.store.attendance import EventFigures, event_figures
from kiosk.store.event_store import EventStore
from kiosk.store.outputs import check_output, private_output
from kiosk.store.retention import kept_figures, log_action


class ReportError(Refusal):
    """The report cannot be written; the message says what to do."""


def figures_for(store: EventStore) -> tuple[EventFigures, bool]:
    """The figures, and whether they come from before a wipe (kept as counts)."""
    kept = kept_figures(store.conn)
    return (kept, True) if kept is not None else (event_figures(store.conn), False)


def write_report(store: EventStore, out: str | Path) -> Path:
    path = check_output(out, (".pdf",), "The event report")
    event = queries.get_event(store.conn)
    figures, wiped = figures_for(store)
    if event is not None:  # the report is for trustees and funders: no discreet name
        shown = event.names_for_others(figures.categories)
        figures = replace(figures, categories={
            shown[name]: counts for name, counts in figures.categories.items()})
    header = ReportHeader(event.name if event else "Event report",
                          event.date if event else "", event.venue if event else "", wiped)
    try:
        with private_output(path, (".pdf",), "The event report") as pdf:
            write_event_report(figures, header, pdf)
    except OSError as exc:
        raise ReportError(f"Could not write {path} ({exc.strerror or exc}). Is it open in "
                          "a PDF viewer? Close it, or choose another name.") from exc
    log_action(store.conn, "report", f"event report to {path.name}")
    return path
