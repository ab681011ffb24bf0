"""Key presses on a real X server, as a keyboard-wedge scanner makes them.

A scanner is a USB (or Bluetooth) keyboard: it presses keys -- key codes, with Shift --
for the characters of a code as a US keyboard has them, and the X server turns them into
characters with whatever layout this computer uses. ``send`` does exactly that through
XTest (what ``xdotool`` uses), with the pauses between keys a test chooses (a stall, none
at all) kept by the X server itself (XTest's delay), so they come out exact however busy
this machine is; ``send_in_background`` does it from a thread while the Qt event loop runs,
so the desk handles the keys as they come, with the X server's own timestamps.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import subprocess
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from tests import xkb_keymaps
from tests.conftest import need_real_part

RETURN, TAB, CONTROL, SHIFT, KEYPAD_ENTER = 36, 23, 37, xkb_keymaps.SHIFT_KEYCODE, 104
# Where a scanner's suffix sends LF as the keypad's Enter key (HID has no LF key: some
# scanners send Ctrl+J, others an Enter).
LF_AS_ENTER = "\x0b"
# What a scanner's suffix sends: CR is Enter; LF is Ctrl+J, or an Enter of the keypad.
TERMINATORS = {"\r": [(RETURN, ())], "\t": [(TAB, ())], "\n": [(44, (CONTROL,))],
               LF_AS_ENTER: [(KEYPAD_ENTER, ())]}


def x_display() -> str:
    """The X display the tests run on; skips (fails in CI) when there is none."""
    display = os.environ.get("KIOSK_TEST_DISPLAY")
    if not display:
        need_real_part("no X display for real key presses (set KIOSK_TEST_DISPLAY, e.g. an "
                       "Xvfb with openbox on :11)")
    if not xkb_keymaps.available():
        need_real_part("no libxkbcommon or XKB data to know which keys type what")
    return display


@dataclass(frozen=True)
class Press:
    """One key press: its key code, the modifiers held with it, the pause before it."""

    keycode: int
    modifiers: tuple[int, ...]
    gap_ms: float


def scanner_presses(text: str, gap_ms: float | Sequence[float] = 4) -> list[Press]:
    """The key presses a US-configured scanner makes for ``text`` ("\\r", "\\n" and "\\t" as
    its suffix sends them), ``gap_ms`` before each (one figure, or one per character)."""
    us = xkb_keymaps.keymap("us")
    gaps = [gap_ms] * len(text) if isinstance(gap_ms, int | float) else list(gap_ms)
    presses = []
    for character, gap in zip(text, gaps, strict=True):
        if character in TERMINATORS:
            for keycode, modifiers in TERMINATORS[character]:
                presses.append(Press(keycode, modifiers, gap))
            continue
        stroke = us.strokes_for(character)
        presses.append(Press(stroke.keycode, (SHIFT,) if stroke.shift else (), gap))
    return presses


class _X:
    def __init__(self, display: str) -> None:
        self.x11 = ctypes.CDLL("libX11.so.6")
        self.xtst = ctypes.CDLL("libXtst.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self.x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                                ctypes.c_ulong]
        self.connection = self.x11.XOpenDisplay(display.encode())
        if not self.connection:
            need_real_part(f"cannot open the X display {display}")

    def key(self, keycode: int, down: bool, delay_ms: int = 0) -> None:
        self.xtst.XTestFakeKeyEvent(self.connection, keycode, int(down), delay_ms)

    def flush(self) -> None:
        self.x11.XFlush(self.connection)

    def close(self) -> None:
        self.x11.XSync(self.connection, 0)
        self.x11.XCloseDisplay(self.connection)


def send(display: str, presses: Sequence[Press]) -> None:
    """Press (and release) each key in turn, its gap before it: the X server waits out each
    gap before it makes the next press, then stamps it (returns once all are made)."""
    x = _X(display)
    try:
        for press in presses:
            delay = round(press.gap_ms)
            for modifier in press.modifiers:
                x.key(modifier, True, delay)
                delay = 0
            x.key(press.keycode, True, delay)
            x.key(press.keycode, False)
            for modifier in reversed(press.modifiers):
                x.key(modifier, False)
        x.flush()
    finally:
        x.close()


def send_in_background(display: str, presses: Sequence[Press]) -> threading.Thread:
    """``send`` on a thread of its own: the test's event loop handles the keys meanwhile."""
    thread = threading.Thread(target=send, args=(display, list(presses)), daemon=True)
    thread.start()
    return thread


@contextlib.contextmanager
def keyboard_layout(display: str, layout: str) -> Iterator[None]:
    """The X server's keyboard set to ``layout`` ("gb", "de", "fr"), then back to "us"."""
    subprocess.run(["setxkbmap", "-display", display, layout], check=True)
    try:
        yield
    finally:
        subprocess.run(["setxkbmap", "-display", display, "us"], check=True)
