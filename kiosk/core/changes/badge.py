"""A badge the printer took: every desk then knows it exists, and a second is a reprint."""

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
    text,
)


def _printed_line(payload: Mapping[str, Any], owner: CheckinOwner) -> AuditLine:
    return AuditLine("badge reprinted" if payload.get("reprint_reason") else "badge printed",
                     str(payload.get("attendee_id", "")))


PRINTED = KindSpec(
    ChangeKind.BADGE_PRINTED, "a badge accepted by a printer",
    Shape(required={"attendee_id": an_id, "at": text},
          optional={"layout": text, "printer": text, "reprint_reason": text,
                    "operator": text, "desk": text}),
    Privacy(Wipe.REMOVE,
            kept_keys=frozenset({"attendee_id", "at", "layout", "printer", "reprint_reason",
                                 "desk"}),
            dropped_keys=frozenset({"operator"})),
    audit=_printed_line, names=lambda p: (str(p.get("attendee_id", "")),), needs_people=True)
SPECS = (PRINTED,)


def badge_printed(attendee_id: str, at: str, layout: str, printer: str,
                  reprint_reason: str = "", operator: str = "") -> NewChange:
    return PRINTED.new(attendee_id=attendee_id, layout=layout, printer=printer,
                       reprint_reason=reprint_reason, operator=operator, at=at)
