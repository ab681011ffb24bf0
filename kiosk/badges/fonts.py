"""The bundled fonts: fallback stacks per weight, each loaded once for ReportLab and HarfBuzz."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

import uharfbuzz as hb
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kiosk.badges.resources import FONTS_DIR

FAMILY = "Noto Sans"
FAMILY_ALIASES = frozenset({"noto sans", "sans", "sans-serif"})

# Glyphs that no character maps to (Arabic joining forms, Devanagari conjuncts, ligatures)
# are given Private Use code points so ReportLab can subset and address them. The numbering
# is a function of the font alone, so the same text always gives the same PDF bytes.
_PRIVATE_USE = range(0xE000, 0xF900)
# Faux bold for a family without a bold face: the outline is stroked by this share of the size.
FAUX_BOLD_STROKE = 0.028


class Weight(StrEnum):
    """The weights a layout may ask for."""

    REGULAR = "regular"
    BOLD = "bold"


@dataclass(frozen=True)
class _StackEntry:
    file: str
    faux_bold: bool = False


# A character takes the first face in its stack that has it. Han and kana come before
# Hangul so a Japanese or Chinese name never mixes two CJK designs; NanumSquare only adds
# Hangul, which Droid Sans Fallback lacks.
_STACKS: dict[Weight, tuple[_StackEntry, ...]] = {
    Weight.REGULAR: (
        _StackEntry("NotoSans-Regular.ttf"),
        _StackEntry("NotoSansArabic-Regular.ttf"),
        _StackEntry("NotoSansHebrew-Regular.ttf"),
        _StackEntry("NotoSansDevanagari-Regular.ttf"),
        _StackEntry("NotoSansEthiopic-Regular.ttf"),
        _StackEntry("DroidSansFallbackFull.ttf"),
        _StackEntry("NanumSquareR.ttf"),
    ),
    Weight.BOLD: (
        _StackEntry("NotoSans-Bold.ttf"),
        _StackEntry("NotoSansArabic-Bold.ttf"),
        _StackEntry("NotoSansHebrew-Bold.ttf"),
        _StackEntry("NotoSansDevanagari-Bold.ttf"),
        _StackEntry("NotoSansEthiopic-Bold.ttf"),
        _StackEntry("DroidSansFallbackFull.ttf", faux_bold=True),
        _StackEntry("NanumSquareB.ttf"),
    ),
}


@dataclass(frozen=True, eq=False)
class Face:
    """One font file as used on a badge: its ReportLab name, shaping font and metrics (in em)."""

    name: str
    path: Path
    faux_bold: bool
    hb_font: hb.Font
    upem: int
    coverage: frozenset[int]
    ascender: float
    descender: float
    reportlab_font: TTFont
    _glyph_chars: dict[int, str] = field(default_factory=dict)
    _private_codes: dict[int, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def covers(self, char: str) -> bool:
        return ord(char) in self.coverage

    def char_for_glyph(self, gid: int) -> str:
        """The character that makes ReportLab draw glyph ``gid``, or "" if it has none."""
        char = self._glyph_chars.get(gid)
        if char is not None:
            return char
        with self._lock:
            return self._assign_char(gid)

    def _assign_char(self, gid: int) -> str:
        reportlab_face = self.reportlab_font.face
        for code in reportlab_face.glyphToChar.get(gid, ()):
            # ReportLab writes ToUnicode entries as 4 hex digits and prints U+00A0 as a space.
            if code <= 0xFFFF and code != 0xA0:
                self._glyph_chars[gid] = chr(code)
                return chr(code)
        code = self._private_codes.get(gid)
        if code is None:
            return ""
        reportlab_face.charToGlyph[code] = gid
        reportlab_face.glyphToChar.setdefault(gid, []).append(code)
        reportlab_face.charWidths[code] = self.hb_font.get_glyph_h_advance(gid) * 1000 / self.upem
        self._glyph_chars[gid] = chr(code)
        return chr(code)


def face_stack(weight: Weight) -> tuple[Face, ...]:
    """The fallback faces for a weight, in order of preference."""
    return _stack(weight)


def all_faces() -> tuple[Face, ...]:
    """Every distinct face of every stack."""
    seen: dict[int, Face] = {}
    for weight in Weight:
        for face in _stack(weight):
            seen.setdefault(id(face), face)
    return tuple(seen.values())


def font_files() -> tuple[Path, ...]:
    """The bundled font files, each once."""
    names = dict.fromkeys(entry.file for stack in _STACKS.values() for entry in stack)
    return tuple(FONTS_DIR / name for name in names)


def is_known_family(family: str) -> bool:
    return family.casefold() == FAMILY.casefold() or family.casefold() in FAMILY_ALIASES


@cache
def _stack(weight: Weight) -> tuple[Face, ...]:
    return tuple(_load(entry.file, entry.faux_bold) for entry in _STACKS[weight])


_load_lock = threading.Lock()


@cache
def _load(file: str, faux_bold: bool) -> Face:
    if faux_bold:
        plain = _load(file, False)
        return Face(
            name=plain.name,
            path=plain.path,
            faux_bold=True,
            hb_font=plain.hb_font,
            upem=plain.upem,
            coverage=plain.coverage,
            ascender=plain.ascender,
            descender=plain.descender,
            reportlab_font=plain.reportlab_font,
            _glyph_chars=plain._glyph_chars,
            _private_codes=plain._private_codes,
            _lock=plain._lock,
        )
    path = FONTS_DIR / file
    name = "kiosk-" + path.stem
    with _load_lock:
        # Asking getFont for a name it lacks makes ReportLab search for Type 1 metrics files.
        if name in pdfmetrics.getRegisteredFontNames():
            reportlab_font = pdfmetrics.getFont(name)
        else:
            reportlab_font = TTFont(name, str(path))
            pdfmetrics.registerFont(reportlab_font)
    hb_face = hb.Face(hb.Blob.from_file_path(str(path)))
    hb_font = hb.Font(hb_face)
    upem = hb_face.upem
    extents = hb_font.get_font_extents("ltr")
    reportlab_face = reportlab_font.face
    encoded = {
        gid
        for gid, codes in reportlab_face.glyphToChar.items()
        if any(code <= 0xFFFF and code != 0xA0 for code in codes)
    }
    free_codes = [code for code in _PRIVATE_USE if code not in reportlab_face.charToGlyph]
    unencoded = [gid for gid in range(1, hb_face.glyph_count) if gid not in encoded]
    private_codes = dict(zip(unencoded, free_codes, strict=False))
    return Face(
        name=name,
        path=path,
        faux_bold=False,
        hb_font=hb_font,
        upem=upem,
        coverage=frozenset(hb_face.unicodes),
        ascender=extents.ascender / upem,
        descender=extents.descender / upem,
        reportlab_font=reportlab_font,
        _private_codes=private_codes,
    )
