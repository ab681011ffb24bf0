"""The Unicode bidirectional algorithm for one line of badge text: levels and visual order.

Badge text has no explicit embeddings or isolates (text normalisation removes those format
characters), so a line is one isolating run sequence and the algorithm reduces to rules
P2-P3, W1-W7, N0-N2, I1-I2 and L2 of UAX #9. HarfBuzz mirrors brackets in right-to-left
runs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import TypeVar

_STRONG = frozenset({"L", "R", "AL"})
_NEUTRAL = frozenset({"B", "S", "WS", "ON", "LRI", "RLI", "FSI", "PDI"})
_EXPLICIT = frozenset({"LRE", "LRO", "RLE", "RLO", "PDF"})
# Bidi_Paired_Bracket pairs (BidiBrackets.txt) that names may contain.
_OPENING = dict(zip("([{\u2045\u207d\u208d\u2329\u2768\u276a\u27e6\u27e8\u2983\u3008\u300a"
                    "\u300c\u300e\u3010\u3014\u3016\u3018\u301a\uff08\uff3b\uff5b\uff5f\uff62",
                    ")]}\u2046\u207e\u208e\u232a\u2769\u276b\u27e7\u27e9\u2984\u3009\u300b"
                    "\u300d\u300f\u3011\u3015\u3017\u3019\u301b\uff09\uff3d\uff5d\uff60\uff63",
                    strict=True))
_CLOSING = frozenset(_OPENING.values())

T = TypeVar("T")


def base_level(text: str) -> int:
    """0 for a left-to-right paragraph, 1 for right-to-left: the first strong character wins."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return 0
        if kind in ("R", "AL"):
            return 1
    return 0


@lru_cache(maxsize=4096)
def embedding_levels(text: str, paragraph_level: int) -> tuple[int, ...]:
    """The resolved embedding level of each character of one line."""
    kinds = [unicodedata.bidirectional(char) or "L" for char in text]
    kept = [i for i, kind in enumerate(kinds) if kind != "BN" and kind not in _EXPLICIT]
    types = [kinds[i] for i in kept]
    sos = "R" if paragraph_level % 2 else "L"
    _resolve_weak(types, sos)
    _resolve_brackets(types, [text[i] for i in kept], sos)
    _resolve_neutral(types, sos)
    resolved = [_implicit_level(kind, paragraph_level) for kind in types]
    levels = [paragraph_level] * len(text)
    for position, index in enumerate(kept):
        levels[index] = resolved[position]
    # Boundary neutrals removed by X9 (ZWJ, ZWNJ) take the level of what precedes them.
    previous = paragraph_level
    kept_set = set(kept)
    for index in range(len(text)):
        if index in kept_set:
            previous = levels[index]
        else:
            levels[index] = previous
    return tuple(levels)


def visual_order(items: Sequence[T], levels: Sequence[int]) -> list[T]:
    """Items of one line (characters or runs) rearranged from logical to visual order (L2)."""
    pairs = list(zip(levels, items, strict=True))
    if not pairs:
        return []
    highest = max(levels)
    lowest = min(levels)
    lowest_odd = lowest if lowest % 2 else lowest + 1
    for level in range(highest, lowest_odd - 1, -1):
        start = 0
        while start < len(pairs):
            if pairs[start][0] >= level:
                end = start
                while end < len(pairs) and pairs[end][0] >= level:
                    end += 1
                pairs[start:end] = reversed(pairs[start:end])
                start = end
            else:
                start += 1
    return [item for _, item in pairs]


def _resolve_weak(types: list[str], sos: str) -> None:
    previous = sos
    for i, kind in enumerate(types):  # W1
        if kind == "NSM":
            types[i] = "ON" if previous in ("LRI", "RLI", "FSI", "PDI") else previous
        previous = types[i]
    last_strong = sos
    for i, kind in enumerate(types):  # W2, W3
        if kind in _STRONG:
            last_strong = kind
        elif kind == "EN" and last_strong == "AL":
            types[i] = "AN"
    for i, kind in enumerate(types):
        if kind == "AL":
            types[i] = "R"
    for i in range(1, len(types) - 1):  # W4
        before, kind, after = types[i - 1], types[i], types[i + 1]
        if kind == "ES" and before == after == "EN":
            types[i] = "EN"
        elif kind == "CS" and before == after and before in ("EN", "AN"):
            types[i] = before
    i = 0
    while i < len(types):  # W5
        if types[i] != "ET":
            i += 1
            continue
        end = i
        while end < len(types) and types[end] == "ET":
            end += 1
        if (i > 0 and types[i - 1] == "EN") or (end < len(types) and types[end] == "EN"):
            types[i:end] = ["EN"] * (end - i)
        i = end
    for i, kind in enumerate(types):  # W6
        if kind in ("ES", "ET", "CS"):
            types[i] = "ON"
    last_strong = sos
    for i, kind in enumerate(types):  # W7
        if kind in ("L", "R"):
            last_strong = kind
        elif kind == "EN" and last_strong == "L":
            types[i] = "L"


def _strong_direction(kind: str) -> str | None:
    if kind == "L":
        return "L"
    if kind in ("R", "EN", "AN"):
        return "R"
    return None


def _bracket_pairs(types: list[str], chars: list[str]) -> list[tuple[int, int]]:
    """BD16: matching bracket pairs, by position of the opening bracket."""
    openers: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for i, char in enumerate(chars):
        if types[i] != "ON":
            continue
        if char in _OPENING:
            if len(openers) == 63:
                break
            openers.append((_OPENING[char], i))
        elif char in _CLOSING:
            for depth in range(len(openers) - 1, -1, -1):
                if openers[depth][0] == char:
                    pairs.append((openers[depth][1], i))
                    del openers[depth:]
                    break
    return sorted(pairs)


def _resolve_brackets(types: list[str], chars: list[str], sos: str) -> None:
    for opening, closing in _bracket_pairs(types, chars):  # N0
        inside = {_strong_direction(kind) for kind in types[opening + 1 : closing]} - {None}
        if sos in inside:
            resolved = sos
        elif inside:
            before = next(
                (
                    direction
                    for kind in reversed(types[:opening])
                    if (direction := _strong_direction(kind)) is not None
                ),
                sos,
            )
            resolved = before
        else:
            continue
        types[opening] = types[closing] = resolved


def _resolve_neutral(types: list[str], sos: str) -> None:
    def direction(kind: str) -> str:
        return "R" if kind in ("R", "EN", "AN") else "L"

    i = 0
    while i < len(types):  # N1, N2
        if types[i] not in _NEUTRAL:
            i += 1
            continue
        end = i
        while end < len(types) and types[end] in _NEUTRAL:
            end += 1
        before = sos if i == 0 else direction(types[i - 1])
        after = sos if end == len(types) else direction(types[end])
        resolved = before if before == after else sos
        types[i:end] = [resolved] * (end - i)
        i = end


def _implicit_level(kind: str, paragraph_level: int) -> int:
    if paragraph_level % 2 == 0:
        if kind == "R":
            return paragraph_level + 1
        if kind in ("AN", "EN"):
            return paragraph_level + 2
        return paragraph_level
    if kind in ("L", "EN", "AN"):
        return paragraph_level + 1
    return paragraph_level
