"""What every kind of change declares in its one home: its payload's shape (and so its
validation), what it tells the audit trail, what it says about who it touches, and its
privacy class (what a wipe removes, what anonymising keeps)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from kiosk.core.changes.record import ChangeKind, NewChange

# Longest text a change may hold in one field: an access need or a desk note is a sentence
# or two; a logo travels base64-encoded inside its own dict and is checked apart.
MAX_TEXT = 10_000
MAX_ID = 100
MAX_SERIAL = 1023
MAX_LOGO_CHARS = 1_000_000  # base64 of the 500 KB the console allows, with room
HEX_KEY = re.compile(r"[0-9a-f]{64}")


class Bad(Exception):
    """One reason a change cannot be taken in (or made)."""


Rule = Callable[[Any, str], None]


# -- the vocabulary of rules ------------------------------------------------------------------


def text(value: Any, what: str, longest: int = MAX_TEXT) -> None:
    if not isinstance(value, str):
        raise Bad(f"{what} must be text")
    if len(value) > longest:
        raise Bad(f"{what} is longer than {longest:,} characters")


def an_id(value: Any, what: str) -> None:
    text(value, what, MAX_ID)
    if not value.strip():
        raise Bad(f"{what} is empty")


def id_or_none(value: Any, what: str) -> None:
    if value is not None:
        an_id(value, what)


def texts(value: Any, what: str) -> None:
    if not isinstance(value, list):
        raise Bad(f"{what} must be a list")
    for item in value:
        text(item, f"an item of {what}")


def whole(lowest: int, highest: int | None = None) -> Rule:
    def rule(value: Any, what: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Bad(f"{what} must be a whole number")
        if value < lowest or (highest is not None and value > highest):
            raise Bad(f"{what} is out of range")
    return rule


def whole_or_none(lowest: int) -> Rule:
    check = whole(lowest)

    def rule(value: Any, what: str) -> None:
        if value is not None:
            check(value, what)
    return rule


def true_or_false(value: Any, what: str) -> None:
    if not isinstance(value, bool):
        raise Bad(f"{what} must be true or false")


def one_of(choices: frozenset[str]) -> Rule:
    def rule(value: Any, what: str) -> None:
        if value not in choices:
            raise Bad(f"{what} must be one of {', '.join(sorted(choices))}")
    return rule


def mapping(value: Any, what: str) -> None:
    if not isinstance(value, dict):
        raise Bad(f"{what} must be a mapping")


# -- shapes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """A payload's keys and the rule each value follows. ``fields`` is the rule for each
    entry of a ``fields`` mapping (attendee and event changes carry one)."""

    required: Mapping[str, Rule]
    optional: Mapping[str, Rule] = field(default_factory=dict)
    fields: Mapping[str, Rule] | None = None
    at_least_one_field: bool = False
    # Fields an older version carried and this one no longer takes: refused in a change made
    # here (like any unknown field), left out of a change taken in from an older device.
    retired_fields: frozenset[str] = frozenset()

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.required) | frozenset(self.optional)

    def check(self, payload: Mapping[str, Any], strict: bool) -> None:
        """Raise Bad when the payload breaks the shape. ``strict`` (a change made here) also
        refuses keys and fields the shape does not know; a change from elsewhere may carry
        what a later version adds."""
        for key, rule in self.required.items():
            rule(payload.get(key), key)  # a missing key is told as what it must be
        for key, rule in self.optional.items():
            if key in payload and payload[key] is not None:
                rule(payload[key], key)
        if strict:
            unknown = set(payload) - self.keys
            if unknown:
                raise Bad(f"it has keys its kind does not: {', '.join(sorted(unknown))}")
        if self.fields is None:
            return
        values = payload.get("fields")
        if not isinstance(values, dict) or (self.at_least_one_field and not values):
            raise Bad("fields must be a mapping" + (" with at least one field"
                                                   if self.at_least_one_field else ""))
        for name, value in values.items():
            field_rule = self.fields.get(name)
            if field_rule is not None:
                field_rule(value, name)
            elif strict:
                raise Bad(f"{name} is not a field its kind can change")


# -- privacy ---------------------------------------------------------------------------------


class Wipe(Enum):
    """What ``kiosk wipe`` does with changes of a kind."""

    KEEP = "kept: it holds nobody's personal data (the event's shape)"
    REMOVE = "removed: it names, reaches or describes a person"


@dataclass(frozen=True)
class Privacy:
    """A kind's privacy class. Every key of its shape (and every field it can carry) is
    either kept or dropped by ``kiosk anonymise`` — a test proves none is left unsaid."""

    wipe: Wipe
    kept_keys: frozenset[str]
    dropped_keys: frozenset[str] = frozenset()
    kept_fields: frozenset[str] = frozenset()
    dropped_fields: frozenset[str] = frozenset()

    @property
    def classified_keys(self) -> frozenset[str]:
        """The payload keys this class says something about (``fields`` field by field)."""
        by_field = frozenset({"fields"}) if self.kept_fields or self.dropped_fields else \
            frozenset()
        return self.kept_keys | self.dropped_keys | by_field

    def anonymised(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The payload without what names, reaches or describes a person (unknown keys and
        fields from a later version go too: only what is known to be safe stays)."""
        kept = {key: value for key, value in payload.items() if key in self.kept_keys}
        if "fields" in payload and isinstance(payload["fields"], dict) \
                and "fields" not in self.kept_keys:
            kept["fields"] = {name: value for name, value in payload["fields"].items()
                              if name in self.kept_fields}
        return kept


