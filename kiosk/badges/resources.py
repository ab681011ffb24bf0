"""Where the bundled badge layouts and fonts live, in a source tree or a frozen app."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _resources_dir() -> Path:
    override = os.environ.get("KIOSK_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


RESOURCES_DIR = _resources_dir()
LAYOUTS_DIR = RESOURCES_DIR / "badges"
FONTS_DIR = RESOURCES_DIR / "fonts"
