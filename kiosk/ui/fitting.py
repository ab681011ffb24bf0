"""Labels and buttons that take the width they are given and never ask for more.

A plain ``QLabel`` asks for the width of its longest word (its whole text, without word
wrap) and a ``QPushButton`` for the width of its text, and the window grows to give it:
one long one-word name once made the desk 1,891 pixels wide, off a laptop's screen.
``FittedLabel`` breaks its text into lines itself: at the largest size at which every word
fits, down to a smallest size; below that it breaks long words anywhere, and past its
most lines it ends with "…". ``ElidedButton`` shortens its text with "…". Both keep the
whole text: ``text()`` returns it, and a tooltip and the accessible description carry it
whenever what is shown is shorter, for people and for screen readers alike.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QResizeEvent,
    QShowEvent,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

from kiosk.ui.theme import scaled_font

_LINE_SEPARATOR = "\u2028"


def _lines(text: str, font: QFont, width: float, anywhere: bool) -> tuple[list[str], float]:
    """``text`` broken into lines ``width`` wide; and the widest line's natural width."""
    layout = QTextLayout(text.replace("\n", _LINE_SEPARATOR), font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere if anywhere
                       else QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    lines: list[str] = []
    widest = 0.0
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        widest = max(widest, line.naturalTextWidth())
        start = line.textStart()
        lines.append(text[start:start + line.textLength()].rstrip(f" \n{_LINE_SEPARATOR}"))
    layout.endLayout()
    return lines, widest


class FittedLabel(QLabel):
    """Text in at most ``max_lines`` lines, ``points`` large, shrinking to ``min_points``
    before a word is broken, never asking for more width than the layout gives it."""

    def __init__(self, accessible_name: str, points: float, *, min_points: float | None = None,
                 bold: bool = False, max_lines: int = 1, fewest_lines: bool = False,
                 hide_when_empty: bool = False, parent: QWidget | None = None) -> None:
        """``fewest_lines``: shrink to keep the text on fewer lines (a name, read as one),
        rather than keep it large over more lines (a message). ``hide_when_empty``: take no
        room while there is nothing to say (a form's problem line)."""
        super().__init__(parent)
        self._fewest_lines = fewest_lines
        self._hide_when_empty = hide_when_empty
        self.setAccessibleName(accessible_name)
        self._full = ""
        self._points = points
        self._min_points = min(min_points or points, points)
        self._bold = bold
        self._max_lines = max_lines
        self._fitted_for: tuple[int, str] | None = None
        self._layouts: dict[tuple[int, str, float], tuple[list[str], float]] = {}
        self.setFont(scaled_font(points, bold))
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)

    # -- what it says --------------------------------------------------------------------

    def setText(self, text: str) -> None:
        self._full = text
        self._fitted_for = None
        self._fit()
        self.updateGeometry()

    def text(self) -> str:
        """The whole text, however it is shown."""
        return self._full

    def shown_text(self) -> str:
        """What is painted: the text in lines, perhaps shortened."""
        return super().text()

    def is_shortened(self) -> bool:
        """Whether some of the text is left out ("…"), not only broken into lines."""
        return "".join(self.shown_text().split()) != "".join(self._full.split())

    # -- size ----------------------------------------------------------------------------

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self._height(1, self._min_points))

    def sizeHint(self) -> QSize:
        width = self.width() if self.width() > 0 else 200
        return QSize(0, self.heightForWidth(width))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        lines, points = self._layout(width)
        return self._height(max(1, len(lines)) if self._full else 1, points)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    # -- fitting ----------------------------------------------------------------------------

    def _font(self, points: float) -> QFont:
        return scaled_font(points, self._bold)

    def _height(self, lines: int, points: float) -> int:
        margins = self.contentsMargins()
        spacing = QFontMetricsF(self._font(points)).lineSpacing()
        return int(lines * spacing + 0.999) + margins.top() + margins.bottom()

    def _room(self, width: int) -> float:
        margins = self.contentsMargins()
        return max(1.0, width - margins.left() - margins.right() - 2)

    def _layout(self, width: int) -> tuple[list[str], float]:
        """The lines at the largest size that fits, and that size (remembered for the last
        few widths: a layout asks the same label's height many times over)."""
        # The system's text size is in the key: the sizes are scaled by it.
        key = (width, self._full, self._font(self._points).pointSizeF())
        found = self._layouts.get(key)
        if found is None:
            found = self._lay_out(width)
            if len(self._layouts) >= 8:
                self._layouts.pop(next(iter(self._layouts)))
            self._layouts[key] = found
        return found

    def _lay_out(self, width: int) -> tuple[list[str], float]:
        if not self._full:
            return [], self._points
        room = self._room(width)
        sizes = [self._points]
        while sizes[-1] > self._min_points:
            sizes.append(max(self._min_points, sizes[-1] - 2))
        laid_out: dict[float, tuple[list[str], float]] = {}

        def at(points: float) -> tuple[list[str], float]:  # each size laid out once, if asked
            if points not in laid_out:
                laid_out[points] = _lines(self._full, self._font(points), room, anywhere=False)
            return laid_out[points]

        # A name on one line at 48 pt reads better than the same name split over two at
        # 60: with fewest_lines, fewer lines come before a larger size.
        for count in range(1, self._max_lines + 1) if self._fewest_lines \
                else (self._max_lines,):
            for points in sizes:
                lines, widest = at(points)
                if widest <= room and len(lines) <= count:
                    return lines, points
        points = self._min_points
        font = self._font(points)
        lines, _ = _lines(self._full, font, room, anywhere=True)
        if len(lines) > self._max_lines:
            rest = " ".join(lines[self._max_lines - 1:])
            metrics = QFontMetricsF(font)
            lines = [*lines[:self._max_lines - 1],
                     metrics.elidedText(rest, Qt.TextElideMode.ElideRight, room)]
        return lines, points

    def _fit(self) -> None:
        key = (self.width(), self._full)
        if self._fitted_for == key:
            return
        self._fitted_for = key
        lines, points = self._layout(self.width())
        self.setFont(self._font(points))
        super().setText("\n".join(lines))
        self.setToolTip(self._full if self.is_shortened() else "")
        self.setAccessibleDescription(self._full)


