"""The import screen's steps: a file read as it would be imported (preview), its dry run
(the plan) and the import of that same plan."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.damaged_text import damaged_names
from kiosk.importing import preset_names, read_registrations
from kiosk.importing.fields import MAPPABLE_FIELDS, fate_of
from kiosk.services.attendee_table import name_check
from kiosk.services.event_access import EventFile, EventReader
from kiosk.services.registration_import import (
    ImportPlan,
    ImportReport,
    kept_headings,
    plan_file,
    write_plan,
)
from kiosk.store import queries

__all__ = ["MAPPABLE_FIELDS", "ImportPlan", "ImportPreview", "fate_of", "import_plan_through",
           "plan_import_through", "preview_import_through"]


@dataclass(frozen=True)
class ImportPreview:
    """A file read as it would be imported, before anything is written."""

    path: str
    preset: str
    sheet: str | None
    columns: list[tuple[str, str]]  # (heading, field) in file order
    rows: list[dict[str, str]]  # the first records, as they will be imported
    total: int
    errors: int
    presets: list[str] = field(default_factory=list)


PREVIEW_FIELDS = ("first_name", "last_name", "email", "organisation", "category", "status",
                  "pronouns", "external_ref")


def preview_import_through(
    event: EventFile,
    path: str | Path,
    preset: str | None = None,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    rows: int = 8,
) -> ImportPreview:
    """Read the file with the given preset and mapping (ImportRefused, in words an organiser
    can act on, when it cannot be): only the workshops' names and the columns kept before
    are read from the event file; the registration file (seconds, for a large workbook) is
    read outside its door."""
    return _preview(path, event.read(_what_the_event_knows), preset, mapping, sheet, rows)


def _what_the_event_knows(reader: EventReader) -> tuple[list[str], list[str]]:
    """Its workshops' names in order, and the columns kept at its last import."""
    return [s.name for s in queries.list_sessions(reader.conn)], kept_headings(reader)


def _preview(
    path: str | Path, known: tuple[list[str], list[str]], preset: str | None,
    mapping: Mapping[str, str] | None, sheet: str | None, rows: int,
) -> ImportPreview:
    workshops, kept_before = known
    result = read_registrations(path, preset=preset, mapping=mapping or None, sheet=sheet,
                                workshops=workshops, kept_before=kept_before)
    first = []
    for record in result.records[:rows]:
        shown = {name: record.fields.get(name, "") for name in PREVIEW_FIELDS}
        shown["row"] = str(record.row)
        shown["workshops"] = ", ".join(record.sessions)
        shown["name_check"] = name_check(*(record.fields.get(name, "") for name in (
            "first_name", "last_name", "badge_name", "organisation")))
        shown["damaged"] = " ".join(name for name, _ in damaged_names(record.fields))
        first.append(shown)
    return ImportPreview(
        str(path), result.preset, result.sheet, list(result.columns.items()), first,
        len(result.records), len(result.errors), list(preset_names()),
    )


def plan_import_through(
    event: EventFile,
    path: str | Path,
    preset: str | None = None,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> ImportPlan:
    """The dry run: the file is read and planned off the writer; nothing is written. The
    import then writes this same plan (:func:`import_plan_through`)."""
    return plan_file(event, path, preset=preset, mapping=dict(mapping or {}) or None,
                     sheet=sheet)


def import_plan_through(event: EventFile, plan: ImportPlan) -> ImportReport:
    """Write the dry run's plan in batches between the desk's scans; refused if the file
    or the event's registrations changed since the dry run."""
    return write_plan(event, plan)
