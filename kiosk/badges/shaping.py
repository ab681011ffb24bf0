"""Text runs shaped by HarfBuzz into positioned glyphs with their ink, measured in em."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import uharfbuzz as hb

from kiosk.badges.font_runs import TextRun
from kiosk.badges.fonts import FAUX_BOLD_STROKE, Face

_FLAGS = hb.BufferFlags.REMOVE_DEFAULT_IGNORABLES | hb.BufferFlags.DO_NOT_INSERT_DOTTED_CIRCLE


@dataclass(frozen=True)
class Ink:
    """A box that holds the ink of some glyphs; y grows upwards from the baseline."""

    left: float
    bottom: float
    right: float
    top: float

    def shifted(self, dx: float, dy: float = 0.0) -> Ink:
        return Ink(self.left + dx, self.bottom + dy, self.right + dx, self.top + dy)

    def scaled(self, factor: float) -> Ink:
        return Ink(self.left * factor, self.bottom * factor, self.right * factor, self.top * factor)

    def union(self, other: Ink | None) -> Ink:
        if other is None:
            return self
        return Ink(
            min(self.left, other.left),
            min(self.bottom, other.bottom),
            max(self.right, other.right),
            max(self.top, other.top),
        )


@dataclass(frozen=True)
class Glyph:
    """One glyph: the character ReportLab draws it by, and where, in em from the run origin."""

    char: str
    x: float
    y: float
    advance: float


@dataclass(frozen=True)
class ShapedRun:
    """A run's glyphs in visual order, its advance and its ink."""

    face: Face
    glyphs: tuple[Glyph, ...]
    advance: float
    ink: Ink | None


@lru_cache(maxsize=16384)
def shape(run: TextRun) -> ShapedRun:
    """Shape one run (HarfBuzz gives right-to-left runs in visual order already)."""
    face = run.face
    buffer = hb.Buffer()
    buffer.add_str(run.text)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if run.rtl else "ltr"
    buffer.flags = _FLAGS
    hb.shape(face.hb_font, buffer)
    scale = 1.0 / face.upem
    glyphs: list[Glyph] = []
    ink: Ink | None = None
    pen = 0.0
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
        gid = info.codepoint
        char = face.char_for_glyph(gid) if gid else ""
        x = pen + position.x_offset * scale
        y = position.y_offset * scale
        if char:
            glyphs.append(Glyph(char, x, y, _advance(face, gid)))
            glyph_ink = _glyph_ink(face, gid)
            if glyph_ink is not None:
                ink = glyph_ink.shifted(x, y).union(ink)
        pen += position.x_advance * scale
    return ShapedRun(face, tuple(glyphs), pen, ink)


@lru_cache(maxsize=65536)
def _advance(face: Face, gid: int) -> float:
    return face.hb_font.get_glyph_h_advance(gid) / face.upem


@lru_cache(maxsize=65536)
def _glyph_ink(face: Face, gid: int) -> Ink | None:
    extents = face.hb_font.get_glyph_extents(gid)
    if extents is None or extents.width == 0 or extents.height == 0:
        return None
    scale = 1.0 / face.upem
    left = extents.x_bearing * scale
    top = extents.y_bearing * scale
    ink = Ink(left, top + extents.height * scale, left + extents.width * scale, top)
    if face.faux_bold:
        grow = FAUX_BOLD_STROKE / 2
        ink = Ink(ink.left - grow, ink.bottom - grow, ink.right + grow, ink.top + grow)
    return ink
