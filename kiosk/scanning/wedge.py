"""Telling a keyboard-wedge scanner's burst of keystrokes from a person typing.

A handheld scanner acting as a keyboard "types" a code much faster and more evenly than a
person can, and usually ends it with Enter or Tab. ``WedgeDecoder`` watches key presses
with their times and decides, key by key, what the application should do with each one:

* hold it back (``Verdict.swallow``): it may be part of a scan, so it must not reach the
  focused text field yet -- the first keys of a burst look like anybody's first keys, so
  every key that starts a run of keys is held until the run shows what it is;
* release it (``Verdict.released``): the run turned out to be a person typing, so the held
  keys are to be replayed, in order, into the widget they were meant for;
* report a scan (``Verdict.scanned``): the run was a burst; its terminator, if any, is
  swallowed too so that it never presses a default button or submits a search.

The decoder has no clock and no timer: every call takes the time in milliseconds, and
``deadline()`` tells when ``poll(now)`` must be called if no further key arrives -- that is
how a run with no terminator ends. Times only need to come from one monotonic clock; a
time more than ``max_gap_ms`` before the last one (a clock set back) starts afresh.

Thresholds (``BurstThresholds``), and why
    ``typical_gap_ms = 35``: the median pause between the keys of a burst may be at most
    this. USB keyboard-wedge scanners send one key per HID report pair, 2-16 ms apart (or
    0 ms: several keys in one report); Bluetooth ones are slower and lumpier, 10-30 ms. A
    person averages 80-250 ms between keys (120 words a minute is 100 ms); fast rollover
    can put two keys under 35 ms, but not the median of a run of several.

    ``max_gap_ms = 80``: the longest pause in a run that has not yet shown a scanner's
    pace; a longer pause ends it. It is also how long the first key of every run is held
    when nothing follows it, so a person's keystroke can appear up to this late -- below
    the roughly 100 ms at which lag is noticed.

    ``max_stall_ms = 250`` and ``stall_after_keys = 4``: once a run has four keys at a
    scanner's pace (their median pause within ``typical_gap_ms``), a pause of up to 250 ms
    still belongs to it. Bluetooth scanners send a code in radio packets and stall between
    them for 100-200 ms when the link is busy; USB ones stall when the hub is. A stall
    within a code's first four keys still splits it: before then, nothing tells a scanner
    from a person, whose keys must not wait a quarter of a second.

    ``min_length = 6``: a burst shorter than this is not a scan. Our codes are 16 or 123
    characters, imported barcodes (EAN, Eventbrite numbers, pretix secrets) 8 or more;
    six keys in a row with a median pause of 35 ms or less is beyond any typist.

    ``idle_timeout_ms = 300``: a burst with no terminator is complete this long after its
    last key. It is longer than ``max_stall_ms`` so that a stall is never taken for the
    end of a code, and so that a scanner that sends its suffix a little late still has
    that Enter or Tab swallowed as part of the scan.

    ``trailing_terminator_ms = 300``: an Enter or Tab this soon after a scan ended belongs
    to the scanner too (a scanner set to send CR+LF sends two; a person does not press
    Enter a moment after a scan they did not make) and is swallowed: it must not check in
    whoever the search list had chosen.

    ``slow_gaps_in_a_row = 3``: a run with this many pauses in a row longer than
    ``typical_gap_ms`` is a person: its held keys are released at once and the rest of the
    run passes straight through, instead of waiting for a pause. A scanner stalls now and
    then, not three times running; a quick typist at 40-80 ms a key is released after four
    keys.

    ``max_length = 4096``: a longer run is no code of anybody's; it is given back as typing.

What the caller must do (the Qt side is ``kiosk.ui.scanner_filter``): pass keys that
type no printable character (arrows, Backspace, Ctrl+letter) and keys that the window
system repeats because a key is held down to ``interrupt``, not to ``key`` -- except a
key flagged as repeated while a run is held: a scanner sending the same character twice
with no pause between looks like a held-down key to X11. Limits: a burst must start at
least ``max_gap_ms`` after a person's last keystroke (sooner, it is taken for more
typing), and a key typed within ``max_gap_ms`` before a burst becomes the first character
of that scan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from statistics import median


@dataclass(frozen=True)
class BurstThresholds:
    """How fast, how long and how even a run of keys must be to count as a scan."""

    min_length: int = 6
    typical_gap_ms: float = 35.0
    max_gap_ms: float = 80.0
    max_stall_ms: float = 250.0
    stall_after_keys: int = 4
    idle_timeout_ms: float = 300.0
    trailing_terminator_ms: float = 300.0
    slow_gaps_in_a_row: int = 3
    max_length: int = 4096

    def __post_init__(self) -> None:
        if self.min_length < 2:
            raise ValueError("a scan needs at least two keys to be told from typing")
        if not (0 <= self.typical_gap_ms <= self.max_gap_ms <= self.max_stall_ms
                <= self.idle_timeout_ms):
            raise ValueError("need 0 <= typical_gap_ms <= max_gap_ms <= max_stall_ms "
                             "<= idle_timeout_ms")
        if self.stall_after_keys < 2:
            raise ValueError("stall_after_keys must be at least 2")
        if self.trailing_terminator_ms < 0:
            raise ValueError("trailing_terminator_ms must not be negative")
        if self.slow_gaps_in_a_row < 1:
            raise ValueError("slow_gaps_in_a_row must be at least 1")
        if self.max_length < self.min_length:
            raise ValueError("max_length must be at least min_length")


@dataclass(frozen=True)
class ScanTiming:
    """How a scan came: its keys' pauses and how it ended ("Enter", "Tab", "none"...)."""

    gaps_ms: tuple[float, ...]
    terminator: str

    @property
    def longest_gap_ms(self) -> float:
        return max(self.gaps_ms, default=0.0)

    @property
    def median_gap_ms(self) -> float:
        return median(self.gaps_ms) if self.gaps_ms else 0.0


