"""Every kind of change in the event's log, each in its one home.

A kind's module (``attendee``, ``checkin``, ``badge``, ``workshop``, ``event``,
``self_checkin``) holds its payload's shape and the builder that makes one, its validation
(run when a change is made here and when one arrives from elsewhere), its audit wording,
what it says about whom it touches, and its privacy class (what a wipe removes, what
anonymising keeps). How a kind is applied to the derived tables is SQL, in
``kiosk.store.appliers``, keyed by the same kind;
``tests/unit/core/test_change_kinds.py`` proves every kind complete and classified.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from kiosk.core.changes import attendee, badge, checkin, event, self_checkin, workshop
from kiosk.core.changes.event import KEY_SWAP, key_set_by
from kiosk.core.changes.record import Change, ChangeKind, NewChange
from kiosk.core.changes.spec import AuditLine, KindSpec, Privacy, Wipe

KINDS: dict[ChangeKind, KindSpec] = {
    spec.kind: spec
    for spec in (*event.SPECS, *attendee.SPECS, *workshop.SPECS, *checkin.SPECS,
                 *badge.SPECS, *self_checkin.SPECS)
}

__all__ = ["KEY_SWAP", "KINDS", "AuditLine", "Change", "ChangeKind", "KindSpec", "LeftOut",
           "NewChange", "Privacy", "Wipe", "as_received", "attendee", "badge", "checkin",
           "event", "key_set_by", "payload_problem", "self_checkin", "workshop"]


def as_received(change: Change) -> Change:
    """A change from another device as this version keeps it (retired fields left out)."""
    payload = KINDS[change.kind].received(change.payload)
    return change if payload is change.payload else replace(change, payload=payload)


def payload_problem(kind: ChangeKind, payload: Any, strict: bool = False) -> str | None:
    """Why a change of ``kind`` with this payload cannot be taken in (or, ``strict``, made
    here), or None if it can."""
    return KINDS[kind].problem(payload, strict)


@dataclass(frozen=True)
class LeftOut:
    """A change received from elsewhere and not taken in: which, from whom, and why (never
    its content)."""

    change_id: str
    device_id: str
    kind: str
    problem: str
