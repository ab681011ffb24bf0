"""Reading layout JSON into the layout model, with errors that name the offending key.

A hand-written reader rather than a JSON Schema: it builds the frozen model in the same
pass, rejects unknown keys (a typo such as "min_sise" must not pass silently), checks what a
schema cannot (templates, elements inside the page, badges fitting on a sheet) and says
exactly which key is wrong, where a schema library reports unions such as "a colour or a
category map" as "is not valid under any of the given schemas".
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from kiosk.badges.fields import parse_template
from kiosk.badges.fonts import Weight, is_known_family
from kiosk.badges.layout import (
    FORMAT_VERSION,
    WHITE,
    BadgeLayout,
    BoxElement,
    Colour,
    CutMarks,
    Element,
    Flip,
    ImageElement,
    ImageSource,
    Layout,
    LineElement,
    QrElement,
    Rect,
    SheetLayout,
    Side,
    Size,
    Stock,
    TextElement,
)
from kiosk.badges.pictures import PictureUnreadable, file_picture
from kiosk.badges.text_fit import Align, Fit, TextStyle, VAlign
from kiosk.core.refusal import Refusal

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_TOLERANCE = 0.01  # mm
E = TypeVar("E")
# The largest number a layout may hold, in millimetres or points: two metres, beyond any
# badge, sheet, roll or font (and well inside what a PDF can write).
LARGEST = 2_000.0
# A layout is a few objects deep (elements -> colour -> by_category); a file nested deeper
# is not one, and reading it must not run out of stack.
DEEPEST = 16
# A layout file is a few KB (pictures are files of their own).
LARGEST_FILE = 5_000_000


class LayoutError(ValueError, Refusal):
    """A layout file that cannot be used; ``key`` is the path to the bad key."""

    def __init__(self, key: str, message: str, source: Path | str | None = None) -> None:
        self.key = key
        self.message = message
        self.source = str(source) if source is not None else None
        where = f"{self.source}: " if self.source else ""
        super().__init__(f"{where}{key or '(top level)'}: {message}")


class _Object:
    """A JSON object being read; remembers its key path and which keys were used."""

    def __init__(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise LayoutError(path, f"expected an object, got {_kind(value)}")
        self.value = value
        self.path = path
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def has(self, name: str) -> bool:
        return name in self.value

    def raw(self, name: str, required: bool = True) -> Any:
        self.used.add(name)
        if name not in self.value:
            if required:
                raise LayoutError(self.key(name), "is required")
            return None
        return self.value[name]

    def number(
        self,
        name: str,
        default: float | None = None,
        minimum: float | None = None,
        positive: bool = False,
        maximum: float = LARGEST,
        why: str = "",
    ) -> float:
        """A number of millimetres (or points), at most ``maximum``; ``why`` says where
        that maximum comes from."""
        value = self.raw(name, required=default is None)
        if value is None:
            assert default is not None
            return default
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not math.isfinite(value):
            raise LayoutError(self.key(name), f"expected a number, got {_kind(value)}")
        if positive and value <= 0:
            raise LayoutError(self.key(name), f"must be greater than 0, got {value:g}")
        if minimum is not None and value < minimum:
            raise LayoutError(self.key(name), f"must be at least {minimum:g}, got {value:g}")
        if value > maximum:
            because = why or "no badge, sheet or font is that big"
            raise LayoutError(self.key(name), f"must be at most {maximum:g} ({because}), "
                              f"got {value:g}")
        return float(value)

    def integer(self, name: str, default: int | None = None, minimum: int = 1,
                maximum: int = 1_000) -> int:
        value = self.raw(name, required=default is None)
        if value is None:
            assert default is not None
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise LayoutError(self.key(name), f"expected a whole number, got {_kind(value)}")
        if value < minimum:
            raise LayoutError(self.key(name), f"must be at least {minimum}, got {value}")
        if value > maximum:
            raise LayoutError(self.key(name), f"must be at most {maximum:,}, got {value:,}")
        return value

    def string(self, name: str, default: str | None = None) -> str:
        value = self.raw(name, required=default is None)
        if value is None:
            assert default is not None
            return default
        if not isinstance(value, str):
            raise LayoutError(self.key(name), f"expected text, got {_kind(value)}")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name, required=False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise LayoutError(self.key(name), f"expected true or false, got {_kind(value)}")
        return value

    def choice(self, name: str, enum: type[E], default: E | None = None) -> E:
        value = self.string(name, None if default is None else str(default))
        try:
            return enum(value)  # type: ignore[call-arg]
        except ValueError:
            options = ", ".join(repr(str(member)) for member in enum)  # type: ignore[attr-defined]
            raise LayoutError(self.key(name), f"must be one of {options}, got {value!r}") from None

    def obj(self, name: str) -> _Object:
        return _Object(self.raw(name), self.key(name))

    def items(self, name: str) -> list[tuple[str, Any]]:
        value = self.raw(name)
        if not isinstance(value, list):
            raise LayoutError(self.key(name), f"expected a list, got {_kind(value)}")
        return [(f"{self.key(name)}[{i}]", item) for i, item in enumerate(value)]

    def done(self) -> None:
        unknown = sorted(set(self.value) - self.used)
        if unknown:
            raise LayoutError(self.key(unknown[0]), "unknown key")


def load_document(path: Path) -> Any:
    """The JSON of a layout file, with or without a byte-order mark; LayoutError saying in
    plain words why a file is not one."""
    try:
        if path.stat().st_size > LARGEST_FILE:
            raise LayoutError("", f"is {path.stat().st_size:,} bytes; a layout file is a few "
                              "thousand (is this the right file?)", path)
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise LayoutError("", f"could not be read: {error.strerror}", path) from None
    except UnicodeDecodeError:
        raise LayoutError("", "is not a layout file: it is not text saved as UTF-8", path) \
            from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise LayoutError("", f"is not a layout file: its JSON is broken at line "
                          f"{error.lineno}, column {error.colno} ({error.msg})", path) from None
    except RecursionError:
        raise _too_deep(path) from None
    check_depth(document, path)
    return document


def check_depth(document: Any, path: Path | str | None = None) -> None:
    """Refuse a document nested deeper than any layout (looked at without recursion)."""
    level = [document]
    for _depth in range(DEEPEST + 1):
        level = [child for item in level if isinstance(item, dict | list)
                 for child in (item.values() if isinstance(item, dict) else item)]
        if not level:
            return
    raise _too_deep(path)


def _too_deep(path: Path | str | None) -> LayoutError:
    return LayoutError("", f"is nested more than {DEEPEST} levels deep; a layout is a few "
                       "levels deep (elements, their colours, colours by category)", path)


def read_layout(path: Path, find_badge: Callable[[str, Path], BadgeLayout]) -> Layout:
    """Read a layout file. ``find_badge`` resolves a sheet's "badge" (a name or a path)."""
    document = load_document(path)
    try:
        return parse_layout(document, path, find_badge)
    except LayoutError as error:
        if error.source is None:
            raise LayoutError(error.key, error.message, path) from None
        raise


