"""One row of cells into one attendee record, or into a row error an organiser can act on."""

from __future__ import annotations

from kiosk.importing import fields as f
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

# Answers to "Any access or dietary needs?" that mean there are none.
_NOTHING = frozenset({"no", "none", "n/a", "na", "-", "nope", "nothing", "no thanks", "nil"})


class RowReader:
    """Turns rows into records by a column plan; built once per file, called per row."""

    def __init__(self, plan: ColumnPlan, known: frozenset[str], strict_width: bool) -> None:
        self.headers = plan.headers
        self.width = len(plan.headers)
        self.known = known
        self.strict_width = strict_width
        self.options = plan.options
        self.ref_parts = plan.ref_parts
        self.singles = [(n, plan.indices(n)) for n in f.SINGLE_FIELDS if plan.indices(n)]
        self.joined = [(n, plan.indices(n)) for n in f.JOINED_FIELDS if plan.indices(n)]
        self.status_columns = plan.indices(f.STATUS)
        self.cancelled_columns = plan.indices(f.CANCELLED)
        self.session_columns = plan.indices(f.SESSIONS)
        self.extra_columns = plan.indices(f.EXTRA)
        self.email_heading = plan.heading_for("email") or "email"
        self.name_hint = _name_hint(plan)

    def read(self, number: int, cells: list[str]) -> SourceRecord | RowError | None:
        """The record of one row; a RowError when it cannot be one; None for a blank row."""
        if len(cells) != self.width:
            if len(cells) < self.width:
                cells = cells + [""] * (self.width - len(cells))
            else:
                if self.strict_width and any(c.strip() for c in cells[self.width :]):
                    return RowError(number, self._too_many_cells(number, len(cells)))
                cells = cells[: self.width]
        headers = self.headers
        values: dict[str, str] = {}
        extra: dict[str, str] = {}

        for name, columns in self.singles:
            for index in columns:
                raw = cells[index]
                if raw and (value := tidy(raw)):
                    if name in values:
                        extra[headers[index]] = value
                    else:
                        values[name] = value
        for name, columns in self.joined:
            parts = [tidy(cells[i]) for i in columns if cells[i]]
            text = "; ".join(p for p in parts if p and p.casefold() not in _NOTHING)
            if text:
                values[name] = text
        for index in self.extra_columns:
            raw = cells[index]
            if raw and (value := tidy(raw)):
                extra[headers[index]] = value
        sessions = self._sessions(cells, extra)
        status = self._status(cells, extra)

        if not values and not extra and not sessions and status == ACTIVE:
            return None
        return self._finish(number, values, extra, sessions, status, cells)

    def _finish(
        self,
        number: int,
        values: dict[str, str],
        extra: dict[str, str],
        sessions: tuple[str, ...],
        status: str,
        cells: list[str],
    ) -> SourceRecord | RowError:
        full_name = values.pop(f.NAME, "")
        if full_name and "first_name" not in values and "last_name" not in values:
            first, last = split_name(full_name)
            if first:
                values["first_name"] = first
            if last:
                values["last_name"] = last
        if not any(values.get(n) for n in ("first_name", "last_name", "badge_name")):
            return RowError(number, f"Row {number}: no name — fill in {self.name_hint}.")
        if "email" in values:
            email = email_of(values["email"])
            if email and "@" not in email:
                return RowError(
                    number,
                    f"Row {number}: the email address “{email}” has no @ in it — correct it "
                    f"in the “{self.email_heading}” column, or leave it empty.",
                )
            if email:
                values["email"] = email
            else:
                del values["email"]
        if "category" in values:
            values["category"] = category_of(values["category"])
        if "photo_consent" in values:
            consent = consent_of(values["photo_consent"])
            if consent is None:
                extra[self._heading_of("photo_consent")] = values.pop("photo_consent")
            else:
                values["photo_consent"] = consent
        if self.ref_parts:
            code, position = (tidy(cells[i]) for i in self.ref_parts)
            if code and position:
                values["external_ref"] = f"{code}-{position}"
        values["status"] = status
        return SourceRecord(row=number, fields=values, sessions=sessions, extra=extra)

    def _sessions(self, cells: list[str], extra: dict[str, str]) -> tuple[str, ...]:
        chosen: list[str] = []
        for index in self.session_columns:
            raw = cells[index]
            if not raw:
                continue
            if is_yes(raw) or is_no(raw):
                option = self.options.get(index)
                if option is None:
                    extra[self.headers[index]] = tidy(raw)
                elif is_yes(raw) and option not in chosen:
                    chosen.append(option)
                continue
            for choice in split_choices(raw, self.known):
                if choice not in chosen:
                    chosen.append(choice)
        return tuple(chosen)

    def _status(self, cells: list[str], extra: dict[str, str]) -> str:
        status = ACTIVE
        for index in self.status_columns:
            raw = cells[index]
            if raw and (value := tidy(raw)):
                meaning = status_of(value)
                if meaning is None:
                    extra[self.headers[index]] = value
                elif meaning == CANCELLED:
                    status = CANCELLED
        for index in self.cancelled_columns:
            raw = cells[index]
            if raw and (value := tidy(raw)) and flags_cancelled(value):
                status = CANCELLED
        return status

    def _heading_of(self, field: str) -> str:
        return next(
            self.headers[i] for name, columns in self.singles if name == field for i in columns
        )

    def _too_many_cells(self, number: int, count: int) -> str:
        return (
            f"Row {number} has {count} cells but there are only {self.width} column "
            "headings, so its values may be in the wrong columns — usually a comma in a "
            "name or address that has lost its quotation marks. Fix the row and import again."
        )


def _name_hint(plan: ColumnPlan) -> str:
    headings = [h for n in ("first_name", "last_name") if (h := plan.heading_for(n))]
    if not headings:
        headings = [h for n in (f.NAME, "badge_name") if (h := plan.heading_for(n))]
    return " or ".join(f"“{h}”" for h in headings)
