"""Badges in the event's own colours and with its logo, as organisers set them in Event setup."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from badge_people import EVENT, hard_attendees
from badge_raster import colour_pages, ink_bounds
from PIL import Image

from kiosk.badges import BadgeData, BadgeLayout, LayoutError, load_layout, render_badges
from kiosk.badges.badge_colours import readable_on
from kiosk.badges.layout import WHITE, BoxElement, TextElement
from kiosk.core.models import Attendee, Event
from kiosk.services import badge_design as design
from kiosk.services import event_settings
from kiosk.services.event_setup import NewEvent, create_event, event_of

DPI = 150
PER_MM = DPI / 25.4
GREEN = (0, 200, 83)
YELLOW = "#ffd54f"
BLUE = (0x1F, 0x5F, 0xA8)  # the bundled layouts' delegate colour
# cr80: the band's top edge, the category name's box and the logo's box, in mm.
CR80_BAND_TOP = 42.98
CR80_CATEGORY = (3.5, 43.98, 78.6, 9.0)
CR80_LOGO = (58.1, 33.5, 24.0, 8.5)


def picture(kind: str, size: tuple[int, int] = (200, 100)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, GREEN).save(buffer, format=kind)
    return buffer.getvalue()


@pytest.fixture
def organisers(tmp_path: Path):
    store = create_event(tmp_path / "event.db", NewEvent("Freedom Day", "2026-05-02", "Leeds"))
    yield store
    store.close()


def speaker_and_delegate(event: Event) -> list[BadgeData]:
    return [BadgeData(Attendee("SPEAKER00001", "Amina", "Okoro", category="speaker"),
                      "CODE-1", event),
            BadgeData(Attendee("DELEGATE0001", "Sam", "Okafor", category="delegate"),
                      "CODE-2", event)]


def render(layout: Any, badges: list[BadgeData]) -> bytes:
    out = io.BytesIO()
    render_badges(layout, badges, out)
    return out.getvalue()


def pixel(image: Image.Image, x_mm: float, y_mm: float) -> tuple[int, int, int]:
    return image.getpixel((round(x_mm * PER_MM), round(y_mm * PER_MM)))


def crop(image: Image.Image, box: tuple[float, float, float, float]) -> Image.Image:
    x, y, width, height = box
    return image.crop((round(x * PER_MM), round(y * PER_MM), round((x + width) * PER_MM),
                       round((y + height) * PER_MM)))


def close(actual: tuple[int, ...], expected: tuple[int, ...], within: int = 3) -> bool:
    return all(abs(a - e) <= within for a, e in zip(actual, expected, strict=True))


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def shades(image: Image.Image) -> tuple[bool, bool]:
    """(has near-black pixels, has near-white pixels) in an RGB image."""
    pixels = list(image.get_flattened_data())
    return (any(max(p) < 60 for p in pixels), any(min(p) > 230 for p in pixels))


# -- colours --------------------------------------------------------------------------


def test_a_colour_set_in_event_setup_colours_the_band_and_others_keep_the_layouts(
    organisers, pdftoppm: None
) -> None:
    assert event_settings.set_category_colour(organisers, "Speaker", YELLOW).saved
    event = event_of(organisers)
    assert event.colour_of("delegate") == ""  # the delegates' colour was never set
    speaker, delegate = colour_pages(render(load_layout("cr80"), speaker_and_delegate(event)),
                                     DPI)
    band = (1.5, CR80_BAND_TOP + 5.5)  # left of the category's name
    assert close(pixel(speaker, *band), hex_rgb(YELLOW))
    assert close(pixel(delegate, *band), BLUE)
    # "auto": black on the light yellow, white on the dark blue.
    assert shades(crop(speaker, CR80_CATEGORY)) == (True, False)
    assert shades(crop(delegate, CR80_CATEGORY)) == (False, True)


def test_without_event_colours_the_band_is_the_layouts_own(pdftoppm: None) -> None:
    speaker, _ = colour_pages(render(load_layout("cr80"), speaker_and_delegate(EVENT)), DPI)
    assert close(pixel(speaker, 1.5, CR80_BAND_TOP + 5.5), (0xC6, 0x28, 0x28))
    assert shades(crop(speaker, CR80_CATEGORY)) == (False, True)


def test_a_plain_colour_in_a_layout_is_pinned(pdftoppm: None) -> None:
    # The Brother label prints black only: its band is "#000000", not a colour by category.
    event = replace(EVENT, category_colours=(("speaker", YELLOW),))
    speaker, _ = colour_pages(render(load_layout("brother-62x100"),
                                     speaker_and_delegate(event)), DPI)
    assert close(pixel(speaker, 1.0, 93.5), (0, 0, 0))


def test_an_event_colour_that_is_not_a_colour_leaves_the_layouts(pdftoppm: None) -> None:
    event = replace(EVENT, category_colours=(("speaker", "red"),))  # as if synced damaged
    speaker, _ = colour_pages(render(load_layout("cr80"), speaker_and_delegate(event)), DPI)
    assert close(pixel(speaker, 1.5, CR80_BAND_TOP + 5.5), (0xC6, 0x28, 0x28))


def test_auto_text_is_black_or_white_by_contrast() -> None:
    assert readable_on(YELLOW) == "#000000"
    assert readable_on("#ffffff") == "#000000"
    assert readable_on("#000000") == "#ffffff"
    assert readable_on("#ef6c00") == "#000000"  # orange: black has the higher contrast
    # Every colour the bundled layouts and Event setup start with keeps white text, so
    # the bundled badges print as they did before "auto".
    for colour in (*event_settings.DEFAULT_COLOURS.values(), event_settings.OTHER_COLOUR):
        assert readable_on(colour) == "#ffffff", colour


def test_auto_text_takes_the_band_under_it_or_else_the_page() -> None:
    layout = load_layout("cr80")
    assert isinstance(layout, BadgeLayout)
    elements = {element.id: element for element in layout.elements}
    band, category = elements["category_band"], elements["category"]
    assert isinstance(band, BoxElement) and isinstance(category, TextElement)
    assert category.colour.on == band.fill


# -- the logo -------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "tolerance"), [("PNG", 3), ("JPEG", 12)])
def test_the_events_logo_is_drawn_in_its_frame_scaled_to_fit(
    organisers, tmp_path: Path, kind: str, tolerance: int, pdftoppm: None
) -> None:
    logo = tmp_path / f"logo.{kind.lower()}"
    logo.write_bytes(picture(kind))
    assert event_settings.set_logo(organisers, logo).saved
    badge, _ = colour_pages(render(load_layout("cr80"),
                                   speaker_and_delegate(event_of(organisers))), DPI)
    x, y, width, height = CR80_LOGO
    assert close(pixel(badge, x + width / 2, y + height / 2), GREEN, tolerance)
    # A 2:1 logo in a 24 × 8.5 mm frame: 17 mm wide, full height, centred.
    mask = Image.new("L", badge.size)
    mask.putdata([255 if close(p, GREEN, 40) else 0 for p in badge.get_flattened_data()])
    left, top, right, bottom = mask.getbbox()
    assert abs(left / PER_MM - (x + 3.5)) < 0.3 and abs(right / PER_MM - (x + 20.5)) < 0.3
    assert abs(top / PER_MM - y) < 0.3 and abs(bottom / PER_MM - (y + height)) < 0.3


def test_no_logo_leaves_the_frame_empty_and_the_pdf_as_without_the_frame(
    pdftoppm: None
) -> None:
    layout = load_layout("cr80")
    assert isinstance(layout, BadgeLayout)
    badges = speaker_and_delegate(EVENT)
    pdf = render(layout, badges)
    badge = colour_pages(pdf, DPI)[0]
    assert ink_bounds(crop(badge, CR80_LOGO).convert("L")) is None
    without_frame = replace(layout, elements=tuple(e for e in layout.elements
                                                   if e.id != "logo"))
    assert pdf == render(without_frame, badges)  # nothing at all is drawn for it


def test_a_damaged_logo_is_left_off_and_the_badge_still_prints(pdftoppm: None) -> None:
    damaged = replace(EVENT, logo=picture("PNG")[:70])
    badge = colour_pages(render(load_layout("cr80"), speaker_and_delegate(damaged)), DPI)[0]
    assert ink_bounds(crop(badge, CR80_LOGO).convert("L")) is None


def test_a_sheet_stores_the_logo_once_and_shows_it_on_every_badge(pdftoppm: None) -> None:
    event = replace(EVENT, logo=picture("PNG", (300, 120)))
    badges = [BadgeData(attendee, code, event) for attendee, code in hard_attendees()[:8]]
    pdf = render(load_layout("a4-8up-90x55"), badges)
    assert pdf.count(b"/Subtype /Image") == 1
    page = colour_pages(pdf, DPI)[0]
    for row in range(4):
        for column in range(2):  # the sheet's margins: 15 mm left, 38.5 mm top
            x, y = 15 + 90 * column + 62.5 + 12, 38.5 + 55 * row + 34 + 4.5
            assert close(pixel(page, x, y), GREEN), (row, column)


def test_badges_with_a_logo_and_colours_are_reproducible(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (90, 40), (0, 200, 83, 128)).save(logo)  # with transparency
    event = replace(EVENT, logo=logo.read_bytes(), category_colours=(("speaker", YELLOW),))
    layout = load_layout("a4-8up-90x55")
    here = render(layout, speaker_and_delegate(event))
    assert here == render(layout, speaker_and_delegate(event))
    out = tmp_path / "fresh.pdf"
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from dataclasses import replace; from pathlib import Path;"
        "from badge_people import EVENT; from test_event_styling import speaker_and_delegate;"
        "from kiosk.badges import load_layout, render_badges;"
        "event = replace(EVENT, logo=Path(sys.argv[2]).read_bytes(),"
        " category_colours=(('speaker', '#ffd54f'),));"
        "render_badges(load_layout('a4-8up-90x55'), speaker_and_delegate(event), sys.argv[3])"
    )
    subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent), str(logo),
                    str(out)], check=True)
    assert out.read_bytes() == here


# -- layout files ---------------------------------------------------------------------

LOGO_LAYOUT: dict[str, Any] = {
    "format": 1, "type": "badge", "stock": "card", "page": {"width": 86, "height": 54},
    "elements": [
        {"type": "band", "y": 44, "height": 10, "fill": "#1f5fa8"},
        {"type": "text", "x": 3, "y": 45, "width": 80, "height": 8, "text": "{category}",
         "size": 14, "colour": "auto"},
        {"type": "image", "x": 60, "y": 30, "width": 24, "height": 10,
         "source": "event_logo"},
        {"type": "text", "x": 3, "y": 3, "width": 80, "height": 8, "text": "{first_name}",
         "size": 14, "colour": "auto"},
    ],
}


def _write(folder: Path, document: Any) -> Path:
    path = folder / "layout.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_layout_with_the_event_logo_and_auto_colours_loads(tmp_path: Path) -> None:
    layout = load_layout(_write(tmp_path, LOGO_LAYOUT))
    assert isinstance(layout, BadgeLayout)
    band, on_band, logo, on_page = layout.elements
    assert isinstance(on_band, TextElement) and isinstance(on_page, TextElement)
    assert isinstance(band, BoxElement)
    assert on_band.colour.on == band.fill
    assert on_page.colour.on == WHITE
    assert logo.path is None and str(logo.source) == "event_logo"


def _broken(change) -> dict[str, Any]:
    document = copy.deepcopy(LOGO_LAYOUT)
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (lambda d: d["elements"][2].update(source="attendee_photo"), "elements[2].source",
         "must be one of 'file', 'event_logo'"),
        (lambda d: d["elements"][2].update(path="logo.png"), "elements[2].path", "not both"),
        (lambda d: d["elements"][2].pop("source"), "elements[2].path", "event_logo"),
        (lambda d: d["elements"][0].update(fill="auto"), "elements[0].fill",
         "for a text's colour only"),
        (lambda d: d["elements"][2].update(source="file", path="notes.png"),
         "elements[2].path", "notes.png is not a picture that can be printed"),
    ],
)
def test_a_bad_picture_source_or_auto_colour_is_named(
    tmp_path: Path, change, key: str, words: str
) -> None:
    (tmp_path / "notes.png").write_text("not a picture")
    with pytest.raises(LayoutError) as caught:
        load_layout(_write(tmp_path, _broken(change)))
    assert caught.value.key == key
    assert words in caught.value.message


# -- the designer ----------------------------------------------------------------------


def test_the_designer_offers_the_events_logo_as_a_picture(organisers, tmp_path: Path) -> None:
    document = design.template_document("a6")
    document, index = design.add_element(document, "image")  # no file chosen: the logo
    assert document["elements"][index]["source"] == "event_logo"
    layout = design.check_document(document)
    file = tmp_path / "logo.png"
    file.write_bytes(picture("PNG"))
    as_file = design.set_setting(document, index, "path", str(file))
    assert "source" not in as_file["elements"][index]
    design.check_document(as_file)
    back = design.set_setting(as_file, index, "source", "event_logo")
    assert "path" not in back["elements"][index]
    assert design.check_document(back) == layout
    assert event_settings.set_logo(organisers, file).saved
    pdf = design.badge_pdf(organisers, layout, [design.SAMPLE_ATTENDEES[0].id])
    assert pdf.count(b"/Subtype /Image") == 1