def parse_layout(
    document: Any, path: Path, find_badge: Callable[[str, Path], BadgeLayout]
) -> Layout:
    """The layout model of a parsed JSON document read from ``path``."""
    check_depth(document)
    top = _Object(document, "")
    version = top.raw("format")
    if version != FORMAT_VERSION:
        raise LayoutError("format", f"this version of kiosk reads format {FORMAT_VERSION}, "
                          f"got {version!r}")
    kind = top.string("type")
    if kind == "badge":
        layout: Layout = _badge(top, path)
    elif kind == "sheet":
        layout = _sheet(top, path, find_badge)
    else:
        raise LayoutError("type", f"must be 'badge' or 'sheet', got {kind!r}")
    top.done()
    return layout


def _badge(top: _Object, path: Path) -> BadgeLayout:
    name = top.string("name", path.stem)
    stock = top.choice("stock", Stock)
    if stock is Stock.SHEET:
        raise LayoutError("stock", "a badge layout prints on 'insert', 'card' or 'label'")
    page = _size(top.obj("page"))
    elements = _with_backdrops(tuple(
        _element(_Object(item, key), page, path.parent) for key, item in top.items("elements")
    ))
    return BadgeLayout(
        name=name,
        title=top.string("title", name),
        stock=stock,
        page=page,
        elements=elements,
        dpi=top.integer("dpi", 300, minimum=72, maximum=2_400),
        double_sided=_double_sided(top),
        source=path,
    )


