"""The application-wide listener that takes keyboard-wedge scans out of the key stream.

Installed on the QApplication, ``ScannerFilter`` sees every key press before the focused
widget does and asks ``kiosk.scanning.wedge.WedgeDecoder`` what it is. Keys that may be
part of a scan are held back; a completed burst is emitted as ``scanned`` and none of its
keys (nor its Enter or Tab) ever reach the focused widget, so a scan never lands in the
search box; keys that turn out to be a person typing are replayed, in order, to the widget
they were addressed to. A timer ends a burst whose scanner sends no terminator.

Terminators are Enter, Tab and the control characters a scanner's suffix may type: CR
(Ctrl+M), LF (Ctrl+J) and Tab (Ctrl+I); one that comes just after a scan (the LF of
CR+LF) is swallowed too (``trailing_swallowed``), so it cannot act on the focused widget.

Keys the window system marks as repeated (a key held down) end a run -- except a repeat
of the key just held, while a run is held: X11 marks the second of two identical keys a
scanner sends with no pause between them ("00" in a code) as a repeat.

Dead keys. On a layout where a key the scanner presses is a dead key (French "[", German
"="), the system's input method takes that key press, and the next one, and hands the
widget an accented letter (an ``InputMethod`` event) or nothing at all. The listener
counts key presses and releases: a release whose press it never saw was taken by the
input method, and it stands in the run for that key -- a dead key as its mark
(``kiosk.core.scanner_input.DEAD_KEY_MARKS``), another key as its character -- so a
scan keeps one character per key press, for the layout tables to undo. Input method
text that comes while a run is held is held with it, and given back if the run is
typing.

Times: key events from the window system carry a timestamp; the gaps between keys are
taken from those, so keys that queued up while the UI thread was busy keep their real
spacing, and a person's keys are not taken for a burst because they were handled in one
go. Synthetic events (timestamp 0) are timed by the injected ``clock``, which tests
replace with a fake one; the clock also tells when a burst's time is up.
"""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.core.scanner_input import DEAD_KEY_MARKS
from kiosk.scanning.wedge import BurstThresholds, ScanTiming, Verdict, WedgeDecoder

Clock = Callable[[], float]

_TERMINATORS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab})
# What a terminator is called on the Test your scanner page, by the text its key types.
_TERMINATOR_TEXTS = {"\r": "CR", "\n": "LF", "\t": "Tab"}
# Qt's dead keys, by the XKB keysym name the scanner tables use.
_DEAD_KEYS: dict[int, str] = {
    Qt.Key.Key_Dead_Grave.value: "dead_grave",
    Qt.Key.Key_Dead_Acute.value: "dead_acute",
    Qt.Key.Key_Dead_Circumflex.value: "dead_circumflex",
    Qt.Key.Key_Dead_Tilde.value: "dead_tilde",
    Qt.Key.Key_Dead_Diaeresis.value: "dead_diaeresis",
}
_MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
    }
)
_CHORD_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
# A timer that fires this much after its time means the UI thread was busy, and key
# presses may be waiting in the queue: look again a moment later, after they are handled.
_LATE_TIMER_MS = 20.0
_SECOND_LOOK_MS = 5


def monotonic_ms() -> float:
    """The default clock: monotonic milliseconds."""
    return time.monotonic() * 1000.0


@dataclass
class _HeldKey:
    """A key press kept back, with what is needed to replay it to its widget: the key
    itself (None for a press the input method took, which is not replayed) and input
    method text that came while it was held."""

    receiver: QWidget
    key: int | None
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    native_scan_code: int = 0
    native_virtual_key: int = 0
    native_modifiers: int = 0
    text: str = ""
    input_method_text: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, receiver: QWidget, event: QKeyEvent) -> _HeldKey:
        return cls(
            receiver,
            event.key(),
            event.modifiers(),
            event.nativeScanCode(),
            event.nativeVirtualKey(),
            event.nativeModifiers(),
            event.text(),
        )

    def event(self, kind: QEvent.Type) -> QKeyEvent:
        assert self.key is not None
        return QKeyEvent(
            kind,
            self.key,
            self.modifiers,
            self.native_scan_code,
            self.native_virtual_key,
            self.native_modifiers,
            self.text,
        )


