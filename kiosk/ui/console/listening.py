"""A console screen's ear on the event file: what was written, told on the UI thread."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from kiosk.services.event_access import ELSEWHERE, REBUILT, EventFile, Written

# What was heard is told at most this often while writes keep coming (a busy desk scans
# every second or two; a batch of badges logs one print per badge).
GATHER_MS = 250


@dataclass(frozen=True)
class Heard:
    """Everything written since a screen was last told: the kinds of change appended to the
    log, and the local tables touched (settings, print jobs, ``REBUILT``)."""

    kinds: frozenset[str]
    local: frozenset[str]

    @property
    def changes(self) -> bool:
        return bool(self.kinds)

    @property
    def rebuilt(self) -> bool:
        """The file changed under the screen in ways its news does not tell: wiped,
        anonymised or put back from a backup, or written by another program (`kiosk import`
        beside the console). Whatever the screen shows must be read again whole."""
        return REBUILT in self.local or ELSEWHERE in self.local


class EventListener(QObject):
    """Listens to the event file's writes for as long as it lives (``stop`` ends it) and
    emits ``heard`` on the UI thread, gathering the writes of ``gather_ms`` into one."""

    heard = Signal(object)  # Heard
    _written = Signal(object)  # Written, emitted on the writing thread

    def __init__(self, event: EventFile, parent: QObject | None = None,
                 gather_ms: int = GATHER_MS) -> None:
        super().__init__(parent)
        self._kinds: set[str] = set()
        self._local: set[str] = set()
        self._gather = QTimer(self)
        self._gather.setSingleShot(True)
        self._gather.setInterval(gather_ms)
        self._gather.timeout.connect(self._tell)
        # Queued: the listener runs on the door's writer thread, and may do nothing there
        # but hand the news over.
        self._written.connect(self._collect, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = event.subscribe(self._on_written)

    def _on_written(self, written: Written) -> None:
        with contextlib.suppress(RuntimeError):  # the screen went away meanwhile
            self._written.emit(written)

    def _collect(self, written: Written) -> None:
        self._kinds.update(change.kind.value for change in written.changes)
        self._local.update(written.local)
        # Not restarted by later writes: a steady stream of scans must not keep the screen
        # from ever being told.
        if not self._gather.isActive():
            self._gather.start()

    def _tell(self) -> None:
        heard = Heard(frozenset(self._kinds), frozenset(self._local))
        self._kinds.clear()
        self._local.clear()
        self.heard.emit(heard)

    def stop(self) -> None:
        self._unsubscribe()
        self._gather.stop()
