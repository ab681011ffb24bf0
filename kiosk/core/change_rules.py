"""What a well-formed change carries, kind by kind: checked where changes come in from
elsewhere (the hub taking a push, a desk taking a pull or a bundle), so one ill-formed change
from a faulty or hostile device can never stop every desk's sync or break what they show.

Only the keys the appliers and readers use are checked, and only their types and shapes;
keys a later version adds pass through untouched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.core.changes import ChangeKind
from kiosk.core.models import Status

# Longest text a change may hold in one field: an access need or a desk note is a sentence
# or two; a logo travels base64-encoded inside its own dict and is checked apart.
MAX_TEXT = 10_000
MAX_ID = 100
MAX_SERIAL = 1023
MAX_LOGO_CHARS = 1_000_000  # base64 of the 500 KB the console allows, with room

_HEX_KEY = re.compile(r"[0-9a-f]{64}")
_STATUSES = frozenset(s.value for s in Status)

_TEXT_FIELDS = frozenset({
    "external_ref", "external_barcode", "first_name", "last_name", "badge_name", "pronouns",
    "organisation", "email", "category", "desk_note", "access_needs", "import_key",
    "walkin_code",
})


@dataclass(frozen=True)
class LeftOut:
    """A change received from elsewhere and not taken in: which, from whom, and why (never
    its content)."""

    change_id: str
    device_id: str
    kind: str
    problem: str


class _Bad(Exception):
    """One reason a change cannot be taken in."""


def _text(value: Any, what: str, longest: int = MAX_TEXT) -> None:
    if not isinstance(value, str):
        raise _Bad(f"{what} must be text")
    if len(value) > longest:
        raise _Bad(f"{what} is longer than {longest:,} characters")


def _id(value: Any, what: str) -> None:
    _text(value, what, MAX_ID)
    if not value.strip():
        raise _Bad(f"{what} is empty")


def _optional_text(p: Mapping[str, Any], *keys: str) -> None:
    for key in keys:
        if key in p and p[key] is not None:
            _text(p[key], key)


def _texts(value: Any, what: str) -> None:
    if not isinstance(value, list):
        raise _Bad(f"{what} must be a list")
    for item in value:
        _text(item, f"an item of {what}", MAX_TEXT)


def _whole(value: Any, what: str, lowest: int, highest: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f"{what} must be a whole number")
    if value < lowest or (highest is not None and value > highest):
        raise _Bad(f"{what} is out of range")


def _attendee_field(name: str, value: Any) -> None:
    if name in _TEXT_FIELDS:
        _text(value, name)
    elif name == "status":
        if value not in _STATUSES:
            raise _Bad(f"status must be one of {', '.join(sorted(_STATUSES))}")
    elif name == "photo_consent":
        if value is not None and not isinstance(value, bool):
            raise _Bad("photo_consent must be true, false or empty")
    elif name == "first_name_only":
        if not isinstance(value, bool):
            raise _Bad("first_name_only must be true or false")
    elif name == "extra":
        if not isinstance(value, dict):
            raise _Bad("extra must be a mapping")
    elif name == "sessions":
        _texts(value, "sessions")
    elif name == "ticket_serial":
        _whole(value, "ticket_serial", 0, MAX_SERIAL)
    elif name == "merged_into" and value is not None:
        _id(value, "merged_into")


def _attendee(p: Mapping[str, Any]) -> None:
    _id(p.get("id"), "id")
    _optional_text(p, "base")
    fields = p.get("fields")
    if not isinstance(fields, dict):
        raise _Bad("fields must be a mapping")
    for name, value in fields.items():
        _attendee_field(name, value)


def _event(p: Mapping[str, Any]) -> None:
    fields = p.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise _Bad("fields must be a mapping with at least one field")
    for key, value in fields.items():
        if key in ("name", "date", "venue", "starts", "ends", "event_tag"):
            _text(value, key)
        elif key == "public_key":
            if not isinstance(value, str) or not _HEX_KEY.fullmatch(value):
                raise _Bad("public_key must be 64 hexadecimal characters")
        elif key in ("categories", "desks"):
            _texts(value, key)
        elif key == "category_colours":
            if not isinstance(value, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
                raise _Bad("category_colours must map names to colours")
        elif key == "logo" and value is not None:
            if not isinstance(value, dict):
                raise _Bad("logo must be a mapping or empty")
            _optional_text(value, "file_name", "media_type")
            if "data" in value:
                _text(value["data"], "the logo's data", MAX_LOGO_CHARS)


def _session(p: Mapping[str, Any]) -> None:
    _id(p.get("id"), "id")
    _text(p.get("name"), "name")
    _optional_text(p, "room", "starts", "ends")
    if p.get("capacity") is not None:
        _whole(p["capacity"], "capacity", 0)


def _checkpoint(p: Mapping[str, Any]) -> None:
    _id(p.get("id"), "id")
    _text(p.get("name"), "name")
    if p.get("session_id") is not None:
        _id(p["session_id"], "session_id")


def _removal(p: Mapping[str, Any]) -> None:
    _id(p.get("id"), "id")


def _checkin(p: Mapping[str, Any]) -> None:
    _id(p.get("attendee_id"), "attendee_id")
    _text(p.get("at"), "at")
    if p.get("checkpoint_id") is not None:
        _id(p["checkpoint_id"], "checkpoint_id")
    _optional_text(p, "desk", "operator", "method", "override")


def _void(p: Mapping[str, Any]) -> None:
    _id(p.get("target"), "target")
    _text(p.get("at"), "at")
    _optional_text(p, "desk", "operator")


def _printed(p: Mapping[str, Any]) -> None:
    _id(p.get("attendee_id"), "attendee_id")
    _text(p.get("at"), "at")
    _optional_text(p, "layout", "printer", "reprint_reason", "operator", "desk")


_RULES: dict[ChangeKind, Callable[[Mapping[str, Any]], None]] = {
    ChangeKind.EVENT_UPDATE: _event,
    ChangeKind.ATTENDEE_UPSERT: _attendee,
    ChangeKind.ATTENDEE_EDIT: _attendee,
    ChangeKind.WALKIN: _attendee,
    ChangeKind.ATTENDEE_MERGE: _attendee,
    ChangeKind.TICKET_REISSUE: _attendee,
    ChangeKind.SESSION_UPSERT: _session,
    ChangeKind.SESSION_REMOVE: _removal,
    ChangeKind.CHECKPOINT_UPSERT: _checkpoint,
    ChangeKind.CHECKPOINT_REMOVE: _removal,
    ChangeKind.CHECKIN: _checkin,
    ChangeKind.CHECKIN_VOID: _void,
    ChangeKind.BADGE_PRINTED: _printed,
}


def key_set_by(kind: ChangeKind, payload: Mapping[str, Any]) -> str | None:
    """The event public key a (well-formed) change sets, if it sets one."""
    if kind is not ChangeKind.EVENT_UPDATE:
        return None
    key = payload.get("fields", {}).get("public_key")
    return key if isinstance(key, str) else None


# The event's public key, which every desk checks tickets with, never changes once the event
# is made (the app has no way to change it): a change bringing another key is refused.
KEY_SWAP = "it would replace the event's ticket key, which never changes once the event is made"


def payload_problem(kind: ChangeKind, payload: Any) -> str | None:
    """Why a change of ``kind`` with this payload cannot be taken in, or None if it can."""
    if not isinstance(payload, dict):
        return "its content is not a mapping"
    try:
        _RULES[kind](payload)
    except _Bad as exc:
        return str(exc)
    return None
