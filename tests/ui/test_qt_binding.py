"""Guards against Qt binding bugs the desk cannot live with."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    happened = Signal(int, str)
    flagged = Signal(int, bool)


def test_emitting_signals_leaves_true_and_false_alone(qapp) -> None:
    # PySide6 6.12.0 decremented True's reference count on each emit(): after enough
    # check-ins the interpreter aborted. A desk emits signals all day.
    emitter = _Emitter()
    seen: list[object] = []
    emitter.happened.connect(lambda n, s: seen.append(n))
    emitter.flagged.connect(lambda n, b: seen.append(b))
    before = (sys.getrefcount(True), sys.getrefcount(False))
    for n in range(200):
        emitter.happened.emit(n, "x")
        emitter.flagged.emit(n, n % 2 == 0)
    seen.clear()
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
