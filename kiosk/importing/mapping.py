"""Deciding which attendee field each column fills: preset, heading keywords, explicit mapping."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kiosk.importing import fields as f
from kiosk.importing.headers import header_key, without_brackets
from kiosk.importing.presets import Preset
from kiosk.importing.records import ImportRefused
from kiosk.importing.sessions import option_name

_EXPLICIT = -1
_KEYWORD_RANK = 10_000
_UNMAPPED = 1_000_000


@dataclass(frozen=True)
class ColumnPlan:
    """What each column of a file means, by position.

    ``ranks`` orders columns that fill the same single-valued field (lower wins);
    ``options`` holds workshop columns whose heading names the workshop (ticked yes/no);
    ``ref_parts`` the two columns joined into the external reference, if the preset has them.
    """

    headers: list[str]
    fields: list[str]
    ranks: list[int]
    options: dict[int, str]
    ref_parts: tuple[int, int] | None = None

    def columns(self) -> dict[str, str]:
        """Heading -> field, for every column (kept ones say "keep", the rest "ignore")."""
        return dict(zip(self.headers, self.fields, strict=True))

    def indices(self, field: str) -> list[int]:
        """The columns that fill ``field``, the preferred one first."""
        found = [i for i, name in enumerate(self.fields) if name == field]
        return sorted(found, key=lambda i: (self.ranks[i], i))

    def heading_for(self, field: str) -> str | None:
        found = self.indices(field)
        return self.headers[found[0]] if found else None


def _keyword_field(key: str) -> str | None:
    """A field guessed from the words of a form question, when no heading matched exactly."""
    if "pronoun" in key:
        return "pronouns"
    if "badge" in key and "name" in key:
        return "badge_name"
    if ("photo" in key or "filmed" in key) and any(
        word in key for word in ("consent", "happy", "agree", "permission", "ok")
    ):
        return "photo_consent"
    if any(
        word in key
        for word in ("dietary", "accessib", "access need", "access requirement", "allerg")
    ):
        return "access_needs"
    if "attending as" in key or "ticket type" in key:
        return "category"
    if any(word in key for word in ("workshop", "breakout", "session")) and not key.endswith(
        (" id", " time", " date", " room")
    ):
        return f.SESSIONS
    return None


def plan_columns(
    headers: Sequence[str], preset: Preset, mapping: Mapping[str, str] | None, source: str,
    kept_before: Iterable[str] = (),
) -> ColumnPlan:
    """The meaning of each column; refuses a mapping that does not fit the file.

    ``source`` is the file (and sheet) name used in messages. ``kept_before`` names columns
    the organisers chose to keep at an earlier import: kept again unless mapped otherwise.
    """
    lookup = preset.lookup()
    fields: list[str] = []
    ranks: list[int] = []
    for index, heading in enumerate(headers):
        key = header_key(heading)
        field, rank = lookup.get(key, ("", _UNMAPPED))
        if not field:
            guessed = _keyword_field(key)
            if guessed:
                field, rank = guessed, _KEYWORD_RANK + index
            else:
                field, rank = lookup.get(without_brackets(key), (f.IGNORE, _UNMAPPED))
        fields.append(field)
        ranks.append(rank)

    remembered = {header_key(h) for h in kept_before}
    for index, heading in enumerate(headers):
        if fields[index] == f.IGNORE and header_key(heading) in remembered:
            fields[index] = f.KEEP
    if mapping:
        _apply_mapping(headers, fields, ranks, mapping, source)

    options = {
        i: name
        for i, field in enumerate(fields)
        if field == f.SESSIONS and (name := option_name(headers[i]))
    }
    ref_parts = None
    if preset.ref_parts:
        keys = [header_key(h) for h in headers]
        first, second = preset.ref_parts
        if first in keys and second in keys and fields[keys.index(first)] == "external_ref":
            ref_parts = (keys.index(first), keys.index(second))
    plan = ColumnPlan(list(headers), fields, ranks, options, ref_parts)
    if not any(plan.indices(name) for name in f.NAME_FIELDS):
        raise ImportRefused(
            f"We could not find a name column in {source}. Its columns are: "
            f"{_listing(headers)}. Say which column holds the names, for example "
            "--map 'Given name=first_name' --map 'Family=last_name', or "
            "--map 'Delegate=name' for a full name in one column."
        )
    return plan


def _apply_mapping(
    headers: Sequence[str],
    fields: list[str],
    ranks: list[int],
    mapping: Mapping[str, str],
    source: str,
) -> None:
    keys = [header_key(h) for h in headers]
    chosen: dict[int, str] = {}
    for heading, field in mapping.items():
        field_key = field.strip().casefold()
        field_key = f.ALIASES.get(field_key, field_key)
        if field_key not in f.MAPPABLE_FIELDS:
            raise ImportRefused(
                f"“{field}” (for the column “{heading}”) is not a field we know. "
                f"Use one of: {', '.join(f.MAPPABLE_FIELDS)}."
            )
        key = header_key(heading)
        if key not in keys:
            raise ImportRefused(
                f"{source} has no column called “{heading}”. Its columns are: "
                f"{_listing(headers)}. Check the spelling in the mapping."
            )
        chosen[keys.index(key)] = field_key
    replaced = {field for field in chosen.values() if field in f.SINGLE_FIELDS}
    for index, field in enumerate(fields):
        if index not in chosen and field in replaced:
            fields[index], ranks[index] = f.IGNORE, _UNMAPPED
    for index, field in chosen.items():
        fields[index], ranks[index] = field, _EXPLICIT


def _listing(headers: Sequence[str]) -> str:
    return ", ".join(f"“{h}”" for h in headers) or "(none)"
