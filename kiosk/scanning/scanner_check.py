"""What a scanner sends, in words, and what to change: the Test your scanner page's reading.

A volunteer scans ``TEST_CODE`` (shown on the page as a QR code) or any ticket. From what
arrived, its keys' pauses and its terminator, ``check_scan`` says how the scanner types
(pace, stalls, terminator, an AIM prefix), which keyboard layout the computer turned its
keys into, and what, if anything, to change on the scanner.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.scanner_input import (
    LAYOUTS_TO_US,
    layout_undone,
    swap_case,
    without_aim_identifier,
)
from kiosk.scanning.wedge import BurstThresholds, ScanTiming

# The characters that differ between the layouts the desk knows (and case, for Caps Lock):
# a scan of this says exactly which layout the computer uses.
TEST_CODE = 'KIOSK-TEST:Aa-Yy-Zz-Qq-Ww-Mm-09@#"\\|~[]{}/?=+;:'
# Characters each layout types for a US-configured scanner that no other layout does.
_TELLTALES = {"UK": "£¬", "German": "ßüöäÜÖÄ§°", "French": "éèçàù²µ¨"}


@dataclass(frozen=True)
class ScannerReport:
    """The page's reading of one scan: ``facts`` (what came) and ``advice`` (what to change;
    empty when nothing needs changing), each a list of sentences."""

    layout: str  # "US" (the scanner's and the computer's agree), "UK", "German", … or "?"
    facts: list[str]
    advice: list[str]


def check_scan(received: str, timing: ScanTiming, trailing: tuple[str, ...] = (),
               thresholds: BurstThresholds | None = None) -> ScannerReport:
    """Read one scan: ``received`` as the desk got it, ``timing`` its pauses and terminator,
    ``trailing`` the terminators that came just after it (the LF of CR+LF)."""
    limits = thresholds or BurstThresholds()
    facts: list[str] = []
    advice: list[str] = []
    keys = len(received)
    facts.append(f"{keys} characters in {sum(timing.gaps_ms):.0f} ms: a key every "
                 f"{timing.median_gap_ms:.0f} ms, the longest pause {timing.longest_gap_ms:.0f}"
                 " ms.")
    if timing.longest_gap_ms > limits.max_gap_ms:
        facts.append(f"It paused for {timing.longest_gap_ms:.0f} ms inside the code (a "
                     "wireless scanner waiting for its radio); the desk joins the parts.")
    if timing.longest_gap_ms > 0.8 * limits.max_stall_ms:
        advice.append("Its pauses come close to the 250 ms the desk waits inside a code: "
                      "keep a wireless scanner charged and near this computer, or use its "
                      "cable.")
    ends = " + ".join((timing.terminator, *trailing))
    if timing.terminator == "none":
        facts.append("It sends nothing after a code; the desk waits 0.3 s to know it ended.")
        advice.append("Set the scanner to send Enter (CR) after each code (a setting barcode "
                      "in its manual): scans are then answered at once.")
    else:
        facts.append(f"It ends each code with {ends}"
                     + ("; the desk ignores the second." if trailing else "."))
    bare = without_aim_identifier(received)
    if bare != received:
        facts.append(f"It sends a symbology prefix (“{received[:3]}”); the desk removes it.")
    layout = _layout_of(bare)
    if layout == "US":
        facts.append("This computer and the scanner agree on the keyboard layout: every "
                     "character arrives as printed.")
    elif layout == "US, Caps Lock":
        facts.append("Caps Lock is on: letters arrive in the wrong case. The desk undoes it, "
                     "but codes from other systems may not be read.")
        advice.append("Switch Caps Lock off on this computer.")
    elif layout in LAYOUTS_TO_US:
        facts.append(f"The scanner types for a US keyboard; this computer uses a {layout} "
                     "layout, which changes some characters. The desk undoes it.")
        advice.append(f"To be safe, set the scanner's keyboard country to {layout} (a setting "
                      "barcode in its manual), or this computer's layout to US.")
    elif layout == "?":
        facts.append("The characters do not match the test code on the layouts the desk knows "
                     "(US, UK, German, French).")
        advice.append("Set the scanner's keyboard country to match this computer's keyboard "
                      "layout, then scan the test code again.")
    else:
        facts.append("This was not the test code: scan the test code to check every "
                     "character." + (f" It looks typed on a {layout} layout." if layout
                                     != "unknown" else ""))
    return ScannerReport(layout, facts, advice)


def _layout_of(bare: str) -> str:
    """The layout that turns the test code into ``bare``; for another code, a guess from
    the characters only one layout types ("unknown" when nothing tells)."""
    if bare == TEST_CODE:
        return "US"
    if swap_case(bare) == TEST_CODE:
        return "US, Caps Lock"
    for name in LAYOUTS_TO_US:
        if layout_undone(bare, name) == TEST_CODE:
            return name
    if "KIOSK" in bare.upper() or "QIOSQ" in bare.upper():
        return "?"
    for name, telltales in _TELLTALES.items():
        if any(character in telltales for character in bare):
            return f"{name} (a guess)"
    return "unknown"
