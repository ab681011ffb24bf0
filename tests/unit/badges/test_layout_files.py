"""Layout files: the bundled catalogue, loading by name or path, and errors naming the bad key."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from kiosk.badges import BadgeLayout, LayoutError, SheetLayout, bundled_layouts, load_layout
from kiosk.badges.layout import Colour, Flip, ImageElement, Side, TextElement
from kiosk.badges.text_fit import Align, Fit

DATA = Path(__file__).parents[2] / "data" / "badges"

MINIMAL: dict[str, Any] = {
    "format": 1,
    "type": "badge",
    "name": "minimal",
    "stock": "label",
    "page": {"width": 100, "height": 60},
    "elements": [
        {"type": "text", "x": 5, "y": 5, "width": 90, "height": 20, "text": "{first_name}",
         "size": 30, "min_size": 12},
        {"type": "qr", "x": 70, "y": 30, "size": 25},
    ],
}


def write(tmp_path: Path, document: Any, name: str = "layout.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def error_for(tmp_path: Path, change) -> LayoutError:
    document = copy.deepcopy(MINIMAL)
    change(document)
    with pytest.raises(LayoutError) as caught:
        load_layout(write(tmp_path, document))
    return caught.value


def test_bundled_layouts_list_names_titles_page_sizes_and_kinds() -> None:
    infos = {info.name: info for info in bundled_layouts()}
    assert infos["cr80"].page_size_mm == (85.6, 53.98)
    assert infos["cr80"].kind == "card"
    assert infos["brother-62x100"].page_size_mm == (62.0, 100.0)
    assert infos["brother-62x100"].kind == "label"
    assert infos["insert-4x3in"].page_size_mm == (101.6, 76.2)
    assert infos["a4-8up-90x55"].page_size_mm == (210.0, 297.0)
    assert infos["a4-8up-90x55"].kind == "sheet"
    assert all(info.title for info in infos.values())


def test_a_sheet_works_out_the_margins_and_gaps_it_was_not_given() -> None:
    a4 = load_layout("a4-8up-90x55")
    assert isinstance(a4, SheetLayout)
    assert (a4.left, a4.top, a4.gap_x, a4.gap_y) == (15.0, 38.5, 0.0, 0.0)
    assert a4.cut_marks is not None
    letter = load_layout("letter-6up-4x3in")
    assert isinstance(letter, SheetLayout)
    assert letter.left == pytest.approx(6.35)
    assert letter.gap_x == pytest.approx(0.0, abs=1e-9)
    assert letter.gap_y == pytest.approx(0.0, abs=1e-9)
    assert letter.badge.name == "insert-4x3in"


def test_a_layout_file_loads_by_path_with_its_defaults(tmp_path: Path) -> None:
    layout = load_layout(write(tmp_path, MINIMAL))
    assert isinstance(layout, BadgeLayout)
    text = layout.elements[0]
    assert isinstance(text, TextElement)
    assert text.style.align is Align.CENTER
    assert text.style.fit is Fit.SHRINK
    assert text.colour == Colour("#000000")
    assert layout.dpi == 300
    assert layout.double_sided is None


def test_an_organisers_layout_with_a_logo_and_two_sides_loads() -> None:
    layout = load_layout(DATA / "lanyard-double-sided.json")
    assert isinstance(layout, BadgeLayout)
    assert layout.double_sided is Flip.LONG_EDGE
    logo = layout.elements[0]
    assert isinstance(logo, ImageElement)
    assert logo.path == DATA / "logo.png"
    assert {element.side for element in layout.elements} == {Side.BOTH, Side.FRONT, Side.BACK}
    sheet = load_layout(DATA / "sheet-of-lanyards.json")
    assert isinstance(sheet, SheetLayout)
    assert sheet.badge == layout
    assert (sheet.gap_x, sheet.gap_y) == (12.0, 9.5)


def test_an_unknown_layout_name_lists_the_bundled_ones() -> None:
    with pytest.raises(LayoutError, match="cr80"):
        load_layout("no-such-layout")


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (lambda d: d.update(format=2), "format", "format 1"),
        (lambda d: d.pop("stock"), "stock", "required"),
        (lambda d: d.update(stock="poster"), "stock", "'insert'"),
        (lambda d: d.update(colour="#000000"), "colour", "unknown key"),
        (lambda d: d["page"].update(width=-5), "page.width", "greater than 0"),
        (lambda d: d["page"].update(height="tall"), "page.height", "number"),
        (lambda d: d["elements"][0].update(min_sise=8), "elements[0].min_sise", "unknown key"),
        (lambda d: d["elements"][0].update(size="big"), "elements[0].size", "number"),
        (lambda d: d["elements"][0].update(min_size=40), "elements[0].min_size", "exceed"),
        (lambda d: d["elements"][0].update(text="{surname}"), "elements[0].text", "surname"),
        (lambda d: d["elements"][0].update(text="Hi {first_name"), "elements[0].text",
         "unmatched"),
        (lambda d: d["elements"][0].update(align="justify"), "elements[0].align", "'center'"),
        (lambda d: d["elements"][0].update(font="Comic Sans"), "elements[0].font", "Noto Sans"),
        (lambda d: d["elements"][0].update(max_lines=3), "elements[0].max_lines", "wrap"),
        (lambda d: d["elements"][0].update(colour="red"), "elements[0].colour", "#1a2b3c"),
        (lambda d: d["elements"][0].update(colour={"by_category": {"press": "#12345"},
                                                   "default": "#000000"}),
         "elements[0].colour.by_category.press", "colour"),
        (lambda d: d["elements"][0].update(x=95), "elements[0].x", "outside the page"),
        (lambda d: d["elements"][1].update(size=40), "elements[1].x", "outside the page"),
        (lambda d: d["elements"][1].update(type="barcode"), "elements[1].type", "'qr'"),
        (lambda d: d["elements"].append({"type": "image", "x": 0, "y": 0, "width": 10,
                                         "height": 10, "path": "missing.png"}),
         "elements[2].path", "no such file"),
        (lambda d: d["elements"].append({"type": "box", "x": 0, "y": 0, "width": 10,
                                         "height": 10}), "elements[2].fill", "fill or a stroke"),
        (lambda d: d.update(double_sided={"flip": "sideways"}), "double_sided.flip",
         "'long_edge'"),
    ],
)
def test_an_error_names_the_bad_key(tmp_path: Path, change, key: str, words: str) -> None:
    error = error_for(tmp_path, change)
    assert error.key == key
    assert words in error.message
    assert str(error).startswith(str(tmp_path / "layout.json"))


def test_a_sheet_whose_badges_do_not_fit_says_so(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "badge.json")
    sheet = {"format": 1, "type": "sheet", "page": {"width": 210, "height": 297},
             "badge": "badge.json", "columns": 3, "rows": 4}
    with pytest.raises(LayoutError) as caught:
        load_layout(write(tmp_path, sheet, "sheet.json"))
    assert caught.value.key == "columns"
    sheet.update(columns=2, margins={"top": 10, "bottom": 10, "left": 10})
    with pytest.raises(LayoutError) as caught:
        load_layout(write(tmp_path, sheet, "sheet.json"))
    assert caught.value.key == "margins.right"


def test_a_file_that_is_not_json_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{\"format\": 1,", encoding="utf-8")
    with pytest.raises(LayoutError, match="is not a layout file: its JSON is broken at line 1"):
        load_layout(path)


# -- hostile layouts: out of range, nested, self-referring, saved with a BOM ------------------


BOX = {"type": "box", "x": 0, "y": 0, "width": 10, "height": 8, "fill": "#000000"}


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (lambda d: d["elements"].append({**BOX, "radius": 1e300}), "elements[2].radius",
         "must be at most 4 (mm: half the box's shorter side; a rounder corner does not fit),"
         " got 1e+300"),
        (lambda d: d["elements"].append({**BOX, "radius": 4.5}), "elements[2].radius",
         "must be at most 4 (mm"),
        (lambda d: d["page"].update(width=1e300), "page.width",
         "must be at most 2000 (no badge, sheet or font is that big), got 1e+300"),
        (lambda d: d["elements"][0].update(size=1e300, min_size=12), "elements[0].size",
         "must be at most 2000"),
        (lambda d: d["elements"].append({"type": "line", "x1": 0, "y1": 0, "x2": 9, "y2": 9,
                                         "width": 1e300}), "elements[2].width",
         "must be at most 2000"),
        (lambda d: d["elements"].append({**BOX, "stroke_width": 1e20}),
         "elements[2].stroke_width", "must be at most 2000"),
        (lambda d: d.update(dpi=10**12), "dpi", "must be at most 2,400"),
        (lambda d: d["elements"][1].update(quiet_zone=10**9), "elements[1].quiet_zone",
         "must be at most 40"),
        (lambda d: d["elements"][0].update(line_height=1e300), "elements[0].line_height",
         "must be at most 10 (times the font size)"),
    ],
)
def test_a_number_out_of_range_is_named_by_its_key(
        tmp_path: Path, change, key: str, words: str) -> None:
    error = error_for(tmp_path, change)
    assert (error.key, error.message) == (key, error.message)
    assert words in error.message


def test_a_sheet_of_a_million_columns_is_refused(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "badge.json")
    sheet = {"format": 1, "type": "sheet", "page": {"width": 210, "height": 297},
             "badge": "badge.json", "columns": 10**6, "rows": 10**6}
    with pytest.raises(LayoutError) as caught:
        load_layout(write(tmp_path, sheet, "sheet.json"))
    assert (caught.value.key, caught.value.message) == ("columns",
                                                        "must be at most 100, got 1,000,000")


def test_a_sheet_that_names_itself_is_refused(tmp_path: Path) -> None:
    sheet = {"format": 1, "type": "sheet", "page": {"width": 210, "height": 297},
             "badge": "sheet.json", "columns": 2, "rows": 4}
    with pytest.raises(LayoutError) as caught:
        load_layout(write(tmp_path, sheet, "sheet.json"))
    assert caught.value.key == "badge"
    assert caught.value.message.startswith("'sheet.json' is this sheet itself; name the badge "
                                           "layout it places on the page")


def test_two_sheets_that_name_each_other_are_refused(tmp_path: Path) -> None:
    for name, other in (("a.json", "b.json"), ("b.json", "a.json")):
        write(tmp_path, {"format": 1, "type": "sheet", "page": {"width": 210, "height": 297},
                         "badge": other, "columns": 2, "rows": 4}, name)
    with pytest.raises(LayoutError) as caught:
        load_layout(tmp_path / "a.json")
    assert caught.value.key == "badge"
    assert caught.value.message == (
        "'b.json': it is a sheet layout, and a sheet's badge must be a badge layout (a sheet "
        "places copies of one badge on a page)")


@pytest.mark.parametrize("depth", [40, 100_000])
def test_a_file_nested_too_deep_is_refused_in_plain_words(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"format": 1, "type": "badge", "x": ' + "[" * depth + "]" * depth + "}",
                    encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    assert caught.value.message == ("is nested more than 16 levels deep; a layout is a few "
                                    "levels deep (elements, their colours, colours by category)")


def test_a_document_nested_too_deep_is_refused_by_the_reader(tmp_path: Path) -> None:
    """The designer hands the reader documents it holds, not files."""
    from kiosk.badges.layout_reader import parse_layout

    document: Any = copy.deepcopy(MINIMAL)
    document["elements"][0]["colour"] = nested = {}
    for _ in range(30):
        nested["by_category"] = nested = {}
    with pytest.raises(LayoutError, match="nested more than 16 levels"):
        parse_layout(document, tmp_path / "design.json", lambda *_: None)


def test_a_layout_saved_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    from kiosk.services.badge_design import open_document

    path = tmp_path / "notepad.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(MINIMAL).encode())
    assert load_layout(path).name == "minimal"
    assert open_document(path)["name"] == "minimal"


def test_a_layout_not_saved_as_utf8_is_said_to_be_so(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(json.dumps({**MINIMAL, "title": "Café"}, ensure_ascii=False)
                     .encode("latin-1"))
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    assert caught.value.message == "is not a layout file: it is not text saved as UTF-8"


def test_reportlabs_own_words_never_reach_a_person(tmp_path: Path) -> None:
    """Past the reader's checks (a layout built in code), a drawing failure is said plainly."""
    import dataclasses

    from kiosk.badges import render_badges
    from kiosk.badges.badge_data import BadgeData
    from kiosk.core.models import Attendee, Event

    layout = load_layout(write(tmp_path, {**MINIMAL, "elements": [BOX]}))
    assert isinstance(layout, BadgeLayout)
    broken = dataclasses.replace(layout, elements=(dataclasses.replace(
        layout.elements[0], radius=1e300),))
    person = BadgeData(Attendee(id="A1", first_name="Ana"), "W1", Event(name="Conf"))
    with pytest.raises(LayoutError) as caught:
        render_badges(broken, [person], tmp_path / "badges.pdf")
    message = str(caught.value)
    assert "the badges could not be drawn with this layout" in message
    assert "_fp_" not in message and "rl_accel" not in message and ".c:" not in message