def _sheet(
    top: _Object, path: Path, find_badge: Callable[[str, Path], BadgeLayout]
) -> SheetLayout:
    name = top.string("name", path.stem)
    page = _size(top.obj("page"))
    badge_ref = top.string("badge")
    if (path.parent / badge_ref).resolve() == path.resolve():
        raise LayoutError("badge", f"{badge_ref!r} is this sheet itself; name the badge layout "
                          "it places on the page (a bundled one such as 'cr80', or a file)")
    try:
        badge = find_badge(badge_ref, path.parent)
    except LayoutError as error:
        said = str(error) if error.source is not None else error.message
        raise LayoutError("badge", f"{badge_ref!r}: {said}") from None
    columns = top.integer("columns", maximum=100)
    rows = top.integer("rows", maximum=100)
    margins = top.obj("margins") if top.has("margins") else None
    gaps = top.obj("gaps") if top.has("gaps") else None
    left, gap_x = _axis(
        "width", page.width, badge.page.width, columns,
        _pair(margins, "left", "right"), _single(gaps, "horizontal"),
    )
    top_margin, gap_y = _axis(
        "height", page.height, badge.page.height, rows,
        _pair(margins, "top", "bottom"), _single(gaps, "vertical"),
    )
    for reader in (margins, gaps):
        if reader is not None:
            reader.done()
    cut_marks = None
    raw_marks = top.raw("cut_marks", required=False)
    if raw_marks is True:
        cut_marks = CutMarks()
    elif raw_marks not in (None, False):
        marks = top.obj("cut_marks")
        cut_marks = CutMarks(
            length=marks.number("length", 4.0, positive=True),
            offset=marks.number("offset", 1.5, minimum=0),
            width=marks.number("width", 0.3, positive=True),
        )
        marks.done()
    return SheetLayout(
        name=name,
        title=top.string("title", name),
        page=page,
        badge=badge,
        columns=columns,
        rows=rows,
        left=left,
        top=top_margin,
        gap_x=gap_x,
        gap_y=gap_y,
        cut_marks=cut_marks,
        double_sided=_double_sided(top),
        source=path,
    )


def _pair(reader: _Object | None, first: str, second: str) -> tuple[str, float, float] | None:
    if reader is None:
        return None
    return (
        reader.key(first),
        reader.number(first, minimum=0),
        reader.number(second, minimum=0),
    )


def _single(reader: _Object | None, name: str) -> tuple[str, float] | None:
    if reader is None or not reader.has(name):
        if reader is not None:
            reader.used.add(name)
        return None
    return reader.key(name), reader.number(name, minimum=0)


def _axis(
    dimension: str,
    page: float,
    badge: float,
    count: int,
    margins: tuple[str, float, float] | None,
    gap: tuple[str, float] | None,
) -> tuple[float, float]:
    """The first margin and the gap along one axis; what is not given is worked out."""
    used = count * badge
    if margins is not None and gap is not None:
        key, first, second = margins
        if first + used + (count - 1) * gap[1] + second > page + _TOLERANCE:
            raise LayoutError(key, f"badges, gaps and margins are wider than the page {dimension}")
        return first, gap[1]
    if margins is not None:
        key, first, second = margins
        spare = page - first - second - used
        if spare < -_TOLERANCE:
            raise LayoutError(key, f"{count} badges and these margins exceed the page {dimension}")
        return first, max(0.0, spare) / (count - 1) if count > 1 else 0.0
    width = used + (count - 1) * (gap[1] if gap else 0.0)
    if width > page + _TOLERANCE:
        raise LayoutError(gap[0] if gap else "columns" if dimension == "width" else "rows",
                          f"{count} badges do not fit the page {dimension}")
    return (page - width) / 2, gap[1] if gap else 0.0


def _double_sided(top: _Object) -> Flip | None:
    value = top.raw("double_sided", required=False)
    if value in (None, False):
        return None
    if value is True:
        return Flip.LONG_EDGE
    setting = top.obj("double_sided")
    flip = setting.choice("flip", Flip, Flip.LONG_EDGE)
    setting.done()
    return flip


