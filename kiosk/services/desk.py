"""The front desk's use cases: scan, check in from a search, walk-ins, corrections, undo."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from kiosk.core import changes, pretix_codes, tickets
from kiosk.core.checkin_rules import (
    CODE_MESSAGES,
    HEADLINES,
    REPEAT_WINDOW_MS,
    TONES,
    CheckinFacts,
    Decision,
    Outcome,
    PriorCheckin,
    Tone,
    decide,
)
from kiosk.core.field_limits import longest, refused_as_too_long
from kiosk.core.find_me import detail_key
from kiosk.core.hlc import Stamp
from kiosk.core.models import (
    DESK_EDITABLE_FIELDS,
    MAIN_CHECKPOINT_ID,
    Attendee,
    Checkpoint,
    Event,
    Session,
)
from kiosk.core.refusal import Refusal
from kiosk.core.scanner_input import iter_readings
from kiosk.core.text import clean, name_key, words
from kiosk.core.tickets import TicketVerdict
from kiosk.services.attendee_admin import category_named, default_category, edit_attendee
from kiosk.store import checkins, external_codes, queries, self_checkin
from kiosk.store.event_store import EventReader, EventStore
from kiosk.store.search import TypoIndex

# How many of this desk's latest check-ins can be undone.
UNDO_DEPTH = 5
# Search results shown as you type.
SEARCH_LIMIT = 20
# Words of a search that are looked for: a name has a few; a paragraph pasted into the box
# would otherwise cost a typo lookup a word.
SEARCH_WORDS = 8


@dataclass(frozen=True)
class ScanResult:
    """What the desk shows after a scan or a check-in from a search."""

    outcome: Outcome
    message: str
    attendee: Attendee | None = None
    prior: PriorCheckin | None = None
    checkin_id: str | None = None
    code: str | None = None  # a walk-in's new code
    # What a desk shows of the person's category: its badge label, never its name (an
    # imported ticket type can say what must not be read out over a person's shoulder).
    category_label: str = ""

    @property
    def tone(self) -> Tone:
        return TONES[self.outcome]

    @property
    def headline(self) -> str:
        return HEADLINES[self.outcome]


@dataclass(frozen=True)
class UndoResult:
    undone: bool
    message: str
    attendee: Attendee | None = None


@dataclass(frozen=True)
class _CodeMatch:
    attendee_id: str | None
    serial: int | None
    outcome: Outcome | None  # set when the code itself decides (unknown, forged, other event)


# A code that is a genuine ticket (signed by the registration system) for someone this desk
# does not hold yet: the scan says so rather than "not a ticket".
GENUINE_NOT_HERE = ""


class DeskError(Refusal):
    """An action the desk cannot do; the message says why and what to do instead."""


class _DamagedKey(Exception):
    """The event's public key in this file is not a key: a fault of the file, not the code."""


def _is_text(reading: str) -> bool:
    """Whether a reading is text at all: bytes a scanner sent that are not characters
    (kept as lone surrogates) make it no code of ours, and no key to look up."""
    try:
        reading.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def usable_checkpoint(store: EventStore, wanted: str) -> tuple[str, str]:
    """Where a desk set to the checkpoint ``wanted`` opens, and what to tell the volunteer:
    at the main desk, with a word why, when the organisers have removed that checkpoint
    since (a desk that would not open at all is no use at the front door)."""
    if wanted == MAIN_CHECKPOINT_ID or checkins.get_checkpoint(store.conn, wanted) is not None:
        return wanted, ""
    name = checkins.last_known_checkpoint_name(store.conn, wanted)
    named = f", “{name}”," if name else ""
    return MAIN_CHECKPOINT_ID, (
        f"The checkpoint this desk was set to{named} is no longer in the event: the "
        "organisers removed it. This desk checks people in at the main desk now; a "
        "supervisor can choose another checkpoint in Settings.")


