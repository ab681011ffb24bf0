"""The CUPS media option for a badge's page: a standard PWG size name, else a custom size."""

from __future__ import annotations

# Standard sizes that badge stock comes in, by (width, height) in mm, with their PWG names.
# A queue's driver knows these by name even where it has no custom sizes.
_STANDARD = {
    (105.0, 148.0): "iso_a6_105x148mm",
    (148.0, 210.0): "iso_a5_148x210mm",
    (210.0, 297.0): "iso_a4_210x297mm",
    (215.9, 279.4): "na_letter_8.5x11in",
    (101.6, 152.4): "na_index-4x6_4x6in",
}
_TOLERANCE_MM = 0.5


def media_option(width_mm: float, height_mm: float) -> str:
    """``-o media=…`` value for a page of this size (width across the feed, as the layout)."""
    for (width, height), name in _STANDARD.items():
        if abs(width - width_mm) <= _TOLERANCE_MM and abs(height - height_mm) <= _TOLERANCE_MM:
            return name
    return f"Custom.{width_mm:g}x{height_mm:g}mm"
