"""The change record of the event's log, its kinds, and a change about to be recorded."""

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
    FIND_ME_FAILED = "findme.failed"  # a self check-in "find me" that found nobody


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
    # Its author's Ed25519 signature (kiosk.core.change_signatures); "" on a change made
    # before changes were signed.
    signature: str = ""


@dataclass(frozen=True)
class NewChange:
    """A change made on this device, before the store gives it its id, device, sequence
    number and stamp. Made by the builders of ``kiosk.core.changes`` (one per kind)."""

    kind: ChangeKind
    payload: dict[str, Any]
