"""Workshop choices in a cell: "A; B", "A, B", one per line, or a tick under a workshop's name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kiosk.core.field_limits import LONGEST_TEXT
from kiosk.importing.values import tidy

# A tree of known titles' comma-separated pieces; the key None marks where a title ends.
_Pieces = dict[Any, Any]

_STRONG_SEPARATOR = re.compile(r"[\r\n;|]")
_NO_CHOICE = frozenset(
    {
        "none",
        "n/a",
        "na",
        "-",
        "no",
        "not attending",
        "no workshop",
        "none of these",
        "not applicable",
        "not sure yet",
        "undecided",
    }
)
_BULLETS = "•·*-–— "
_OPTION_SEPARATORS = (" – ", " — ", " - ", ": ")


def option_name(header: str) -> str | None:
    """The workshop a yes/no column stands for, if its heading names one.

    pretix writes ungrouped choices as "Workshops – Engaging With Businesses"; a Google
    Forms checkbox grid as "Workshops [Engaging With Businesses]".
    """
    if header.endswith("]") and "[" in header:
        return tidy(header[header.rindex("[") + 1 : -1]) or None
    for separator in _OPTION_SEPARATORS:
        if separator in header:
            return tidy(header.split(separator, 1)[1]) or None
    return None


def known_choices(workshops: Iterable[str]) -> frozenset[str]:
    """The keys under which ``split_choices`` recognises a workshop title."""
    return frozenset(tidy(w).casefold() for w in workshops if w)


def split_choices(raw: str, known: frozenset[str] = frozenset()) -> list[str]:
    """Workshop names in one cell, tidied, in order, without "None"-style answers.

    Line breaks, ";" and "|" always separate (Microsoft Forms ends its list with ";").
    A comma separates only when none of those is present (Google Forms joins checkbox
    answers with ", "), and never inside brackets, before a lower-case continuation
    ("Trafficking, labour and supply chains"), or inside a known workshop title.
    The work grows in step with the cell: a form answer listing thousands of workshops is
    split as quickly, per workshop, as one listing two.
    """
    if _STRONG_SEPARATOR.search(raw):
        parts = _STRONG_SEPARATOR.split(raw)
    elif "," in raw and tidy(raw).casefold() not in known:
        parts = _merge_known(_comma_parts(raw), known)
    else:
        parts = [raw]
    choices: list[str] = []
    seen: set[str] = set()
    for part in parts:
        choice = tidy(part).strip(_BULLETS)
        if choice and choice.casefold() not in _NO_CHOICE and choice not in seen:
            seen.add(choice)
            choices.append(choice)
    return choices


def _comma_parts(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    start = 0
    length = len(text)
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
        elif char == "," and not depth:
            following = index + 1
            while following < length and text[following].isspace():
                following += 1
            if text[following:following + 1].islower():
                continue
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _merge_known(parts: list[str], known: frozenset[str]) -> list[str]:
    """Parts joined again where they make a known title with commas in it, longest first.

    The titles are walked as a tree of their comma-separated pieces, so each part is looked
    at no more times than the most pieces a title has: linear in the cell, whatever it holds.
    Titles too long to be booked (``LONGEST_TEXT``) are not looked for.
    """
    if len(parts) < 2:
        return parts
    tree = _title_tree(known)
    if not tree:
        return parts
    keys = [tidy(part).casefold() for part in parts]
    merged: list[str] = []
    index = 0
    while index < len(parts):
        end = _title_end(tree, keys, index)
        if end > index:
            merged.append(",".join(parts[index:end]))
            index = end
        else:
            merged.append(parts[index])
            index += 1
    return merged


def _title_tree(known: frozenset[str]) -> _Pieces:
    tree: _Pieces = {}
    for title in known:
        if "," in title and len(title) <= LONGEST_TEXT:
            node = tree
            for piece in title.split(","):
                node = node.setdefault(tidy(piece), {})
            node[None] = {}  # a title ends here
    return tree


def _title_end(tree: _Pieces, keys: list[str], index: int) -> int:
    """Where the longest known title starting at part ``index`` ends; ``index`` if none."""
    end = at = index
    node: _Pieces | None = tree
    while at < len(keys) and node is not None:
        node = node.get(keys[at])
        at += 1
        if node is not None and None in node and at - index > 1:
            end = at
    return end
