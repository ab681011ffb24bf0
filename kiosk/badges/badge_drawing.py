"""Drawing one badge's elements on a canvas, at a given place on the page."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.badges.badge_colours import colour_on_badge
from kiosk.badges.badge_data import BadgeData
from kiosk.badges.fields import field_values, fill
from kiosk.badges.font_runs import printable
from kiosk.badges.layout import (
    BadgeLayout,
    BoxElement,
    Element,
    ImageElement,
    ImageSource,
    LineElement,
    QrElement,
    Rect,
    Side,
    TextElement,
)
from kiosk.badges.pictures import Picture, draw_picture, file_picture, logo_picture
from kiosk.badges.qr_drawing import draw_qr
from kiosk.badges.text_drawing import draw_text
from kiosk.badges.text_fit import FittedText, fit_text

# Nothing longer fits on a badge; the cap keeps a runaway field from costing seconds.
_LONGEST_TEXT = 300


@dataclass(frozen=True)
class SetText:
    """A text element as set for one badge (None where the element is left off)."""

    element: TextElement
    fitted: FittedText | None


def set_texts(layout: BadgeLayout, badge: BadgeData, side: Side = Side.FRONT) -> list[SetText]:
    """Every text element of the layout, fitted for this badge."""
    values = field_values(badge)
    result = []
    for element in layout.elements:
        if isinstance(element, TextElement) and _on_side(element, side):
            result.append(SetText(element, _fit(element, values)))
    return result


def draw_badge(
    canvas: Canvas,
    layout: BadgeLayout,
    badge: BadgeData,
    origin: tuple[float, float] = (0.0, 0.0),
    side: Side = Side.FRONT,
) -> None:
    """Draw the badge with its bottom-left corner at ``origin`` (points)."""
    values = field_values(badge)
    category = badge.attendee.category
    event = badge.event
    for element in layout.elements:
        if not _on_side(element, side):
            continue
        if isinstance(element, TextElement):
            fitted = _fit(element, values)
            if fitted is not None:
                x, y = _corner(layout, element.box, origin)
                draw_text(canvas, fitted, x, y, colour_on_badge(element.colour, category, event))
        elif isinstance(element, BoxElement):
            _draw_box(canvas, layout, element, origin, badge)
        elif isinstance(element, QrElement):
            if badge.code:
                x, y = _corner(layout, element.box, origin)
                draw_qr(canvas, badge.code, x, y, element.box.width * mm, element.quiet_zone,
                        layout.dpi)
        elif isinstance(element, ImageElement):
            picture = _picture(element, badge)
            if picture is not None:
                x, y = _corner(layout, element.box, origin)
                draw_picture(canvas, picture, x, y, element.box.width * mm,
                             element.box.height * mm)
        elif isinstance(element, LineElement):
            _draw_line(canvas, layout, element, origin, badge)


def _picture(element: ImageElement, badge: BadgeData) -> Picture | None:
    if element.source is ImageSource.EVENT_LOGO:
        return logo_picture(badge.event.logo)  # None: the event has no logo, nothing drawn
    assert element.path is not None  # the reader gives every file picture its path
    return file_picture(element.path)


def _fit(element: TextElement, values: dict[str, str | None]) -> FittedText | None:
    text = fill(element.template, values)
    if text is None:
        return None
    if element.uppercase:
        text = text.upper()
    text = printable(text[:_LONGEST_TEXT], element.style.weight)
    return fit_text(text, element.style, element.box.width * mm, element.box.height * mm)


def _on_side(element: Element, side: Side) -> bool:
    return element.side is Side.BOTH or element.side is side


def _corner(layout: BadgeLayout, box: Rect, origin: tuple[float, float]) -> tuple[float, float]:
    """The bottom-left corner of a box given from the top-left of the badge, in points."""
    return (
        origin[0] + box.x * mm,
        origin[1] + (layout.page.height - box.y - box.height) * mm,
    )


def _draw_box(
    canvas: Canvas,
    layout: BadgeLayout,
    element: BoxElement,
    origin: tuple[float, float],
    badge: BadgeData,
) -> None:
    x, y = _corner(layout, element.box, origin)
    category = badge.attendee.category
    canvas.saveState()
    if element.fill is not None:
        canvas.setFillColor(HexColor(colour_on_badge(element.fill, category, badge.event)))
    if element.stroke is not None:
        canvas.setStrokeColor(HexColor(colour_on_badge(element.stroke, category,
                                                       badge.event)))
        canvas.setLineWidth(element.stroke_width)
    width, height = element.box.width * mm, element.box.height * mm
    stroke, filled = int(element.stroke is not None), int(element.fill is not None)
    if element.radius > 0:
        canvas.roundRect(x, y, width, height, element.radius * mm, stroke=stroke, fill=filled)
    else:
        canvas.rect(x, y, width, height, stroke=stroke, fill=filled)
    canvas.restoreState()


def _draw_line(
    canvas: Canvas,
    layout: BadgeLayout,
    element: LineElement,
    origin: tuple[float, float],
    badge: BadgeData,
) -> None:
    canvas.saveState()
    colour = colour_on_badge(element.colour, badge.attendee.category, badge.event)
    canvas.setStrokeColor(HexColor(colour))
    canvas.setLineWidth(element.width)
    height = layout.page.height
    canvas.line(
        origin[0] + element.x1 * mm,
        origin[1] + (height - element.y1) * mm,
        origin[0] + element.x2 * mm,
        origin[1] + (height - element.y2) * mm,
    )
    canvas.restoreState()
