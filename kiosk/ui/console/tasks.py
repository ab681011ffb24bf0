"""Event reads and writes for one console screen, on its own thread, handed back by callback.

Each screen gets its own thread and its own connection to the event file (SQLite's WAL lets
them read while the desk writes), so a long import never holds up the dashboard. A task is
a plain function of the event store; its answer comes back to a callback on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, Signal, Slot

from kiosk.importing import ImportRefused
from kiosk.store.database import DatabaseFault, EventFileError
from kiosk.store.event_store import EventStore

Task = Callable[[EventStore], Any]


def plain_message(exc: Exception) -> str:
    """What an organiser is told when a task fails."""
    if isinstance(exc, ImportRefused | EventFileError):
        return str(exc)
    if isinstance(exc, DatabaseFault):
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return "The event file is busy (another program is writing to it). Try again " \
                   "in a moment."
        return f"The event file could not be read or written ({exc})."
    return f"Something went wrong: {exc}"


class _TaskWorker(QObject):
    finished = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, event_path: str) -> None:
        super().__init__()
        self._path = event_path
        self._store: EventStore | None = None

    @Slot(int, object)
    def run(self, request: int, task: Task) -> None:
        try:
            if self._store is None:
                self._store = EventStore.open(self._path)
            self.finished.emit(request, task(self._store))
        except Exception as exc:  # a fault in one task must not stop the screen's thread
            self.failed.emit(request, plain_message(exc))

    @Slot()
    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class EventTasks(QObject):
    """A screen's handle on its thread: ``call(task, then)`` queues, ``then`` gets the answer."""

    _run = Signal(int, object)

    def __init__(self, event_path: str, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = _TaskWorker(event_path)
        self._thread = QThread(self)
        self._thread.setObjectName(f"console-{name}")
        self._worker.moveToThread(self._thread)
        self._run.connect(self._worker.run)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[str], None] | None]] = {}
        self._requests = 0
        self._thread.start()

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def call(
        self, task: Task, then: Callable[[Any], None],
        failed: Callable[[str], None] | None = None,
    ) -> int:
        self._requests += 1
        self._callbacks[self._requests] = (then, failed)
        self._run.emit(self._requests, task)
        return self._requests

    def _on_finished(self, request: int, answer: object) -> None:
        then, _ = self._callbacks.pop(request, (None, None))
        if then is not None:
            then(answer)

    def _on_failed(self, request: int, message: str) -> None:
        _, failed = self._callbacks.pop(request, (None, None))
        if failed is not None:
            failed(message)

    def shutdown(self) -> None:
        """Close the event file on the thread that opened it, then stop the thread."""
        self._callbacks.clear()
        if not self._thread.isRunning():
            return
        QMetaObject.invokeMethod(self._worker, "close", Qt.ConnectionType.BlockingQueuedConnection)
        self._thread.quit()
        self._thread.wait(10_000)
