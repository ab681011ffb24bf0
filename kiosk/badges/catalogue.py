"""The bundled layouts, and loading a layout by its name or from an organiser's file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kiosk.badges.layout import BadgeLayout, Layout
from kiosk.badges.layout_reader import LayoutError, load_document, read_layout
from kiosk.badges.resources import LAYOUTS_DIR


@dataclass(frozen=True)
class LayoutInfo:
    """A layout as listed for people choosing one: page size in millimetres (width, height)."""

    name: str
    title: str
    page_size_mm: tuple[float, float]
    kind: str


def bundled_layouts() -> list[LayoutInfo]:
    """Every layout shipped in resources/badges, sorted by name."""
    infos = []
    for path in sorted(LAYOUTS_DIR.glob("*.json")):
        layout = load_layout(path)
        infos.append(
            LayoutInfo(
                name=layout.name,
                title=layout.title,
                page_size_mm=(layout.page.width, layout.page.height),
                kind=str(layout.stock),
            )
        )
    return infos


def load_layout(name_or_path: str | os.PathLike[str]) -> Layout:
    """A bundled layout by name ("cr80"), or a layout file by path; LayoutError if unusable."""
    path = _path_of(name_or_path)
    return _load(path.resolve(), _mtime(path))


def _path_of(name_or_path: str | os.PathLike[str]) -> Path:
    """The file of a bundled layout's name, or the layout file at a path."""
    text = os.fspath(name_or_path)
    bundled = LAYOUTS_DIR / f"{text}.json"
    if os.sep not in text and "/" not in text and not text.endswith(".json") and bundled.is_file():
        return bundled
    path = Path(text)
    if not path.is_file():
        names = ", ".join(sorted(p.stem for p in LAYOUTS_DIR.glob("*.json")))
        raise LayoutError("", f"no such layout; the bundled layouts are: {names}", text)
    return path


def _find_badge(reference: str, folder: Path) -> BadgeLayout:
    """A sheet's badge: a path relative to the sheet file, else a bundled layout's name.

    A sheet named there (itself, or another sheet that names this one back) is refused
    before it is read as a layout, so no chain of sheets is followed round and round."""
    candidate = folder / reference
    path = _path_of(candidate if candidate.is_file() else reference)
    document = load_document(path)
    if isinstance(document, dict) and document.get("type") == "sheet":
        raise LayoutError("type", "it is a sheet layout, and a sheet's badge must be a badge "
                          "layout (a sheet places copies of one badge on a page)")
    layout = _load(path.resolve(), _mtime(path))
    if not isinstance(layout, BadgeLayout):
        raise LayoutError("type", "a sheet's badge must be a badge layout, not a sheet")
    return layout


def _mtime(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_mtime_ns, status.st_size


@lru_cache(maxsize=64)
def _load(path: Path, version: tuple[int, int]) -> Layout:
    # The file's time and size are part of the key so that an edited file is read again.
    del version
    return read_layout(path, _find_badge)
