"""The full-text index over attendees' names, organisation and email, and queries on it."""

from __future__ import annotations

import sqlite3

from kiosk.core.text import words


def search_words(texts: list[str]) -> str:
    """The indexed form: folded words, with e-mail addresses split at '@' and '.' too."""
    return " ".join(w for text in texts for w in words(text))


def index_attendee(
    conn: sqlite3.Connection, rowid: int | None, texts: list[str], replace: bool
) -> None:
    if replace:
        conn.execute("DELETE FROM attendee_search WHERE rowid = ?", (rowid,))
    conn.execute(
        "INSERT INTO attendee_search (rowid, words) VALUES (?, ?)", (rowid, search_words(texts))
    )


def match_expression(query: str) -> str | None:
    """An FTS5 query where every word the user typed is a prefix: "sm jo" -> "sm"* "jo"*."""
    terms = words(query)
    if not terms:
        return None
    return " ".join(f'"{term}"*' for term in terms)
