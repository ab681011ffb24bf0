"""Where badges go on a sheet, front and back, and where its cut marks are (millimetres)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.badges.layout import Flip, SheetLayout


@dataclass(frozen=True)
class Slot:
    """A badge's place on a sheet: its top-left corner from the page's top-left corner."""

    x: float
    y: float


@dataclass(frozen=True)
class Mark:
    """A cut mark: a short line from (x1, y1) to (x2, y2), from the page's top-left."""

    x1: float
    y1: float
    x2: float
    y2: float


def slots(sheet: SheetLayout) -> list[Slot]:
    """The front's slots, row by row from the top-left."""
    badge = sheet.badge.page
    return [
        Slot(
            sheet.left + column * (badge.width + sheet.gap_x),
            sheet.top + row * (badge.height + sheet.gap_y),
        )
        for row in range(sheet.rows)
        for column in range(sheet.columns)
    ]


def back_slots(sheet: SheetLayout, flip: Flip) -> list[Slot]:
    """Slot i on the back lies behind slot i on the front once the sheet is turned over."""
    badge = sheet.badge.page
    page = sheet.page
    if (flip is Flip.LONG_EDGE and page.height >= page.width) or (
        flip is Flip.SHORT_EDGE and page.width > page.height
    ):
        return [Slot(page.width - slot.x - badge.width, slot.y) for slot in slots(sheet)]
    return [Slot(slot.x, page.height - slot.y - badge.height) for slot in slots(sheet)]


def cut_marks(sheet: SheetLayout) -> list[Mark]:
    """Marks in the margins in line with every badge edge, clear of the badges."""
    if sheet.cut_marks is None:
        return []
    marks = sheet.cut_marks
    badge = sheet.badge.page
    xs = sorted({round(x, 4) for slot in slots(sheet) for x in (slot.x, slot.x + badge.width)})
    ys = sorted({round(y, 4) for slot in slots(sheet) for y in (slot.y, slot.y + badge.height)})
    top, bottom, left, right = ys[0], ys[-1], xs[0], xs[-1]
    result = []
    for x in xs:
        result.append(Mark(x, top - marks.offset - marks.length, x, top - marks.offset))
        result.append(Mark(x, bottom + marks.offset, x, bottom + marks.offset + marks.length))
    for y in ys:
        result.append(Mark(left - marks.offset - marks.length, y, left - marks.offset, y))
        result.append(Mark(right + marks.offset, y, right + marks.offset + marks.length, y))
    clipped = (_clipped(mark, sheet) for mark in result)
    return [mark for mark in clipped if mark is not None]


def _clipped(mark: Mark, sheet: SheetLayout) -> Mark | None:
    """The part of a mark on the page, if a useful length of it is (narrow margins)."""
    page = sheet.page
    x1, x2 = (max(0.0, min(page.width, x)) for x in (mark.x1, mark.x2))
    y1, y2 = (max(0.0, min(page.height, y)) for y in (mark.y1, mark.y2))
    if abs(x2 - x1) + abs(y2 - y1) < 1.0:
        return None
    return Mark(x1, y1, x2, y2)
