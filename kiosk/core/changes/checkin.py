"""Check-ins at the main desk or a workshop door, and their undoing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.core.changes.record import ChangeKind, NewChange
from kiosk.core.changes.spec import (
    AuditLine,
    CheckinOwner,
    KindSpec,
    Privacy,
    Shape,
    Wipe,
    an_id,
    id_or_none,
    text,
)
from kiosk.core.models import MAIN_CHECKPOINT_ID


def _checkin_line(payload: Mapping[str, Any], owner: CheckinOwner) -> AuditLine:
    action = "check-in by override" if payload.get("override") else "check-in"
    return AuditLine(action, str(payload.get("attendee_id", "")),
                     f"checkpoint {payload.get('checkpoint_id', MAIN_CHECKPOINT_ID)}, "
                     f"{payload.get('method', 'scan')}")


def _void_line(payload: Mapping[str, Any], owner: CheckinOwner) -> AuditLine:
    target = str(payload.get("target", ""))
    return AuditLine("check-in undone", owner(target), f"undid check-in {target}")


CHECKIN = KindSpec(
    ChangeKind.CHECKIN, "a person let in at a desk or a workshop door",
    Shape(required={"attendee_id": an_id, "at": text},
          optional={"checkpoint_id": id_or_none, "desk": text, "operator": text,
                    "method": text, "override": text}),
    Privacy(Wipe.REMOVE,
            kept_keys=frozenset({"attendee_id", "at", "checkpoint_id", "desk", "method",
                                 "override"}),
            dropped_keys=frozenset({"operator"})),
    audit=_checkin_line, names=lambda p: (str(p.get("attendee_id", "")),), needs_people=True)
VOID = KindSpec(
    ChangeKind.CHECKIN_VOID, "a check-in undone (it stays in the log)",
    Shape(required={"target": an_id, "at": text}, optional={"desk": text, "operator": text}),
    Privacy(Wipe.REMOVE, kept_keys=frozenset({"target", "at", "desk"}),
            dropped_keys=frozenset({"operator"})),
    audit=_void_line, voids_checkin=True)
SPECS = (CHECKIN, VOID)


def check_in(attendee_id: str, at: str, checkpoint_id: str = MAIN_CHECKPOINT_ID,
             desk: str = "", operator: str = "", method: str = "scan",
             override: str = "") -> NewChange:
    """``at`` is the desk's local time (ISO, to the second); ``override`` a supervisor's
    reason for letting someone in past a full workshop or a missing booking."""
    return CHECKIN.new(attendee_id=attendee_id, checkpoint_id=checkpoint_id, desk=desk,
                       operator=operator, at=at, method=method, override=override)


def undo(target: str, at: str, desk: str = "", operator: str = "") -> NewChange:
    return VOID.new(target=target, desk=desk, operator=operator, at=at)
