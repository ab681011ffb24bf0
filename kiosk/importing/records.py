"""What reading a registration file produces: one record per attendee, and row errors."""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.core.refusal import Refusal


class ImportRefused(Refusal):
    """The file cannot be read at all; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class SourceRecord:
    """One attendee as the organisers' file describes them.

    ``row`` is the row number a person sees in a spreadsheet program (the header is row 1).
    ``fields`` holds attendee fields (names from ``kiosk.core.models.ATTENDEE_FIELDS``,
    except ``sessions``) as clean text; ``sessions`` the workshop names booked; ``kept`` the
    columns the organisers chose to keep in their own copy only, by their heading. Every
    other column is dropped as it is read.
    """

    row: int
    fields: dict[str, str]
    sessions: tuple[str, ...] = ()
    kept: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RowError:
    """A row that could not become an attendee, and why, in words an organiser can act on."""

    row: int
    message: str


@dataclass(frozen=True)
class ReadResult:
    """The outcome of reading one file. ``warnings`` say what was mended as it was read;
    those rows are imported."""

    preset: str
    sheet: str | None
    columns: dict[str, str]
    records: list[SourceRecord]
    errors: list[RowError]
    warnings: list[str] = field(default_factory=list)
