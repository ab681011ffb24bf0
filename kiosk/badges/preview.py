"""A raster preview of one badge at a printer's resolution, rasterised from its PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from kiosk.badges.badge_data import BadgeData
from kiosk.badges.layout import Layout, SheetLayout
from kiosk.badges.render import render_badges


class PreviewUnavailable(RuntimeError):
    """The PDF rasteriser (poppler's pdftoppm) is not installed."""


def render_preview_png(layout: Layout, badge: BadgeData, dpi: int = 203) -> bytes:
    """The front of one badge as PNG bytes at ``dpi`` (a sheet layout previews its badge).

    The preview is the badge's PDF rasterised by pdftoppm, so it shows exactly what prints.
    """
    badge_layout = layout.badge if isinstance(layout, SheetLayout) else layout
    pdf = io.BytesIO()
    render_badges(badge_layout, [badge], pdf)
    return rasterise(pdf.getvalue(), dpi, first=1, last=1)[0]


def rasterise(
    pdf: bytes,
    dpi: int,
    first: int | None = None,
    last: int | None = None,
    grey: bool = False,
    png: bool = True,
) -> list[bytes]:
    """Pages of a PDF as PNG bytes (or, faster, PPM/PGM bytes), by pdftoppm, in page order."""
    program = shutil.which("pdftoppm")
    if program is None:
        raise PreviewUnavailable("pdftoppm (poppler-utils) is needed to rasterise badges")
    command = [program, "-r", str(dpi)]
    if png:
        command.append("-png")
    if first is not None:
        command += ["-f", str(first)]
    if last is not None:
        command += ["-l", str(last)]
    if grey:
        command.append("-gray")
    with tempfile.TemporaryDirectory(prefix="kiosk-badge-") as folder:
        source = Path(folder) / "badges.pdf"
        source.write_bytes(pdf)
        result = subprocess.run(
            [*command, str(source), str(Path(folder) / "page")],
            capture_output=True,
            check=False,
            timeout=300,
        )
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip()
            raise RuntimeError(f"pdftoppm failed: {message}")
        pages = sorted(
            (path for path in Path(folder).iterdir() if path.name.startswith("page-")),
            key=lambda path: int(path.stem.split("-")[-1]),
        )
        return [page.read_bytes() for page in pages]
