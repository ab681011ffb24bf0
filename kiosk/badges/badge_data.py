"""What one badge shows: an attendee, the code for their QR, and the event."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.models import Attendee, Event


@dataclass(frozen=True)
class BadgeData:
    """One badge to print. ``code`` goes into the QR: a ticket code, or a public badge code."""

    attendee: Attendee
    code: str
    event: Event
