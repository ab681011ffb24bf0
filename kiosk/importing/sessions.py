"""Workshop choices in a cell: "A; B", "A, B", one per line, or a tick under a workshop's name."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kiosk.importing.values import tidy

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
    """
    if _STRONG_SEPARATOR.search(raw):
        parts = _STRONG_SEPARATOR.split(raw)
    elif "," in raw and tidy(raw).casefold() not in known:
        parts = _merge_known(_comma_parts(raw), known)
    else:
        parts = [raw]
    choices: list[str] = []
    for part in parts:
        choice = tidy(part).strip(_BULLETS)
        if choice and choice.casefold() not in _NO_CHOICE and choice not in choices:
            choices.append(choice)
    return choices


def _comma_parts(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
        elif char == "," and not depth:
            following = text[index + 1 :].lstrip()
            if following[:1].islower():
                continue
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _merge_known(parts: list[str], known: frozenset[str]) -> list[str]:
    if not known or len(parts) < 2:
        return parts
    merged: list[str] = []
    index = 0
    while index < len(parts):
        for end in range(len(parts), index + 1, -1):
            joined = ",".join(parts[index:end])
            if tidy(joined).casefold() in known:
                merged.append(joined)
                index = end
                break
        else:
            merged.append(parts[index])
            index += 1
    return merged
