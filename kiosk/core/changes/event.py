"""Changes to the event itself: its name, date, venue, logo, categories (their colours,
badge labels, which are discreet, which ticket types go to them), the desks expected, and
its ticket key (set once, when the event is made)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.core.changes.record import ChangeKind, NewChange
from kiosk.core.changes.spec import (
    HEX_KEY,
    MAX_LOGO_CHARS,
    Bad,
    KindSpec,
    Privacy,
    Rule,
    Shape,
    Wipe,
    text,
    texts,
)


def _public_key(value: Any, what: str) -> None:
    if not isinstance(value, str) or not HEX_KEY.fullmatch(value):
        raise Bad(f"{what} must be 64 hexadecimal characters")


def _public_keys(value: Any, what: str) -> None:
    if not isinstance(value, list):
        raise Bad(f"{what} must be a list")
    for item in value:
        _public_key(item, f"an item of {what}")


def _codes(value: Any, what: str) -> None:
    if not isinstance(value, list) or len(value) > MAX_WITHDRAWN_CODES:
        raise Bad(f"{what} must be a list of at most {MAX_WITHDRAWN_CODES:,} codes")
    for item in value:
        text(item, f"an item of {what}", MAX_CODE)


def _colours(value: Any, what: str) -> None:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise Bad(f"{what} must map names to colours")


def _names_to_texts(value: Any, what: str) -> None:
    if not isinstance(value, dict):
        raise Bad(f"{what} must map category names to text")
    for key, item in value.items():
        text(key, f"a name in {what}")
        text(item, f"an item of {what}")


def _logo(value: Any, what: str) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        raise Bad(f"{what} must be a mapping or empty")
    for key in ("file_name", "media_type"):
        if value.get(key) is not None:
            text(value[key], key)
    if "data" in value:
        text(value["data"], "the logo's data", MAX_LOGO_CHARS)


# Codes withdrawn by the registration system, as one list each (a list travels whole).
MAX_WITHDRAWN_CODES = 50_000
MAX_CODE = 1_000  # a pretix signed secret is some 110 characters

FIELDS: dict[str, Rule] = {
    **{name: text for name in ("name", "date", "venue", "starts", "ends", "event_tag")},
    "public_key": _public_key,
    "categories": texts,
    "desks": texts,
    "category_colours": _colours,
    # The organisers' words for each category: what its badges print ("" prints nothing),
    # the categories never named at a desk or to others, and where each ticket type goes.
    "category_labels": _names_to_texts,
    "discreet_categories": texts,
    "ticket_types": _names_to_texts,
    "logo": _logo,
    # From the registration system (kiosk.connectors): pretix's keys for its signed ticket
    # secrets (hex, checked offline at every desk), and the codes it has revoked (re-issued,
    # cancelled) or blocked, which no desk may admit.
    "pretix_keys": _public_keys,
    "revoked_codes": _codes,
    "blocked_codes": _codes,
}

UPDATE = KindSpec(
    ChangeKind.EVENT_UPDATE, "the event's details, categories or desks",
    Shape(required={"fields": lambda value, what: None}, fields=FIELDS, at_least_one_field=True),
    Privacy(Wipe.KEEP, kept_keys=frozenset({"fields"}),
            kept_fields=frozenset(FIELDS)),
    reshapes_workshops=False)
SPECS = (UPDATE,)


def update(**fields: Any) -> NewChange:
    """Some of the event's fields (``name=…``, ``categories=[…]``, …)."""
    return UPDATE.new(fields=fields)


def key_set_by(kind: ChangeKind, payload: Mapping[str, Any]) -> str | None:
    """The event public key a (well-formed) change sets, if it sets one."""
    if kind is not ChangeKind.EVENT_UPDATE:
        return None
    key = payload.get("fields", {}).get("public_key")
    return key if isinstance(key, str) else None


# The event's public key, which every desk checks tickets with, never changes once the event
# is made (the app has no way to change it): a change bringing another key is refused.
KEY_SWAP = "it would replace the event's ticket key, which never changes once the event is made"
