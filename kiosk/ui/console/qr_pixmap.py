"""A QR code as a pixmap for the console's screens (enrolment tokens, re-issued tickets)."""

from __future__ import annotations

import io

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap


def qr_pixmap(text: str, size: int = 240, border: int = 4) -> QPixmap:
    """``text`` as a QR code scaled to ``size`` pixels (``border`` modules of quiet zone)."""
    import qrcode  # only when a code is first shown

    buffer = io.BytesIO()
    qrcode.make(text, border=border).save(buffer, format="PNG")
    image = QImage.fromData(buffer.getvalue())
    return QPixmap.fromImage(image).scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio)