@dataclass(frozen=True)
class Verdict:
    """What to do after one event: replay ``released``, then deliver or swallow the key.

    ``released`` holds the texts of held keys to replay now, oldest first, before the key
    just fed is delivered. ``swallow`` says the key just fed must not be delivered now:
    either it is held (a character) or it ended a scan (a terminator), or it is a
    terminator that came just after a scan (``trailing``). ``scanned`` is a completed scan,
    and ``timing`` how it came. Held keys end either as ``released`` or inside ``scanned``,
    never both.
    """

    released: tuple[str, ...] = ()
    swallow: bool = False
    scanned: str | None = None
    timing: ScanTiming | None = field(default=None, compare=False)
    trailing: bool = False


_NOTHING = Verdict()


class WedgeDecoder:
    """The burst detector: feed it key presses, terminators and the time (see the module doc)."""

    def __init__(self, thresholds: BurstThresholds | None = None) -> None:
        self.thresholds = thresholds or BurstThresholds()
        self._held: list[str] = []
        self._gaps: list[float] = []
        self._slow_streak = 0
        self._last_key_ms: float | None = None
        # The current run was judged to be a person: keys that continue it pass at once.
        self._typing = False
        # When the last scan ended: a terminator soon after belongs to it.
        self._scan_ended_ms: float | None = None

    @property
    def held_count(self) -> int:
        """How many keys are held back now."""
        return len(self._held)

    @property
    def last_key_ms(self) -> float | None:
        """When the latest key came."""
        return self._last_key_ms

    def key(self, text: str, t_ms: float) -> Verdict:
        """A key press that typed ``text`` (usually one character) at ``t_ms``."""
        gap = self._gap_to(t_ms)
        self._scan_ended_ms = None
        limits = self.thresholds
        if self._typing:
            if gap <= limits.max_gap_ms:
                return _NOTHING
            self._typing = False
        settled = _NOTHING
        if self._held and gap > self._longest_pause():
            # The run ended before this key came (the poll was late): settle it first.
            settled = self._settle(t_ms - gap)
            self._scan_ended_ms = None
        if not self._held:
            self._held.append(text)
            return replace(settled, released=settled.released, swallow=True)
        self._held.append(text)
        self._gaps.append(gap)
        self._slow_streak = self._slow_streak + 1 if gap > limits.typical_gap_ms else 0
        if len(self._held) > limits.max_length or self._slow_streak >= limits.slow_gaps_in_a_row:
            released = tuple(self._held[:-1])
            self._clear()
            self._typing = True
            return Verdict(released=released)
        return Verdict(swallow=True)

    def terminator(self, t_ms: float, name: str = "Enter") -> Verdict:
        """Enter or Tab (``name``) pressed at ``t_ms``: it ends a burst, it trails one that
        just ended (a scanner's CR+LF), or it is somebody's keystroke."""
        gap = self._gap_to(t_ms)
        self._typing = False
        if not self._held:
            ended = self._scan_ended_ms
            if ended is not None and 0 <= t_ms - ended <= self.thresholds.trailing_terminator_ms:
                self._scan_ended_ms = t_ms
                return Verdict(swallow=True, trailing=True)
            return _NOTHING
        if self._is_burst() and gap <= self.thresholds.idle_timeout_ms:
            timing = ScanTiming(tuple(self._gaps), name)
            self._scan_ended_ms = t_ms
            return Verdict(swallow=True, scanned=self._take_scan(), timing=timing)
        settled = self._settle(t_ms)
        return replace(settled, released=settled.released)

    def interrupt(self, t_ms: float) -> Verdict:
        """A key that types no character (arrows, Backspace, Ctrl+…, auto-repeat) at ``t_ms``.

        It ends the current run; the key itself is always delivered, after any release.
        """
        self._gap_to(t_ms)
        self._typing = False
        settled = self._settle(t_ms) if self._held else _NOTHING
        self._scan_ended_ms = None
        return settled

    def deadline(self) -> float | None:
        """The time after which ``poll`` settles the held run; None when nothing is held.

        A key that comes at the deadline itself still belongs to the run.
        """
        if not self._held:
            return None
        assert self._last_key_ms is not None
        limits = self.thresholds
        wait = limits.idle_timeout_ms if self._is_burst() else self._longest_pause()
        return self._last_key_ms + wait

    def poll(self, now_ms: float) -> Verdict:
        """Settle the held run if its time is up: a scan with no terminator, or typing."""
        due = self.deadline()
        if due is None or now_ms <= due:
            return _NOTHING
        return self._settle(now_ms)

    def flush(self) -> Verdict:
        """Give back every held key now (the listener is being switched off)."""
        released = tuple(self._held)
        self._clear()
        self._typing = False
        self._scan_ended_ms = None
        return Verdict(released=released) if released else _NOTHING

    def _gap_to(self, t_ms: float) -> float:
        last = self._last_key_ms
        if last is None or t_ms < last - self.thresholds.max_gap_ms:
            # The first key, or the clock was set back: nothing before belongs with this key.
            self._last_key_ms = t_ms
            if last is not None:
                self._scan_ended_ms = None
            return math.inf
        self._last_key_ms = max(t_ms, last)
        return max(t_ms - last, 0.0)

    def _longest_pause(self) -> float:
        """The longest pause the held run may still take: a stall once it keeps a scanner's
        pace, else a short pause."""
        limits = self.thresholds
        if (len(self._held) >= limits.stall_after_keys
                and median(self._gaps) <= limits.typical_gap_ms):
            return limits.max_stall_ms
        return limits.max_gap_ms

    def _is_burst(self) -> bool:
        limits = self.thresholds
        return (
            len(self._held) >= limits.min_length
            and median(self._gaps) <= limits.typical_gap_ms
            and max(self._gaps) <= limits.max_stall_ms
        )

    def _settle(self, ended_ms: float) -> Verdict:
        if self._is_burst():
            timing = ScanTiming(tuple(self._gaps), "none")
            self._scan_ended_ms = ended_ms
            return Verdict(scanned=self._take_scan(), timing=timing)
        released = tuple(self._held)
        self._clear()
        return Verdict(released=released)

    def _take_scan(self) -> str:
        code = "".join(self._held)
        self._clear()
        return code

    def _clear(self) -> None:
        self._held.clear()
        self._gaps.clear()
        self._slow_streak = 0
