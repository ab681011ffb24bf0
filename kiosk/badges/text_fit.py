"""Fitting text into its box: shrink down to the minimum size, then wrap, then ellipsise.

The result never leaves the box: sizes are chosen from the real ink of the shaped glyphs as
well as the fonts' ascenders and descenders, and lines are nudged back inside if a glyph's
ink overhangs its advance.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from kiosk.badges.bidi_levels import base_level
from kiosk.badges.font_runs import clusters
from kiosk.badges.fonts import Weight
from kiosk.badges.shaping import Ink, ShapedRun
from kiosk.badges.text_lines import ELLIPSIS, ShapedLine, Token, join, shape_line, tokens

_SHRINK_MARGIN = 1 - 1e-6
_SEARCH_STEPS = 12


class Fit(StrEnum):
    SHRINK = "shrink"
    WRAP = "wrap"


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"
    START = "start"  # left for left-to-right text, right for right-to-left
    END = "end"


class VAlign(StrEnum):
    TOP = "top"
    MIDDLE = "middle"
    BOTTOM = "bottom"


@dataclass(frozen=True)
class TextStyle:
    """How a text element's text is set: sizes in points, line height as a share of the size."""

    weight: Weight = Weight.REGULAR
    size: float = 12.0
    min_size: float = 12.0
    fit: Fit = Fit.SHRINK
    max_lines: int = 1
    align: Align = Align.CENTER
    valign: VAlign = VAlign.MIDDLE
    line_height: float = 1.15


@dataclass(frozen=True)
class PlacedRun:
    """A shaped run at its place: x of its origin and y of its baseline, in points."""

    x: float
    baseline: float
    run: ShapedRun


@dataclass(frozen=True)
class FittedText:
    """Text set in a box whose bottom-left corner is (0, 0), y upwards, in points."""

    size: float
    lines: tuple[str, ...]
    runs: tuple[PlacedRun, ...]
    ink: Ink | None
    ellipsised: bool


@lru_cache(maxsize=4096)
def fit_text(text: str, style: TextStyle, width: float, height: float) -> FittedText | None:
    """Set printable ``text`` in a width x height box (points); None if there is nothing to set."""
    if not text or width <= 0 or height <= 0:
        return None
    setter = _Setter(text, style, width, height)
    return setter.fit()


