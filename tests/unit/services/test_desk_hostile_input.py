"""What a scanner, a careless hand or a stranger can type at the desk: codes with invalid
bytes, searches of any text, names too long for a badge — each answered in plain words."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.cli import main
from kiosk.core.checkin_rules import CODE_MESSAGES, Outcome
from kiosk.importing.records import SourceRecord
from kiosk.services.attendee_admin import AdminError, edit_attendee
from kiosk.services.desk import Desk, DeskError
from kiosk.services.event_setup import NewEvent, create_event
from kiosk.services.registration_import import import_records
from kiosk.store import queries
from kiosk.store.event_store import EventStore

PEOPLE = [("Hannah", "Smith"), ("Hanna", "Smithson"), ("Dũng", "Nguyễn"),
          ("Zoë", "Smith-Jones"), ("Małgorzata", "Wiśniewska"), ("Jo", "Smith")]


@pytest.fixture(scope="module")
def event(tmp_path_factory: pytest.TempPathFactory) -> EventStore:
    path = tmp_path_factory.mktemp("desk") / "event.db"
    store = create_event(path, NewEvent("Conf", "2026-11-28"))
    import_records(store, [SourceRecord(row=i + 2, fields={
        "first_name": first, "last_name": last, "email": f"p{i}@example.org",
        "status": "active", "external_ref": f"R{i}"}) for i, (first, last) in enumerate(PEOPLE)],
        [])
    yield store
    store.close()


def _named(desk: Desk, text: str) -> list[str]:
    return [f"{a.first_name} {a.last_name}" for a in desk.search(text)]


# -- scans ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    b"\xff\xfe".decode("utf-8", "surrogateescape"),
    "K1" + b"\x80".decode("utf-8", "surrogateescape") * 121,
    "W1" + b"\xc3".decode("utf-8", "surrogateescape") + "0000000000000",
    "\ud800",
    "4711\udcff",
])
def test_a_code_with_invalid_bytes_is_not_a_ticket(event: EventStore, raw: str) -> None:
    """Bytes a scanner sent that are no characters: not a ticket, never a damaged key."""
    result = Desk(event).scan(raw)
    assert result.outcome is Outcome.UNKNOWN
    assert result.message == CODE_MESSAGES[Outcome.UNKNOWN]
    assert "key" not in result.message


def test_a_damaged_event_key_is_still_said_to_be_one(tmp_path: Path) -> None:
    store = create_event(tmp_path / "event.db", NewEvent("Conf"))
    try:
        person_code = "K1" + "0" * 121  # the shape of a ticket: verifying it needs the key
        store.conn.execute("UPDATE event SET value = ? WHERE key = 'public_key'",
                           (json.dumps("ab" * 31),))  # 31 bytes: not an Ed25519 key
        result = Desk(store).scan(person_code)
        assert result.outcome is Outcome.FORGED and "event key is damaged" in result.message
    finally:
        store.close()


# -- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "found"), [
    ("Hanah Smith", "Hannah Smith"),
    ("Hannah Smiht", "Hannah Smith"),
    ("smiht hannah", "Hannah Smith"),
    ("Malgorzta wis", "Małgorzata Wiśniewska"),
    ("nguyne dung", "Dũng Nguyễn"),
])
def test_a_typo_with_another_word_is_found(event: EventStore, typed: str, found: str) -> None:
    assert found in _named(Desk(event), typed)


# Anything a person can type or paste, and what FTS5 reads as syntax.
_SYNTAX = ['"', '""', "*", "(", ")", ":", "^", "-", "+", "AND", "OR", "NOT", "NEAR", "NEAR(",
           "names:", "{names}", "\x00", "\u202e", "\u200f", "\u061c", "😀", "👩🏽‍💻", "\ufeff",
           "'", ";", "--", "%", "_", "\\", "\t", "\n"]
_NAMES = [word for person in PEOPLE for word in person]


@st.composite
def typo_of_a_name(draw: st.DrawFn) -> str:
    """A name from the event with one letter changed, dropped, doubled or swapped."""
    name = draw(st.sampled_from(_NAMES))
    at = draw(st.integers(0, len(name) - 1))
    edit = draw(st.sampled_from(["change", "drop", "double", "swap"]))
    letter = draw(st.sampled_from(string.ascii_lowercase))
    if edit == "change":
        return name[:at] + letter + name[at + 1:]
    if edit == "drop":
        return name[:at] + name[at + 1:]
    if edit == "double":
        return name[:at] + name[at] + name[at:]
    return name[:at] + name[at + 1:at + 2] + name[at:at + 1] + name[at + 2:]


words = st.one_of(
    typo_of_a_name(), st.sampled_from(_NAMES), st.sampled_from(_SYNTAX),
    st.text(max_size=12), st.text(st.characters(blacklist_categories=()), max_size=6),
)


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(words, min_size=1, max_size=6), st.sampled_from([" ", "", "  ", "\t", "-"]))
def test_no_search_raises(event: EventStore, parts: list[str], joiner: str) -> None:
    """Every typo-plus-words combination, with punctuation, quotes, FTS operators, zero
    bytes, emoji, right-to-left marks and lone surrogates, through the desk's search."""
    found = Desk(event).search(joiner.join(parts))
    assert isinstance(found, list) and len(found) <= 20


