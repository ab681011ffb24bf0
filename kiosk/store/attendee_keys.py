"""The attendee table's filter and sort keys in memory, kept up to date from the change log.

Reading 100,000 rows from SQLite for every keystroke takes a second; holding a few small
values per attendee (row id, sort keys, state flags, folded search text) makes a filter or
a sort a pass over Python lists. The keys are read once, then only the attendees named by
changes appended to the log since are read again. Every write in this process goes through
the event file's one door and announces itself, so a look is asked for only when something
was written. Not thread-safe: one screen thread owns an instance.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from functools import cache
from typing import Any

from kiosk.core.changes import KINDS, ChangeKind
from kiosk.core.text import fold

SORTS: tuple[str, ...] = ("name", "organisation", "category", "status", "checked_in", "badge",
                          "workshops")

# State flags, one byte per attendee.
_CANCELLED, _ARRIVED, _PRINTED, _GONE = 1, 2, 4, 8


def _allowed(test: Any) -> bytes:
    return bytes(1 if test(flags) else 0 for flags in range(16))


def _expected(f: int) -> bool:
    return not f & (_GONE | _CANCELLED)


# Which flag values each state of the table shows (the states of console_queries.STATE_FILTERS).
STATES: dict[str, bytes] = {
    "all": _allowed(lambda f: not f & _GONE),
    "expected": _allowed(_expected),
    "checked_in": _allowed(lambda f: _expected(f) and f & _ARRIVED),
    "not_checked_in": _allowed(lambda f: _expected(f) and not f & _ARRIVED),
    "badge_printed": _allowed(lambda f: not f & _GONE and f & _PRINTED),
    "badge_not_printed": _allowed(lambda f: _expected(f) and not f & _PRINTED),
    "cancelled": _allowed(lambda f: not f & _GONE and f & _CANCELLED),
}

_ROWS = (
    "SELECT a.rowid, a.id, a.first_name, a.last_name, a.badge_name, a.organisation, a.email, "
    "a.external_ref, a.category, a.status, a.checked_in_hlc, a.sessions, a.merged_into, "
    "(SELECT count(*) FROM prints p WHERE p.attendee_id = a.id) FROM attendees a"
)
_KNOWN = frozenset(kind.value for kind in ChangeKind)
_NOT_YET = "\uffff"  # sorts after every check-in stamp: nobody checked in goes last
# More new changes than this since the last look: reading everything again is quicker.
_RELOAD_AFTER = 5_000
# More changed rows than this: sort again from scratch rather than move rows one by one.
_RESORT_AFTER = 200
# Fewer matches than 1 in this many attendees: sort the matches rather than walk the order.
_SPARSE = 3
# A word found in more rows than this by ``find`` is looked for row by row from there on.
_FIND_AT_MOST = 12_000


@cache
def _fold_table() -> dict[int, str]:
    """Every character whose fold (kiosk.core.text) differs from its lower case: accented
    letters, Arabic hamza forms and vowel marks, curly quotes, combining marks. Folding one
    character at a time lets a whole text fold in one ``translate`` (the full fold takes
    seconds for 100,000 people). Made on first use (a fifth of a second), on the screen's
    thread, never at start-up."""
    table = {}
    for code in range(0x80, 0x10000):
        if 0x3400 <= code < 0xA000 or 0xAC00 <= code < 0xE000:
            continue  # CJK ideographs, Hangul syllables and surrogates fold to themselves
        lower = chr(code).casefold()
        folded = fold.__wrapped__(lower)  # type: ignore[attr-defined]
        if folded != lower:
            table[code] = folded
    return table


def fold_quickly(text: str) -> str:
    """Case and accents folded, the same for the texts searched and the words typed."""
    return text.lower() if text.isascii() else text.casefold().translate(_fold_table())


def _name_key(first: str, last: str, badge: str, folded: Callable[[str], str]) -> str:
    """By last name, then first name; someone with one name sorts by it, so "Suryani" is
    found among the S, and someone with only a badge name by that."""
    if last:
        return f"{last}\x00{first}"
    return f"{first}\x00" if first else folded(badge)


class AttendeeKeys:
    """Everything the attendee table filters and sorts on; ``refresh`` before each use."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """Forget everything: the next refresh reads every attendee again."""
        self.loaded = False
        self.rowids = array("q")  # ascending: rows are added in row id order
        self.flags = bytearray()
        self.keys: dict[str, list[Any]] = {sort: [] for sort in SORTS}
        self._orders: dict[str, array[int]] = {}
        self._ranks: dict[str, array[int]] = {}
        self._workshops: dict[str, str] = {}
        self._workshop_keys: dict[str, str] = {}
        self._pool: dict[str, str] = {}  # one copy of each organisation, category, status
        # Every folded search text, one a line, and where each starts: one string holds
        # 100,000 texts in a third of the memory of 100,000 strings, and ``find`` runs in C.
        self._corpus = ""
        self._starts = array("q", [0])
        self._new_texts: dict[int, str] = {}  # texts changed since the corpus was joined
        self._plain: dict[tuple[str, str], list[int]] = {}  # unfiltered orders already made
        self._cursor = -1  # rowid of the last change taken in
        self._shape = (0, 0)  # (attendee rows, their largest rowid) when last read

    def __len__(self) -> int:
        return len(self.rowids)

    # -- reading ---------------------------------------------------------------------------

    def load(self, conn: sqlite3.Connection) -> None:
        """Read every attendee (about a second for 100,000)."""
        self.clear()
        self._cursor = _last_change(conn)
        self._workshops = dict(conn.execute("SELECT id, name FROM sessions"))
        folds: dict[str, str] = {}  # names and organisations repeat: fold each once

        def folded(text: str) -> str:
            found = folds.get(text)
            if found is None:
                found = folds[text] = fold_quickly(text)
            return found

        rows = conn.execute(_ROWS + " ORDER BY a.rowid")
        rowids, flags = self.rowids, self.flags
        texts: list[str] = []
        names, organisations, categories, statuses, arrivals, prints_, workshops = (
            self.keys[sort] for sort in SORTS)
        for (rowid, _id, first, last, badge, organisation, email, ref, category, status,
             checked_in, sessions, merged_into, prints) in rows:
            first_f, last_f, organisation_f = folded(first), folded(last), folded(organisation)
            rowids.append(rowid)
            texts.append(f"{first_f} {last_f} {folded(badge)} {organisation_f} "
                         f"{fold_quickly(email)} {fold_quickly(ref)}")
            flags.append((_CANCELLED if status == "cancelled" else 0)
                         | (_ARRIVED if checked_in else 0) | (_PRINTED if prints else 0)
                         | (_GONE if merged_into else 0))
            names.append(_name_key(first_f, last_f, badge, folded))
            organisations.append(organisation_f)
            categories.append(folded(category))
            statuses.append(folded(status))
            arrivals.append(checked_in or _NOT_YET)
            prints_.append(prints)
            workshops.append(self._workshop_key(sessions))
        self._join(texts)
        self._shape = (len(self.rowids), self.rowids[-1] if self.rowids else 0)
        self.loaded = True

    def _join(self, texts: list[str]) -> None:
        self._corpus = "\n".join(texts) + "\n"
        starts = array("q", [0]) * (len(texts) + 1)
        at = 0
        for position, text in enumerate(texts):
            starts[position] = at
            at += len(text) + 1
        starts[len(texts)] = at
        self._starts = starts
        self._new_texts = {}

    def _text(self, position: int) -> str:
        text = self._new_texts.get(position)
        if text is None:
            text = self._corpus[self._starts[position]:self._starts[position + 1] - 1]
        return text

    def _joined(self) -> str:
        """The corpus with every text changed since joined in (a few tens of ms, only after
        a change, at the next filter)."""
        if self._new_texts:
            self._join([self._text(p) for p in range(len(self.rowids))])
        return self._corpus

    def refresh(self, conn: sqlite3.Connection) -> set[int] | None:
        """Take in what changed since the last look. Returns the row ids read again (empty:
        nothing changed), or None when everything was read again."""
        if not self.loaded:
            self.load(conn)
            return None
        last = _last_change(conn)
        if last == self._cursor:
            # Nothing logged since; a rebuild or a wipe of the derived tables logs nothing
            # either, but the shape of the table gives it away.
            if _shape(conn) != self._shape:
                self.load(conn)
                return None
            return set()
        if last < self._cursor or last - self._cursor > _RELOAD_AFTER:
            self.load(conn)
            return None
        attendee_ids, sessions_changed = _named_in_changes(conn, self._cursor)
        self._cursor = last
        if sessions_changed:
            self.load(conn)
            return None
        changed = self._read_again(conn, attendee_ids)
        if changed is None:
            self.load(conn)
            return None
        self._shape = (len(self.rowids), self.rowids[-1] if self.rowids else 0)
        return changed

    def _position(self, rowid: int) -> int | None:
        place = bisect_left(self.rowids, rowid)
        return place if place < len(self.rowids) and self.rowids[place] == rowid else None

    def _read_again(self, conn: sqlite3.Connection, attendee_ids: set[str]) -> set[int] | None:
        """Read some attendees again; None when a row turned up out of row id order."""
        pending = set(attendee_ids)
        seen: set[str] = set()
        rows: list[tuple[Any, ...]] = []
        while pending:  # follow merges: a survivor's check-ins change with its merged records
            batch = sorted(pending)[:500]
            pending.difference_update(batch)
            seen.update(batch)
            marks = ",".join("?" * len(batch))
            for row in conn.execute(f"{_ROWS} WHERE a.id IN ({marks})", batch):
                rows.append(row)
                if row[12] and row[12] not in seen:
                    pending.add(row[12])
        moved: set[int] = set()
        for row in sorted(rows):
            position = self._position(row[0])
            if position is None:
                if self.rowids and row[0] < self.rowids[-1]:
                    return None
                moved.add(self._append(row))
                continue
            before = [self.keys[sort][position] for sort in SORTS]
            self._set(position, row)
            if any(self.keys[sort][position] != old
                   for sort, old in zip(SORTS, before, strict=True)):
                moved.add(position)
        self._reorder(moved)
        return {row[0] for row in rows}

    def _append(self, row: tuple[Any, ...]) -> int:
        position = len(self.rowids)
        self.rowids.append(row[0])
        self.flags.append(0)
        for sort in SORTS:
            self.keys[sort].append(None)
        self._set(position, row)
        return position

    def _shared(self, text: str) -> str:
        return self._pool.setdefault(text, text)

    def _set(self, position: int, row: tuple[Any, ...]) -> None:
        self._plain.clear()
        (_rowid, _id, first, last, badge, organisation, email, ref, category, status,
         checked_in, sessions, merged_into, prints) = row
        self._new_texts[position] = " ".join(
            fold_quickly(part) for part in (first, last, badge, organisation, email, ref))
        self.flags[position] = ((_CANCELLED if status == "cancelled" else 0)
                                | (_ARRIVED if checked_in else 0)
                                | (_PRINTED if prints else 0)
                                | (_GONE if merged_into else 0))
        keys = self.keys
        keys["name"][position] = _name_key(fold_quickly(first), fold_quickly(last), badge,
                                           fold_quickly)
        keys["organisation"][position] = self._shared(fold_quickly(organisation))
        keys["category"][position] = self._shared(fold_quickly(category))
        keys["status"][position] = self._shared(fold_quickly(status))
        keys["checked_in"][position] = checked_in or _NOT_YET
        keys["badge"][position] = prints
        keys["workshops"][position] = self._workshop_key(sessions)

    def _workshop_key(self, sessions: str) -> str:
        key = self._workshop_keys.get(sessions)
        if key is None:
            names = ", ".join(self._workshops.get(s, s) for s in json.loads(sessions))
            key = self._workshop_keys[sessions] = fold_quickly(names)
        return key

    # -- orders ----------------------------------------------------------------------------

    def _order(self, sort: str) -> array[int]:
        """Every position in ascending order of ``sort``, ties in row id order."""
        order = self._orders.get(sort)
        if order is None:
            order = array("l", sorted(range(len(self.rowids)), key=self.keys[sort].__getitem__))
            self._orders[sort] = order
        return order

    def _rank(self, sort: str) -> array[int]:
        """Each position's place in the ascending order of ``sort``."""
        rank = self._ranks.get(sort)
        if rank is None:
            rank = array("l", [0]) * len(self.rowids)
            for place, position in enumerate(self._order(sort)):
                rank[position] = place
            self._ranks[sort] = rank
        return rank

    def _reorder(self, moved: set[int]) -> None:
        """Move changed rows to their new places in the orders already made."""
        if not moved:
            return
        self._ranks.clear()
        if len(moved) > _RESORT_AFTER:
            self._orders.clear()
            return
        for sort, order in self._orders.items():
            keys = self.keys[sort]

            def key_of(p: int, keys: list[Any] = keys) -> tuple[Any, int]:
                return keys[p], p

            known = len(order)  # rows added since are not in it yet
            for position in moved:
                if position < known:
                    order.remove(position)
            for position in sorted(moved):
                order.insert(bisect_left(order, key_of(position), key=key_of), position)

    def _scan(self, word: str) -> list[int]:
        """Positions whose search text holds ``word``, ascending.

        Rare words are found by ``str.find`` over all texts joined into one (a few
        thousand C calls instead of 100,000 Python steps); a word that keeps matching is
        finished with a plain pass.
        """
        corpus, starts = self._joined(), self._starts
        found: list[int] = []
        at = corpus.find(word)
        while at >= 0:
            position = bisect_right(starts, at) - 1
            found.append(position)
            if len(found) > _FIND_AT_MOST:
                rest = position + 1
                # The rest line by line (so many rows match that this is quicker).
                tail = corpus[starts[rest]:-1].split("\n")
                found.extend(p for p, t in enumerate(tail, rest) if word in t)
                return found
            at = corpus.find(word, starts[position + 1])
        return found

    def order(self, state: str, text: str, sort: str, descending: bool) -> list[int]:
        """Row ids that match, in table order."""
        shown = STATES[state]
        flags, rowids = self.flags, self.rowids
        words = fold_quickly(text).split()
        if not words:
            found = self._plain.get((state, sort))
            if found is None:
                found = [rowids[p] for p in self._order(sort) if shown[flags[p]]]
                self._plain[(state, sort)] = found
            return found[::-1] if descending else list(found)
        first, *others = sorted(words, key=len, reverse=True)  # the rarest word first
        matches = [p for p in self._scan(first) if shown[flags[p]]]
        for word in others:
            matches = [p for p in matches if word in self._text(p)]
        if len(matches) * _SPARSE < len(rowids):
            matches.sort(key=self._rank(sort).__getitem__)
            found = [rowids[p] for p in matches]
        else:
            wanted = bytearray(len(rowids))
            for p in matches:
                wanted[p] = 1
            found = [rowids[p] for p in self._order(sort) if wanted[p]]
        return found[::-1] if descending else found


