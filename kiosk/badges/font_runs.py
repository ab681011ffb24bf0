"""Per-character font fallback: badge text split into runs of one face, script and direction.

Characters that no bundled face has (emoji, rare scripts) are dropped here, so nothing is
ever drawn as an empty box.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kiosk.badges.bidi_levels import embedding_levels
from kiosk.badges.fonts import Face, Weight, face_stack

# Zero-width joiners and direction marks carry meaning (Persian ZWNJ, a stray RLM) but need
# no glyph: HarfBuzz removes them after using them.
_INVISIBLE_KEPT = frozenset("\u200c\u200d\u200e\u200f")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class TextRun:
    """A stretch of text drawn with one face, in one script, at one bidi level."""

    text: str
    face: Face
    level: int

    @property
    def rtl(self) -> bool:
        return self.level % 2 == 1


def printable(text: str, weight: Weight) -> str:
    """The text as it will be printed: normalised, with unprintable characters left out."""
    return _choose(text, weight)[0]


@lru_cache(maxsize=8192)
def runs(text: str, weight: Weight, paragraph_level: int) -> tuple[TextRun, ...]:
    """The runs of ``text`` (already :func:`printable`) in logical order."""
    kept, faces = _choose(text, weight)
    levels = embedding_levels(kept, paragraph_level)
    scripts = _scripts(kept)
    keys = [(id(face), level, script) for face, level, script in zip(faces, levels, scripts,
                                                                      strict=True)]
    result: list[TextRun] = []
    start = 0
    for i in range(1, len(kept) + 1):
        if i == len(kept) or keys[i] != keys[start]:
            result.append(TextRun(kept[start:i], faces[start], levels[start]))
            start = i
    return tuple(result)


def _scripts(text: str) -> list[str]:
    """Each character's script; neutral ones take the script before them (or after)."""
    scripts = [_script(char) for char in text]
    previous = next((script for script in scripts if script), "")
    for i, script in enumerate(scripts):
        if script:
            previous = script
        else:
            scripts[i] = previous
    return scripts


@lru_cache(maxsize=65536)
def _script(char: str) -> str:
    """A coarse script name for a letter ("LATIN", "ARABIC", "CJK"...), "" for anything else."""
    if not unicodedata.category(char).startswith("L"):
        return ""
    return unicodedata.name(char, "").split(" ", 1)[0]


@lru_cache(maxsize=8192)
def _choose(text: str, weight: Weight) -> tuple[str, tuple[Face, ...]]:
    clusters = _clusters(_normalise(text))
    stack = face_stack(weight)
    chosen: list[tuple[str, Face | None]] = []
    for cluster in clusters:
        if _is_common(cluster[0]):
            chosen.append((cluster, None))
            continue
        letter = _letter_cluster(cluster, stack)
        if letter is not None:
            chosen.append(letter)
    resolved: list[tuple[str, Face]] = []
    for index, (cluster, face) in enumerate(chosen):
        if face is None:
            face = _common_face(cluster, index, chosen, resolved, stack)
            if face is None:
                continue
            cluster = _covered(cluster, face)
        if not cluster:
            continue
        if cluster.isspace() and (not resolved or resolved[-1][0].isspace()):
            continue
        resolved.append((cluster, face))
    while resolved and resolved[-1][0].isspace():
        resolved.pop()
    text_out = "".join(cluster for cluster, _ in resolved)
    faces = tuple(face for cluster, face in resolved for _ in cluster)
    return text_out, faces


def clusters(text: str) -> list[str]:
    """Characters grouped with the marks and joiners that follow them."""
    return _clusters(text)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or char in _INVISIBLE_KEPT or unicodedata.category(char)[0] != "C"
    )
    return _SPACES.sub(" ", text).strip()


def _clusters(text: str) -> list[str]:
    clusters: list[str] = []
    for char in text:
        if clusters and _joins_previous(char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _joins_previous(char: str) -> bool:
    return (
        unicodedata.category(char)[0] == "M"
        or char in _INVISIBLE_KEPT
        or 0xFE00 <= ord(char) <= 0xFE0F
        or 0xE0100 <= ord(char) <= 0xE01EF
    )


def _is_common(char: str) -> bool:
    return unicodedata.category(char)[0] in "ZPSN"


def _needs_glyph(char: str) -> bool:
    return char not in _INVISIBLE_KEPT and not (
        0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF
    )


def _covers_all(face: Face, cluster: str) -> bool:
    return all(face.covers(char) for char in cluster if _needs_glyph(char))


def _covered(cluster: str, face: Face) -> str:
    """The cluster without the marks ``face`` cannot draw ("" if it lacks the base)."""
    if not face.covers(cluster[0]):
        return ""
    return cluster[0] + "".join(
        char for char in cluster[1:] if not _needs_glyph(char) or face.covers(char)
    )


def _letter_cluster(cluster: str, stack: tuple[Face, ...]) -> tuple[str, Face] | None:
    for face in stack:
        if _covers_all(face, cluster):
            return cluster, face
    for face in stack:
        if face.covers(cluster[0]):
            return _covered(cluster, face), face
    return None


def _common_face(
    cluster: str,
    index: int,
    chosen: list[tuple[str, Face | None]],
    resolved: list[tuple[str, Face]],
    stack: tuple[Face, ...],
) -> Face | None:
    """Spaces, digits and punctuation stay in the face of the text around them."""
    candidates: list[Face] = []
    if resolved:
        candidates.append(resolved[-1][1])
    following = next((face for _, face in chosen[index + 1 :] if face is not None), None)
    if following is not None:
        candidates.append(following)
    candidates.extend(stack)
    for face in candidates:
        if _covers_all(face, cluster):
            return face
    for face in candidates:
        if face.covers(cluster[0]):
            return face
    return None