def test_a_pasted_paragraph_searches_only_its_first_words(event: EventStore) -> None:
    assert _named(Desk(event), "hannah smith " + "lorem ipsum " * 2_000) == []
    assert _named(Desk(event), "Hannah Smith " * 2_000) == ["Hannah Smith"]


# -- field limits at the desk and in the console ----------------------------------------------


@pytest.mark.parametrize(("field", "limit"), [
    ("first_name", 200), ("last_name", 200), ("badge_name", 200), ("organisation", 200)])
def test_a_walk_in_with_a_field_too_long_is_refused(
        event: EventStore, field: str, limit: int) -> None:
    before = event.change_count()
    values = {"first_name": "Amani", field: "x" * (limit + 1)}
    with pytest.raises(DeskError) as refused:
        Desk(event).walk_in(**values)
    assert str(refused.value) == (f"The {field.replace('_', ' ')} is too long (at most "
                                  f"{limit} characters).")
    assert event.change_count() == before
    at_limit = Desk(event).walk_in(**{**values, field: "x" * limit})  # the limit itself is fine
    assert getattr(at_limit.attendee, field) == "x" * limit


@pytest.mark.parametrize(("field", "value", "said"), [
    ("badge_name", "B" * 1_000_000, "The badge name is too long (at most 200 characters)."),
    ("category", "c" * 5_000, "The category is too long (at most 200 characters)."),
    ("desk_note", "n" * 2_001, "The desk note is too long (at most 2,000 characters)."),
    ("category", "Speakers and very important guests", "There is no category called"),
])
def test_an_edit_past_a_limit_or_to_no_category_is_refused(
        event: EventStore, field: str, value: str, said: str) -> None:
    person = queries.list_attendees(event.conn, search="zoe")[0]
    before = event.change_count()
    with pytest.raises(AdminError) as refused:
        edit_attendee(event, person.id, {field: value})
    assert str(refused.value).startswith(said)
    assert event.change_count() == before


def test_kiosk_edit_refuses_a_badge_name_too_long(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "event.db"
    store = create_event(path, NewEvent("Conf"))
    import_records(store, [SourceRecord(row=2, fields={"first_name": "Ana"})], [])
    person = queries.list_attendees(store.conn)[0]
    store.close()
    capsys.readouterr()
    assert main(["edit", str(path), person.id, "--badge-name", "B" * 100_000]) == 2
    assert capsys.readouterr().err == (
        "kiosk: The badge name is too long (at most 200 characters).\n")
