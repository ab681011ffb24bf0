"""read_registrations: a registration file into attendee records and plain-English row errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from kiosk.core.bulk_work import collector_paused
from kiosk.importing import fields as f
from kiosk.importing.files import read_table, table_from_bytes
from kiosk.importing.headers import display_headers, find_header_row, header_key
from kiosk.importing.mapping import ColumnPlan, plan_columns
from kiosk.importing.presets import PRESETS_BY_NAME, Preset, detect_preset, heading_score
from kiosk.importing.records import ImportRefused, ReadResult
from kiosk.importing.rows import RowReader
from kiosk.importing.sessions import known_choices
from kiosk.importing.table import Table
from kiosk.importing.values import tidy

_ATTENDEE_SHEET_WORDS = (
    "attendee",
    "position",
    "registration",
    "response",
    "ticket",
    "delegate",
    "participant",
)


def read_registrations(
    path: str | Path,
    *,
    preset: str | None = None,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    workshops: Iterable[str] = (),
    kept_before: Iterable[str] = (),
) -> ReadResult:
    """Read every attendee of a CSV or .xlsx registration export.

    ``preset`` names the system that made the file (see ``preset_names()``); by default it
    is recognised from the column headings. ``mapping`` ("Surname" -> "last_name") overrides
    the preset for the columns it names; besides the attendee fields it may say
    "sessions", "name" (a full name to split), "cancelled", "keep" (kept in the organisers'
    copy only) or "ignore". A column neither mapped nor kept is dropped.
    ``sheet`` picks a worksheet of an .xlsx file (a CSV has none, and ignores it); by
    default the one that looks most like an attendee list.
    ``workshops`` are the event's workshop titles, so that a title with a comma in it is
    not split into two choices. ``kept_before``: headings the organisers kept at an earlier
    import, kept again unless ``mapping`` says otherwise.

    Rows that cannot become an attendee are reported in ``errors`` and the rest still
    import. Raises ImportRefused, with a message saying what to do, when the file cannot
    be read at all.
    """
    path = Path(path)
    chosen = _preset_named(preset)
    with collector_paused():
        return _read(path, chosen, mapping, sheet, workshops, kept_before)


def _read(
    path: Path,
    chosen: Preset | None,
    mapping: Mapping[str, str] | None,
    sheet: str | None,
    workshops: Iterable[str],
    kept_before: Iterable[str],
) -> ReadResult:
    table = read_table(path, sheet, _rank_sheet)
    source = f"“{path.name}”" + (f" (sheet “{table.sheet}”)" if table.sheet else "")
    return _read_table(table, source, chosen, mapping, workshops, kept_before)


def read_registration_data(
    data: bytes | None,
    name: str,
    *,
    rows: Sequence[Sequence[str]] = (),
    preset: str | None = None,
    mapping: Mapping[str, str] | None = None,
    workshops: Iterable[str] = (),
    kept_before: Iterable[str] = (),
) -> ReadResult:
    """Read registrations that did not come from a file on this computer, by the same rules
    as ``read_registrations``: the bytes of a CSV or .xlsx file (a published sheet), or
    ``rows`` of text cells whose first row holds the headings (a registration system's API,
    laid out as its own export). ``name`` names the source in messages."""
    chosen = _preset_named(preset)
    source = f"“{name}”"
    with collector_paused():
        if data is not None:
            table = table_from_bytes(data, source, None, _rank_sheet)
        else:
            table = Table(rows=[(number, list(cells)) for number, cells
                                in enumerate(rows, start=1) if any(cells)])
        return _read_table(table, source, chosen, mapping, workshops, kept_before)


def _read_table(
    table: Table,
    source: str,
    chosen: Preset | None,
    mapping: Mapping[str, str] | None,
    workshops: Iterable[str],
    kept_before: Iterable[str],
) -> ReadResult:
    if not table.rows:
        raise ImportRefused(
            f"{source} has no rows in it. Export the attendee list again and check that "
            "it has a heading row and one row per attendee."
        )
    header_at = find_header_row(table.rows, _heading_scorer(mapping))
    body = table.rows[header_at + 1 :]
    headers = _headers(table.rows[header_at][1], body, widen=not table.strict_width)
    used = chosen or detect_preset(headers)
    plan = plan_columns(headers, used, mapping, source, kept_before)
    known = known_choices(workshops) | _titles_seen_twice(plan, body)
    reader = RowReader(plan, known, table.strict_width)

    records, errors = reader.read_all(body)
    errors.extend(table.errors)
    if not records and not errors:
        # Refused rather than read as "nobody": an import of nobody would report everyone
        # already in the event as missing from the file, as if to be cancelled.
        raise ImportRefused(
            f"There are no registrations in this file: {source} has a heading row and no "
            "one under it. Nothing was imported and no one was changed or cancelled. "
            "Export the attendee list again (check that its filters let people through)."
        )
    errors.sort(key=lambda e: e.row)
    return ReadResult(
        preset=used.name,
        sheet=table.sheet,
        columns=plan.columns(),
        records=records,
        errors=errors,
        warnings=list(table.warnings),
    )


def _preset_named(name: str | None) -> Preset | None:
    if name is None:
        return None
    preset = PRESETS_BY_NAME.get(name.strip().casefold())
    if preset is None:
        raise ImportRefused(
            f"There is no preset called “{name}”. Choose one of: {', '.join(PRESETS_BY_NAME)}."
        )
    return preset


def _headers(cells: list[str], body: Sequence[tuple[int, list[str]]], *, widen: bool) -> list[str]:
    """Display headings; in a workbook, unheaded columns that hold data get "Column F"."""
    headers = list(cells)
    if widen:
        width = max((len(c) for _, c in body), default=0)
        headers += [""] * (width - len(headers))
    return display_headers(headers)


def _heading_scorer(mapping: Mapping[str, str] | None) -> Callable[[Sequence[str]], float]:
    """Scores candidate heading rows; the headings a mapping names count most."""
    if not mapping:
        return heading_score
    named = {header_key(h) for h in mapping}

    def score(cells: Sequence[str]) -> float:
        return heading_score(cells) + 10.0 * len(named.intersection(map(header_key, cells)))

    return score


def _rank_sheet(name: str, rows: Sequence[list[str]]) -> float:
    best = max((heading_score(cells) for cells in rows), default=0.0)
    key = header_key(name)
    bonus = 2.0 if any(word in key for word in _ATTENDEE_SHEET_WORDS) else 0.0
    return best + bonus if best else bonus / 10


def _titles_seen_twice(plan: ColumnPlan, body: Sequence[tuple[int, list[str]]]) -> frozenset[str]:
    """Workshop titles with a comma that appear whole in two workshop columns.

    A Google form may ask "Morning workshop" (one choice) and "Afternoon workshop"; a title
    that is a whole answer in both is a title, not two choices.
    """
    columns = [i for i in plan.indices(f.SESSIONS) if i not in plan.options]
    if len(columns) < 2:
        return frozenset()
    seen: dict[str, set[int]] = {}
    for _number, cells in body:
        for index in columns:
            if index < len(cells) and "," in cells[index]:
                seen.setdefault(tidy(cells[index]).casefold(), set()).add(index)
    return frozenset(title for title, where in seen.items() if len(where) > 1)
