"""QR codes on badges: the module matrix (cached) and its drawing, snapped to printer dots."""

from __future__ import annotations

import math
from functools import lru_cache

import qrcode
import zxingcpp
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfgen.canvas import Canvas

# Dark modules as rectangles (row, column, width, height), in modules from the top-left.
Blocks = tuple[tuple[int, int, int, int], ...]


@lru_cache(maxsize=1024)
def qr_matrix(code: str) -> tuple[tuple[bool, ...], ...]:
    """The modules of the QR code for ``code`` (cached: a reprint or a preview reuses them)."""
    return encode_qr(code)


def encode_qr(code: str) -> tuple[tuple[bool, ...], ...]:
    """The modules of the QR code for ``code`` at error-correction level M, without border.

    zxing-cpp's encoder (C++) takes under a millisecond where the pure-Python qrcode package
    takes about fifteen, most of a badge's budget; qrcode stays as the fallback for a
    zxing-cpp older than 2.3, which cannot create codes.
    """
    create = getattr(zxingcpp, "create_barcode", None)
    if create is None:
        symbol = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
        symbol.add_data(code)
        symbol.make(fit=True)
        return tuple(tuple(row) for row in symbol.get_matrix())
    image = create(code, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=1, add_quiet_zones=False
    )
    size = image.shape[0]
    pixels = memoryview(image).tobytes()
    return tuple(
        tuple(value == 0 for value in pixels[row * size : (row + 1) * size]) for row in range(size)
    )


@lru_cache(maxsize=1024)
def dark_blocks(code: str) -> Blocks:
    """The dark modules as few rectangles: runs along a row, stacked where rows repeat them."""
    blocks: list[tuple[int, int, int, int]] = []
    open_blocks: dict[tuple[int, int], tuple[int, int]] = {}
    for y, row in enumerate(qr_matrix(code)):
        runs = set(row_runs(row))
        for run in list(open_blocks):
            if run not in runs:
                top, height = open_blocks.pop(run)
                blocks.append((top, run[0], run[1], height))
        for run in runs:
            top, height = open_blocks.get(run, (y, 0))
            open_blocks[run] = (top, height + 1)
    for run, (top, height) in open_blocks.items():
        blocks.append((top, run[0], run[1], height))
    return tuple(sorted(blocks))


def row_runs(row: tuple[bool, ...] | list[bool]) -> list[tuple[int, int]]:
    """Where each stretch of dark modules in a row starts, and how long it is."""
    runs = []
    x = 0
    while x < len(row):
        if row[x]:
            start = x
            while x < len(row) and row[x]:
                x += 1
            runs.append((start, x - start))
        else:
            x += 1
    return runs


def module_size(square: float, modules: int, dpi: int) -> float:
    """The module size (points) for a square (points): whole printer dots where possible.

    A thermal printer cannot print a fraction of a dot, so modules of 3.4 dots come out as
    a mix of 3 and 4 and confuse scanners; rounding down to whole dots keeps them even.
    """
    module = square / modules
    dot = 72.0 / dpi
    if module >= dot:
        module = math.floor(module / dot + 1e-9) * dot
    return module


def draw_qr(
    canvas: Canvas, code: str, x: float, y: float, square: float, quiet_zone: int, dpi: int
) -> None:
    """Draw the QR code for ``code`` centred in the square at (x, y), size ``square`` (points)."""
    matrix = qr_matrix(code)
    count = len(matrix)
    module = module_size(square, count + 2 * quiet_zone, dpi)
    side = module * count
    left = x + (square - side) / 2
    top = y + (square + side) / 2
    dot = 72.0 / dpi
    left, top = round(left / dot) * dot, round(top / dot) * dot
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    quiet = side + 2 * quiet_zone * module
    canvas.rect(left - quiet_zone * module, top - side - quiet_zone * module, quiet, quiet,
                stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row, column, width, height in dark_blocks(code):
        path.rect(left + column * module, top - (row + height) * module, width * module,
                  height * module)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
