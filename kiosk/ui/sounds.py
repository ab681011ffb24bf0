"""Short distinct sounds for ok, warning and error results (QtMultimedia), mutable."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, QTimer, QUrl

from kiosk.badges.resources import RESOURCES_DIR
from kiosk.core.checkin_rules import Tone

_FILES = {Tone.GREEN: "ok.wav", Tone.AMBER: "warning.wav", Tone.RED: "error.wav"}


class ResultSounds(QObject):
    def __init__(
        self, enabled: bool = True, parent: QObject | None = None, load_later: bool = False
    ) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self._effects: dict[Tone, object] = {}
        if load_later:
            # QtMultimedia loads its codecs slowly: after the window is up, not before.
            QTimer.singleShot(500, self._load)
        else:
            self._load()

    def _load(self) -> None:
        if self._effects or os.environ.get("KIOSK_SILENT"):
            return
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError:  # no QtMultimedia: the desk works silently
            return
        for tone, name in _FILES.items():
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(RESOURCES_DIR / "sounds" / name)))
            effect.setVolume(0.8)
            self._effects[tone] = effect

    def play(self, tone: Tone) -> None:
        effect = self._effects.get(tone)
        if self.enabled and effect is not None:
            effect.play()  # type: ignore[attr-defined]
