"""Badge PDFs: one badge beside bare ReportLab drawing the same, and a batch on sheets."""

from __future__ import annotations

import io
import statistics
import time
from itertools import cycle, islice
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.badges.badge_data import BadgeData
from kiosk.badges.catalogue import load_layout
from kiosk.badges.fields import field_values, fill
from kiosk.badges.fonts import Weight, face_stack
from kiosk.badges.layout import BadgeLayout, QrElement, TextElement
from kiosk.badges.qr_drawing import encode_qr
from kiosk.badges.qr_drawing import row_runs as _row_runs
from kiosk.badges.render import render_badges
from kiosk.bench.figures import Figure
from kiosk.core.models import DEFAULT_CATEGORIES, Attendee, Event
from kiosk.core.tickets import new_attendee_id, sign_ticket

ONE_BADGE_LAYOUT = "insert-4x3in"
SHEET_LAYOUT = "a4-8up-90x55"

_FIRST = ("Amelia", "Oluwaseun", "Nguyễn", "Siobhán", "Mohammed", "Jürgen", "Priya", "Zoë",
          "Fatima", "Chidi", "Maximiliane", "Olga", "محمد", "Дмитрий", "山田")
_LAST = ("Okafor", "Thị Ấu", "Ní Bhriain", "Al-Hassan", "Müller-Lüdenscheidt", "Ramaswamy",
         "O'Brien", "Kowalczyk", "Wolfeschlegelsteinhausen", "Smith", "رضایی", "Иванов", "花子")
_ORGANISATIONS = ("Unseen UK", "Hope for Justice", "International Organisation for Migration",
                  "Anti-Slavery International", "City of Leeds Council", "", "Kalayaan",
                  "Migrant Help", "Salvation Army", "Stop the Traffik")
_PRONOUNS = ("she/her", "he/him", "they/them", "")


def sample_badges(count: int, seed: int = 0) -> list[BadgeData]:
    """``count`` badges with varied names (several scripts) and real signed ticket codes."""
    key = bytes((seed + i) % 256 for i in range(32))
    event = Event(name="Freedom Network Conference 2025", date="2025-10-18", venue="London")
    badges = []
    people = zip(
        islice(cycle(_FIRST), seed, None),
        islice(cycle(_LAST), seed * 3, None),
        islice(cycle(_ORGANISATIONS), seed, None),
        islice(cycle(_PRONOUNS), seed, None),
        islice(cycle(DEFAULT_CATEGORIES), seed, None),
        strict=False,
    )
    for number, (first, last, organisation, pronouns, category) in enumerate(people):
        if number == count:
            break
        attendee_id = new_attendee_id()
        attendee = Attendee(
            id=attendee_id,
            first_name=first,
            last_name=f"{last} {number}",
            organisation=organisation,
            pronouns=pronouns,
            category=category,
        )
        badges.append(BadgeData(attendee, sign_ticket(key, attendee_id, 0), event))
    return badges


def measure_one_badge(n: int) -> tuple[float, float]:
    """Median seconds for one single-badge PDF, and for the floor under it.

    The floor is bare ReportLab in the same run: the same strings drawn with drawString in
    the same embedded font at their nominal sizes, and the same QR code (encoded by the same
    library) drawn as one rectangle per row run of dark modules, saved to PDF; no fitting,
    fallback, shaping or bidi.
    """
    layout = load_layout(ONE_BADGE_LAYOUT)
    assert isinstance(layout, BadgeLayout)
    warm_up = sample_badges(2, seed=99)
    render_badges(layout, warm_up, io.BytesIO())
    _bare_badge(layout, warm_up[0])
    ours, floor = [], []
    for badge in sample_badges(n, seed=1):
        started = time.perf_counter()
        render_badges(layout, [badge], io.BytesIO())
        ours.append(time.perf_counter() - started)
    for badge in sample_badges(n, seed=2):
        started = time.perf_counter()
        _bare_badge(layout, badge)
        floor.append(time.perf_counter() - started)
    return statistics.median(ours), statistics.median(floor)


def measure_sheet_batch(count: int) -> float:
    """Seconds to render ``count`` badges imposed on A4 sheets (8 a page) into one PDF."""
    layout = load_layout(SHEET_LAYOUT)
    render_badges(layout, sample_badges(2, seed=98), io.BytesIO())
    badges = sample_badges(count, seed=3)
    started = time.perf_counter()
    render_badges(layout, badges, io.BytesIO())
    return time.perf_counter() - started


def _bare_badge(layout: BadgeLayout, badge: BadgeData) -> bytes:
    out = io.BytesIO()
    height = layout.page.height
    font = face_stack(Weight.REGULAR)[0].name
    canvas = Canvas(out, pagesize=(layout.page.width * mm, height * mm), invariant=1,
                    pageCompression=1, initialFontName=font)
    values = field_values(badge)
    for element in layout.elements:
        box = element.box if isinstance(element, TextElement | QrElement) else None
        if box is None:
            continue
        x, y = box.x * mm, (height - box.y - box.height) * mm
        if isinstance(element, TextElement):
            text = fill(element.template, values)
            if text:
                canvas.setFont(font, element.style.size)
                canvas.drawString(x, y, text)
        elif badge.code:
            matrix = encode_qr(badge.code)
            module = box.width * mm / (len(matrix) + 8)
            path = canvas.beginPath()
            for row_number, row in enumerate(matrix):
                bottom = y + (len(matrix) + 3 - row_number) * module
                for start, length in _row_runs(row):
                    path.rect(x + (start + 4) * module, bottom, length * module, module)
            canvas.drawPath(path, stroke=0, fill=1)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def bench_badges(workdir: Path, attendees: int) -> list[Figure]:
    # A trial run (a few hundred attendees) draws a few badges, not the budget's thousand.
    full = attendees >= 10_000
    one, floor = measure_one_badge(200 if full else 5)
    count = 1_000 if full else 16
    batch = measure_sheet_batch(count)
    return [
        Figure("one badge PDF, p50", one * 1000, "ms", budget=60.0, floor=floor * 1000,
               note="floor: bare ReportLab drawing of the same strings and QR"),
        Figure(f"{count:,} badges imposed on A4 sheets", batch, "s", budget=30.0 * count / 1000),
    ]