def _last_change(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(rowid), 0) FROM changes").fetchone()[0])


def _shape(conn: sqlite3.Connection) -> tuple[int, int]:
    count, last = conn.execute("SELECT count(*), coalesce(max(rowid), 0) FROM attendees"
                               ).fetchone()
    return int(count), int(last)


def _named_in_changes(conn: sqlite3.Connection, after: int) -> tuple[set[str], bool]:
    """The attendees named by changes after log row ``after``; whether workshops changed."""
    ids: set[str] = set()
    sessions_changed = False
    voided: list[str] = []
    for kind, payload in conn.execute(
            "SELECT kind, payload FROM changes WHERE rowid > ? ORDER BY rowid", (after,)):
        spec = KINDS.get(ChangeKind(kind)) if kind in _KNOWN else None
        if spec is None:
            continue
        data = json.loads(payload)
        ids.update(spec.names(data))
        if spec.voids_checkin:
            voided.append(data["target"])
        sessions_changed = sessions_changed or spec.reshapes_workshops
    for start in range(0, len(voided), 500):
        chunk = voided[start:start + 500]
        marks = ",".join("?" * len(chunk))
        ids.update(row[0] for row in conn.execute(
            f"SELECT attendee_id FROM checkins WHERE change_id IN ({marks})", chunk))
    return ids, sessions_changed
