"""Print job state changes as the worker reports them, for the desk to show."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.printing.messages import job_line
from kiosk.store.print_jobs import PrintJob


@dataclass(frozen=True)
class JobEvent:
    """A job just changed: its new state, and the line the desk shows for it."""

    job: PrintJob

    @property
    def line(self) -> str:
        return job_line(self.job)


JobListener = Callable[[JobEvent], None]


class JobFeed:
    """A listener that keeps events for another thread to take (the CLI, tests, a Qt bridge
    that drains it on a timer). Thread-safe."""

    def __init__(self) -> None:
        self._events: queue.Queue[JobEvent] = queue.Queue()

    def __call__(self, event: JobEvent) -> None:
        self._events.put(event)

    def next(self, timeout: float) -> JobEvent | None:
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            return None

    def wait_for(self, done: Callable[[JobEvent], bool], timeout: float) -> JobEvent | None:
        """The first event for which ``done`` holds, or None when ``timeout`` s pass first."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            event = self.next(left)
            if event is not None and done(event):
                return event
        return None