class ElidedButton(QPushButton):
    """A button whose text is shortened with "…" when it is given less room than it wants;
    the whole text is its tooltip and its accessible name."""

    def __init__(self, text: str = "", points: float = 14, bold: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setFont(scaled_font(points, bold))
        self.setMinimumHeight(48)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self.setAccessibleName(text)
        self._elide()
        self.updateGeometry()

    def text(self) -> str:
        """The whole text, however it is shown."""
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def _padding(self) -> int:
        """What the style puts around the text (frame, margins), measured around a wide
        text: a short one is padded out to the style's smallest button."""
        option = QStyleOptionButton()
        self.initStyleOption(option)
        wide = 1000
        around = self.style().sizeFromContents(QStyle.ContentsType.CT_PushButton, option,
                                               QSize(wide, self.fontMetrics().height()), self)
        return around.width() - wide

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        wanted = self._padding() + self.fontMetrics().horizontalAdvance(self._full)
        return QSize(max(hint.width(), wanted), hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        shortest = self._padding() + self.fontMetrics().horizontalAdvance("Mmmm…")
        return QSize(min(hint.width(), shortest), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = self.width() - self._padding() if self.isVisible() else 10_000
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                              max(room, 1))
        if shown != super().text():
            super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._elide()


def screen_room(widget: QWidget) -> QSize:
    """The room the screen ``widget`` is on gives windows (its available geometry)."""
    screen = widget.screen() or QApplication.primaryScreen()
    return screen.availableGeometry().size() if screen is not None else QSize(1280, 720)


class FittingScrollArea(QScrollArea):
    """A form's body that asks for all the room its content wants, up to what the screen
    has (less ``margin`` for the window's frame and its buttons), and scrolls beyond that."""

    def __init__(self, content: QWidget, margin: int = 200, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self._margin = margin
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(content)

    def sizeHint(self) -> QSize:
        content = self.widget().sizeHint() if self.widget() is not None else QSize(0, 0)
        room = screen_room(self)
        return QSize(min(content.width() + self.verticalScrollBar().sizeHint().width(),
                         room.width() - 80),
                     min(content.height() + 2, room.height() - self._margin))

    def minimumSizeHint(self) -> QSize:
        content = self.widget().minimumSizeHint() if self.widget() is not None else QSize(0, 0)
        return QSize(content.width() + self.verticalScrollBar().sizeHint().width(),
                     min(content.height(), 120))