class _KeyTimes:
    """Key times on the window system's clock, and an estimate of "now" on that clock.

    A key event's timestamp is when the key was pressed, however late it is handled, so
    the gaps between keys come from timestamps. "Now" is the injected clock moved onto
    the window system's clock as if the latest stamped key had been handled at once; if
    it was handled late, "now" comes out early, so a burst's deadline is never reached
    too soon. Keys without a timestamp (synthetic ones) are timed by the clock.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._offset = 0.0  # the clock minus the timestamp, at the latest stamped key

    def time_of(self, event: QKeyEvent) -> float:
        now = self._clock()
        stamp = event.timestamp()
        if not stamp:
            return now - self._offset
        self._offset = now - stamp
        return float(stamp)

    def now(self) -> float:
        return self._clock() - self._offset


class ScannerFilter(QObject):
    """Routes keyboard-wedge scans to ``scanned``; everything else reaches its widget.

    Install it with ``QApplication.instance().installEventFilter(scanner_filter)``. While
    it is disabled (``set_enabled(False)``, e.g. for a dialog that needs raw typing) every
    key passes untouched.
    """

    scanned = Signal(str)
    # The same scan, with its keys' pauses and its terminator (for the Test your scanner page).
    scan_timed = Signal(str, object)  # code, ScanTiming
    # A terminator that came just after a scan and was swallowed: "Enter", "LF", "Tab"...
    trailing_swallowed = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        thresholds: BurstThresholds | None = None,
        clock: Clock = monotonic_ms,
    ) -> None:
        super().__init__(parent)
        self._decoder = WedgeDecoder(thresholds)
        self._clock = clock
        self._key_times = _KeyTimes(clock)
        self._held: deque[_HeldKey] = deque()
        # Keys whose press was swallowed, and how often: their releases are swallowed too.
        self._swallowed_keys: Counter[int] = Counter()
        # Keys (by native scan code) whose press was seen and whose release has not come.
        self._down: Counter[int] = Counter()
        self._replaying = False
        self._enabled = True
        self._deadline: float | None = None
        self._took_second_look = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer)

    def is_enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        """Switch scan detection on or off; keys held at that moment are given back."""
        if enabled == self._enabled:
            return
        if not enabled:
            self._apply(self._decoder.flush())
            self._swallowed_keys.clear()
        self._enabled = enabled
        self._rearm()

    def poll(self) -> None:
        """Settle a held run whose time is up (the timer calls this; so may tests)."""
        self._apply(self._decoder.poll(self._key_times.now()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.InputMethod):
            return False
        if self._replaying or not self._enabled or not isinstance(watched, QWidget):
            # The window (a QWindow) sees each key before its focus widget; deciding once,
            # at the widget, also covers keys sent straight to a widget.
            return False
        if kind == QEvent.Type.InputMethod:
            assert isinstance(event, QInputMethodEvent)
            return self._on_input_method(event)
        assert isinstance(event, QKeyEvent)
        # A key its widget ignores goes on to the widget's parents, and is seen here again:
        # presses and releases are counted once, where they first arrive.
        counted = bool(event.nativeScanCode()) and watched is (QApplication.focusWidget()
                                                               or watched.window())
        if kind == QEvent.Type.KeyRelease:
            return self._on_key_release(watched, event, counted)
        if counted:
            self._down[event.nativeScanCode()] += 1
        return self._on_key_press(watched, event)

    def _on_key_press(self, receiver: QWidget, event: QKeyEvent) -> bool:
        key = event.key()
        if key in _MODIFIER_KEYS:
            return False
        # A key that its widget ignores is offered to the parents too, and so seen here
        # again. Only keys that were let through go on like that, and the decoder lets
        # such a repeat through as well without changing its mind, so that is harmless.
        text = event.text()
        dead_key = _DEAD_KEYS.get(key)
        if dead_key:
            # A dead key the input method let through (after another dead key it could
            # not combine with): one key press, written as its mark.
            text = DEAD_KEY_MARKS[dead_key][0]
        t = self._key_times.time_of(event)
        newly_held = None
        terminator = _terminator_name(event)
        if terminator:
            verdict = self._decoder.terminator(t, terminator)
        elif not _types_a_character(text) or (event.isAutoRepeat()
                                               and not self._repeats_held_key(text, t)):
            verdict = self._decoder.interrupt(t)
        else:
            verdict = self._decoder.key(text, t)
            if verdict.swallow:
                newly_held = _HeldKey.of(receiver, event)
        if verdict.swallow:
            self._swallowed_keys[key] += 1
        self._apply(verdict, newly_held)
        if verdict.trailing:
            self.trailing_swallowed.emit(terminator)
        return verdict.swallow

    def _repeats_held_key(self, text: str, t: float) -> bool:
        """A key marked as repeated is a scanner's double character when it repeats the key
        held last at a scanner's pace (a held-down key repeats only after a long pause)."""
        last = self._decoder.last_key_ms
        return (bool(self._held) and self._held[-1].text == text and last is not None
                and t - last <= self._decoder.thresholds.typical_gap_ms)

    def _on_key_release(self, receiver: QWidget, event: QKeyEvent, counted: bool) -> bool:
        scan_code = event.nativeScanCode()
        if counted and not self._down[scan_code]:
            self._on_key_taken_by_input_method(receiver, event)
        elif counted:
            self._down[scan_code] -= 1
        if self._swallowed_keys[event.key()]:
            self._swallowed_keys[event.key()] -= 1
            return True
        return False

    def _on_key_taken_by_input_method(self, receiver: QWidget, event: QKeyEvent) -> None:
        """A release whose press never came: the input method took the press (a dead key,
        or the key after one). In a run, it stands for that key press."""
        dead_key = _DEAD_KEYS.get(event.key())
        typed = DEAD_KEY_MARKS[dead_key][0] if dead_key else event.text()
        if not _types_a_character(typed) or event.key() in _MODIFIER_KEYS:
            return
        verdict = self._decoder.key(typed, self._key_times.time_of(event))
        # Held to keep its place in the run, never replayed: the input method has it.
        held = _HeldKey(receiver, None, text=typed) if verdict.swallow else None
        self._apply(verdict, held)

    def _on_input_method(self, event: QInputMethodEvent) -> bool:
        """Text the input method composed while a run is held is held with it."""
        if not self._held or not event.commitString() or event.preeditString():
            return False
        self._held[-1].input_method_text.append(event.commitString())
        return True

    def _apply(self, verdict: Verdict, newly_held: _HeldKey | None = None) -> None:
        """Replay what was released, drop what was scanned, keep the new key, then report."""
        self._replay([self._held.popleft() for _ in verdict.released])
        if verdict.scanned is not None:
            self._held.clear()
        if newly_held is not None:
            self._held.append(newly_held)
        self._rearm()
        if verdict.scanned is not None:
            self.scanned.emit(verdict.scanned)
            self.scan_timed.emit(verdict.scanned, verdict.timing or ScanTiming((), "none"))

    def _replay(self, keys: list[_HeldKey]) -> None:
        if not keys:
            return
        self._replaying = True
        try:
            for held in keys:
                target = held.receiver
                if not shiboken6.isValid(target):
                    target = QApplication.focusWidget()  # its widget is gone: the next best
                if target is None:
                    continue
                if held.key is not None:
                    QApplication.sendEvent(target, held.event(QEvent.Type.KeyPress))
                    if shiboken6.isValid(target):
                        QApplication.sendEvent(target, held.event(QEvent.Type.KeyRelease))
                for text in held.input_method_text:
                    if shiboken6.isValid(target):
                        composed = QInputMethodEvent()
                        composed.setCommitString(text)
                        QApplication.sendEvent(target, composed)
        finally:
            self._replaying = False

    def _rearm(self) -> None:
        self._deadline = self._decoder.deadline() if self._enabled else None
        self._took_second_look = False
        if self._deadline is None:
            self._timer.stop()
            return
        # One millisecond past the deadline: a key at the deadline itself still counts.
        wait = max(0.0, self._deadline - self._key_times.now())
        self._timer.start(math.floor(wait) + 1)

    def _on_timer(self) -> None:
        if self._deadline is None:
            return
        late = self._key_times.now() - self._deadline
        if late > _LATE_TIMER_MS and not self._took_second_look:
            self._took_second_look = True
            self._timer.start(_SECOND_LOOK_MS)
            return
        self.poll()


def _types_a_character(text: str) -> bool:
    return bool(text) and all(character.isprintable() for character in text)


def _terminator_name(event: QKeyEvent) -> str:
    """"Enter", "Tab", "CR", "LF" for a key that ends a scan; "" for any other key."""
    key = event.key()
    if key in _TERMINATORS and not event.modifiers() & _CHORD_MODIFIERS:
        return "Tab" if key == Qt.Key.Key_Tab else "Enter"
    # Ctrl+M, Ctrl+J, Ctrl+I: what a scanner's CR, LF or Tab suffix types on some systems.
    return _TERMINATOR_TEXTS.get(event.text(), "") if event.text() else ""
