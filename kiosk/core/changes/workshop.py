"""Workshops and the checkpoints at their doors: added or changed, and taken out."""

from __future__ import annotations

from kiosk.core.changes.record import ChangeKind, NewChange
from kiosk.core.changes.spec import (
    KindSpec,
    Privacy,
    Shape,
    Wipe,
    an_id,
    id_or_none,
    text,
    whole_or_none,
)

SESSION_UPSERT = KindSpec(
    ChangeKind.SESSION_UPSERT, "a workshop added or changed",
    Shape(required={"id": an_id, "name": text},
          optional={"room": text, "starts": text, "ends": text,
                    "capacity": whole_or_none(0)}),
    Privacy(Wipe.KEEP, kept_keys=frozenset({"id", "name", "room", "starts", "ends",
                                            "capacity"})),
    reshapes_workshops=True)
SESSION_REMOVE = KindSpec(
    ChangeKind.SESSION_REMOVE, "a workshop taken out of the event (with its doors)",
    Shape(required={"id": an_id}), Privacy(Wipe.KEEP, kept_keys=frozenset({"id"})),
    reshapes_workshops=True)
CHECKPOINT_UPSERT = KindSpec(
    ChangeKind.CHECKPOINT_UPSERT, "a checkpoint (a workshop's door) added or changed",
    Shape(required={"id": an_id, "name": text}, optional={"session_id": id_or_none}),
    Privacy(Wipe.KEEP, kept_keys=frozenset({"id", "name", "session_id"})),
    reshapes_workshops=True)
CHECKPOINT_REMOVE = KindSpec(
    ChangeKind.CHECKPOINT_REMOVE, "a checkpoint taken out",
    Shape(required={"id": an_id}), Privacy(Wipe.KEEP, kept_keys=frozenset({"id"})),
    reshapes_workshops=True)
SPECS = (SESSION_UPSERT, SESSION_REMOVE, CHECKPOINT_UPSERT, CHECKPOINT_REMOVE)


def workshop(session_id: str, name: str, room: str = "", starts: str = "", ends: str = "",
             capacity: int | None = None) -> NewChange:
    return NewChange(ChangeKind.SESSION_UPSERT, {
        "id": session_id, "name": name, "room": room, "starts": starts, "ends": ends,
        "capacity": capacity})


def workshop_removed(session_id: str) -> NewChange:
    return SESSION_REMOVE.new(id=session_id)


def checkpoint(checkpoint_id: str, name: str, session_id: str | None = None) -> NewChange:
    return NewChange(ChangeKind.CHECKPOINT_UPSERT, {"id": checkpoint_id, "name": name,
                                                    "session_id": session_id})


def checkpoint_removed(checkpoint_id: str) -> NewChange:
    return CHECKPOINT_REMOVE.new(id=checkpoint_id)
