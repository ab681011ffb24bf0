"""Kinds of change in the event's log, and the change record itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ChangeKind(StrEnum):
    """Every way shared event data can change; local data (print jobs, settings) is not here."""

    EVENT_UPDATE = "event.update"
    ATTENDEE_UPSERT = "attendee.upsert"  # from the organisers' registration file
    ATTENDEE_EDIT = "attendee.edit"  # a correction made at a desk or in the console
    WALKIN = "walkin"
    ATTENDEE_MERGE = "attendee.merge"
    SESSION_UPSERT = "session.upsert"
    SESSION_REMOVE = "session.remove"  # a workshop taken out of the event (organisers)
    CHECKPOINT_UPSERT = "checkpoint.upsert"
    CHECKPOINT_REMOVE = "checkpoint.remove"
    CHECKIN = "checkin"
    CHECKIN_VOID = "checkin.void"
    BADGE_PRINTED = "badge.printed"
    TICKET_REISSUE = "ticket.reissue"


@dataclass(frozen=True)
class Change:
    """One entry of the append-only change log."""

    change_id: str
    device_id: str
    device_seq: int
    hlc: str
    kind: ChangeKind
    payload: dict[str, Any] = field(default_factory=dict)
    hub_seq: int | None = None
