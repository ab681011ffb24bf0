"""A second look at a camera frame in which zxing-cpp found no code.

A ticket held up to a laptop's camera is often a hard frame: glare, blur from a hand that
moves or a lens that cannot focus that close, a dim room, a code small in a wide frame, a
phone screen in dark mode. zxing-cpp's first pass (local-average binarizer, inversion,
downscaling, rotation) reads many of these; when it finds nothing, ``read_harder`` tries
again with what it offers and a few cheap changes to the picture, in the order they pay:

1. a crop around each QR code candidate the first pass located but could not decode (a
   finder pattern found, the modules not read), enlarged, as it is and sharpened: small
   codes in wide frames and blurred ones;
2. the whole frame with its contrast stretched: dim rooms, washed-out prints, dark-mode
   phone screens;
3. the whole frame sharpened: blur;
4. the target box the preview draws (the middle of the frame), enlarged;
5. the global-histogram binarizer on the stretched frame.

Only codes that carry their own error correction (QR, Micro QR, Data Matrix, Aztec, PDF417)
are accepted from a second look, and only when zxing-cpp decoded them without error: a
changed picture can make a line of bars look like another one-dimensional barcode, never a
checksummed two-dimensional code. Every try stops once ``budget_ms`` is spent, so a frame
never holds up the next one for long.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import zxingcpp
from PIL import Image, ImageFilter, ImageOps

# Formats a second look may report: each carries error correction, so a changed picture
# cannot turn into a different code that passes.
CHECKSUMMED = "QRCode,MicroQRCode,DataMatrix,Aztec,PDF417"
_CHECKSUMMED = zxingcpp.barcode_formats_from_str(CHECKSUMMED)
# Candidates worth a crop: a located QR code too damaged to read (not the many Micro QR
# look-alikes a busy background gives), at least this many pixels across.
_CANDIDATE_FORMATS = (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.DataMatrix,
                      zxingcpp.BarcodeFormat.Aztec)
_SMALLEST_CANDIDATE_PX = 20
_MOST_CANDIDATES = 2
# A crop is enlarged to about this many pixels across (at most 4×).
_CROP_TARGET_PX = 420
# The target box of kiosk.ui.camera_view: this share of the frame's shorter side.
_TARGET_SHARE = 0.6

Clock = Callable[[], float]


def first_look(picture: Any, formats: Any) -> list[Any]:
    """zxing-cpp's own pass, keeping what it located but could not decode."""
    return list(zxingcpp.read_barcodes(picture, formats=formats, return_errors=True))


def read_harder(grey: Image.Image, first: list[Any], budget_ms: float,
                clock: Clock = time.perf_counter) -> tuple[str, ...]:
    """The codes a second look finds in ``grey`` (an 8-bit greyscale frame) after the first
    pass gave ``first``: the texts of the first try that reads one, else ()."""
    started = clock()
    for variant, options in _variants(grey, first):
        if (clock() - started) * 1000 > budget_ms:
            break
        # Rotation is for one-dimensional codes and the pictures are already the size
        # that reads: without them a try costs a third as much.
        found = zxingcpp.read_barcodes(variant(), formats=_CHECKSUMMED, **{
            "try_rotate": False, "try_downscale": False, **options})
        texts = tuple(dict.fromkeys(code.text for code in found if code.valid and code.text))
        if texts:
            return texts
    return ()


def _variants(grey: Image.Image, first: list[Any]
              ) -> Iterator[tuple[Callable[[], Image.Image], dict[str, Any]]]:
    """The pictures to try, each made only when its turn comes, with zxing-cpp's options."""
    width, height = grey.size
    for box in _candidate_boxes(first, width, height):
        def crop(box: tuple[int, int, int, int] = box) -> Image.Image:
            return _enlarged(grey.crop(box))

        def sharp_crop(box: tuple[int, int, int, int] = box) -> Image.Image:
            enlarged = _enlarged(grey.crop(box))
            # Blur grows with the enlargement: so does the sharpening.
            return _sharpened(enlarged, 2 * enlarged.width / max(1, box[2] - box[0]))
        yield crop, {}
        yield sharp_crop, {}
    stretched: list[Image.Image] = []

    def stretch() -> Image.Image:
        if not stretched:
            stretched.append(ImageOps.autocontrast(grey, cutoff=1))
        return stretched[0]
    yield stretch, {}
    yield (lambda: _sharpened(grey, 4)), {}
    side = int(min(width, height) * _TARGET_SHARE)
    target = ((width - side) // 2, (height - side) // 2, (width + side) // 2,
              (height + side) // 2)
    yield (lambda: _enlarged(grey.crop(target), 2)), {}
    yield stretch, {"binarizer": zxingcpp.Binarizer.GlobalHistogram}


def _candidate_boxes(first: list[Any], width: int, height: int
                     ) -> list[tuple[int, int, int, int]]:
    boxes: list[tuple[int, int, int, int]] = []
    for code in first:
        if code.valid or code.format not in _CANDIDATE_FORMATS:
            continue
        corners = code.position
        xs = [corners.top_left.x, corners.top_right.x, corners.bottom_left.x,
              corners.bottom_right.x]
        ys = [corners.top_left.y, corners.top_right.y, corners.bottom_left.y,
              corners.bottom_right.y]
        side = max(max(xs) - min(xs), max(ys) - min(ys))
        if side < _SMALLEST_CANDIDATE_PX:
            continue
        # The candidate with room around it: its corners may be a little off.
        half = side * 0.9 + 10
        centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        box = (int(max(0, centre_x - half)), int(max(0, centre_y - half)),
               int(min(width, centre_x + half)), int(min(height, centre_y + half)))
        if box not in boxes:
            boxes.append(box)
        if len(boxes) == _MOST_CANDIDATES:
            break
    return boxes


def _enlarged(crop: Image.Image, at_least: int = 1) -> Image.Image:
    scale = max(at_least, min(4, _CROP_TARGET_PX // max(1, crop.width)))
    if scale <= 1:
        return crop
    return crop.resize((crop.width * scale, crop.height * scale), Image.Resampling.BICUBIC)


def _sharpened(picture: Image.Image, radius: float) -> Image.Image:
    return picture.filter(ImageFilter.UnsharpMask(radius=radius, percent=250, threshold=0))
