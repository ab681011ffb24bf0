"""Text templates over attendee and event fields, and the privacy rules that hide fields.

A placeholder is ``{field}`` or ``{field|other|...}`` (the first non-empty one); ``{{`` and
``}}`` are literal braces. A legal name that a badge name replaces, and a surname or an
organisation of someone who asked for their first name only, are withheld: an element
that needs a withheld field is left off the badge rather than printed with a gap. An
element whose fields are all empty (no pronouns given) is left off too. ``{category}`` is
the category's badge label (Event setup), which is empty until set for an imported one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.badges.badge_data import BadgeData

ATTENDEE_FIELDS = (
    "badge_name",
    "first_name",
    "last_name",
    "full_name",
    "display_name",
    "organisation",
    "pronouns",
    "category",
)
EVENT_FIELDS = ("event_name", "event_date", "venue")
FIELDS = ATTENDEE_FIELDS + EVENT_FIELDS

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass(frozen=True)
class Placeholder:
    alternatives: tuple[str, ...]


@dataclass(frozen=True)
class Template:
    """A parsed template: literal text and placeholders in order."""

    parts: tuple[str | Placeholder, ...]

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(
            name
            for part in self.parts
            if isinstance(part, Placeholder)
            for name in part.alternatives
        )


def parse_template(text: str) -> Template:
    """Parse a template; ValueError names an unknown field or a stray brace."""
    parts: list[str | Placeholder] = []
    literal = ""
    position = 0
    for match in _TOKEN.finditer(text):
        literal += text[position : match.start()]
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            literal += token[0]
            continue
        if match.group(1) is None:
            raise ValueError(f"unmatched {token!r} at character {match.start() + 1}")
        names = tuple(name.strip() for name in match.group(1).split("|"))
        for name in names:
            if name not in FIELDS:
                raise ValueError(f"unknown field {{{name}}}; known fields: {', '.join(FIELDS)}")
        if literal:
            parts.append(literal)
            literal = ""
        parts.append(Placeholder(names))
    literal += text[position:]
    if literal:
        parts.append(literal)
    return Template(tuple(parts))


def field_values(badge: BadgeData) -> dict[str, str | None]:
    """Each field's text for this badge; None where the attendee's privacy withholds it."""
    person = badge.attendee
    named = bool(person.badge_name.strip())
    first_only = person.first_name_only
    return {
        "badge_name": person.badge_name,
        "first_name": None if named else person.first_name,
        "last_name": None if named or first_only else person.last_name,
        "full_name": None if named or first_only else person.full_name,
        "display_name": person.display_name,
        "organisation": None if first_only else person.organisation,
        "pronouns": person.pronouns,
        # The organisers' badge label, never the category's own name: an imported ticket
        # type can say what a person must not have printed on their chest.
        "category": badge.event.label_of(person.category),
        "event_name": badge.event.name,
        "event_date": badge.event.date,
        "venue": badge.event.venue,
    }


def fill(template: Template, values: Mapping[str, str | None]) -> str | None:
    """The template's text, or None when the element should be left off the badge."""
    text = ""
    placeholders = 0
    empty = 0
    for part in template.parts:
        if isinstance(part, str):
            text += part
            continue
        placeholders += 1
        found = [values[name] for name in part.alternatives]
        value = next((v for v in found if v and v.strip()), None)
        if value is None:
            if any(v is None for v in found):
                return None
            empty += 1
            continue
        text += value.strip()
    if placeholders and empty == placeholders:
        return None
    return text
