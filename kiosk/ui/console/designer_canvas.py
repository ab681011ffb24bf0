"""The badge designer's canvas: the rendered badge at true size, with element frames to drag."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QWidget

from kiosk.services.badge_design import Box

MM_PER_INCH = 25.4
ZOOMS: tuple[float, ...] = (0.25, 0.33, 0.5, 0.67, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 6.0)
_HANDLE_PX = 9  # a handle's size on screen, whatever the zoom
_GRAB_PX = 5  # how near a thin line the pointer must be to take it
_SELECTED = QColor("#1565c0")
# Handles: which edges of the box each one moves (left, top, right, bottom).
_HANDLES: dict[str, tuple[bool, bool, bool, bool]] = {
    "top-left": (True, True, False, False), "top": (False, True, False, False),
    "top-right": (False, True, True, False), "right": (False, False, True, False),
    "bottom-right": (False, False, True, True), "bottom": (False, False, False, True),
    "bottom-left": (True, False, False, True), "left": (True, False, False, False),
}
_CURSORS = {
    "top-left": Qt.CursorShape.SizeFDiagCursor, "bottom-right": Qt.CursorShape.SizeFDiagCursor,
    "top-right": Qt.CursorShape.SizeBDiagCursor, "bottom-left": Qt.CursorShape.SizeBDiagCursor,
    "top": Qt.CursorShape.SizeVerCursor, "bottom": Qt.CursorShape.SizeVerCursor,
    "left": Qt.CursorShape.SizeHorCursor, "right": Qt.CursorShape.SizeHorCursor,
}


@dataclass(frozen=True)
class CanvasElement:
    """What the canvas needs of an element: its box in mm, its kind and its name."""

    box: Box
    kind: str
    title: str
    rising: bool = False  # a line from bottom-left to top-right: its ends are those corners


@dataclass
class _Drag:
    index: int
    handle: str  # "" moves the whole element
    start: QPointF
    box: Box
    moved: bool = False


class DesignCanvas(QGraphicsView):
    """Scene units are millimetres. The page's picture is the badge's own PDF rasterised, so
    what is seen is what prints; the frames and handles are drawn over it on screen.

    ``selected`` tells the element picked (-1: none); ``element_placed`` the box an element
    was dragged, resized or nudged to, once the mouse lets go; ``delete_asked`` the Delete key.
    """

    selected = Signal(int)
    element_placed = Signal(int, object)
    delete_asked = Signal(int)
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setAccessibleName("Badge canvas")
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setBackgroundBrush(QBrush(QColor("#8a9099")))
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self._page = (100.0, 70.0)
        self._shadow = self.scene().addRect(QRectF(), QPen(Qt.PenStyle.NoPen),
                                            QBrush(QColor(0, 0, 0, 70)))
        self._paper = self.scene().addRect(QRectF(), QPen(Qt.PenStyle.NoPen),
                                           QBrush(Qt.GlobalColor.white))
        self._picture = QGraphicsPixmapItem()
        self._picture.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self._picture)
        self.preview_image: QImage | None = None
        self._elements: list[CanvasElement] = []
        self._selected = -1
        self._drag: _Drag | None = None
        self._zoom = 1.0
        self._fitted = True

    # -- what is shown ----------------------------------------------------------------

    def show_design(self, page: tuple[float, float], elements: list[CanvasElement]) -> None:
        resized = page != self._page
        self._page = page
        self._elements = list(elements)
        if self._selected >= len(self._elements):
            self._selected = -1
        width, height = page
        self._paper.setRect(QRectF(0, 0, width, height))
        self._shadow.setRect(QRectF(0.8, 0.8, width, height))
        margin = max(width, height) * 0.08
        self.setSceneRect(QRectF(-margin, -margin, width + 2 * margin, height + 2 * margin))
        if resized:
            self._picture.setPixmap(QPixmap())
            if self._fitted:
                self.zoom_to_fit()
        self.viewport().update()

    def show_preview(self, image: QImage) -> None:
        """The badge as rendered: its page stretched over the page's millimetres."""
        self.preview_image = image
        self._picture.setPixmap(QPixmap.fromImage(image))
        if image.width():
            self._picture.setScale(self._page[0] / image.width())
        self.viewport().update()

    def select(self, index: int) -> None:
        index = index if 0 <= index < len(self._elements) else -1
        if index != self._selected:
            self._selected = index
            self.viewport().update()
            self.selected.emit(index)

    @property
    def selected_index(self) -> int:
        return self._selected

    def element_box(self, index: int) -> Box:
        return self._elements[index].box

    # -- zoom: 1.0 is true size on this screen ----------------------------------------

    def pixels_per_mm(self) -> float:
        """Logical pixels a millimetre takes at true size on the screen this view is on."""
        screen = self.screen()
        dpi = screen.physicalDotsPerInch() / max(screen.devicePixelRatio(), 1.0)
        if not 50 <= dpi <= 600:  # a screen that does not know its size
            dpi = screen.logicalDotsPerInch()
        return dpi / MM_PER_INCH

    @property
    def zoom(self) -> float:
        return self._zoom

    def set_zoom(self, zoom: float, fitted: bool = False) -> None:
        self._zoom = max(ZOOMS[0], min(ZOOMS[-1], zoom))
        self._fitted = fitted
        scale = self.pixels_per_mm() * self._zoom
        self.setTransform(QTransform.fromScale(scale, scale))
        self.zoom_changed.emit(self._zoom)

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOMS if z > self._zoom + 1e-6), ZOOMS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOMS) if z < self._zoom - 1e-6), ZOOMS[0]))

    def real_size(self) -> None:
        self.set_zoom(1.0)

    def zoom_to_fit(self) -> None:
        view = self.viewport().size()
        scene = self.sceneRect()
        if view.width() < 50 or view.height() < 50 or scene.isEmpty():
            self.set_zoom(1.0, fitted=True)
            return
        # The page and its margin, with a little to spare so no scroll bar comes and goes.
        room = min(view.width() / scene.width(), view.height() / scene.height()) * 0.98
        self.set_zoom(room / self.pixels_per_mm(), fitted=True)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.zoom_to_fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if event.angleDelta().y() > 0:
                self.zoom_in()
            elif event.angleDelta().y() < 0:
                self.zoom_out()
            return
        super().wheelEvent(event)

    # -- frames and handles -----------------------------------------------------------

    def _mm_per_px(self) -> float:
        return 1.0 / max(self.transform().m11(), 1e-6)

    def _handle_rects(self, box: Box, kind: str, rising: bool = False) -> dict[str, QRectF]:
        x, y, w, h = box
        size = _HANDLE_PX * self._mm_per_px()
        points = {
            "top-left": (x, y), "top": (x + w / 2, y), "top-right": (x + w, y),
            "right": (x + w, y + h / 2), "bottom-right": (x + w, y + h),
            "bottom": (x + w / 2, y + h), "bottom-left": (x, y + h), "left": (x, y + h / 2),
        }
        wanted = _handles_for(kind, box, rising)
        return {name: QRectF(px - size / 2, py - size / 2, size, size)
                for name, (px, py) in points.items() if name in wanted}

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        frame = QPen(QColor(21, 101, 192, 150), 0, Qt.PenStyle.DashLine)
        frame.setCosmetic(True)
        for index, element in enumerate(self._elements):
            if index == self._selected:
                continue
            painter.setPen(frame)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(_rect(element.box))
        if 0 <= self._selected < len(self._elements):
            element = self._elements[self._selected]
            chosen = QPen(_SELECTED, 2)
            chosen.setCosmetic(True)
            painter.setPen(chosen)
            painter.setBrush(QColor(21, 101, 192, 28))
            painter.drawRect(_rect(element.box))
            painter.setBrush(QBrush(Qt.GlobalColor.white))
            for handle in self._handle_rects(element.box, element.kind,
                                             element.rising).values():
                painter.drawRect(handle)
        painter.restore()

    # -- the mouse and the keys -------------------------------------------------------

    def _element_at(self, point: QPointF) -> int:
        grab = _GRAB_PX * self._mm_per_px()
        # The last element is drawn on top, so it is the one a click means.
        for index in range(len(self._elements) - 1, -1, -1):
            if _rect(self._elements[index].box).adjusted(-grab, -grab, grab, grab) \
                    .contains(point):
                return index
        return -1

    def _handle_at(self, point: QPointF) -> str:
        if not 0 <= self._selected < len(self._elements):
            return ""
        element = self._elements[self._selected]
        for name, area in self._handle_rects(element.box, element.kind,
                                             element.rising).items():
            if area.contains(point):
                return name
        return ""

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus()
        point = self.mapToScene(event.position().toPoint())
        handle = self._handle_at(point)
        index = self._selected if handle else self._element_at(point)
        self.select(index)
        if index >= 0:
            self._drag = _Drag(index, handle, point, self._elements[index].box)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = self.mapToScene(event.position().toPoint())
        drag = self._drag
        if drag is None:
            handle = self._handle_at(point)
            if handle:
                self.viewport().setCursor(_CURSORS[handle])
            elif self._element_at(point) >= 0:
                self.viewport().setCursor(Qt.CursorShape.SizeAllCursor)
            else:
                self.viewport().unsetCursor()
            return
        dx, dy = point.x() - drag.start.x(), point.y() - drag.start.y()
        box = _dragged(drag.box, drag.handle, dx, dy, self._elements[drag.index].kind)
        drag.moved = drag.moved or box != drag.box
        element = self._elements[drag.index]
        self._elements[drag.index] = CanvasElement(box, element.kind, element.title,
                                                   element.rising)
        self.viewport().update()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, self._drag = self._drag, None
        if drag is not None and drag.moved:
            self.element_placed.emit(drag.index, self._elements[drag.index].box)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self._selected
        steps = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0),
                 Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        if index >= 0 and event.key() in steps:
            # Shift moves 5 mm, a plain arrow half a millimetre.
            step = 5.0 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 0.5
            sx, sy = steps[Qt.Key(event.key())]
            x, y, w, h = self._elements[index].box
            self.element_placed.emit(index, (x + sx * step, y + sy * step, w, h))
            return
        if index >= 0 and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_asked.emit(index)
            return
        if event.key() == Qt.Key.Key_Escape:
            self.select(-1)
            return
        super().keyPressEvent(event)


