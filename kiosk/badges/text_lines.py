"""One line of badge text laid out: runs shaped, put in visual order, measured in em."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kiosk.badges.bidi_levels import visual_order
from kiosk.badges.font_runs import runs
from kiosk.badges.fonts import Weight, face_stack
from kiosk.badges.shaping import Ink, ShapedRun, shape

ELLIPSIS = "\u2026"
_BREAK_AFTER = frozenset("-\u2010\u2013/")


@dataclass(frozen=True)
class ShapedLine:
    """A line at size 1: its runs with their x offsets, left to right, and its extents in em."""

    text: str
    runs: tuple[tuple[float, ShapedRun], ...]
    advance: float
    ink: Ink | None
    ascender: float
    descender: float

    @property
    def width(self) -> float:
        """The width the line needs so that neither its advance nor its ink leaves the box."""
        if self.ink is None:
            return self.advance
        return max(self.advance, self.ink.right) - min(0.0, self.ink.left)


@lru_cache(maxsize=16384)
def shape_line(text: str, weight: Weight, paragraph_level: int) -> ShapedLine:
    """Lay out one line of printable text."""
    text_runs = runs(text, weight, paragraph_level)
    shaped = [shape(run) for run in text_runs]
    ordered = visual_order(shaped, [run.level for run in text_runs])
    placed: list[tuple[float, ShapedRun]] = []
    ink: Ink | None = None
    pen = 0.0
    for run in ordered:
        placed.append((pen, run))
        if run.ink is not None:
            ink = run.ink.shifted(pen).union(ink)
        pen += run.advance
    # Every line takes its nominal height from the first face, so that a name in Arabic
    # (whose font reserves room for stacked marks) is set as large as one in Latin; the
    # ink of the glyphs, not the font's reserve, keeps the text inside its box.
    primary = face_stack(weight)[0]
    return ShapedLine(
        text=text,
        runs=tuple(placed),
        advance=pen,
        ink=ink,
        ascender=primary.ascender,
        descender=primary.descender,
    )


@dataclass(frozen=True)
class Token:
    """A piece of text that a line may not break inside, and whether a space precedes it."""

    text: str
    spaced: bool


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Token, ...]:
    """Break opportunities: spaces, after hyphens and slashes, between CJK characters."""
    result: list[Token] = []
    for word in text.split(" "):
        if not word:
            continue
        spaced = bool(result)
        piece = ""
        for char in word:
            breakable = piece and (
                _is_cjk(char) or _is_cjk(piece[-1]) or piece[-1] in _BREAK_AFTER
            )
            if breakable and not unicodedata.category(char).startswith(("M", "P")):
                result.append(Token(piece, spaced))
                spaced = False
                piece = ""
            piece += char
        if piece:
            result.append(Token(piece, spaced))
    return tuple(result)


def join(pieces: list[Token]) -> str:
    text = ""
    for token in pieces:
        text += (" " if token.spaced and text else "") + token.text
    return text


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # kana
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
    )