def _size(reader: _Object) -> Size:
    size = Size(reader.number("width", positive=True), reader.number("height", positive=True))
    reader.done()
    return size


def _element(reader: _Object, page: Size, folder: Path) -> Element:
    kind = reader.string("type")
    side = reader.choice("side", Side, Side.BOTH)
    element_id = reader.string("id", "")
    element: Element
    if kind == "text":
        element = _text(reader, page, side, element_id)
    elif kind == "qr":
        size = reader.number("size", positive=True)
        box = Rect(reader.number("x"), reader.number("y"), size, size)
        _inside(reader, box, page)
        element = QrElement(box, reader.integer("quiet_zone", 4, minimum=0, maximum=40), side,
                            element_id)
    elif kind == "image":
        element = _image(reader, page, folder, side, element_id)
    elif kind in ("box", "band"):
        if kind == "band":
            box = Rect(0.0, reader.number("y"), page.width, reader.number("height", positive=True))
            _inside(reader, box, page)
        else:
            box = _rect(reader, page)
        element = BoxElement(
            box=box,
            fill=_colour(reader, "fill") if reader.has("fill") else None,
            stroke=_colour(reader, "stroke") if reader.has("stroke") else None,
            stroke_width=reader.number("stroke_width", 0.5, positive=True),
            radius=reader.number("radius", 0.0, minimum=0,
                                 maximum=min(box.width, box.height) / 2,
                                 why="mm: half the box's shorter side; a rounder corner "
                                     "does not fit"),
            side=side,
            id=element_id,
        )
        if element.fill is None and element.stroke is None:
            raise LayoutError(reader.key("fill"), f"a {kind} needs a fill or a stroke")
    elif kind == "line":
        element = LineElement(
            x1=reader.number("x1"),
            y1=reader.number("y1"),
            x2=reader.number("x2"),
            y2=reader.number("y2"),
            colour=_colour(reader, "colour", "#000000"),
            width=reader.number("width", 0.5, positive=True),
            side=side,
            id=element_id,
        )
        for name in ("x1", "x2"):
            _within(reader, name, getattr(element, name), page.width)
        for name in ("y1", "y2"):
            _within(reader, name, getattr(element, name), page.height)
    else:
        raise LayoutError(
            reader.key("type"),
            f"must be one of 'text', 'qr', 'image', 'box', 'band', 'line', got {kind!r}",
        )
    reader.done()
    return element


def _image(reader: _Object, page: Size, folder: Path, side: Side, element_id: str) -> ImageElement:
    box = _rect(reader, page)
    source = reader.choice("source", ImageSource, ImageSource.FILE)
    if source is ImageSource.EVENT_LOGO:
        if reader.has("path"):
            raise LayoutError(reader.key("path"), "an image shows a file (\"path\") or the "
                              "event's logo (\"source\": \"event_logo\"), not both")
        return ImageElement(box, None, side, element_id, source)
    if not reader.has("path"):
        raise LayoutError(reader.key("path"), "is required: the picture file, or "
                          "\"source\": \"event_logo\" for the logo set in Event setup")
    image = folder / reader.string("path")
    if not image.is_file():
        raise LayoutError(reader.key("path"), f"no such file: {image}")
    try:
        file_picture(image)  # decoded once: the badges drawn with this layout reuse it
    except OSError as error:
        raise LayoutError(reader.key("path"), f"cannot read {image.name}: "
                          f"{error.strerror or error}") from None
    except PictureUnreadable:
        raise LayoutError(reader.key("path"), f"{image.name} is not a picture that can be "
                          "printed (save it as PNG or JPEG)") from None
    return ImageElement(box, image, side, element_id)


