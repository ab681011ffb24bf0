"""The live camera preview, with a box that shows where to hold the ticket's code."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Slot
from PySide6.QtGui import QColor, QHideEvent, QPainter, QPaintEvent, QPen, QShowEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.scanning.camera import CameraInput, paint_frame

TARGET_SHARE = 0.6  # the target box's side, as a share of the preview's shorter side
_BACKGROUND = QColor("#1b1b1b")
_BOX = QColor("#ffffff")
_BOX_SHADOW = QColor(0, 0, 0, 160)
_TEXT = QColor("#f2f2f2")


class CameraView(QWidget):
    """Shows the latest frame, scaled to fit, with the target box drawn over it.

    Given a ``CameraInput``, it runs the camera only while it is visible: shown, the
    camera starts; hidden (or minimised), it stops and the last frame is dropped. When the camera is
    lost, the reason is shown in place of the picture.
    """

    def __init__(self, camera: CameraInput | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._camera: CameraInput | None = None
        self._frame: Any = None
        self._message = self.tr("Camera off")
        self.setAccessibleName(self.tr("Camera preview"))
        self.setAccessibleDescription(self.tr("Hold the code on the ticket inside the box."))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        if camera is not None:
            self.set_camera(camera)

    def sizeHint(self) -> QSize:
        return QSize(480, 360)

    def message(self) -> str:
        """What the preview says when it has no picture ("Camera off", why it was lost)."""
        return self._message

    def set_camera(self, camera: CameraInput | None) -> None:
        if self._camera is not None:
            self._camera.frame_arrived.disconnect(self.show_frame)
            self._camera.camera_lost.disconnect(self.on_camera_lost)
            self._camera.stop()
        self._camera = camera
        if camera is not None:
            camera.frame_arrived.connect(self.show_frame)
            camera.camera_lost.connect(self.on_camera_lost)
            if self.isVisible():
                camera.start()

    @Slot(object)
    def show_frame(self, frame: Any) -> None:
        """Show this frame (a QImage or a QVideoFrame) until the next one."""
        self._frame = frame
        self.update()

    def clear(self, message: str | None = None) -> None:
        self._frame = None
        self._message = message or self.tr("Camera off")
        self.update()

    @Slot(str)
    def on_camera_lost(self, message: str) -> None:
        self.clear(message)

    def target_rect(self) -> QRect:
        """Where the target box is drawn, in this widget's coordinates."""
        side = int(min(self.width(), self.height()) * TARGET_SHARE)
        box = QRect(0, 0, side, side)
        box.moveCenter(self.rect().center())
        return box

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._camera is not None:
            self._message = self.tr("Starting the camera…")
            self._camera.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if self._camera is not None:
            self._camera.stop()
            self.clear()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), _BACKGROUND)
        if self._frame is not None:
            paint_frame(painter, self._fitted(self._frame.size()), self._frame)
        else:
            painter.setPen(_TEXT)
            text_area = self.rect().adjusted(12, 12, -12, -12)
            painter.drawText(
                text_area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message
            )
        self._paint_target(painter)
        painter.end()

    def _fitted(self, size: QSize) -> QRect:
        if size.isEmpty():
            return self.rect()
        scaled = size.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        fitted = QRect(0, 0, scaled.width(), scaled.height())
        fitted.moveCenter(self.rect().center())
        return fitted

    def _paint_target(self, painter: QPainter) -> None:
        # Corner brackets, white over a dark shadow so they show on any picture.
        box = QRectF(self.target_rect())
        arm = box.width() / 5
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for colour, width in ((_BOX_SHADOW, 7.0), (_BOX, 4.0)):
            pen = QPen(colour, width)
            pen.setCapStyle(Qt.PenCapStyle.SquareCap)
            painter.setPen(pen)
            for corner, dx, dy in (
                (box.topLeft(), 1, 1),
                (box.topRight(), -1, 1),
                (box.bottomLeft(), 1, -1),
                (box.bottomRight(), -1, -1),
            ):
                painter.drawLine(corner, corner + QPointF(dx * arm, 0))
                painter.drawLine(corner, corner + QPointF(0, dy * arm))
