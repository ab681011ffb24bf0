"""Badges to PDF: one badge a page for labels and cards, imposed on sheets for sheet layouts."""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Sequence
from typing import BinaryIO

from reportlab.lib.colors import black
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.badges.badge_data import BadgeData
from kiosk.badges.badge_drawing import draw_badge
from kiosk.badges.fonts import Weight, face_stack
from kiosk.badges.imposition import Slot, back_slots, cut_marks, slots
from kiosk.badges.layout import BadgeLayout, Layout, SheetLayout, Side
from kiosk.badges.layout_reader import LayoutError

log = logging.getLogger(__name__)

Output = str | os.PathLike[str] | BinaryIO


def render_badges(layout: Layout, badges: Sequence[BadgeData], out: Output) -> None:
    """Write the badges as one PDF to a path or a binary file.

    The PDF embeds subsets of its fonts and is reproducible: the same layout and badges
    give the same bytes. A double-sided layout gives each page a back.
    """
    if not badges:
        raise ValueError("no badges to render")
    try:
        _render(layout, badges, out)
    except (ValueError, TypeError, ArithmeticError) as error:
        if not _raised_in_reportlab(error):
            raise
        # ReportLab's own words ("_fp_one failed in _fp_str @ src/_rl_accel.c") help no
        # one at a desk: the details go to the log, the person is told what to look at.
        log.warning("ReportLab could not draw layout %s", layout.name, exc_info=error)
        raise LayoutError("", "the badges could not be drawn with this layout: a size, "
                          "position or width in it is beyond what a PDF page can hold. Check "
                          "its numbers (in millimetres; font sizes in points)",
                          layout.source) from None


def _raised_in_reportlab(error: BaseException) -> bool:
    frames = traceback.extract_tb(error.__traceback__)
    return any(f"{os.sep}reportlab{os.sep}" in frame.filename for frame in frames)


def _render(layout: Layout, badges: Sequence[BadgeData], out: Output) -> None:
    target = os.fspath(out) if isinstance(out, str | os.PathLike) else out
    page = layout.page
    canvas = Canvas(
        target,
        pagesize=(page.width * mm, page.height * mm),
        invariant=1,
        pageCompression=1,
        # ReportLab's default Helvetica would be listed, unembedded, in every PDF.
        initialFontName=face_stack(Weight.REGULAR)[0].name,
    )
    canvas.setTitle(f"Badges: {layout.title}")
    canvas.setCreator("kiosk")
    if isinstance(layout, SheetLayout):
        _sheets(canvas, layout, badges)
    else:
        _single(canvas, layout, badges)
    canvas.save()


def _single(canvas: Canvas, layout: BadgeLayout, badges: Sequence[BadgeData]) -> None:
    for badge in badges:
        draw_badge(canvas, layout, badge, side=Side.FRONT)
        canvas.showPage()
        if layout.double_sided is not None:
            draw_badge(canvas, layout, badge, side=Side.BACK)
            canvas.showPage()


def _sheets(canvas: Canvas, sheet: SheetLayout, badges: Sequence[BadgeData]) -> None:
    front = slots(sheet)
    back = back_slots(sheet, sheet.double_sided) if sheet.double_sided is not None else []
    for start in range(0, len(badges), sheet.per_page):
        batch = badges[start : start + sheet.per_page]
        _sheet_page(canvas, sheet, batch, front, Side.FRONT)
        if sheet.double_sided is not None:
            _sheet_page(canvas, sheet, batch, back, Side.BACK)


def _sheet_page(
    canvas: Canvas,
    sheet: SheetLayout,
    batch: Sequence[BadgeData],
    places: list[Slot],
    side: Side,
) -> None:
    _draw_cut_marks(canvas, sheet)
    badge_height = sheet.badge.page.height
    for badge, slot in zip(batch, places, strict=False):
        origin = (slot.x * mm, (sheet.page.height - slot.y - badge_height) * mm)
        draw_badge(canvas, sheet.badge, badge, origin, side)
    canvas.showPage()


def _draw_cut_marks(canvas: Canvas, sheet: SheetLayout) -> None:
    if sheet.cut_marks is None:
        return
    canvas.saveState()
    canvas.setStrokeColor(black)
    canvas.setLineWidth(sheet.cut_marks.width)
    height = sheet.page.height
    for mark in cut_marks(sheet):
        canvas.line(mark.x1 * mm, (height - mark.y1) * mm, mark.x2 * mm, (height - mark.y2) * mm)
    canvas.restoreState()
