"""Badge layouts rendered to PDF with ReportLab: fonts, text fitting, sheets."""

from kiosk.badges.badge_data import BadgeData
from kiosk.badges.catalogue import LayoutInfo, bundled_layouts, load_layout
from kiosk.badges.layout import BadgeLayout, Layout, SheetLayout
from kiosk.badges.layout_reader import LayoutError
from kiosk.badges.preview import PreviewUnavailable, render_preview_png
from kiosk.badges.render import render_badges

__all__ = [
    "BadgeData",
    "BadgeLayout",
    "Layout",
    "LayoutError",
    "LayoutInfo",
    "PreviewUnavailable",
    "SheetLayout",
    "bundled_layouts",
    "load_layout",
    "render_badges",
    "render_preview_png",
]
