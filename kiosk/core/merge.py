"""How concurrent writes to one attendee field are resolved, whatever order they arrive in.

Each field has two lanes, each keeping only its latest write:

* the *source* lane — the organisers' registration file: ``[value, hlc, base]``, where
  ``base`` is the stamp of the organisers' previous import;
* the *desk* lane — corrections made at a desk or in the console: ``[value, hlc]``.

The desk value shows when it was written after the import the current source value was
based on (so a re-import never overwrites a field edited at a desk since the previous
import); otherwise the source value shows. Both lanes keep a maximum, and the visible
value is a function of the two maxima, so applying writes is idempotent and commutative.
"""

from __future__ import annotations

from typing import Any

SourceWrite = list[Any]  # [value, hlc, base]
DeskWrite = list[Any]  # [value, hlc]


def newer(current: list[Any] | None, candidate: list[Any]) -> bool:
    """Whether ``candidate`` replaces ``current`` in its lane (later stamp wins)."""
    return current is None or candidate[1] > current[1]


def visible(source: SourceWrite | None, desk: DeskWrite | None) -> tuple[bool, Any]:
    """The value a field shows: ``(found, value)``; ``found`` is False when neither lane has one."""
    if desk is not None and (source is None or desk[1] > source[2]):
        return True, desk[0]
    if source is not None:
        return True, source[0]
    return False, None
