"""The desk's count of people in: its own check-ins move it at once, without counting the whole
list again; what comes from elsewhere (another desk on the file, an edit, a checkpoint the
organisers removed) is counted again a moment later."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.core.checkin_rules import Outcome
from kiosk.services import desk_session
from kiosk.services.badge_printing import badge_code
from kiosk.services.demo import create_demo_event
from kiosk.services.desk_session import DeskListeners, DeskSession
from kiosk.services.event_settings import remove_checkpoint, save_checkpoint
from kiosk.store import queries
from kiosk.store.event_store import EventReader

SAFETY_TIMEOUT = 30.0  # seconds; only a hung test waits this long


@pytest.fixture
def event_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "event.db"
    store, _ = create_demo_event(path, attendees=12, seed=3)
    store.close()
    yield path


class Seen:
    """What a desk told its listeners, from whichever thread told it."""

    def __init__(self) -> None:
        self.counts: list[tuple[int, int]] = []
        self.moved: list[tuple[str, str]] = []
        self._changed = threading.Condition()

    def listeners(self) -> DeskListeners:
        return DeskListeners(counts_changed=self._count, checkpoint_moved=self._moved)

    def _count(self, checked_in: int, expected: int) -> None:
        with self._changed:
            self.counts.append((checked_in, expected))
            self._changed.notify_all()

    def _moved(self, checkpoint: str, why: str) -> None:
        with self._changed:
            self.moved.append((checkpoint, why))
            self._changed.notify_all()

    def wait_for(self, seen: Callable[[], bool]) -> None:
        with self._changed:
            assert self._changed.wait_for(seen, timeout=SAFETY_TIMEOUT), (self.counts,
                                                                          self.moved)


def _tickets(reader: EventReader) -> list[str]:
    people = [a for a in queries.list_attendees(reader.conn, status="active")
              if not a.checked_in]
    return [badge_code(reader, person) for person in people]  # type: ignore[arg-type]


@pytest.fixture
def recounts(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """When each desk counted the whole list again (time.monotonic())."""
    began: list[float] = []
    real_counts = desk_session._counts

    def counting(view, desk):  # type: ignore[no-untyped-def]
        began.append(time.monotonic())
        return real_counts(view, desk)

    monkeypatch.setattr(desk_session, "_counts", counting)
    return began


@pytest.fixture
def open_desk(event_path: Path) -> Iterator[Callable[..., DeskSession]]:
    """``open_desk(name, seen=None, **overrides)``: a staffed desk on the event file, its
    auto-print off; the first takes the desk lock, the others share it. All are closed after."""
    opened: list[DeskSession] = []

    def opener(name: str, seen: Seen | None = None, **overrides: str) -> DeskSession:
        session = DeskSession.open(
            event_path, listeners=seen.listeners() if seen else None, exclusive=not opened,
            overrides={"desk_name": name, "operator": "test", **overrides})
        session.auto_print = False
        opened.append(session)
        return session

    yield opener
    for session in reversed(opened):
        session.close(backup=False)


def test_a_desks_own_check_ins_move_its_count_at_once_without_counting_the_list_again(
    open_desk: Callable[..., DeskSession], recounts: list[float],
) -> None:
    seen = Seen()
    session = open_desk("Desk A", seen)
    before, expected = session.counts()
    opened_with = len(recounts)
    for code in session.event.read(_tickets)[:3]:
        assert session.scan(code).result.outcome is Outcome.OK
    assert [c for c, _ in seen.counts] == [before + 1, before + 2, before + 3]
    time.sleep(desk_session.RECOUNT_AFTER_S * 3)  # a recount would have run by now
    assert len(recounts) == opened_with
    assert session.counts() == (before + 3, expected)


def test_check_ins_by_another_desk_on_the_file_are_counted_again(
    open_desk: Callable[..., DeskSession],
) -> None:
    seen = Seen()
    first, second = open_desk("Desk A", seen), open_desk("Desk B")
    before, expected = first.counts()
    for code in second.event.read(_tickets)[:2]:
        assert second.scan(code).result.outcome is Outcome.OK
    seen.wait_for(lambda: (before + 2, expected) in seen.counts)
    assert first.counts() == (before + 2, expected)


def test_a_desk_at_a_checkpoint_the_organisers_removed_carries_on_at_the_main_desk(
    event_path: Path, open_desk: Callable[..., DeskSession],
) -> None:
    setup = DeskSession.open(event_path, exclusive=False, threaded=False)
    try:
        assert setup.event.write(lambda store: save_checkpoint(store, "Side door", None)).done
    finally:
        setup.close(backup=False)
    seen = Seen()
    door = open_desk("Door", seen, checkpoint="cp-side-door")
    assert door.event.write(lambda store: remove_checkpoint(store, "cp-side-door")).done
    seen.wait_for(lambda: bool(seen.moved))
    (now_at, why), = seen.moved
    assert now_at != "Side door" and "Side door" in why
    answer = door.scan(door.event.read(_tickets)[0])
    assert answer.result.outcome is Outcome.OK
    checkpoint = door.event.read(lambda reader: reader.conn.execute(
        "SELECT checkpoint_id FROM checkins WHERE change_id = ?",
        (answer.result.checkin_id,)).fetchone()[0])
    assert checkpoint == "main"


def test_a_stream_of_changes_from_elsewhere_is_counted_about_once_a_second_not_each_time(
    open_desk: Callable[..., DeskSession], recounts: list[float],
) -> None:
    """An import beside a desk writes a batch every few milliseconds; each count reads the
    whole list, so the desk counts again at most once a second while they keep coming."""
    seen = Seen()
    first, second = open_desk("Desk A", seen), open_desk("Desk B")
    before, expected = first.counts()
    opened_with = len(recounts)
    codes = second.event.read(_tickets)[:10]
    started = time.monotonic()
    for code in codes:
        assert second.scan(code).result.outcome is Outcome.OK
        time.sleep(0.25)
    streamed = time.monotonic() - started
    seen.wait_for(lambda: (before + len(codes), expected) in seen.counts)
    during = recounts[opened_with:]
    assert 1 <= len(during) <= 1 + streamed / desk_session.RECOUNT_EVERY_S + 1
    gaps = [b - a for a, b in itertools.pairwise(during)]
    assert all(gap >= desk_session.RECOUNT_EVERY_S * 0.9 for gap in gaps), gaps


def test_a_check_in_by_another_program_on_the_file_is_counted_with_the_desks_next_one(
    event_path: Path, open_desk: Callable[..., DeskSession],
) -> None:
    """`kiosk checkin` run beside a desk writes from another process, which this one hears
    nothing of; the desk's next write notices the file moved on and counts again, rather
    than adding its own check-in to a stale count."""
    seen = Seen()
    desk = open_desk("Desk A", seen)
    before, expected = desk.counts()
    first, second = desk.event.read(_tickets)[:2]
    done = subprocess.run([sys.executable, "-m", "kiosk", "checkin", str(event_path), first],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert desk.scan(second).result.outcome is Outcome.OK
    seen.wait_for(lambda: (before + 2, expected) in seen.counts)
    assert desk.counts() == (before + 2, expected)
