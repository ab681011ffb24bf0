"""Drawing fitted text on a ReportLab canvas, glyph by glyph where shaping moved them."""

from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from kiosk.badges.fonts import FAUX_BOLD_STROKE
from kiosk.badges.shaping import ShapedRun
from kiosk.badges.text_fit import FittedText

_SAME_PLACE = 1e-4  # em


def draw_text(canvas: Canvas, fitted: FittedText, x: float, y: float, colour: str) -> None:
    """Draw text fitted into a box whose bottom-left corner is at (x, y), in points."""
    canvas.saveState()
    fill = HexColor(colour)
    canvas.setFillColor(fill)
    canvas.setStrokeColor(fill)
    for placed in fitted.runs:
        _draw_run(canvas, placed.run, x + placed.x, y + placed.baseline, fitted.size)
    canvas.restoreState()


def _draw_run(canvas: Canvas, run: ShapedRun, x: float, y: float, size: float) -> None:
    if not run.glyphs:
        return
    text = canvas.beginText()
    text.setFont(run.face.name, size)
    if run.face.faux_bold:
        canvas.setLineWidth(FAUX_BOLD_STROKE * size)
        text.setTextRenderMode(2)
    # Glyphs that sit where the font's own advances put them go out as one string; the
    # text origin moves only where shaping placed a glyph elsewhere (marks, kerning).
    chunk = ""
    expected_x = expected_y = float("nan")
    for glyph in run.glyphs:
        if not (
            abs(glyph.x - expected_x) <= _SAME_PLACE and abs(glyph.y - expected_y) <= _SAME_PLACE
        ):
            if chunk:
                text.textOut(chunk)
            text.setTextOrigin(x + glyph.x * size, y + glyph.y * size)
            chunk = ""
        chunk += glyph.char
        expected_x, expected_y = glyph.x + glyph.advance, glyph.y
    if chunk:
        text.textOut(chunk)
    if run.face.faux_bold:
        text.setTextRenderMode(0)
    canvas.drawText(text)
