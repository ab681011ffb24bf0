"""Colours and type for the desk: WCAG AA contrast by default, and a high-contrast theme."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from kiosk.core.checkin_rules import Tone

# The sizes below are written for a system font of 10 pt; a larger system font (a visually
# impaired volunteer's setting, a high-DPI "large text" choice) makes everything larger.
_DESIGN_BASE_PT = 10.0


def scaled_font(points: float, bold: bool = False) -> QFont:
    """A font ``points`` large at the design size, scaled with the system's font size."""
    base = QApplication.font().pointSizeF() if QApplication.instance() else _DESIGN_BASE_PT
    font = QFont()
    font.setPointSizeF(points * max(1.0, base / _DESIGN_BASE_PT))
    font.setBold(bold)
    return font


@dataclass(frozen=True)
class ToneStyle:
    background: str
    foreground: str
    icon: str  # a symbol as well as the colour: never colour alone


@dataclass(frozen=True)
class Theme:
    name: str
    window: str
    text: str
    muted: str
    tones: dict[Tone, ToneStyle]
    idle: ToneStyle


# Each pair below has a contrast ratio of at least 4.5:1 (AA for normal text); the result
# text is large (24 pt and up), where AA asks for 3:1.
DEFAULT = Theme(
    name="default",
    window="#f7f7f5",
    text="#1b1b1b",
    muted="#4a4a4a",
    tones={
        Tone.GREEN: ToneStyle("#1b6e2d", "#ffffff", "✔"),
        Tone.AMBER: ToneStyle("#f2b705", "#1b1b1b", "!"),
        Tone.RED: ToneStyle("#b3261e", "#ffffff", "✖"),
    },
    idle=ToneStyle("#e4e8ee", "#1b1b1b", "▣"),
)

HIGH_CONTRAST = Theme(
    name="high-contrast",
    window="#000000",
    text="#ffffff",
    muted="#ffffff",
    tones={
        Tone.GREEN: ToneStyle("#00ff66", "#000000", "✔"),
        Tone.AMBER: ToneStyle("#ffff00", "#000000", "!"),
        Tone.RED: ToneStyle("#ff3b30", "#000000", "✖"),
    },
    idle=ToneStyle("#000000", "#ffffff", "▣"),
)

THEMES = {t.name: t for t in (DEFAULT, HIGH_CONTRAST)}


def relative_luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
