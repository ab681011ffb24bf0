"""The hybrid logical clock, UUIDv7 and text folding."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.hlc import FakeWall, HybridClock, Stamp
from kiosk.core.ids import uuid7
from kiosk.core.text import email_key, fold, name_key, words


def test_clock_never_goes_back_when_the_wall_clock_does() -> None:
    wall = FakeWall()
    clock = HybridClock("d1", wall)
    first = clock.now()
    wall.advance(-3_600_000)
    second = clock.now()
    assert second > first
    assert second.wall_ms == first.wall_ms and second.counter == first.counter + 1
    wall.advance(7_200_000)
    assert clock.now().wall_ms == wall.ms


def test_observing_a_clock_ahead_moves_ours_and_reports_the_skew() -> None:
    wall = FakeWall()
    clock = HybridClock("d1", wall)
    remote = Stamp(wall.ms + 86_400_000, 4, "d2")
    assert clock.observe(remote) == 86_400_000
    assert clock.now() > remote


@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**13 - 1),
            st.integers(0, 99_999),
            st.text("abcdef0123456789", min_size=1, max_size=10),
        ),
        min_size=2,
    )
)
def test_encoded_stamps_sort_like_stamps(raw: list[tuple[int, int, str]]) -> None:
    stamps = [Stamp(*r) for r in raw]
    assert sorted(s.encode() for s in stamps) == [s.encode() for s in sorted(stamps)]
    assert all(Stamp.parse(s.encode()) == s for s in stamps)


def test_uuid7_has_version_7_and_sorts_by_time() -> None:
    early, late = uuid7(1_000), uuid7(2_000)
    assert uuid.UUID(early).version == 7
    assert early < late


def test_folding_finds_names_without_their_accents() -> None:
    assert fold("Dũng") == "dung"
    assert fold("Zoë") == "zoe"
    assert fold("Łukasz") == "lukasz"
    assert fold("Ștefan Păunescu") == "stefan paunescu"
    assert fold("ＡＢＣ") == "abc"  # full-width forms
    assert words("Smith-Jones, Jo") == ["smith", "jones", "jo"]
    assert words("فاطمة الزهراء") == ["فاطمة", "الزهراء"]


def test_name_and_email_keys() -> None:
    assert name_key("  Zoë ", "O’Brien") == name_key("zoe", "o'brien")
    assert email_key(" Zoe@Example.ORG ") == "zoe@example.org"