class _Setter:
    def __init__(self, text: str, style: TextStyle, width: float, height: float) -> None:
        self.text = text
        self.style = style
        self.width = width
        self.height = height
        self.level = base_level(text)

    def line(self, text: str) -> ShapedLine:
        return shape_line(text, self.style.weight, self.level)

    def fit(self) -> FittedText:
        style = self.style
        single = [self.line(self.text)]
        by_width = self.width / max(single[0].width, 1e-9)
        if min(style.size, by_width) >= style.min_size:
            return self.place(single, min(style.size, self.largest_size(single)), False)
        if style.fit is Fit.WRAP and style.max_lines > 1:
            wrapped = self.wrap()
            if wrapped is not None:
                return self.place(wrapped, min(style.size, self.largest_size(wrapped)), False)
        lines = self.ellipsised()
        return self.place(lines, min(style.min_size, self.largest_size(lines)), True)

    def largest_size(self, lines: list[ShapedLine]) -> float:
        widest = max(line.width for line in lines)
        top, bottom = self.block_extent(lines)
        by_width = self.width / widest if widest > 0 else float("inf")
        by_height = self.height / (top - bottom) if top > bottom else float("inf")
        return min(by_width, by_height) * _SHRINK_MARGIN

    def block_extent(self, lines: list[ShapedLine]) -> tuple[float, float]:
        """Top and bottom of the lines in em, the first baseline at 0: fonts' or ink's."""
        pitch = self.style.line_height
        top = lines[0].ascender
        bottom = -(len(lines) - 1) * pitch + lines[-1].descender
        for index, line in enumerate(lines):
            if line.ink is not None:
                top = max(top, line.ink.top - index * pitch)
                bottom = min(bottom, line.ink.bottom - index * pitch)
        return top, bottom

    def nominal_extent(self, lines: list[ShapedLine]) -> tuple[float, float]:
        pitch = self.style.line_height
        return lines[0].ascender, -(len(lines) - 1) * pitch + lines[-1].descender

    def wrap(self) -> list[ShapedLine] | None:
        """Lines at the largest size from the minimum up that fits in at most max_lines."""
        pieces = tokens(self.text)
        low = self.style.min_size
        best = self.wrapped_at(pieces, low)
        if best is None:
            return None
        high = self.style.size
        at_high = self.wrapped_at(pieces, high)
        if at_high is not None:
            return at_high
        for _ in range(_SEARCH_STEPS):
            middle = (low + high) / 2
            lines = self.wrapped_at(pieces, middle)
            if lines is None:
                high = middle
            else:
                low, best = middle, lines
        return best

    def wrapped_at(self, pieces: tuple[Token, ...], size: float) -> list[ShapedLine] | None:
        limit = self.width / size
        lines: list[ShapedLine] = []
        current: list[Token] = []
        for token in pieces:
            candidate = [*current, token]
            if self.line(join(candidate)).width <= limit:
                current = candidate
                continue
            if not current or len(lines) == self.style.max_lines - 1:
                return None
            lines.append(self.line(join(current)))
            current = [Token(token.text, False)]
            if self.line(token.text).width > limit:
                return None
        if current:
            lines.append(self.line(join(current)))
        if len(lines) > self.style.max_lines or self.largest_size(lines) < size:
            return None
        return lines

    def ellipsised(self) -> list[ShapedLine]:
        """The last resort at the minimum size: break anywhere, end the last line with '…'."""
        limit = self.width / self.style.min_size
        allowed = self.style.max_lines if self.style.fit is Fit.WRAP else 1
        while allowed > 1:
            top, bottom = self.nominal_extent([self.line(self.text)] * allowed)
            if (top - bottom) * self.style.min_size <= self.height:
                break
            allowed -= 1
        rest = list(tokens(self.text))
        lines: list[ShapedLine] = []
        while len(lines) < allowed - 1 and rest:
            taken, rest = self.take_line(rest, limit)
            lines.append(self.line(taken))
        if rest:
            lines.append(self.truncated(join(rest), limit))
        return lines

    def take_line(self, pieces: list[Token], limit: float) -> tuple[str, list[Token]]:
        count = 0
        width = 0.0
        while count < len(pieces) and width <= limit:
            # A line grows a token at a time; once it is far past the limit, stop shaping.
            width = self.line(join(pieces[: count + 1])).width
            if width <= limit:
                count += 1
        if count:
            rest = pieces[count:]
            if rest:
                rest[0] = Token(rest[0].text, False)
            return join(pieces[:count]), rest
        # One piece wider than the line: break it between characters.
        chars = clusters(pieces[0].text)
        fitting = 1
        while fitting < len(chars) and self.line("".join(chars[: fitting + 1])).width <= limit:
            fitting += 1
        head, tail = "".join(chars[:fitting]), "".join(chars[fitting:])
        rest = ([Token(tail, False)] if tail else []) + pieces[1:]
        if rest:
            rest[0] = Token(rest[0].text, False)
        return head, rest

    def truncated(self, text: str, limit: float) -> ShapedLine:
        whole = self.line(text)
        if whole.width <= limit:
            return whole
        chars = clusters(text)
        low, high = 0, len(chars)
        while low < high:
            middle = (low + high + 1) // 2
            if self.line(self.with_ellipsis(chars, middle)).width <= limit:
                low = middle
            else:
                high = middle - 1
        return self.line(self.with_ellipsis(chars, low))

    @staticmethod
    def with_ellipsis(chars: list[str], count: int) -> str:
        return "".join(chars[:count]).rstrip() + ELLIPSIS

    def place(self, lines: list[ShapedLine], size: float, ellipsised: bool) -> FittedText:
        style = self.style
        pitch = style.line_height * size
        nominal_top, nominal_bottom = self.nominal_extent(lines)
        if style.valign is VAlign.TOP:
            first = self.height - nominal_top * size
        elif style.valign is VAlign.BOTTOM:
            first = -nominal_bottom * size
        else:
            first = self.height / 2 - (nominal_top + nominal_bottom) / 2 * size
        ink_top, ink_bottom = self.block_extent(lines)
        first -= max(0.0, first + ink_top * size - self.height)
        first += max(0.0, -(first + ink_bottom * size))
        placed: list[PlacedRun] = []
        ink: Ink | None = None
        for index, line in enumerate(lines):
            baseline = first - index * pitch
            x = self.line_x(line, size)
            for offset, run in line.runs:
                placed.append(PlacedRun(x + offset * size, baseline, run))
            if line.ink is not None:
                ink = line.ink.scaled(size).shifted(x, baseline).union(ink)
        return FittedText(size, tuple(line.text for line in lines), tuple(placed), ink, ellipsised)

    def line_x(self, line: ShapedLine, size: float) -> float:
        align = self.style.align
        if align is Align.START:
            align = Align.RIGHT if self.level % 2 else Align.LEFT
        elif align is Align.END:
            align = Align.LEFT if self.level % 2 else Align.RIGHT
        advance = line.advance * size
        if align is Align.LEFT:
            x = 0.0
        elif align is Align.RIGHT:
            x = self.width - advance
        else:
            x = (self.width - advance) / 2
        if line.ink is not None:
            x -= max(0.0, x + line.ink.right * size - self.width)
            x += max(0.0, -(x + line.ink.left * size))
        return x
