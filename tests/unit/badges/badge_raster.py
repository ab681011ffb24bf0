"""Rasterising badge PDFs at a thermal printer's resolution and finding ink on them."""

from __future__ import annotations

import io

from PIL import Image

from kiosk.badges.preview import rasterise

PRINTER_DPI = 203
PIXELS_PER_MM = PRINTER_DPI / 25.4
INK_LEVEL = 200  # a pixel darker than this (of 255) has ink on it


def pages(pdf: bytes, dpi: int = PRINTER_DPI) -> list[Image.Image]:
    """Every page of a PDF as a greyscale image."""
    rasters = rasterise(pdf, dpi, grey=True, png=False)
    return [Image.open(io.BytesIO(raster)).convert("L") for raster in rasters]


def colour_pages(pdf: bytes, dpi: int = PRINTER_DPI) -> list[Image.Image]:
    """Every page of a PDF in colour (RGB)."""
    return [Image.open(io.BytesIO(raster)).convert("RGB")
            for raster in rasterise(pdf, dpi, png=False)]


def ink_bounds(image: Image.Image, level: int = INK_LEVEL) -> tuple[int, int, int, int] | None:
    """The box (left, top, right, bottom) in pixels around every inked pixel, or None."""
    return image.point(lambda value: 255 if value < level else 0).getbbox()
