"""The event report as a PDF: headline figures, arrivals, categories, workshops, desks."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from kiosk.store.attendance import EventFigures

WIDTH = A4[0] - 36 * mm
ACCENT = colors.HexColor("#1f5f8b")
SERIES = [colors.HexColor(c) for c in ("#1f5f8b", "#e07b39", "#3a9a5b", "#b8405e",
                                        "#7a5fb3", "#8c8c8c")]


@dataclass(frozen=True)
class ReportHeader:
    event_name: str
    date: str
    venue: str
    wiped: bool  # the figures were kept when personal data was wiped


def _fonts() -> tuple[str, str]:
    """Noto Sans from the bundled fonts (names of desks and workshops in any Latin, Greek
    or Cyrillic script); Helvetica when the fonts are not there."""
    root = os.environ.get("KIOSK_RESOURCES") or (
        Path(getattr(sys, "_MEIPASS", "")) / "resources" if getattr(sys, "_MEIPASS", None)
        else Path(__file__).resolve().parents[2] / "resources")
    fonts = Path(root) / "fonts"
    try:
        for name, file in (("Report", "NotoSans-Regular.ttf"),
                           ("Report-Bold", "NotoSans-Bold.ttf")):
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(fonts / file)))
    except (OSError, TTFError):  # a missing font file is not worth losing the report
        return "Helvetica", "Helvetica-Bold"
    return "Report", "Report-Bold"


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=20, leading=24,
                                textColor=ACCENT),
        "sub": ParagraphStyle("sub", fontName=regular, fontSize=10, leading=13,
                              textColor=colors.grey),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=13, leading=16, spaceBefore=10,
                             spaceAfter=4, textColor=ACCENT),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12),
    }


def _table(rows: Sequence[Sequence[object]], regular: str, bold: str,
           widths: list[float] | None = None) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), regular), ("FONTNAME", (0, 0), (-1, 0), bold),
        ("FONTSIZE", (0, 0), (-1, -1), 9), ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f1f5f9")]),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _slot_label(slot: str) -> str:
    return slot[11:16] if len(slot) >= 16 else slot


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _bar_chart(labels: list[str], series: list[list[int]], names: list[str], regular: str,
               height: float = 60 * mm) -> Drawing:
    drawing = Drawing(WIDTH, height)
    chart = VerticalBarChart()
    legend_room = 12 * mm if len(names) > 1 else 0
    chart.x, chart.y = 12 * mm, 14 * mm
    chart.width, chart.height = WIDTH - 16 * mm, height - 22 * mm - legend_room
    chart.data = [tuple(s) for s in series] or [(0,)]
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 45 if len(labels) > 12 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 12 else "n"
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True
    top = max((max(s) for s in series if s), default=0)
    chart.valueAxis.valueMax = max(top, 1) * 1.1
    chart.groupSpacing = 2
    for i in range(len(series)):
        chart.bars[i].fillColor = SERIES[i % len(SERIES)]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    if len(names) > 1:
        legend = Legend()
        legend.x, legend.y = chart.x, height - 2 * mm
        legend.fontName, legend.fontSize = regular, 7
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.deltax = 45
        legend.colorNamePairs = [(SERIES[i % len(SERIES)], name) for i, name in
                                 enumerate(names)]
        drawing.add(legend)
    return drawing


def _workshop_chart(figures: EventFigures, regular: str) -> Drawing:
    # Drawn bottom up: reversed, the chart reads in the same order as the table under it.
    workshops = list(reversed(figures.workshops))
    height = max(30 * mm, (14 + 11 * len(workshops)) * mm)
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 66 * mm, 10 * mm
    chart.width, chart.height = WIDTH - 70 * mm, height - 18 * mm
    chart.data = [tuple(w["capacity"] or 0 for w in workshops) or (0,),
                  tuple(w["booked"] for w in workshops) or (0,),
                  tuple(w["attended"] for w in workshops) or (0,)]
    chart.categoryAxis.categoryNames = [_short(w["name"], 42) for w in workshops] or [""]
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    for i, colour in enumerate((colors.HexColor("#cbd5e1"), SERIES[1], SERIES[0])):
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = chart.x, height - 2 * mm
    legend.fontName, legend.fontSize = regular, 7
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx = 6
    legend.deltax = 60
    legend.colorNamePairs = [(colors.HexColor("#cbd5e1"), "capacity"), (SERIES[1], "booked"),
                             (SERIES[0], "attended")]
    drawing.add(legend)
    return drawing


def _headline(figures: EventFigures, regular: str, bold: str) -> Table:
    share = (f"{100 * figures.checked_in / figures.registered:.0f}%"
             if figures.registered else "–")
    cells = [
        ("Registered", figures.registered), ("Checked in", figures.checked_in),
        ("Turnout", share), ("Walk-ins", figures.walkins),
        ("Badges printed", figures.badges_printed), ("Cancelled", figures.cancelled),
    ]
    rows = [[str(value) for _, value in cells], [label for label, _ in cells]]
    table = Table(rows, colWidths=[WIDTH / len(cells)] * len(cells))
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), bold), ("FONTSIZE", (0, 0), (-1, 0), 18),
        ("LEADING", (0, 0), (-1, 0), 22), ("TEXTCOLOR", (0, 0), (-1, 0), ACCENT),
        ("FONTNAME", (0, 1), (-1, 1), regular), ("FONTSIZE", (0, 1), (-1, 1), 8),
        ("TEXTCOLOR", (0, 1), (-1, 1), colors.grey), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#cbd5e1")),
    ]))
    return table


def _desk_section(figures: EventFigures, regular: str) -> Drawing:
    slots = sorted({slot for per_desk in figures.desks.values() for slot in per_desk})
    names = list(figures.desks)
    series = [[figures.desks[name].get(slot, 0) for slot in slots] for name in names]
    return _bar_chart([_slot_label(s) for s in slots], series, names, regular)


def write_event_report(figures: EventFigures, header: ReportHeader,
                       path: Path | BinaryIO) -> None:
    """Draw the report for ``figures`` into ``path`` (a file name or an open file)."""
    regular, bold = _fonts()
    s = _styles(regular, bold)
    story: list[object] = [
        Paragraph(header.event_name, s["title"]),
        Paragraph(" · ".join(p for p in (header.date, header.venue) if p) or "&nbsp;",
                  s["sub"]),
        Spacer(1, 6 * mm), _headline(figures, regular, bold),
    ]
    if header.wiped:
        story.append(Paragraph("Personal data has been wiped from this event; these are the "
                               "anonymous figures kept at the time.", s["sub"]))
    story += [Paragraph("Arrivals per 15 minutes (main desk)", s["h2"]),
              _bar_chart([_slot_label(x) for x in figures.arrivals],
                         [list(figures.arrivals.values())], ["arrivals"], regular)]
    categories = [["Category", "Registered", "Checked in", "Turnout"]] + [
        [name, str(count), str(came), f"{100 * came / count:.0f}%" if count else "–"]
        for name, (count, came) in figures.categories.items()]
    story += [KeepTogether([Paragraph("Per category", s["h2"]),
                            _table(categories, regular, bold, [60 * mm, 30 * mm, 30 * mm,
                                                               25 * mm])])]
    workshop_rows = [["Workshop", "Capacity", "Booked", "Attended", "Of them booked"]] + [
        [w["name"], "–" if w["capacity"] is None else str(w["capacity"]), str(w["booked"]),
         str(w["attended"]), str(w["attended_booked"])] for w in figures.workshops]
    story += [KeepTogether([
        Paragraph("Workshops: attendance against capacity and bookings", s["h2"]),
        _workshop_chart(figures, regular),
        _table(workshop_rows, regular, bold, [80 * mm, 22 * mm, 22 * mm, 22 * mm, 28 * mm])])]
    story += [KeepTogether([Paragraph("Desk throughput: check-ins per desk per 15 minutes",
                                      s["h2"]), _desk_section(figures, regular)])]
    conflicts = [["What", "Count", "How it was resolved"],
                 ["Checked in twice (e.g. two desks offline)", str(figures.duplicates),
                  "the earliest check-in counts"],
                 ["Let in by a supervisor (override)", str(figures.overrides), "recorded"],
                 ["Check-ins undone at a desk", str(figures.undone), "not counted"],
                 ["Same detail edited at two desks", str(figures.edit_conflicts),
                  "the later edit wins"],
                 ["Badges reprinted", str(figures.reprints), "reason recorded"]]
    story += [KeepTogether([Paragraph("Sync conflicts and corrections", s["h2"]),
                            _table(conflicts, regular, bold, [75 * mm, 20 * mm, 60 * mm])])]
    target = str(path) if isinstance(path, Path) else path  # a name, or the open file
    document = SimpleDocTemplate(target, pagesize=A4, leftMargin=18 * mm,
                                 rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
                                 title=f"{header.event_name} — event report",
                                 author="kiosk")
    document.build(story)

