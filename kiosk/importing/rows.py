"""Rows of cells into attendee records, or into row errors an organiser can act on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kiosk.core.field_limits import LONGEST_TEXT, too_long
from kiosk.importing import fields as f
from kiosk.importing.limits import MAX_WORKSHOPS_PER_PERSON
from kiosk.importing.mapping import ColumnPlan
from kiosk.importing.records import RowError, SourceRecord
from kiosk.importing.sessions import split_choices
from kiosk.importing.values import (
    ACTIVE,
    CANCELLED,
    category_of,
    consent_of,
    email_of,
    flags_cancelled,
    is_no,
    is_yes,
    split_name,
    status_of,
    tidy,
)

# Applied to each distinct tidied value of a column, before columns compete for a field.
_TRANSFORMS = {"email": email_of, "category": category_of}
_SPECIAL = frozenset({f.SESSIONS, f.STATUS, f.CANCELLED, *f.JOINED_FIELDS})
# Answers to "Any access or dietary needs?" that mean there are none.
_NOTHING = frozenset({"no", "none", "n/a", "na", "-", "nope", "nothing", "no thanks", "nil"})


class RowReader:
    """Turns the rows of one file into records by its column plan.

    Cells are tidied column by column, once per distinct value: a ticket type or status
    repeated on 100,000 rows is cleaned once. Each prepared cell is falsy when empty.
    """

    def __init__(self, plan: ColumnPlan, known: frozenset[str], strict_width: bool) -> None:
        self.headers = plan.headers
        self.fields = plan.fields
        self.width = len(plan.headers)
        self.known = known
        self.strict_width = strict_width
        self.options = plan.options
        self.ref_parts = plan.ref_parts
        singles = [(n, plan.indices(n)) for n in f.SINGLE_FIELDS if plan.indices(n)]
        # Most fields have one column: those are read in one dict comprehension per row.
        self.only_columns = [(n, columns[0]) for n, columns in singles if len(columns) == 1]
        self.ranked_columns = [(n, columns) for n, columns in singles if len(columns) > 1]
        self.joined = [(n, plan.indices(n)) for n in f.JOINED_FIELDS if plan.indices(n)]
        self.status_columns = plan.indices(f.STATUS)
        self.cancelled_columns = plan.indices(f.CANCELLED)
        self.session_columns = plan.indices(f.SESSIONS)
        self.kept_columns = plan.indices(f.KEEP)
        self.email_heading = plan.heading_for("email") or "email"
        self.consent_heading = plan.heading_for("photo_consent") or "photo consent"
        self.name_hint = _name_hint(plan)
        # The column a field's value came from, for a row error to name (the first of several).
        self.headings_of = {name: heading for name in (*f.SINGLE_FIELDS, *f.JOINED_FIELDS)
                            if (heading := plan.heading_for(name))}
        if "name" in self.headings_of:
            self.headings_of.setdefault("first_name", self.headings_of["name"])
            self.headings_of.setdefault("last_name", self.headings_of["name"])

    def read_all(
        self, body: Sequence[tuple[int, list[str]]]
    ) -> tuple[list[SourceRecord], list[RowError]]:
        """Records for the rows that make one, errors for those that cannot; blank rows neither."""
        errors: list[RowError] = []
        numbers: list[int] = []
        kept: list[list[str]] = []
        width = self.width
        for number, cells in body:
            count = len(cells)
            if count != width:
                if count < width:
                    cells = cells + [""] * (width - count)
                elif self.strict_width and any(c.strip() for c in cells[width:]):
                    errors.append(RowError(number, self._too_many_cells(number, count)))
                    continue
                else:
                    cells = cells[:width]
            numbers.append(number)
            kept.append(cells)
        if not kept:
            return [], errors
        prepared = [self._prepare(i, column) for i, column in enumerate(zip(*kept, strict=True))]
        records: list[SourceRecord] = []
        for number, row in zip(numbers, zip(*prepared, strict=True), strict=True):
            if not any(row):
                continue
            outcome = self._record(number, row)
            if isinstance(outcome, RowError):
                errors.append(outcome)
            else:
                records.append(outcome)
        return records, errors

    def _prepare(self, index: int, column: tuple[str, ...]) -> list[Any]:
        field = self.fields[index]
        if field == f.IGNORE and not (self.ref_parts and index in self.ref_parts):
            # Never read: only whether the cell is filled, so a row holding nothing but
            # dropped columns is still told apart from a blank one ("no name").
            return [bool(raw.strip()) for raw in column]
        distinct = set(column)
        if field == f.SESSIONS:
            option = self.options.get(index)
            choices = {raw: self._choices(raw, option) for raw in distinct}
            return [choices[raw] for raw in column]
        transform = _TRANSFORMS.get(field)
        if field not in _SPECIAL and len(distinct) > len(column) // 2:
            # Mostly different values (names, emails, barcodes): no use remembering them.
            if transform is None:
                return [tidy(raw) for raw in column]
            return [transform(text) if (text := tidy(raw)) else "" for raw in column]
        tidied = {raw: tidy(raw) for raw in distinct}
        if transform is not None:
            tidied = {raw: transform(text) if text else "" for raw, text in tidied.items()}
        if field == f.STATUS:
            meaning = {raw: (status_of(t), t) if t else None for raw, t in tidied.items()}
            return [meaning[raw] for raw in column]
        if field == f.CANCELLED:
            flagged = {raw: bool(t) and flags_cancelled(t) for raw, t in tidied.items()}
            return [flagged[raw] for raw in column]
        if field in f.JOINED_FIELDS:
            tidied = {raw: "" if t.casefold() in _NOTHING else t for raw, t in tidied.items()}
        return [tidied[raw] for raw in column]

    def _choices(self, raw: str, option: str | None) -> tuple[str, ...] | None:
        """A workshop cell as the workshops chosen; None when empty. A bare yes or no in a
        column that names no workshop chooses none."""
        if not raw.strip():
            return None
        if is_yes(raw) or is_no(raw):
            return (option,) if option is not None and is_yes(raw) else ()
        return tuple(split_choices(raw, self.known))

    def _record(self, number: int, row: tuple[Any, ...]) -> SourceRecord | RowError:
        headers = self.headers
        kept = {headers[i]: row[i] for i in self.kept_columns if row[i]}
        values = {name: row[i] for name, i in self.only_columns if row[i]}
        for name, columns in self.ranked_columns:
            for index in columns:
                value = row[index]
                if value and name not in values:
                    values[name] = value  # the preferred filled column wins
        for name, columns in self.joined:
            text = "; ".join(row[i] for i in columns if row[i])
            if text:
                values[name] = text

        sessions: tuple[str, ...] = ()
        for index in self.session_columns:
            choices = row[index]
            if choices:
                if not sessions:
                    sessions = choices
                else:
                    sessions += tuple(c for c in choices if c not in sessions)
        status = ACTIVE
        for index in self.status_columns:
            cell = row[index]
            if cell and cell[0] == CANCELLED:
                status = CANCELLED
        if self.cancelled_columns and any(row[i] for i in self.cancelled_columns):
            status = CANCELLED
        if self.ref_parts:
            code, position = (row[i] for i in self.ref_parts)
            if code and position:
                values["external_ref"] = f"{code}-{position}"
        values["status"] = status
        return self._finish(number, values, kept, sessions)

    def _finish(
        self, number: int, values: dict[str, str], kept: dict[str, str], sessions: tuple[str, ...]
    ) -> SourceRecord | RowError:
        full_name = values.pop(f.NAME, "")
        if full_name and "first_name" not in values and "last_name" not in values:
            first, last = split_name(full_name)
            if first:
                values["first_name"] = first
            if last:
                values["last_name"] = last
        if not ("first_name" in values or "last_name" in values or "badge_name" in values):
            return RowError(number, f"Row {number}: no name — fill in {self.name_hint}.")
        problem = self._too_long(number, values) or _too_many_workshops(number, sessions)
        if problem:
            return RowError(number, problem)
        email = values.get("email")
        if email is not None and "@" not in email:
            return RowError(
                number,
                f"Row {number}: the email address “{email}” has no @ in it — correct it "
                f"in the “{self.email_heading}” column, or leave it empty.",
            )
        if "photo_consent" in values:
            answer = values.pop("photo_consent")
            consent = consent_of(answer)
            if consent is not None:  # an answer that is neither yes nor no says nothing
                values["photo_consent"] = consent
        return SourceRecord(row=number, fields=values, sessions=sessions, kept=kept)

    def _too_long(self, number: int, values: dict[str, str]) -> str:
        """The first field of a row longer than a desk can hold, in words; else ""."""
        for name, value in values.items():
            problem = too_long(name, value)
            if problem:
                heading = self.headings_of.get(name, "")
                column = f" in the “{heading}” column" if heading else ""
                return f"Row {number}: {problem}. Shorten it{column} and import again."
        return ""

    def _too_many_cells(self, number: int, count: int) -> str:
        return (
            f"Row {number} has {count} cells but there are only {self.width} column "
            "headings, so its values may be in the wrong columns — usually a comma in a "
            "name or address that has lost its quotation marks. Fix the row and import again."
        )


def _too_many_workshops(number: int, sessions: tuple[str, ...]) -> str:
    """Why a row's workshops cannot be booked (too many, or a name too long), else ""."""
    if len(sessions) > MAX_WORKSHOPS_PER_PERSON:
        return (f"Row {number}: {len(sessions):,} workshops are chosen; one person can be "
                f"booked on at most {MAX_WORKSHOPS_PER_PERSON}. Check the row (a form "
                "answer may have been filled in by a machine) and import again.")
    longest = max(sessions, key=len, default="")
    if len(longest) > LONGEST_TEXT:
        return (f"Row {number}: a workshop's name is {len(longest):,} characters long; at most "
                f"{LONGEST_TEXT} fit on a desk's screen. Shorten it and import again.")
    return ""


def _name_hint(plan: ColumnPlan) -> str:
    headings = [h for n in ("first_name", "last_name") if (h := plan.heading_for(n))]
    if not headings:
        headings = [h for n in (f.NAME, "badge_name") if (h := plan.heading_for(n))]
    return " or ".join(f"“{h}”" for h in headings)
