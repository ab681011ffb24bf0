"""Self check-in's "find me" asks for the name and a second detail, answers every failure
alike, slows a kiosk down after repeated failures, counts them for the organisers, and
never runs without a supervisor PIN."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.core.changes import ChangeKind
from kiosk.core.checkin_rules import Outcome
from kiosk.core.models import Attendee
from kiosk.core.text import name_key
from kiosk.services import dashboard as console
from kiosk.services.demo import create_demo_event
from kiosk.services.desk import DeskError
from kiosk.services.desk_session import (
    SELF_CHECKIN_NEEDS_PIN,
    SELF_MODE_NEEDS_PIN,
    DeskOpenFailed,
    DeskSession,
    FindMeAnswer,
)
from kiosk.services.desk_settings import DeskSettings
from kiosk.store import queries
from kiosk.store.event_store import EventStore


class Clock:
    """The kiosk's wall clock, moved by the test."""

    def __init__(self) -> None:
        self.at = datetime(2026, 11, 28, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def event_path(tmp_path: Path) -> Path:
    path = tmp_path / "event.db"
    store, _ = create_demo_event(path, attendees=40, seed=9)
    DeskSettings(store).set_pin("2468")
    store.close()
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def kiosk(event_path: Path, clock: Clock) -> Iterator[DeskSession]:
    session = DeskSession.open(event_path, mode="self", now=clock, threaded=False,
                               overrides={"desk_name": "Self 1"})
    yield session
    session.close(backup=False)


def people(session: DeskSession, status: str = "active") -> list[Attendee]:
    return session.event.read(lambda r: queries.list_attendees(r.conn, status=status))


def someone(session: DeskSession) -> Attendee:
    return next(a for a in people(session) if a.last_name and a.email and a.first_name.isascii())


def checked_in(session: DeskSession) -> int:
    return session.event.read(lambda r: r.conn.execute("SELECT count(*) FROM checkins")
                              .fetchone()[0])


def failures_logged(session: DeskSession) -> list[dict]:
    return [c.payload for c in session.event.read(lambda r: list(r.changes()))
            if c.kind is ChangeKind.FIND_ME_FAILED]


def test_a_name_alone_checks_nobody_in(kiosk: DeskSession) -> None:
    person = someone(kiosk)
    assert kiosk.find_me(person.first_name, person.last_name, "") == FindMeAnswer()
    assert kiosk.find_me(person.first_name, person.last_name, "someone@example.org") \
        == FindMeAnswer()
    assert checked_in(kiosk) == 0


def test_the_email_or_the_booking_reference_finds_the_person(
        kiosk: DeskSession, clock: Clock) -> None:
    first, second = [a for a in people(kiosk) if a.last_name and a.first_name.isascii()][:2]
    # The email in other case and with stray spaces; the name in other case.
    by_email = kiosk.find_me(first.first_name.upper(), f" {first.last_name} ",
                             f"  {first.email.upper()} ")
    assert by_email.answer is not None
    assert by_email.answer.result.outcome is Outcome.OK
    assert by_email.answer.result.attendee.id == first.id
    reference = second.external_ref.lower().replace("-", "- ")
    by_reference = kiosk.find_me(second.first_name, second.last_name, reference)
    assert by_reference.answer is not None
    assert by_reference.answer.result.attendee.id == second.id
    assert checked_in(kiosk) == 2
    assert failures_logged(kiosk) == []


def test_a_wrong_detail_and_a_name_nobody_has_get_the_same_answer(
        kiosk: DeskSession, event_path: Path, clock: Clock) -> None:
    person = someone(kiosk)
    wrong_detail = kiosk.find_me(person.first_name, person.last_name, "DEMO-999999")
    clock.advance(600)  # past the quiet spell: the second try starts from the same place
    unknown = kiosk.find_me("Zbigniewa", "Qwertyuiopowska", person.email)
    assert wrong_detail == unknown == FindMeAnswer(None, 0)
    # Both are counted, by where and when only: nothing typed is kept.
    assert failures_logged(kiosk) == [{"desk": "Self 1", "at": "2026-11-28T09:00:00"},
                                      {"desk": "Self 1", "at": "2026-11-28T09:10:00"}]
    kiosk.close(backup=False)
    written = b"".join(p.read_bytes() for p in event_path.parent.glob("event.db*")
                       if p.is_file())
    assert b"Qwertyuiopowska" not in written and b"DEMO-999999" not in written


def test_a_person_with_one_name_finds_themselves(kiosk: DeskSession) -> None:
    suryani = next(a for a in people(kiosk) if not a.last_name)
    found = kiosk.find_me(suryani.first_name, "", suryani.email)
    assert found.answer is not None and found.answer.result.attendee.id == suryani.id
    # Typed into the surname box instead, it is the same name.
    again = kiosk.find_me("", suryani.first_name, suryani.external_ref)
    assert again.answer is not None and again.answer.result.attendee.id == suryani.id


def test_two_people_with_the_same_name_and_detail_are_sent_to_the_desk(
        kiosk: DeskSession) -> None:
    active = people(kiosk)
    keys = [(name_key(a.first_name, a.last_name), a.email) for a in active]
    twins = [a for a, key in zip(active, keys, strict=True) if keys.count(key) > 1]
    assert len(twins) == 2
    one = twins[0]
    assert kiosk.find_me(one.first_name, one.last_name, one.email) == FindMeAnswer()
    # Their own booking reference tells them apart.
    found = kiosk.find_me(one.first_name, one.last_name, one.external_ref)
    assert found.answer is not None and found.answer.result.attendee.id == one.id


def test_a_cancelled_registration_is_not_found(kiosk: DeskSession) -> None:
    gone = next(a for a in people(kiosk, "cancelled"))
    assert kiosk.find_me(gone.first_name, gone.last_name, gone.email) == FindMeAnswer()
    assert checked_in(kiosk) == 0


def test_repeated_failures_slow_the_kiosk_down_and_it_tells_how_long(
        kiosk: DeskSession, clock: Clock) -> None:
    person = someone(kiosk)

    def fail() -> FindMeAnswer:
        return kiosk.find_me("Nobody", "Atall", "x@example.org")

    assert fail().wait_s == 0
    clock.advance(20)
    assert fail().wait_s == 0
    clock.advance(20)
    assert fail().wait_s == 30  # the third failure in a few minutes
    clock.advance(10)
    # While it waits, even the right details are not looked at, and nothing is counted.
    waiting = kiosk.find_me(person.first_name, person.last_name, person.email)
    assert waiting == FindMeAnswer(None, 20)
    assert checked_in(kiosk) == 0 and len(failures_logged(kiosk)) == 3
    clock.advance(20)
    assert fail().wait_s == 60  # each further failure waits longer
    clock.advance(60)
    assert fail().wait_s == 120
    clock.advance(120)
    found = kiosk.find_me(person.first_name, person.last_name, person.email)
    assert found.answer is not None and found.answer.result.outcome is Outcome.OK
    # A quiet spell after the wait forgives the run of failures.
    clock.advance(6 * 60)
    assert fail().wait_s == 0


def test_the_slow_down_survives_the_kiosk_being_restarted(
        event_path: Path, clock: Clock) -> None:
    session = DeskSession.open(event_path, mode="self", now=clock, threaded=False)
    for _ in range(3):
        session.find_me("Nobody", "Atall", "x@example.org")
    session.close(backup=False)
    clock.advance(5)
    again = DeskSession.open(event_path, mode="self", now=clock, threaded=False)
    try:
        assert again.find_me("Nobody", "Atall", "x@example.org") == FindMeAnswer(None, 25)
    finally:
        again.close(backup=False)


def test_the_dashboard_counts_failed_find_me_tries_per_kiosk(
        kiosk: DeskSession, clock: Clock) -> None:
    for _ in range(2):
        kiosk.find_me("Nobody", "Atall", "x@example.org")
    person = someone(kiosk)
    assert kiosk.find_me(person.first_name, person.last_name, person.email).answer is not None
    board = kiosk.event.read(console.dashboard)
    assert board is not None and board.find_me_failed == 2
    [self_1] = [desk for desk in board.desks if desk.desk == "Self 1"]
    assert self_1.find_me_failed == 2 and self_1.checkins == 1
    assert "2 find-me tries found nobody" in self_1.line


def test_a_kiosk_with_only_failures_is_listed_with_them(kiosk: DeskSession) -> None:
    kiosk.find_me("Nobody", "Atall", "x@example.org")
    board = kiosk.event.read(console.dashboard)
    assert board is not None
    assert [(d.desk, d.checkins, d.find_me_failed) for d in board.desks] == [("Self 1", 0, 1)]
    assert "1 find-me try found nobody" in board.desks[0].line


# -- the supervisor PIN ----------------------------------------------------------------------


@pytest.fixture
def unlocked_path(tmp_path: Path) -> Path:
    path = tmp_path / "unlocked.db"
    store, _ = create_demo_event(path, attendees=12, seed=2)
    store.close()
    return path


def test_with_no_pin_set_no_pin_is_right(unlocked_path: Path) -> None:
    store = EventStore.open(unlocked_path)
    try:
        settings = DeskSettings(store)
        assert not settings.has_pin()
        assert [pin for pin in ("", "0000", "1234", "2468") if settings.check_pin(pin)] == []
        settings.set_pin("2468")
        assert settings.check_pin("2468") and not settings.check_pin("0000")
    finally:
        store.close()


def test_self_check_in_does_not_open_without_a_pin(unlocked_path: Path) -> None:
    with pytest.raises(DeskOpenFailed) as refused:
        DeskSession.open(unlocked_path, mode="self", threaded=False)
    assert str(refused.value) == SELF_CHECKIN_NEEDS_PIN
    # The staffed desk opens as before (it is where staff set the PIN).
    desk = DeskSession.open(unlocked_path, mode="desk", threaded=False)
    desk.close(backup=False)


def test_choosing_self_check_in_is_refused_until_a_pin_is_set(unlocked_path: Path) -> None:
    desk = DeskSession.open(unlocked_path, threaded=False)
    try:
        with pytest.raises(DeskError) as refused:
            desk.save_settings({"mode": "self"})
        assert str(refused.value) == SELF_MODE_NEEDS_PIN
        assert desk.event.read(lambda r: DeskSettings(r)["mode"]) == "desk"
        saved, has_pin = desk.save_settings({"mode": "self"}, pin="2468")
        assert saved["mode"] == "self" and has_pin
    finally:
        desk.close(backup=False)
    kiosk = DeskSession.open(unlocked_path, mode="self", threaded=False)
    kiosk.close(backup=False)
