"""The keyboard-wedge burst detector: scans come out whole, typing is never a scan."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.scanning.wedge import BurstThresholds, Verdict, WedgeDecoder

LIMITS = BurstThresholds()
ENTER = "\r"
PRINTABLE = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))
codes = st.text(PRINTABLE, min_size=LIMITS.min_length, max_size=200)


@dataclass
class Desk:
    """Plays timed keys into a decoder, with a timer that polls it, and records the outcome.

    ``delivered`` is what the focused widget receives, in order: keys let through and held
    keys replayed; ``scans`` are the completed scans. ``timer`` says whether the poll timer
    runs (1 ms after the deadline, as the Qt filter arms it, plus ``timer_lateness``) --
    without it, only keys settle a run.
    """

    decoder: WedgeDecoder = field(default_factory=WedgeDecoder)
    timer: bool = True
    timer_lateness: float = 0.0
    now: float = 0.0
    delivered: list[str] = field(default_factory=list)
    scans: list[str] = field(default_factory=list)

    def wait(self, ms: float) -> None:
        until = self.now + ms
        while self.timer and (due := self.decoder.deadline()) is not None:
            fires_at = due + 1 + self.timer_lateness
            if fires_at > until:
                break
            self.now = max(self.now, fires_at)
            self._record(self.decoder.poll(self.now), None)
        self.now = until

    def press(self, text: str, gap: float = 0.0) -> Verdict:
        self.wait(gap)
        if text in (ENTER, "\t"):
            verdict = self.decoder.terminator(self.now)
        elif text == "<BACKSPACE>":
            verdict = self.decoder.interrupt(self.now)
        else:
            verdict = self.decoder.key(text, self.now)
        self._record(verdict, text)
        return verdict

    def idle(self) -> None:
        self.wait(1000.0)

    def _record(self, verdict: Verdict, text: str | None) -> None:
        self.delivered.extend(verdict.released)
        if text is not None and not verdict.swallow:
            self.delivered.append(text)
        if verdict.scanned is not None:
            self.scans.append(verdict.scanned)


@st.composite
def burst_gaps(draw: st.DrawFn, keys: int) -> list[int]:
    """Whole-millisecond pauses (as window systems stamp keys) before each key after the
    first, as a scanner makes them: mostly quick (0 ms too: several keys in one USB
    report), with a few stalls (never ``slow_gaps_in_a_row`` of them running) of up to
    ``max_gap_ms`` early on and up to ``max_stall_ms`` once ``stall_after_keys`` keys have
    come, and a median within ``typical_gap_ms``."""
    quick = st.integers(0, int(LIMITS.typical_gap_ms))
    gaps = draw(st.lists(quick, min_size=keys - 1, max_size=keys - 1))
    stalls = draw(st.sets(st.integers(0, keys - 2), max_size=(keys - 1) // 2 - 1))
    streak = LIMITS.slow_gaps_in_a_row - 1
    for index in sorted(stalls):
        if any(index - back in stalls for back in range(1, streak + 1)):
            continue
        # gaps[index] comes before key index + 2: after index + 1 keys.
        longest = LIMITS.max_stall_ms if index + 1 >= LIMITS.stall_after_keys \
            and sorted(gaps[:index])[index // 2 if index else 0] <= LIMITS.typical_gap_ms \
            else LIMITS.max_gap_ms
        gaps[index] = draw(st.integers(int(LIMITS.typical_gap_ms) + 1, int(longest)))
    return gaps


@st.composite
def bursts(draw: st.DrawFn) -> tuple[str, list[int], str | None, int]:
    code = draw(codes)
    gaps = draw(burst_gaps(len(code)))
    terminator = draw(st.sampled_from([ENTER, "\t", None]))
    terminator_gap = draw(st.integers(0, int(LIMITS.max_gap_ms)))
    return code, gaps, terminator, terminator_gap


def play_burst(desk: Desk, burst: tuple[str, list[int], str | None, int]) -> None:
    code, gaps, terminator, terminator_gap = burst
    desk.press(code[0], gap=LIMITS.max_gap_ms + 1)
    for character, gap in zip(code[1:], gaps, strict=True):
        desk.press(character, gap)
    if terminator is not None:
        desk.press(terminator, terminator_gap)


@given(bursts(), st.integers(0, 30))
def test_a_fast_burst_comes_out_exactly_and_nothing_reaches_the_widget(burst, lateness) -> None:
    desk = Desk(timer_lateness=lateness)
    play_burst(desk, burst)
    desk.idle()
    assert desk.scans == [burst[0]]
    assert desk.delivered == []


@given(bursts())
def test_without_a_timer_the_next_key_ends_a_burst_that_had_no_terminator(burst) -> None:
    code, gaps, _, _ = burst
    desk = Desk(timer=False)
    play_burst(desk, (code, gaps, None, 0))
    assert desk.scans == []
    desk.press("x", gap=LIMITS.idle_timeout_ms + 1)
    assert desk.scans == [code]
    desk.press("y", gap=500)
    assert desk.delivered == ["x"]


person_gaps = st.integers(int(LIMITS.typical_gap_ms) + 1, 2000)
typing = st.lists(
    st.tuples(st.one_of(PRINTABLE, st.sampled_from([ENTER, "\t", "<BACKSPACE>"])), person_gaps),
    min_size=1,
    max_size=60,
)


@given(typing, st.booleans(), st.integers(0, 200))
def test_slow_typing_is_never_a_scan_and_arrives_in_order(keys, timer, lateness) -> None:
    desk = Desk(timer=timer, timer_lateness=lateness)
    for text, gap in keys:
        desk.press(text, gap)
    desk.idle()
    desk.press("<BACKSPACE>", gap=1)
    assert desk.scans == []
    assert desk.delivered == [text for text, _ in keys] + ["<BACKSPACE>"]


@st.composite
def rollover(draw: st.DrawFn) -> list[tuple[str, int]]:
    """Flurries of a few keys close together, each after a pause: longer than a stall after
    a flurry of four keys (which is a scanner's pace), longer than a short pause after one
    of fewer."""
    flurries = draw(st.lists(st.text(PRINTABLE, min_size=1, max_size=LIMITS.min_length - 1),
                             min_size=1, max_size=20))
    paused = []
    before = ""
    for keys in flurries:
        shortest = LIMITS.max_stall_ms if len(before) >= LIMITS.stall_after_keys \
            else LIMITS.max_gap_ms
        paused.append((keys, draw(st.integers(int(shortest) + 1, 2000))))
        before = keys
    return paused


@given(rollover(), st.booleans())
def test_short_quick_flurries_between_pauses_are_typing(flurries, timer) -> None:
    # Fast rollover can put a few keys very close together, but never six in a row.
    desk = Desk(timer=timer)
    for flurry, pause in flurries:
        desk.press(flurry[0], gap=pause)
        for character in flurry[1:]:
            desk.press(character, gap=5)
    desk.press(ENTER, gap=10)
    desk.idle()
    assert desk.scans == []
    assert "".join(desk.delivered) == "".join(flurry for flurry, _ in flurries) + ENTER


@given(st.lists(st.one_of(bursts(), typing), min_size=1, max_size=6))
def test_scans_and_typing_mixed_each_come_out_whole(sessions) -> None:
    desk = Desk()
    expected_scans: list[str] = []
    expected_typing: list[str] = []
    for session in sessions:
        if isinstance(session, tuple):
            play_burst(desk, session)
            desk.idle()
            expected_scans.append(session[0])
        else:
            for text, gap in session:
                desk.press(text, gap)
            desk.idle()
            expected_typing.extend(text for text, _ in session)
    assert desk.scans == expected_scans
    assert desk.delivered == expected_typing


def test_the_first_keys_are_held_until_the_run_shows_what_it_is() -> None:
    desk = Desk(timer=False)
    assert desk.press("K").swallow
    assert desk.press("1", gap=5).swallow
    assert desk.delivered == []
    verdict = desk.press("x", gap=LIMITS.max_gap_ms + 1)
    assert verdict.released == ("K", "1")
    assert verdict.swallow  # "x" may start a burst of its own
    assert desk.decoder.held_count == 1


def test_a_burst_too_short_is_typed_into_the_widget_with_its_enter() -> None:
    desk = Desk()
    for index, character in enumerate("12345"):
        desk.press(character, gap=LIMITS.max_gap_ms + 1 if index == 0 else 3)
    desk.press(ENTER, gap=3)
    assert desk.scans == []
    assert desk.delivered == [*"12345", ENTER]


def test_a_quick_person_is_released_before_a_pause() -> None:
    # 50 ms between keys: quicker than the pause that ends a run, too slow for a scanner.
    desk = Desk(timer=False)
    desk.press("S", gap=500)
    for character in "mit":
        desk.press(character, gap=50)
    assert desk.delivered == list("Smit")
    assert desk.press("h", gap=50) == Verdict()
    assert desk.decoder.deadline() is None


def test_an_interrupting_key_ends_a_burst_and_passes() -> None:
    desk = Desk(timer=False)
    for index, character in enumerate("ABCDEFGH"):
        desk.press(character, gap=500 if index == 0 else 4)
    verdict = desk.press("<BACKSPACE>", gap=4)
    assert verdict.scanned == "ABCDEFGH"
    assert not verdict.swallow


def test_flush_gives_every_held_key_back() -> None:
    decoder = WedgeDecoder()
    for index, character in enumerate("ABC"):
        decoder.key(character, index * 3.0)
    assert decoder.flush() == Verdict(released=("A", "B", "C"))
    assert decoder.deadline() is None
    assert decoder.flush() == Verdict()


def test_a_deadline_says_when_to_poll_for_a_burst_with_no_terminator() -> None:
    decoder = WedgeDecoder()
    for index, character in enumerate("W1ABCDEF"):
        decoder.key(character, 1000 + index * 4.0)
    last = 1000 + 7 * 4.0
    assert decoder.deadline() == last + LIMITS.idle_timeout_ms
    assert decoder.poll(last + LIMITS.idle_timeout_ms) == Verdict()
    assert decoder.poll(last + LIMITS.idle_timeout_ms + 0.5) == Verdict(scanned="W1ABCDEF")


def test_a_clock_set_back_breaks_the_run() -> None:
    decoder = WedgeDecoder()
    for index, character in enumerate("AB"):
        decoder.key(character, 90_000 + index * 3.0)
    verdict = decoder.key("C", 1_000.0)
    assert verdict == Verdict(released=("A", "B"), swallow=True)
    assert decoder.deadline() == 1_000.0 + LIMITS.max_gap_ms


@pytest.mark.parametrize(
    "arguments",
    [
        {"min_length": 1},
        {"typical_gap_ms": 90.0},
        {"max_gap_ms": 300.0},
        {"max_stall_ms": 400.0},
        {"stall_after_keys": 1},
        {"trailing_terminator_ms": -1.0},
        {"slow_gaps_in_a_row": 0},
        {"max_length": 3},
    ],
)
def test_inconsistent_thresholds_are_refused(arguments) -> None:
    with pytest.raises(ValueError):
        BurstThresholds(**arguments)


SIGNED = "K1" + "7QH2" + "3M0XW5R8KD1A" + "0C" + "A" * 103


@pytest.mark.parametrize("stall_after", [4, 6, 60, 120])
@pytest.mark.parametrize("stall_ms", [110, 180, LIMITS.max_stall_ms])
def test_a_bluetooth_stall_inside_a_code_joins_it(stall_after, stall_ms) -> None:
    # Found on main: a 110 ms stall after six keys split a code into a red "unknown" scan
    # of six keys and the rest typed into the search box.
    desk = Desk()
    desk.press(SIGNED[0], gap=1000)
    for index, character in enumerate(SIGNED[1:], start=1):
        desk.press(character, gap=stall_ms if index == stall_after else 8)
    desk.press(ENTER, gap=8)
    desk.idle()
    assert desk.scans == [SIGNED]
    assert desk.delivered == []


def test_a_stall_without_a_terminator_is_not_taken_for_the_end_of_the_code() -> None:
    desk = Desk()
    desk.press(SIGNED[0], gap=1000)
    for index, character in enumerate(SIGNED[1:], start=1):
        desk.press(character, gap=LIMITS.max_stall_ms if index == 50 else 0)
    desk.idle()
    assert desk.scans == [SIGNED]


def test_keys_sent_with_no_pause_at_all_are_a_scan() -> None:
    desk = Desk()
    desk.press(SIGNED[0], gap=1000)
    for character in SIGNED[1:]:
        desk.press(character, gap=0)
    desk.press(ENTER, gap=0)
    assert desk.scans == [SIGNED] and desk.delivered == []


@pytest.mark.parametrize("suffix", [["\r", "\r"], ["\r", "\t"], ["\t", "\r"],
                                    ["\r", "\r", "\r"]])
def test_terminators_just_after_a_scan_belong_to_the_scanner(suffix) -> None:
    # Found on main: a scanner sending CR+LF checked in the scanned person with the CR and
    # whoever the search list had chosen with the LF.
    desk = Desk()
    desk.press(SIGNED[0], gap=1000)
    for character in SIGNED[1:]:
        desk.press(character, gap=4)
    verdicts = [desk.press(key, gap=3) for key in suffix]
    assert desk.scans == [SIGNED]
    assert desk.delivered == []
    assert all(verdict.swallow for verdict in verdicts)
    assert [verdict.trailing for verdict in verdicts] == [False] + [True] * (len(suffix) - 1)


def test_a_trailing_enter_after_a_scan_with_no_terminator_is_swallowed_too() -> None:
    desk = Desk()
    desk.press(SIGNED[0], gap=1000)
    for character in SIGNED[1:]:
        desk.press(character, gap=4)
    verdict = desk.press(ENTER, gap=LIMITS.idle_timeout_ms + 20)  # after the scan settled
    assert desk.scans == [SIGNED]
    assert verdict.swallow and verdict.trailing


def test_an_enter_well_after_a_scan_is_the_persons() -> None:
    desk = Desk()
    desk.press(SIGNED[0], gap=1000)
    for character in SIGNED[1:]:
        desk.press(character, gap=4)
    desk.press(ENTER, gap=4)
    late = desk.press(ENTER, gap=LIMITS.trailing_terminator_ms + 1)
    assert not late.swallow
    assert desk.delivered == [ENTER]


def test_a_key_typed_after_a_scan_makes_the_next_enter_the_persons() -> None:
    desk = Desk()
    desk.press(SIGNED[0], gap=1000)
    for character in SIGNED[1:]:
        desk.press(character, gap=4)
    desk.press(ENTER, gap=4)
    desk.press("<BACKSPACE>", gap=50)
    assert not desk.press(ENTER, gap=50).swallow


def test_a_scan_says_how_it_came() -> None:
    decoder = WedgeDecoder()
    for index, character in enumerate("W17QH23M0XW5R8K5"):
        decoder.key(character, 1000 + index * 10 + (150 if index > 8 else 0))
    verdict = decoder.terminator(1310, "Tab")
    assert verdict.scanned == "W17QH23M0XW5R8K5"
    assert verdict.timing is not None
    assert verdict.timing.terminator == "Tab"
    assert verdict.timing.longest_gap_ms == 160
    assert verdict.timing.median_gap_ms == 10
