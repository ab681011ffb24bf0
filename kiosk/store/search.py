"""The full-text index over attendees' names, organisation and email, and queries on it."""

from __future__ import annotations

import bisect
import sqlite3
from collections import defaultdict
from functools import lru_cache

from kiosk.core.text import words

# Words this long or longer may carry one typo and still be found.
TYPO_MIN_LENGTH = 5


def search_words(texts: list[str]) -> str:
    """The indexed form: folded words, with e-mail addresses split at '@' and '.' too."""
    return " ".join(filter(None, map(_indexed, texts)))


@lru_cache(maxsize=65_536)
def _indexed(text: str) -> str:
    return " ".join(words(text))


def index_attendee(
    conn: sqlite3.Connection, rowid: int | None, names: list[str], other: list[str],
    replace: bool,
) -> None:
    """(Re)index one attendee: their names, and their organisation and email apart."""
    if replace:
        conn.execute("DELETE FROM attendee_search WHERE rowid = ?", (rowid,))
    conn.execute(
        "INSERT INTO attendee_search (rowid, names, other) VALUES (?, ?, ?)",
        (rowid, search_words(names), search_words(other)),
    )


_CANDIDATE_SQL = (
    "SELECT a.id, a.first_name, a.last_name, a.badge_name FROM attendee_search s "
    "JOIN attendees a ON a.rowid = s.rowid "
    "WHERE attendee_search MATCH ? AND a.merged_into IS NULL{status} LIMIT ?"
)


def find_candidates(
    conn: sqlite3.Connection, query: str, alternatives: dict[str, list[str]] | None = None,
    status: str | None = None, per_query: int = 150,
) -> list[tuple[str, str, str, str]]:
    """People whose words start with every typed word: (id, first, last, badge name).

    Ranking all matches of a two-letter prefix over 100,000 people costs more than the
    as-you-type budget, so this asks three cheap unranked questions, best first — names
    equal to the words typed, names starting with them, then any indexed word (organisation,
    email) — and leaves the final order to the caller.
    """
    terms = words(query)
    if not terms:
        return []
    everywhere = match_expression(query, alternatives)
    exact = " AND ".join(f"names : {_quote(t)}" for t in terms)
    starts = " AND ".join(f"names : {_quote(t)}*" for t in terms)
    sql = _CANDIDATE_SQL.format(status=" AND a.status = ?" if status else "")
    found: dict[str, tuple[str, str, str, str]] = {}
    for expression in (exact, starts, everywhere):
        if expression is None:
            continue
        params: list[object] = [expression, *([status] if status else []), per_query]
        for row in conn.execute(sql, params):
            found.setdefault(row[0], row)
        if len(found) >= per_query:
            break
    return list(found.values())


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def match_expression(query: str, alternatives: dict[str, list[str]] | None = None) -> str | None:
    """An FTS5 query where every word typed is a prefix: "sm jo" -> "sm"* AND "jo"*.

    ``alternatives`` maps a typed word to index terms one typo away, OR-ed in:
    ("hanah"* OR "hannah"*) AND "smith"*. The AND is written out: FTS5 joins bare phrases
    by AND, but not a bracketed group and what follows it (a syntax error).
    """
    terms = words(query)
    if not terms:
        return None
    parts = []
    for term in terms:
        options = [f"{_quote(term)}*"] + [_quote(alt) + "*" for alt in (alternatives or {})
                                           .get(term, [])]
        parts.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
    return " AND ".join(parts)


def within_one_edit(typed: str, word: str) -> bool:
    """Damerau–Levenshtein distance ≤ 1 between ``typed`` and ``word``, or ``word``'s start."""
    for candidate in {word[: len(typed) - 1], word[: len(typed)], word[: len(typed) + 1]}:
        if _one_edit(typed, candidate):
            return True
    return False


def _one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1:] == b[i + 1:] or (
            i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]
        )
    return a[i + 1:] == b[i:] if la > lb else a[i:] == b[i + 1:]


class TypoIndex:
    """The index's vocabulary in memory, to find words one typo away from what was typed.

    Candidates are drawn from words sharing the first letter, the second and third letters,
    or starting with the typed second letter — which covers a typo anywhere in the word.
    """

    def __init__(self, terms: list[str]) -> None:
        self.terms = sorted(t for t in terms if len(t) >= TYPO_MIN_LENGTH - 1)
        self._by_middle: dict[str, list[str]] = defaultdict(list)
        for term in self.terms:
            self._by_middle[term[1:3]].append(term)

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> TypoIndex:
        return cls([row[0] for row in conn.execute("SELECT term FROM attendee_search_terms")])

    def _starting(self, prefix: str) -> list[str]:
        start = bisect.bisect_left(self.terms, prefix)
        end = bisect.bisect_left(self.terms, prefix + "\U0010ffff")
        return self.terms[start:end]

    def near(self, typed: str, limit: int = 12) -> list[str]:
        if len(typed) < TYPO_MIN_LENGTH:
            return []
        pool = set(self._starting(typed[0])) | set(self._starting(typed[1]))
        pool.update(self._by_middle.get(typed[1:3], ()))
        found = sorted(t for t in pool if not t.startswith(typed) and within_one_edit(typed, t))
        return found[:limit]
