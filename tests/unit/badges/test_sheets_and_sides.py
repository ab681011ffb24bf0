"""Sheets: slots, cut marks, mirrored backs; double-sided badges; previews."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest
import zxingcpp
from badge_raster import PIXELS_PER_MM, PRINTER_DPI, ink_bounds, pages
from PIL import Image

from kiosk.badges import (
    BadgeData,
    BadgeLayout,
    SheetLayout,
    load_layout,
    render_badges,
    render_preview_png,
)
from kiosk.badges.imposition import back_slots, cut_marks, slots
from kiosk.badges.layout import Flip
from kiosk.bench.badges import sample_badges

DATA = Path(__file__).parents[2] / "data" / "badges"


def sheet(name: str) -> SheetLayout:
    layout = load_layout(name)
    assert isinstance(layout, SheetLayout)
    return layout


def test_slots_fill_the_sheet_row_by_row_within_the_page() -> None:
    a4 = sheet("a4-8up-90x55")
    places = slots(a4)
    assert len(places) == 8
    assert (places[0].x, places[0].y) == (15.0, 38.5)
    assert (places[1].x, places[1].y) == (105.0, 38.5)
    assert (places[7].x, places[7].y) == (105.0, 203.5)
    assert places[7].y + 55 <= 297


def test_cut_marks_line_up_with_badge_edges_outside_the_badges() -> None:
    a4 = sheet("a4-8up-90x55")
    marks = cut_marks(a4)
    vertical = {mark.x1 for mark in marks if mark.x1 == mark.x2}
    horizontal = {mark.y1 for mark in marks if mark.y1 == mark.y2}
    assert vertical == {15.0, 105.0, 195.0}
    assert horizontal == {38.5, 93.5, 148.5, 203.5, 258.5}
    for mark in marks:
        inside_x = 15.0 < (mark.x1 + mark.x2) / 2 < 195.0
        inside_y = 38.5 < (mark.y1 + mark.y2) / 2 < 258.5
        assert not (inside_x and inside_y), mark
    assert cut_marks(sheet("letter-6up-4x3in")) == []


def test_the_back_of_a_sheet_mirrors_the_front_for_its_flip() -> None:
    lanyards = sheet(str(DATA / "sheet-of-lanyards.json"))
    front = slots(lanyards)
    long_edge = back_slots(lanyards, Flip.LONG_EDGE)
    assert long_edge[0].x == pytest.approx(210 - front[0].x - 54)
    assert long_edge[0].y == front[0].y
    short_edge = back_slots(lanyards, Flip.SHORT_EDGE)
    assert short_edge[0].x == front[0].x
    assert short_edge[0].y == pytest.approx(297 - front[0].y - 86)


def test_a_double_sided_sheet_prints_each_badge_on_both_sides_behind_itself(
    pdftoppm: None,
) -> None:
    lanyards = sheet(str(DATA / "sheet-of-lanyards.json"))
    badges = sample_badges(3)
    out = io.BytesIO()
    render_badges(lanyards, badges, out)
    front, back = pages(out.getvalue())
    # The QR code is a front-only element; the back has the event name instead.
    assert {r.text for r in zxingcpp.read_barcodes(front)} == {b.code for b in badges}
    assert zxingcpp.read_barcodes(back) == []
    for slot, image in ((slots(lanyards)[0], front), (back_slots(lanyards, Flip.LONG_EDGE)[0],
                                                      back)):
        crop = image.crop(tuple(round(v * PIXELS_PER_MM) for v in (
            slot.x + 2, slot.y + 2, slot.x + 52, slot.y + 14)))
        assert ink_bounds(crop) is not None  # the logo sits at the top of the badge


def test_a_double_sided_badge_has_two_pages_a_badge(pdftoppm: None) -> None:
    layout = load_layout(DATA / "lanyard-double-sided.json")
    assert isinstance(layout, BadgeLayout)
    out = io.BytesIO()
    render_badges(layout, sample_badges(2), out)
    assert len(pages(out.getvalue())) == 4


def test_the_preview_is_the_badge_at_the_printers_resolution(pdftoppm: None) -> None:
    badge = sample_badges(1)[0]
    preview = Image.open(io.BytesIO(render_preview_png(load_layout("cr80"), badge)))
    assert preview.format == "PNG"
    assert preview.size == (
        math.ceil(85.6 * PRINTER_DPI / 25.4),
        math.ceil(53.98 * PRINTER_DPI / 25.4),
    )
    assert [r.text for r in zxingcpp.read_barcodes(preview)] == [badge.code]
    sheet_preview = Image.open(io.BytesIO(
        render_preview_png(load_layout("a4-8up-90x55"), badge, dpi=100)))
    assert sheet_preview.size == (math.ceil(90 * 100 / 25.4), math.ceil(55 * 100 / 25.4))


def test_the_preview_matches_the_pdf(pdftoppm: None) -> None:
    badge: BadgeData = sample_badges(1)[0]
    layout = load_layout("zebra-4x3in")
    out = io.BytesIO()
    render_badges(layout, [badge], out)
    printed = pages(out.getvalue())[0]
    preview = Image.open(io.BytesIO(render_preview_png(layout, badge))).convert("L")
    assert preview.tobytes() == printed.tobytes()


def test_rendering_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no badges"):
        render_badges(load_layout("cr80"), [], io.BytesIO())

