"""Running the app's use cases off the UI thread and handing the answer back on it.

In the spirit of Anki's ``CollectionOp``/``QueryOp`` and Picard's ``run_task``: the slow part
(a use case in ``kiosk.services``, which goes through the event file's door) runs on a lane
of its own; its answer, or a message in plain words for its failure, comes back to a callback
on the UI thread. The work must not touch widgets. A lane runs its work in order, one at a
time, so a desk's scans are answered in the order they were read.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

from kiosk.services.event_access import EventFile, EventReader, EventStore
from kiosk.services.faults import describe

T = TypeVar("T")


class Ops(QObject):
    """A widget's handle on background work: ``run(work, then, failed)``."""

    _answered = Signal(object)  # a callable to run on the UI thread

    def __init__(self, parent: QObject | None = None, name: str = "ops") -> None:
        super().__init__(parent)
        self._name = name
        self._lanes: dict[str, ThreadPoolExecutor] = {}
        self._lock = threading.Lock()
        self._pending = 0
        self._closed = False
        # Queued even from the UI thread: work that is done before its callback is added
        # calls it there and then, and an answer must never arrive inside the call that
        # asked for it (before the caller has connected to what it announces).
        self._answered.connect(self._on_answered, Qt.ConnectionType.QueuedConnection)

    @property
    def pending(self) -> int:
        """Work sent and not yet answered (for tests and for closing tidily)."""
        return self._pending

    def run(
        self, work: Callable[[], T], then: Callable[[T], None] | None = None,
        failed: Callable[[str], None] | None = None, lane: str = "main",
    ) -> Future[T] | None:
        """Run ``work`` on ``lane``; ``then(answer)`` or ``failed(message)`` on the UI thread."""
        with self._lock:
            if self._closed:
                return None
            executor = self._lanes.get(lane)
            if executor is None:
                executor = ThreadPoolExecutor(1, thread_name_prefix=f"{self._name}-{lane}")
                self._lanes[lane] = executor
            self._pending += 1
        future = executor.submit(work)
        future.add_done_callback(lambda done: self._hand_back(done, then, failed))
        return future

    def _hand_back(
        self, done: Future[Any], then: Callable[[Any], None] | None,
        failed: Callable[[str], None] | None,
    ) -> None:
        error = done.exception()
        if error is None:
            answer = done.result()
            call: Callable[[], None] = (lambda: then(answer)) if then else (lambda: None)
        else:
            message = describe(error)
            call = (lambda: failed(message)) if failed else (lambda: None)
        if self._closed:
            return
        with contextlib.suppress(RuntimeError):  # the widget went away while the work ran
            self._answered.emit(call)

    @Slot(object)
    def _on_answered(self, call: Callable[[], None]) -> None:
        self._pending -= 1
        if not self._closed:
            call()

    def shutdown(self, wait: bool = True) -> None:
        """No more answers; wait for work under way to finish (it may be a write)."""
        with self._lock:
            self._closed = True
            lanes = list(self._lanes.values())
            self._lanes.clear()
        for executor in lanes:
            executor.shutdown(wait=wait, cancel_futures=True)


class EventOps(Ops):
    """Ops on one event file, for the console's screens: ``read(task)`` runs ``task(reader)``
    as one snapshot on a read connection; ``write(task)`` runs ``task(store)`` on the file's
    writer as one transaction (between the desk's scans); ``call(use_case)`` runs a use case
    that takes the door itself and makes its own reads and writes (an import, an export).
    """

    def __init__(self, event: EventFile, parent: QObject | None = None,
                 name: str = "console") -> None:
        super().__init__(parent, name)
        # Not ``self.event``: that would hide QObject.event, through which Qt delivers the
        # queued answers.
        self.event_file = event

    def read(
        self, task: Callable[[EventReader], T], then: Callable[[T], None] | None = None,
        failed: Callable[[str], None] | None = None, lane: str = "main",
    ) -> Future[T] | None:
        event = self.event_file
        return self.run(lambda: event.read(task), then, failed, lane)

    def write(
        self, task: Callable[[EventStore], T], then: Callable[[T], None] | None = None,
        failed: Callable[[str], None] | None = None, lane: str = "main",
        atomic: bool = True,
    ) -> Future[T] | None:
        event = self.event_file
        return self.run(lambda: event.write(task, atomic=atomic), then, failed, lane)

    def call(
        self, use_case: Callable[[EventFile], T], then: Callable[[T], None] | None = None,
        failed: Callable[[str], None] | None = None, lane: str = "main",
    ) -> Future[T] | None:
        event = self.event_file
        return self.run(lambda: use_case(event), then, failed, lane)
