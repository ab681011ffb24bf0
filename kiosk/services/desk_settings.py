"""This desk's settings, each declared once with its default and a title a person reads."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from kiosk.store.event_store import EventReader, EventStore


@dataclass(frozen=True)
class Option:
    key: str
    default: Any
    title: str

    def parse(self, text: str | None) -> Any:
        if text is None:
            return self.default
        if isinstance(self.default, bool):
            return text == "1"
        if isinstance(self.default, int):
            try:
                return int(text)
            except ValueError:
                return self.default
        return text

    def render(self, value: Any) -> str:
        if isinstance(self.default, bool):
            return "1" if value else "0"
        return str(value)


OPTIONS: dict[str, Option] = {o.key: o for o in (
    Option("desk_name", "Desk 1", "This desk's name, shown to other desks"),
    Option("operator", "", "Who is at the desk"),
    Option("checkpoint", "main", "Checkpoint: the main desk or a workshop door"),
    Option("mode", "desk", "Mode: staffed desk, self check-in or workshop door"),
    Option("result_seconds", 6, "Seconds a result stays on screen"),
    Option("sounds", True, "Play a sound for each result"),
    Option("theme", "default", "Colours: default or high contrast"),
    Option("language", "en", "Language of the self check-in screens"),
    Option("print.auto", True, "Print a badge on each first check-in"),
    # At a workshop door people already wear their badge from the main desk.
    Option("print.auto_door", False, "Print a badge on each first check-in at this door"),
    Option("print.preview", False, "Preview each badge before printing"),
    Option("print.printer", "", "Printer"),
    Option("print.layout", "insert-4x3in", "Badge layout"),
)}


class DeskSettings:
    """Read and write the options above in the event file's local settings (never synced)."""

    def __init__(self, store: EventStore | EventReader) -> None:
        self._store: Any = store  # reading needs only a reader; saving, the write store

    def __getitem__(self, key: str) -> Any:
        option = OPTIONS[key]
        return option.parse(self._store.setting(f"desk.{key}"))

    def __setitem__(self, key: str, value: Any) -> None:
        option = OPTIONS[key]
        self._store.set_setting(f"desk.{key}", option.render(value))

    def update(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            self[key] = value

    def snapshot(self) -> dict[str, Any]:
        return {key: self[key] for key in OPTIONS}

    # -- the supervisor PIN ----------------------------------------------------------------

    def has_pin(self) -> bool:
        return self._store.setting("desk.pin_hash") is not None

    def set_pin(self, pin: str) -> None:
        if not (pin.isdigit() and 4 <= len(pin) <= 12):
            raise ValueError("A supervisor PIN is 4 to 12 digits.")
        salt = secrets.token_bytes(16)
        self._store.set_setting("desk.pin_hash", f"{salt.hex()}:{_slow_hash(pin, salt).hex()}")

    def check_pin(self, pin: str) -> bool:
        """Whether ``pin`` is the supervisor PIN. With none set, no PIN is right: a desk
        that lets people through while it has no PIN asks ``has_pin()`` first, so an
        attendee at a self check-in kiosk can never close it with any number at all."""
        stored = self._store.setting("desk.pin_hash")
        if stored is None:
            return False
        salt_hex, _, digest_hex = stored.partition(":")
        return hmac.compare_digest(_slow_hash(pin, bytes.fromhex(salt_hex)).hex(), digest_hex)


def _slow_hash(pin: str, salt: bytes) -> bytes:
    # scrypt makes each guess cost memory and time: a stolen event file does not give
    # the PIN away to a quick search of all 4- to 12-digit numbers.
    return hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
