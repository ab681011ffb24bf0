"""Hybrid logical clock: timestamps that order changes across desks with skewed clocks."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

# A remote stamp this far ahead of our wall clock is reported as clock skew.
SKEW_WARNING_MS = 5 * 60 * 1000


def system_wall_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, order=True)
class Stamp:
    """A point in hybrid logical time; the device id makes every stamp unique and ordered.

    The encoded form sorts as text in the same order as the stamp itself, so the database
    can compare stamps with plain string comparison.
    """

    wall_ms: int
    counter: int
    device: str

    def encode(self) -> str:
        return f"{self.wall_ms:013d}.{self.counter:05d}.{self.device}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        wall, counter, device = text.split(".", 2)
        return cls(int(wall), int(counter), device)

    def __str__(self) -> str:
        return self.encode()


class HybridClock:
    """Kulkarni et al.'s HLC: never goes backwards, stays close to wall time.

    ``wall`` is injectable so tests use a fake clock; a wall clock that jumps back leaves
    the HLC where it was and only the counter grows.
    """

    def __init__(
        self,
        device: str,
        wall: Callable[[], int] = system_wall_ms,
        last: Stamp | None = None,
    ) -> None:
        self.device = device
        self._wall = wall
        self._ms = last.wall_ms if last else 0
        self._counter = last.counter if last else 0

    def now(self) -> Stamp:
        """A stamp for a change made here, later than every stamp seen so far."""
        wall = self._wall()
        if wall > self._ms:
            self._ms, self._counter = wall, 0
        else:
            self._counter += 1
        return Stamp(self._ms, self._counter, self.device)

    def observe(self, remote: Stamp) -> int:
        """Take in a stamp from another device; returns how far ahead of our wall it was (ms)."""
        wall = self._wall()
        if remote.wall_ms > self._ms:
            self._ms, self._counter = remote.wall_ms, remote.counter
        elif remote.wall_ms == self._ms:
            self._counter = max(self._counter, remote.counter)
        return remote.wall_ms - wall


class FakeWall:
    """A wall clock for tests and simulations: set or advance it by hand."""

    def __init__(self, start_ms: int = 1_790_000_000_000) -> None:
        self.ms = start_ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, ms: int) -> None:
        self.ms += ms
