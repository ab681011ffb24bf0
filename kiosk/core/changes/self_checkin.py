"""A self check-in kiosk's "find me" that found nobody: counted for the organisers, never
what was typed."""

from __future__ import annotations

from kiosk.core.changes.record import ChangeKind, NewChange
from kiosk.core.changes.spec import KindSpec, Privacy, Shape, Wipe, text

# Shared through the log (not kept in the kiosk's own settings) so the organisers'
# dashboard sees every kiosk's failures once they sync, and so pulling a kiosk's plug does
# not reset its slow-down. The payload is where and when, never the name or detail typed.
FIND_ME_FAILED = KindSpec(
    ChangeKind.FIND_ME_FAILED, "a self check-in find-me that checked nobody in",
    Shape(required={"desk": text, "at": text}),
    Privacy(Wipe.KEEP, kept_keys=frozenset({"desk", "at"})))
SPECS = (FIND_ME_FAILED,)


def find_me_failed(desk: str, at: str) -> NewChange:
    """``at`` is the kiosk's local time (ISO, to the second)."""
    return FIND_ME_FAILED.new(desk=desk, at=at)