# -- the audit trail --------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditLine:
    """A change as the audit trail tells it: an action, whom it concerns, a detail — ids and
    field names, never anyone's personal data."""

    action: str
    attendee_id: str
    detail: str = ""


# Resolves a check-in's change id to the attendee it checked in (for an undo's line).
CheckinOwner = Callable[[str], str]


def _no_audit(payload: Mapping[str, Any], owner: CheckinOwner) -> AuditLine | None:
    return None


def _no_one(payload: Mapping[str, Any]) -> tuple[str, ...]:
    return ()


# -- a kind -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindSpec:
    """Everything about one kind of change but how it is applied to the derived tables
    (that is SQL, in ``kiosk.store.appliers``, keyed by the same kind)."""

    kind: ChangeKind
    what: str  # what a change of this kind records, in words
    shape: Shape
    privacy: Privacy
    audit: Callable[[Mapping[str, Any], CheckinOwner], AuditLine | None] = _no_audit
    # The attendees a change names (the console follows their rows).
    names: Callable[[Mapping[str, Any]], tuple[str, ...]] = _no_one
    # The people it names must exist before it can be applied (a change from elsewhere that
    # names someone this file does not have waits for them).
    needs_people: bool = False
    voids_checkin: bool = False  # it undoes a check-in (named by ``target``)
    reshapes_workshops: bool = False  # workshops or doors come, go or change

    @property
    def audited(self) -> bool:
        """Whether the audit trail tells changes of this kind."""
        return self.audit is not _no_audit

    def problem(self, payload: Any, strict: bool = False) -> str | None:
        if not isinstance(payload, dict):
            return "its content is not a mapping"
        try:
            self.shape.check(payload, strict)
        except Bad as exc:
            return str(exc)
        return None

    def received(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A payload from elsewhere as this version keeps it: without retired fields."""
        values = payload.get("fields")
        retired = self.shape.retired_fields
        if not retired or not isinstance(values, dict) or retired.isdisjoint(values):
            return payload
        return {**payload, "fields": {name: value for name, value in values.items()
                                      if name not in retired}}

    def new(self, **payload: Any) -> NewChange:
        """A change of this kind, its payload exactly the keys given (Nones left out)."""
        return NewChange(self.kind, {key: value for key, value in payload.items()
                                     if value is not None})
