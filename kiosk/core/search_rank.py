"""Which search results come first: whole-word name matches, then names that start so."""

from __future__ import annotations

from kiosk.core.text import words


def rank_key(typed: list[str], first: str, last: str, badge: str) -> tuple[int, int, str]:
    """Sort key for a person found by the folded words ``typed``; lower sorts first."""
    names = words(f"{first} {last} {badge}")
    exact = sum(1 for w in typed if w in names)
    prefix = sum(1 for w in typed if any(n.startswith(w) for n in names))
    return (-exact, -prefix, f"{last} {first}".casefold())
