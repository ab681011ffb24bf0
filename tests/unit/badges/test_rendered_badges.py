"""Every bundled layout rendered with hard names: QR codes read back, text stays in its box."""

from __future__ import annotations

import io
import math
import subprocess
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
import zxingcpp
from badge_raster import PIXELS_PER_MM, ink_bounds, pages
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.badges import BadgeData, BadgeLayout, SheetLayout, bundled_layouts, load_layout
from kiosk.badges import render_badges as render
from kiosk.badges.badge_drawing import draw_badge, set_texts
from kiosk.badges.layout import BLACK, TextElement

_MARGIN = 2.0  # mm of blank page around a text box in the ink test
LAYOUT_NAMES = [info.name for info in bundled_layouts()]
BADGE_LAYOUT_NAMES = [
    name for name in LAYOUT_NAMES if isinstance(load_layout(name), BadgeLayout)
]


@pytest.fixture(scope="module")
def rendered(hard_badges: list[BadgeData]):
    """The hard badges rendered with a layout, once per layout for all the tests here."""

    @cache
    def render_once(name: str) -> bytes:
        out = io.BytesIO()
        render(load_layout(name), hard_badges, out)
        return out.getvalue()

    return render_once


def test_the_bundled_layouts_are_the_stock_people_buy() -> None:
    assert set(LAYOUT_NAMES) == {
        "insert-4x3in", "insert-4x6in", "a6", "cr80", "brother-62x100", "zebra-4x3in",
        "card-90x55", "a4-8up-90x55", "letter-6up-4x3in",
    }


@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_every_qr_code_reads_back_at_printer_resolution(
    name: str, rendered, hard_badges: list[BadgeData], pdftoppm: None
) -> None:
    layout = load_layout(name)
    per_page = layout.per_page if isinstance(layout, SheetLayout) else 1
    images = pages(rendered(name))
    assert len(images) == math.ceil(len(hard_badges) / per_page)
    for number, image in enumerate(images):
        expected = [badge.code for badge in hard_badges[number * per_page :][:per_page]]
        found = [result.text for result in zxingcpp.read_barcodes(image)]
        assert sorted(found) == sorted(expected), f"page {number + 1}"


@pytest.mark.parametrize("name", BADGE_LAYOUT_NAMES)
def test_text_ink_stays_inside_its_box(
    name: str, hard_badges: list[BadgeData], pdftoppm: None
) -> None:
    # Each text element alone, in black, on a page of its own just larger than its box:
    # the ink on the page is that element's, and must lie inside the box (give or take a
    # pixel of anti-aliasing).
    layout = load_layout(name)
    assert isinstance(layout, BadgeLayout)
    out = io.BytesIO()
    canvas = Canvas(out)
    cases = []
    for element in layout.elements:
        if not isinstance(element, TextElement):
            continue
        alone = replace(layout, elements=(replace(element, colour=BLACK),))
        box = element.box
        origin = (
            (_MARGIN - box.x) * mm,
            (_MARGIN - (layout.page.height - box.y - box.height)) * mm,
        )
        for badge in hard_badges:
            canvas.setPageSize(((box.width + 2 * _MARGIN) * mm, (box.height + 2 * _MARGIN) * mm))
            draw_badge(canvas, alone, badge, origin)
            canvas.showPage()
            cases.append((element, badge, set_texts(alone, badge)[0].fitted is not None))
    canvas.save()
    images = pages(out.getvalue())
    assert len(images) == len(cases)
    for (element, badge, drawn), image in zip(cases, images, strict=True):
        where = f"{element.id} for {badge.attendee.first_name!r}"
        bounds = ink_bounds(image, level=250)
        assert (bounds is not None) == drawn, where
        if bounds is None:
            continue
        left, top, right, bottom = bounds
        box_left = box_top = _MARGIN * PIXELS_PER_MM
        box_right = (_MARGIN + element.box.width) * PIXELS_PER_MM
        box_bottom = (_MARGIN + element.box.height) * PIXELS_PER_MM
        assert left >= math.floor(box_left) - 1, where
        assert top >= math.floor(box_top) - 1, where
        assert right <= math.ceil(box_right) + 1, where
        assert bottom <= math.ceil(box_bottom) + 1, where


@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_the_pdf_embeds_subsets_of_bundled_fonts_only(
    name: str, rendered, tmp_path: Path, pdftoppm: None
) -> None:
    pdf = tmp_path / "badges.pdf"
    pdf.write_bytes(rendered(name))
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    fonts = listing.stdout.splitlines()[2:]
    assert fonts
    for line in fonts:
        font_name, kind, *_, emb, sub, uni, _object, _generation = line.split()
        assert kind == "TrueType", line
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line
        assert "+" in font_name, line


def test_text_comes_out_of_the_pdf_as_it_went_in(rendered, tmp_path: Path, pdftoppm: None) -> None:
    # The embedded fonts map each glyph back to its character, so these names, in scripts
    # without joining forms, are extracted exactly as they were printed.
    pdf = tmp_path / "badges.pdf"
    pdf.write_bytes(rendered("insert-4x6in"))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for printed in (
        "Nguyễn Thị Ấu Ngọc Quỳnh", "Λέσχη Ελευθερίας · Свобода", "中国反拐卖妇女儿童协会",
        "한국인권재단", "ለምለም ገብረመድህን", "Zoë O'Brien", "Kim Sơn", "ze/zir",
    ):
        assert printed in text


def test_the_same_badges_give_the_same_bytes(hard_badges: list[BadgeData]) -> None:
    layout = load_layout("a4-8up-90x55")
    first, second = io.BytesIO(), io.BytesIO()
    render(layout, hard_badges, first)
    render(layout, hard_badges, second)
    assert first.getvalue() == second.getvalue()
    assert first.getvalue().startswith(b"%PDF-")


def test_a_fresh_process_gives_the_same_bytes(hard_badges: list[BadgeData], tmp_path: Path) -> None:
    # Glyphs without a character of their own (Arabic joining forms, Devanagari conjuncts)
    # get code points from the font alone, not from the order a process first met them.
    here = io.BytesIO()
    render(load_layout("cr80"), hard_badges, here)
    script = (
        "import io, sys; sys.path.insert(0, sys.argv[1]);"
        "from badge_people import EVENT, hard_attendees;"
        "from kiosk.badges import BadgeData, load_layout, render_badges;"
        "badges = [BadgeData(a, c, EVENT) for a, c in hard_attendees()];"
        "render_badges(load_layout('brother-62x100'), badges[::-1], io.BytesIO());"
        "render_badges(load_layout('cr80'), badges, sys.argv[2])"
    )
    out = tmp_path / "fresh.pdf"
    subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent), str(out)],
                   check=True)
    assert out.read_bytes() == here.getvalue()
