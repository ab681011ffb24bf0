"""A badge ready for a printer: its PDF, its page size and the resolution it was drawn for."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.refusal import Refusal


@dataclass(frozen=True)
class BadgeDocument:
    """One print job's pages. ``name`` is the job's document name: the spooler's job title
    and the PDF folder's file name, so it never holds personal data."""

    name: str
    pdf: bytes
    width_mm: float
    height_mm: float
    dpi: int = 300


class BadgeUnavailable(Refusal):
    """A job's badge cannot be made (the person or the layout is gone); the message says
    what to do, and the job fails with it."""
