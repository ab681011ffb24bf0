"""The camera path beside bare zxing-cpp on hard frames: frames read, and time per frame."""

from __future__ import annotations

import io
import time
from pathlib import Path

import zxingcpp
from PIL import Image

from kiosk.bench.camera_frames import HARD, TICKET, no_code
from kiosk.bench.figures import Figure, offscreen_without_display, percentile

SEEDS = 8  # frames of each kind
NO_CODE_FRAMES = 10
# The camera decodes at most four frames a second: a frame's reading must fit in this.
FRAME_INTERVAL_MS = 250.0


def bench_camera(workdir: Path, attendees: int) -> list[Figure]:
    offscreen_without_display()
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QImage

    from kiosk.scanning.camera import TICKET_FORMATS, read_codes

    _app = QCoreApplication.instance() or QCoreApplication([])
    formats = zxingcpp.barcode_formats_from_str(TICKET_FORMATS)

    def as_frame(picture: Image.Image) -> QImage:
        buffer = io.BytesIO()
        picture.convert("RGB").save(buffer, "PNG")
        return QImage.fromData(buffer.getvalue())

    def bare(frame: QImage) -> tuple[str, ...]:
        grey = frame.convertToFormat(QImage.Format.Format_Grayscale8)
        return tuple(c.text for c in zxingcpp.read_barcodes(grey, formats=formats) if c.valid)

    figures: list[Figure] = []
    for kind, make in HARD.items():
        frames = [as_frame(make(TICKET, seed)) for seed in range(SEEDS)]
        bare_read, ours_read, bare_ms, ours_ms, wrong = 0, 0, [], [], 0
        for frame in frames:
            started = time.perf_counter()
            bare_codes = bare(frame)
            bare_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            ours = read_codes(frame)
            ours_ms.append((time.perf_counter() - started) * 1000)
            bare_read += TICKET in bare_codes
            ours_read += TICKET in ours
            wrong += any(code != TICKET for code in ours)
        figures.append(Figure(f"camera, {kind}: frames read (of {SEEDS})", ours_read,
                              "frames", floor=bare_read,
                              note=f"bare zxing-cpp {bare_read}; wrong reads {wrong}"))
        figures.append(Figure(f"camera, {kind}: ms per frame (p95)",
                              percentile(ours_ms, 0.95), "ms", budget=FRAME_INTERVAL_MS,
                              floor=percentile(bare_ms, 0.95),
                              note=f"p50 {percentile(ours_ms, 0.5):.0f} ms, bare "
                                   f"{percentile(bare_ms, 0.5):.0f} ms"))
    empty = [as_frame(no_code(seed)) for seed in range(NO_CODE_FRAMES)]
    times, false_reads = [], 0
    bare_times = []
    for frame in empty:
        started = time.perf_counter()
        bare(frame)
        bare_times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        false_reads += bool(read_codes(frame))
        times.append((time.perf_counter() - started) * 1000)
    figures.append(Figure(f"camera, no code in view: false reads (of {NO_CODE_FRAMES})",
                          false_reads, "frames", budget=0))
    figures.append(Figure("camera, no code in view: ms per frame (p95)",
                          percentile(times, 0.95), "ms", budget=FRAME_INTERVAL_MS,
                          floor=percentile(bare_times, 0.95),
                          note=f"p50 {percentile(times, 0.5):.0f} ms, bare "
                               f"{percentile(bare_times, 0.5):.0f} ms"))
    return figures