def _text(reader: _Object, page: Size, side: Side, element_id: str) -> TextElement:
    box = _rect(reader, page)
    try:
        template = parse_template(reader.string("text"))
    except ValueError as error:
        raise LayoutError(reader.key("text"), str(error)) from None
    family = reader.string("font", "Noto Sans")
    if not is_known_family(family):
        raise LayoutError(reader.key("font"), f"unknown font family {family!r}; "
                          "the bundled family is 'Noto Sans' (with fallbacks for every script)")
    size = reader.number("size", positive=True)
    min_size = reader.number("min_size", size, positive=True)
    if min_size > size:
        raise LayoutError(reader.key("min_size"), f"must not exceed size ({size}), got {min_size}")
    fit = reader.choice("fit", Fit, Fit.SHRINK)
    max_lines = reader.integer("max_lines", 2 if fit is Fit.WRAP else 1, maximum=50)
    if fit is Fit.SHRINK and max_lines != 1:
        raise LayoutError(reader.key("max_lines"), "only a text with \"fit\": \"wrap\" has "
                          "more than one line")
    style = TextStyle(
        weight=reader.choice("weight", Weight, Weight.REGULAR),
        size=size,
        min_size=min_size,
        fit=fit,
        max_lines=max_lines,
        align=reader.choice("align", Align, Align.CENTER),
        valign=reader.choice("valign", VAlign, VAlign.MIDDLE),
        line_height=reader.number("line_height", 1.15, positive=True, maximum=10,
                                  why="times the font size"),
    )
    return TextElement(
        box=box,
        template=template,
        style=style,
        colour=_colour(reader, "colour", "#000000", auto=True),
        uppercase=reader.boolean("uppercase", False),
        side=side,
        id=element_id,
    )


def _rect(reader: _Object, page: Size) -> Rect:
    box = Rect(
        reader.number("x"),
        reader.number("y"),
        reader.number("width", positive=True),
        reader.number("height", positive=True),
    )
    _inside(reader, box, page)
    return box


def _inside(reader: _Object, box: Rect, page: Size) -> None:
    _within(reader, "x", box.x, page.width - box.width)
    _within(reader, "y", box.y, page.height - box.height)


def _within(reader: _Object, name: str, value: float, limit: float) -> None:
    if value < -_TOLERANCE or value > limit + _TOLERANCE:
        raise LayoutError(reader.key(name), f"{value} mm puts the element outside the page")


def _colour(
    reader: _Object, name: str, default: str | None = None, auto: bool = False
) -> Colour:
    value = reader.raw(name, required=default is None)
    if value is None:
        assert default is not None
        return Colour(default)
    if value == "auto":
        if not auto:
            raise LayoutError(reader.key(name), "\"auto\" (black or white, whichever "
                              "reads better) is for a text's colour only")
        return Colour("#000000", on=WHITE)  # on the page until _with_backdrops looks
    if isinstance(value, str):
        return Colour(_hex(reader.key(name), value))
    setting = _Object(value, reader.key(name))
    default_colour = _hex(setting.key("default"), setting.string("default"))
    categories = setting.obj("by_category")
    mapping = tuple(
        (category, _hex(categories.key(category), categories.string(category)))
        for category in categories.value
    )
    categories.done()
    setting.done()
    return Colour(default_colour, mapping, per_category=True)


def _with_backdrops(elements: tuple[Element, ...]) -> tuple[Element, ...]:
    """Each "auto" text colour set against what is under the text: the last filled box or
    band drawn before it that holds the middle of the text's box, on the text's sides."""
    result: list[Element] = []
    for element in elements:
        if isinstance(element, TextElement) and element.colour.on is not None:
            middle = (element.box.x + element.box.width / 2,
                      element.box.y + element.box.height / 2)
            under = next((e for e in reversed(result) if isinstance(e, BoxElement)
                          and e.fill is not None and _holds(e.box, middle)
                          and e.side in (Side.BOTH, element.side)), None)
            if under is not None and under.fill is not None:
                element = replace(element, colour=replace(element.colour, on=under.fill))
        result.append(element)
    return tuple(result)


def _holds(box: Rect, point: tuple[float, float]) -> bool:
    return (box.x <= point[0] <= box.x + box.width
            and box.y <= point[1] <= box.y + box.height)


def _hex(key: str, value: Any) -> str:
    if not isinstance(value, str) or not _COLOUR.fullmatch(value):
        raise LayoutError(key, f"expected a colour like \"#1a2b3c\", got {value!r}")
    return value.lower()


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    return "an object"