class Desk:
    """One desk (or workshop door) checking people in. Not thread-safe: one writer thread."""

    def __init__(
        self,
        store: EventStore,
        desk_name: str = "Desk",
        operator: str = "",
        checkpoint: str = MAIN_CHECKPOINT_ID,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.store = store
        self.desk_name = desk_name
        self.operator = operator
        self.now = now
        found = checkins.get_checkpoint(store.conn, checkpoint)
        if found is None:
            raise DeskError(
                f"There is no checkpoint called “{checkpoint}”. Add it with "
                "`kiosk checkpoints EVENT.db --add NAME --session WORKSHOP`."
            )
        self.checkpoint: Checkpoint = found
        self.session = (checkins.get_session(store.conn, found.session_id)
                        if found.session_id else None)
        public = queries.event_fields(store.conn).get("public_key")
        self.public_key = bytes.fromhex(public) if public else None
        self._typo_index: TypoIndex | None = None
        self._event_cache: tuple[str | None, Event | None] | None = None
        self._typo_index_at = 0.0

    # -- scanning -------------------------------------------------------------------------

    def _match_code(self, raw: str) -> _CodeMatch:
        """The first reading that names an attendee wins; else the most telling failure."""
        failure: Outcome | None = None
        conn = self.store.conn
        for reading in iter_readings(raw):
            if not _is_text(reading):
                continue
            if tickets.looks_like_ticket(reading) and self.public_key is not None:
                try:
                    ticket = tickets.read_ticket(reading, self.public_key)
                except ValueError:
                    raise _DamagedKey from None
                if ticket.verdict is TicketVerdict.VALID and ticket.ticket is not None:
                    return _CodeMatch(ticket.ticket.attendee_id, ticket.ticket.serial, None)
                failure = failure or (Outcome.OTHER_EVENT if ticket.verdict is
                                      TicketVerdict.OTHER_EVENT else Outcome.FORGED)
                continue
            if tickets.looks_like_walkin(reading):
                attendee_id = tickets.read_walkin_code(reading)
                if attendee_id is None:
                    failure = failure or Outcome.FORGED
                    continue
                found = checkins.attendee_by_walkin_code(conn, reading)
                if found:
                    return _CodeMatch(found, None, None)
                continue
            if external_codes.withdrawn(conn, reading):
                failure = failure or Outcome.REVOKED
                continue
            found = checkins.attendee_by_barcode(conn, reading)
            if found:
                return _CodeMatch(found, None, None)
            keys = external_codes.pretix_keys(conn) if pretix_codes.looks_signed(reading) \
                else []
            if keys:
                signed = pretix_codes.read_signed_secret(reading, keys)
                if signed.verdict is pretix_codes.SecretVerdict.VALID:
                    # Genuine, but this person has not reached this desk yet (a late order).
                    return _CodeMatch(GENUINE_NOT_HERE, None, None)
                failure = failure or Outcome.FORGED
        return _CodeMatch(None, None, failure or Outcome.UNKNOWN)

    def scan(self, raw: str) -> ScanResult:
        """Decide on a code as read by a scanner, a camera or typed; record the check-in if ok."""
        try:
            match = self._match_code(raw if isinstance(raw, str) else "")
        except _DamagedKey:  # a fault of the event file, said plainly
            return ScanResult(Outcome.FORGED, "This desk's event key is damaged; re-install "
                              "the desk package. Find people with Search meanwhile.")
        if match.outcome is not None:
            return ScanResult(match.outcome, CODE_MESSAGES[match.outcome])
        assert match.attendee_id is not None
        attendee = queries.get_attendee(self.store.conn, match.attendee_id)
        if attendee is None:  # a genuine ticket this desk has not received yet
            return ScanResult(Outcome.UNKNOWN, "A genuine ticket, but this person is not in this "
                              "desk's list yet. Sync the desk, or find them with Search.")
        return self._shown(self._check_in(attendee, presented_serial=match.serial,
                                          method="scan"))

    def check_in(self, attendee_id: str, override: str = "", method: str = "search") -> ScanResult:
        """Check in a person found by name (same rules as a scan, minus the code checks).

        ``override`` is the supervisor's reason for letting someone in past a full workshop
        or a missing booking; it is recorded with the check-in.
        """
        attendee = queries.get_attendee(self.store.conn, attendee_id)
        if attendee is None:
            return ScanResult(Outcome.UNKNOWN, "This person is no longer in the list.")
        return self._shown(self._check_in(attendee, method=method, override=override))

    def _shown(self, result: ScanResult, view: EventReader | None = None) -> ScanResult:
        """``result`` with the badge label of the person's category, as the event has it now."""
        if result.attendee is None:
            return result
        event = self._event_now((view or self.store).conn)
        return replace(result, category_label=event.label_of(result.attendee.category)
                       if event is not None else "")

    def _event_now(self, conn: Any) -> Event | None:
        """The event's categories and labels, read again only when the event has changed
        (a scan would otherwise read and decode the whole event each time)."""
        stamp = conn.execute("SELECT max(hlc) FROM event").fetchone()[0]
        cached = self._event_cache
        if cached is None or cached[0] != stamp:
            cached = (stamp, queries.get_event(conn, logo=False))
            self._event_cache = cached
        return cached[1]

    def _resolve(self, attendee: Attendee) -> Attendee:
        """Follow merges to the surviving record (the store's one rule)."""
        if not attendee.merged_into:
            return attendee
        return queries.get_survivor(self.store.conn, attendee.id) or attendee

    def _check_in(
        self, attendee: Attendee, presented_serial: int | None = None, method: str = "scan",
        override: str = "",
    ) -> ScanResult:
        attendee = self._resolve(attendee)
        conn = self.store.conn
        checkpoint_id = self.checkpoint.id
        history = checkins.checkins_of(conn, attendee.id, checkpoint_id)
        repeat = self._repeat_of(history)
        if repeat is not None:
            return ScanResult(Outcome.REPEAT, "Same ticket read twice — already done.",
                              attendee, repeat)
        first = next((row for row, voided in history if not voided), None)
        facts = CheckinFacts(
            attendee=attendee,
            checkpoint=self.checkpoint,
            session=self.session,
            presented_serial=presented_serial,
            booked=(self.session is None
                    or checkins.is_booked(conn, attendee.id, self.session.id)),
            attendance=checkins.attendance(conn, checkpoint_id) if self.session else 0,
            prior=_prior(first) if first else None,
            override=bool(override),
            prior_here_s=self._age_here_s(first) if first else None,
        )
        decision: Decision = decide(facts)
        if not decision.admits:
            return ScanResult(decision.outcome, decision.message, attendee, facts.prior)
        change = self.store.record(changes.checkin.check_in(
            attendee.id, self.now().isoformat(timespec="seconds"), checkpoint_id,
            self.desk_name, self.operator, method, override))
        message = decision.message + (f" (let in by a supervisor: {override})" if override else "")
        return ScanResult(Outcome.OK, message, replace(attendee, checked_in=True),
                          checkin_id=change.change_id)

    def _repeat_of(
        self, history: list[tuple[checkins.CheckinRow, bool]]
    ) -> PriorCheckin | None:
        """This desk's own check-in of the same person moments ago: the scanner fired twice.
        (Another desk on this file shares its device: its check-ins bear another desk name.)"""
        mine = [row for row, voided in history if not voided  # an undone one is no repeat
                and row.device_id == self.store.device_id and row.desk == self.desk_name]
        if not mine:
            return None
        latest = mine[-1]
        age_ms = self.store.wall() - Stamp.parse(latest.hlc).wall_ms
        return _prior(latest) if 0 <= age_ms <= REPEAT_WINDOW_MS else None

    def _age_here_s(self, row: checkins.CheckinRow) -> float | None:
        """Seconds since ``row`` was made, when it was made at this desk; else None."""
        if row.device_id != self.store.device_id or row.desk != self.desk_name:
            return None
        age_ms = self.store.wall() - Stamp.parse(row.hlc).wall_ms
        return age_ms / 1000 if age_ms >= 0 else None

    # -- undo -----------------------------------------------------------------------------

    def undo(self, checkin_id: str | None = None) -> UndoResult:
        """Void one of this desk's last check-ins (the latest when none is named)."""
        recent = checkins.recent_checkins(self.store.conn, self.store.device_id, UNDO_DEPTH)
        if not recent:
            return UndoResult(False, "There is no check-in made at this desk to undo.")
        target = recent[0] if checkin_id is None else next(
            (row for row in recent if row.change_id == checkin_id), None)
        if target is None:
            return UndoResult(False, f"Only this desk's last {UNDO_DEPTH} check-ins can be "
                              "undone here. Ask a supervisor to correct older ones.")
        self.store.record(changes.checkin.undo(
            target.change_id, self.now().isoformat(timespec="seconds"), self.desk_name,
            self.operator))
        attendee = queries.get_attendee(self.store.conn, target.attendee_id)
        name = attendee.display_name if attendee else "this person"
        return UndoResult(True, f"Undone: {name} is no longer checked in.", attendee)

    # -- search ---------------------------------------------------------------------------

    def search(self, text: str, limit: int = SEARCH_LIMIT,
               view: EventReader | None = None) -> list[Attendee]:
        """Name search as you type: prefix on every word, accent-insensitive, one typo allowed.

        Best matches first: whole-word name matches, then prefix matches, then the rest.
        Cancelled registrations are found too, so the desk can say why they cannot come in.
        """
        typed = words(text)[:SEARCH_WORDS]
        if not typed:
            return []
        text = " ".join(typed)
        conn = (view or self.store).conn
        found = queries.search_attendees(conn, text, limit=limit)
        if not found:
            alternatives = {w: self._typos(conn).near(w) for w in typed}
            if any(alternatives.values()):
                found = queries.search_attendees(conn, text, alternatives, limit=limit)
        return found

    def _typos(self, conn: Any) -> TypoIndex:
        # The vocabulary changes slowly (walk-ins, syncs); refresh it at most once a minute.
        if self._typo_index is None or time.monotonic() - self._typo_index_at > 60:
            self._typo_index = TypoIndex.load(conn)
            self._typo_index_at = time.monotonic()
        return self._typo_index

    def find_exact(self, first_name: str, last_name: str, detail: str,
                   view: EventReader | None = None) -> Attendee | None:
        """For self check-in: the one active person with exactly this name *and* this email
        address or booking reference, else nobody.

        A name alone is no proof (anyone may know who might attend), so the second detail
        must match too. Accents, case and spacing in the name are forgiven, case and spaces
        in the detail; nothing else. The surname may be left blank: someone with one name
        is found by it and their detail. Two people with the same name and detail are sent
        to the staffed desk rather than shown to each other.
        """
        wanted, said = name_key(first_name, last_name), detail_key(detail)
        if not wanted or not said:
            return None
        conn = (view or self.store).conn
        matches = [person.id for person in self_checkin.people_named(conn, wanted.split())
                   if name_key(person.first_name, person.last_name) == wanted
                   and said in (detail_key(person.email), detail_key(person.external_ref))]
        return queries.get_attendee(conn, matches[0]) if len(matches) == 1 else None

    def sample_result(self, state: str, view: EventReader | None = None) -> ScanResult:
        """A result as the desk would show it, from real attendees, without writing anything
        (for screenshots and documentation)."""
        people = [a for a in queries.list_attendees((view or self.store).conn, status="active")
                  if a.last_name][:50]
        person = max(people, key=lambda a: (bool(a.access_needs), bool(a.pronouns)),
                     default=None)
        code_outcome = next((o for o in CODE_MESSAGES if o.value == state), None)
        if code_outcome is not None:  # forged, unknown, other_event, revoked: no person
            return ScanResult(code_outcome, CODE_MESSAGES[code_outcome])
        if person is None:
            return ScanResult(Outcome.UNKNOWN, CODE_MESSAGES[Outcome.UNKNOWN])
        prior = PriorCheckin("sample", "2026-11-28T09:12:00", "Desk 2", "Sam")
        if state == "already":
            return self._shown(ScanResult(Outcome.ALREADY, decide(CheckinFacts(
                person, self.checkpoint, prior=prior)).message, person, prior), view)
        if state == "repeat":
            return self._shown(ScanResult(Outcome.REPEAT, "Same ticket read twice — already "
                                          "done.", replace(person, checked_in=True), prior), view)
        if state in ("not_booked", "full"):
            sessions = queries.list_sessions((view or self.store).conn)
            workshop = sessions[0] if sessions else Session("sample", "Workshop", capacity=30)
            workshop = replace(workshop, capacity=workshop.capacity or 30)
            decision = decide(CheckinFacts(person, self.checkpoint, workshop,
                                           booked=state == "full",
                                           attendance=workshop.capacity or 30))
            return self._shown(ScanResult(decision.outcome, decision.message, person), view)
        return self._shown(ScanResult(Outcome.OK, decide(CheckinFacts(
            person, self.checkpoint)).message, replace(person, checked_in=True)), view)

    # -- walk-ins and corrections -----------------------------------------------------------

    def walk_in(
        self, first_name: str = "", last_name: str = "", badge_name: str = "",
        organisation: str = "", category: str = "",
    ) -> ScanResult:
        """Register someone who is not on the list and check them in on the spot, in one of
        the event's categories (refused for a name the event does not have)."""
        typed = {"first_name": clean(first_name), "last_name": clean(last_name),
                 "badge_name": clean(badge_name), "organisation": clean(organisation)}
        for name, value in typed.items():
            if len(value) > longest(name):
                raise DeskError(refused_as_too_long(name))
        fields = {**typed, "category": category_named(
            self.store, category or default_category(self.store))}
        if not (fields["first_name"] or fields["last_name"] or fields["badge_name"]):
            raise DeskError("A walk-in needs a first name, a last name or a badge name.")
        attendee_id = tickets.new_attendee_id()
        code = tickets.walkin_code(attendee_id)
        with self.store.transaction():
            self.store.record(changes.attendee.walk_in(
                attendee_id, {**fields, "walkin_code": code, "status": "active"},
                self.desk_name, self.operator))
            result = self.check_in(attendee_id, method="walkin")
        return replace(result, code=code,
                       message=f"Walk-in registered and checked in: {result.attendee.display_name}."
                       if result.attendee else result.message)

    def edit(self, attendee_id: str, **corrections: Any) -> Attendee:
        """Correct badge name, pronouns, organisation or category (field by field, latest wins)."""
        unknown = set(corrections) - set(DESK_EDITABLE_FIELDS)
        if unknown:
            raise DeskError(f"These cannot be changed at the desk: {', '.join(sorted(unknown))}.")
        return edit_attendee(self.store, attendee_id, corrections, self.operator, self.now,
                             desk=self.desk_name, allowed=DESK_EDITABLE_FIELDS).attendee


def _prior(row: checkins.CheckinRow) -> PriorCheckin:
    return PriorCheckin(row.change_id, row.at, row.desk or f"device {row.device_id}", row.operator)
