"""Pictures on badges (an image file, the event's logo): decoded once, drawn as one PDF form."""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from kiosk.core.refusal import Refusal

log = logging.getLogger(__name__)

# 1,200 pixels is 100 mm at 300 dpi, wider than any badge's picture: a bigger logo is
# scaled down once, so each badge PDF sent to a printer stays small.
_LARGEST_SIDE = 1200


@dataclass(frozen=True, eq=False)
class Picture:
    """A decoded picture; ``form`` names it in a PDF, from its content (reproducible)."""

    reader: ImageReader
    width: int
    height: int
    form: str


class PictureUnreadable(ValueError, Refusal):
    """A file or logo that is not a picture Pillow can decode."""


def decode_picture(data: bytes) -> Picture:
    """The picture in ``data`` (PNG, JPEG, …); PictureUnreadable if it is damaged."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            image = opened.copy()
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError,
            Image.DecompressionBombError) as error:
        raise PictureUnreadable(str(error) or type(error).__name__) from None
    if max(image.size) > _LARGEST_SIDE:
        image.thumbnail((_LARGEST_SIDE, _LARGEST_SIDE), Image.Resampling.LANCZOS)
    reader = ImageReader(image)
    reader.getRGBData()  # decoded here, once, not by whichever badge comes first
    digest = hashlib.sha256(data).hexdigest()[:20]
    return Picture(reader, image.width, image.height, f"KioskPicture{digest}")


@lru_cache(maxsize=32)
def file_picture(path: Path) -> Picture:
    """A layout's image file; OSError if unreadable, PictureUnreadable if not a picture."""
    return decode_picture(path.read_bytes())


@lru_cache(maxsize=4)
def logo_picture(data: bytes) -> Picture | None:
    """The event's logo, or None when it has none, or when it cannot be decoded.

    Event setup refuses a damaged picture, so one here was damaged on the way; the badge
    still prints, without it, rather than stopping a desk's queue.
    """
    if not data:
        return None
    try:
        return decode_picture(data)
    except PictureUnreadable as error:
        log.warning("the event's logo cannot be decoded (%s); badges print without it", error)
        return None


def draw_picture(
    canvas: Canvas, picture: Picture, x: float, y: float, width: float, height: float
) -> None:
    """The picture centred in the box (points, bottom-left corner), keeping its proportions.

    The image is one form in the PDF, placed on every badge: ReportLab's drawImage would
    hash the whole image again for every badge to find that it has it already.
    """
    if not canvas.hasForm(picture.form):
        canvas.beginForm(picture.form, 0, 0, picture.width, picture.height)
        canvas.drawImage(picture.reader, 0, 0, picture.width, picture.height, mask="auto")
        canvas.endForm()
    scale = min(width / picture.width, height / picture.height)
    canvas.saveState()
    canvas.translate(x + (width - picture.width * scale) / 2,
                     y + (height - picture.height * scale) / 2)
    canvas.scale(scale, scale)
    canvas.doForm(picture.form)
    canvas.restoreState()
