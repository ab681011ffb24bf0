"""Real keyboard layouts, compiled by libxkbcommon from the XKB files X11 and Wayland use.

What a scanner configured for a US keyboard types on a computer set to another layout: it
presses the keys a US keyboard has each character on, and the computer's layout says what
those keys type. Tests use this to check the scanner tables in ``kiosk.core.scanner_input``
and to send real key codes to a real X server (``tests.ui.x_keys``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

XKB_DATA = Path("/usr/share/X11/xkb")
PRINTABLE_ASCII = "".join(chr(code) for code in range(0x20, 0x7F))
# X key codes of the keys a scanner presses besides characters (evdev rules).
SHIFT_KEYCODE = 50

_DEAD_KEYSYMS = range(0xFE50, 0xFE94)


class _RuleNames(ctypes.Structure):
    _fields_ = [(name, ctypes.c_char_p) for name in
                ("rules", "model", "layout", "variant", "options")]


@cache
def _library() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("xkbcommon") or "libxkbcommon.so.0"
    try:
        library = ctypes.CDLL(name)
    except OSError:
        return None
    library.xkb_context_new.restype = ctypes.c_void_p
    library.xkb_context_new.argtypes = [ctypes.c_int]
    library.xkb_keymap_new_from_names.restype = ctypes.c_void_p
    library.xkb_keymap_new_from_names.argtypes = [ctypes.c_void_p,
                                                  ctypes.POINTER(_RuleNames), ctypes.c_int]
    library.xkb_state_new.restype = ctypes.c_void_p
    library.xkb_state_new.argtypes = [ctypes.c_void_p]
    library.xkb_state_update_mask.argtypes = [ctypes.c_void_p] + [ctypes.c_uint32] * 6
    library.xkb_state_key_get_one_sym.restype = ctypes.c_uint32
    library.xkb_state_key_get_one_sym.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    library.xkb_keysym_to_utf32.restype = ctypes.c_uint32
    library.xkb_keysym_to_utf32.argtypes = [ctypes.c_uint32]
    library.xkb_keysym_get_name.restype = ctypes.c_int
    library.xkb_keysym_get_name.argtypes = [ctypes.c_uint32, ctypes.c_char_p, ctypes.c_size_t]
    library.xkb_keymap_mod_get_index.restype = ctypes.c_uint32
    library.xkb_keymap_mod_get_index.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    return library


def available() -> bool:
    """libxkbcommon and the XKB data are installed here."""
    return _library() is not None and (XKB_DATA / "symbols" / "fr").exists()


@dataclass(frozen=True)
class Stroke:
    """One key press as a keyboard sends it: the X key code, with or without Shift."""

    keycode: int
    shift: bool


@dataclass(frozen=True)
class Keymap:
    """One layout: what each key, plain and with Shift, types (a character, or a dead key
    by its keysym name)."""

    layout: str
    typed: dict[Stroke, str]  # stroke -> a character, or "dead_circumflex" etc.

    def strokes_for(self, character: str) -> Stroke:
        """The key (and Shift) that types ``character`` on this layout; the plain key first."""
        found = [stroke for stroke, typed in self.typed.items() if typed == character]
        if not found:
            raise KeyError(f"{character!r} is not on the {self.layout} layout without AltGr")
        return min(found, key=lambda stroke: (stroke.shift, stroke.keycode))


@cache
def keymap(layout: str) -> Keymap:
    library = _library()
    assert library is not None, "libxkbcommon is not installed"
    context = library.xkb_context_new(0)
    names = _RuleNames(b"evdev", b"pc105", layout.encode(), b"", b"")
    compiled = library.xkb_keymap_new_from_names(context, ctypes.byref(names), 0)
    assert compiled, f"no XKB layout {layout!r}"
    shift_mask = 1 << library.xkb_keymap_mod_get_index(compiled, b"Shift")
    typed: dict[Stroke, str] = {}
    for shift in (False, True):
        state = library.xkb_state_new(compiled)
        library.xkb_state_update_mask(state, shift_mask if shift else 0, 0, 0, 0, 0, 0)
        # The main block of a pc105 keyboard, number row to Space (a scanner never presses
        # the keypad's keys, such as its "*" on key code 63).
        for keycode in (code for code in range(10, 66) if code != 63):
            keysym = library.xkb_state_key_get_one_sym(state, keycode)
            if keysym in _DEAD_KEYSYMS:
                buffer = ctypes.create_string_buffer(64)
                library.xkb_keysym_get_name(keysym, buffer, 64)
                typed[Stroke(keycode, shift)] = buffer.value.decode()
                continue
            code_point = library.xkb_keysym_to_utf32(keysym)
            if code_point and unicodedata.category(chr(code_point))[0] != "C":
                typed[Stroke(keycode, shift)] = chr(code_point)
    return Keymap(layout, typed)


def typed_by_us_scanner(layout: str) -> dict[str, str]:
    """Each printable ASCII character a US-configured scanner sends -> what ``layout``
    types for the same key press (a character, or a dead key's keysym name)."""
    us, other = keymap("us"), keymap(layout)
    return {character: other.typed[us.strokes_for(character)]
            for character in PRINTABLE_ASCII}
