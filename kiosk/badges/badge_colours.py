"""The colour an element prints in on one badge: the event's category colours, the layout's,
and black or white for text that sits on them."""

from __future__ import annotations

import re
from functools import lru_cache

from kiosk.badges.layout import Colour
from kiosk.core.models import Event

_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def colour_on_badge(colour: Colour, category: str, event: Event) -> str:
    """``colour`` as "#rrggbb" for an attendee of ``category`` at ``event``.

    A colour the layout gives by category takes the event's colour for that category when
    the organisers set one (it is this event's choice; a layout serves many events); a
    plain colour in the layout is pinned, so a black-only label printer stays black.
    """
    if colour.on is not None:
        return readable_on(colour_on_badge(colour.on, category, event))
    if colour.per_category:
        chosen = event.colour_of(category)
        # The value came through sync; one that is not a colour must not stop a badge.
        if _HEX.fullmatch(chosen):
            return chosen.lower()
    return colour.for_category(category)


@lru_cache(maxsize=256)
def readable_on(background: str) -> str:
    """Black or white, whichever has the higher contrast on ``background`` (WCAG 2)."""
    # (L + 0.05) / 0.05 against black beats 1.05 / (L + 0.05) against white exactly
    # when (L + 0.05)² ≥ 0.0525, i.e. for a relative luminance L of about 0.18 or more.
    lightness = relative_luminance(background)
    return "#000000" if (lightness + 0.05) ** 2 >= 1.05 * 0.05 else "#ffffff"


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of "#rrggbb": 0 for black, 1 for white."""
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
