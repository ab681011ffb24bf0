"""The badge layout model: pages, elements and sheets, in millimetres from the top-left corner."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kiosk.badges.fields import Template
from kiosk.badges.text_fit import TextStyle

FORMAT_VERSION = 1


class Stock(StrEnum):
    """What a layout prints on; sheets impose several badges on each page."""

    INSERT = "insert"
    CARD = "card"
    LABEL = "label"
    SHEET = "sheet"


class Side(StrEnum):
    """Which side of a double-sided badge an element is printed on."""

    BOTH = "both"
    FRONT = "front"
    BACK = "back"


class Flip(StrEnum):
    """The edge a double-sided page turns over, which decides how the back is mirrored."""

    LONG_EDGE = "long_edge"
    SHORT_EDGE = "short_edge"


@dataclass(frozen=True)
class Size:
    width: float
    height: float


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Colour:
    """A colour, or one per ticket category with a default (categories compared case-blind).

    ``per_category`` marks a colour given by category in the layout: the event's own
    category colours (set in Event setup) take its place where the event has one; a plain
    colour is pinned. ``on`` marks a text colour "auto": black or white, whichever reads
    better on that colour (the box or band under the text, else the white page).
    """

    default: str
    by_category: tuple[tuple[str, str], ...] = ()
    per_category: bool = False
    on: Colour | None = None

    def for_category(self, category: str) -> str:
        """The layout's own colour for a category (the event's colours are not consulted)."""
        wanted = category.casefold()
        for name, colour in self.by_category:
            if name.casefold() == wanted:
                return colour
        return self.default


BLACK = Colour("#000000")
WHITE = Colour("#ffffff")


@dataclass(frozen=True)
class TextElement:
    """Text from a template over attendee and event fields, fitted into its box."""

    box: Rect
    template: Template
    style: TextStyle
    colour: Colour = BLACK
    uppercase: bool = False
    side: Side = Side.BOTH
    id: str = ""


@dataclass(frozen=True)
class QrElement:
    """The code given to the renderer as a QR code (level M) in a square with its quiet zone."""

    box: Rect
    quiet_zone: int = 4
    side: Side = Side.BOTH
    id: str = ""


class ImageSource(StrEnum):
    """Where a picture comes from: a file beside the layout, or the event's own logo."""

    FILE = "file"
    EVENT_LOGO = "event_logo"


@dataclass(frozen=True)
class ImageElement:
    """A picture scaled to fit its box, keeping its proportions: a file (``path``), or the
    logo uploaded in Event setup, left off (no frame, no gap filler) when there is none."""

    box: Rect
    path: Path | None
    side: Side = Side.BOTH
    id: str = ""
    source: ImageSource = ImageSource.FILE


@dataclass(frozen=True)
class BoxElement:
    """A filled and/or outlined rectangle; a band is a box the full width of the badge."""

    box: Rect
    fill: Colour | None = None
    stroke: Colour | None = None
    stroke_width: float = 0.5
    radius: float = 0.0
    side: Side = Side.BOTH
    id: str = ""


@dataclass(frozen=True)
class LineElement:
    """A straight line; its width is in points."""

    x1: float
    y1: float
    x2: float
    y2: float
    colour: Colour = BLACK
    width: float = 0.5
    side: Side = Side.BOTH
    id: str = ""


Element = TextElement | QrElement | ImageElement | BoxElement | LineElement


@dataclass(frozen=True)
class BadgeLayout:
    """One badge: printed one per page on inserts, cards and labels."""

    name: str
    title: str
    stock: Stock
    page: Size
    elements: tuple[Element, ...]
    dpi: int = 300
    double_sided: Flip | None = None
    source: Path | None = None


@dataclass(frozen=True)
class CutMarks:
    length: float = 4.0
    offset: float = 1.5
    width: float = 0.3


@dataclass(frozen=True)
class SheetLayout:
    """Badges imposed on a sheet: a grid with its margins and gaps worked out at load time."""

    name: str
    title: str
    page: Size
    badge: BadgeLayout
    columns: int
    rows: int
    left: float
    top: float
    gap_x: float
    gap_y: float
    cut_marks: CutMarks | None = None
    double_sided: Flip | None = None
    source: Path | None = None

    @property
    def stock(self) -> Stock:
        return Stock.SHEET

    @property
    def dpi(self) -> int:
        return self.badge.dpi

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


Layout = BadgeLayout | SheetLayout