def _rect(box: Box) -> QRectF:
    return QRectF(box[0], box[1], box[2], box[3])


def _handles_for(kind: str, box: Box, rising: bool) -> set[str]:
    if kind == "band":
        return {"top", "bottom"}
    if kind == "qr":
        return {"top-left", "top-right", "bottom-left", "bottom-right"}
    if kind == "line":
        # A line's handles are its ends: the corners its box runs between.
        if box[3] == 0:
            return {"left", "right"}
        if box[2] == 0:
            return {"top", "bottom"}
        return {"bottom-left", "top-right"} if rising else {"top-left", "bottom-right"}
    return set(_HANDLES)


def _dragged(box: Box, handle: str, dx: float, dy: float, kind: str) -> Box:
    """The box after the pointer moved (dx, dy) mm holding ``handle`` ("" moves it)."""
    x, y, w, h = box
    if not handle:
        return (x + dx, y + dy, w, h)
    left, top, right, bottom = _HANDLES[handle]
    x1, y1, x2, y2 = x, y, x + w, y + h
    if kind == "qr":  # a QR code stays square: the larger movement decides
        grow = max(dx if right else -dx, dy if bottom else -dy)
        dx, dy = (grow if right else -grow), (grow if bottom else -grow)
    if left:
        x1 = min(x1 + dx, x2 - 1.0) if kind != "line" else x1 + dx
    if right:
        x2 = max(x2 + dx, x1 + 1.0) if kind != "line" else x2 + dx
    if top:
        y1 = min(y1 + dy, y2 - 1.0) if kind != "line" else y1 + dy
    if bottom:
        y2 = max(y2 + dy, y1 + 1.0) if kind != "line" else y2 + dy
    return (min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1))
