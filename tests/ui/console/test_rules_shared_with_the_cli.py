"""The console and the command line share their rules: the same input is refused (or saved)
with the same words in both, because both run the same use case. Each case is tried in the
Event setup screen, as an organiser types it, and with `kiosk` as a separate program."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.ui.console.setup_screen import SetupScreen
from tests.ui.console.screens import screen_opener

# (what is typed: name, room, starts, ends, capacity) — and whether it is saved.
WORKSHOPS = [
    (("Garden", "", "25:99", "10:00", "-5"), False),
    (("Garden", "", "11:00", "10:00", ""), False),
    (("Garden", "", "", "", "-5"), False),
    (("Garden", "", "", "", "forty"), False),
    (("", "", "", "", ""), False),
    (("train the trainer TASTER", "", "", "", ""), False),  # a workshop already there
    (("Garden", "Lawn", "10:00", "11:00", "30"), True),
]
CHECKPOINTS = [("", False), ("Main desk", False), ("Marquee door", True)]


@pytest.fixture
def open_setup(qtbot):
    yield from screen_opener(qtbot, SetupScreen)


def _kiosk(*args: str) -> tuple[int, str]:
    result = subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True,
                            text=True, timeout=120, check=False)
    return result.returncode, (result.stdout + result.stderr).strip()


def _console_says(qtbot, button, message_label) -> str:
    """What the organiser reads under the form after pressing the button."""
    message_label.setText("")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: message_label.text() != "", timeout=10_000)
    return message_label.text().lstrip("⚠✓ ").strip()


def _cli_says(output: str) -> str:
    return output.splitlines()[0].removeprefix("kiosk: ").strip()


@pytest.mark.parametrize(("typed", "saved"), WORKSHOPS)
def test_a_workshop_gets_the_same_answer_in_the_console_and_the_cli(
        qtbot, open_setup, event_file, tmp_path: Path, typed, saved: bool) -> None:
    name, room, starts, ends, capacity = typed
    copy = tmp_path / "cli.db"
    shutil.copy(event_file["path"], copy)  # the CLI's own copy: the screen holds its file
    screen = open_setup(event_file["path"])
    for field, text in zip((screen.workshop_name, screen.workshop_room, screen.workshop_starts,
                            screen.workshop_ends, screen.workshop_capacity), typed, strict=True):
        field.clear()
        qtbot.keyClicks(field, text)
    console = _console_says(qtbot, screen.add_workshop_button, screen.workshops_message)
    status, output = _kiosk("sessions", str(copy), "--add", name, "--room", room, "--starts",
                            starts, "--ends", ends, "--capacity", capacity)
    assert (status == 0) is saved, output
    assert _cli_says(output) == console


@pytest.mark.parametrize(("name", "saved"), CHECKPOINTS)
def test_a_checkpoint_gets_the_same_answer_in_the_console_and_the_cli(
        qtbot, open_setup, event_file, tmp_path: Path, name: str, saved: bool) -> None:
    copy = tmp_path / "cli.db"
    shutil.copy(event_file["path"], copy)
    screen = open_setup(event_file["path"])
    screen.checkpoint_name.clear()
    qtbot.keyClicks(screen.checkpoint_name, name)
    console = _console_says(qtbot, screen.add_checkpoint_button, screen.checkpoints_message)
    status, output = _kiosk("checkpoints", str(copy), "--add", name)
    assert (status == 0) is saved, output
    assert _cli_says(output) == console


def test_adding_a_workshop_by_another_case_never_blanks_the_one_there(
        event_file, tmp_path: Path) -> None:
    """`--add garden` used to replace “Garden”, blanking its room, times and places."""
    copy = tmp_path / "cli.db"
    shutil.copy(event_file["path"], copy)
    assert _kiosk("sessions", str(copy), "--add", "Garden", "--room", "Lawn", "--starts",
                  "10:00", "--ends", "11:00", "--capacity", "30")[0] == 0
    status, output = _kiosk("sessions", str(copy), "--add", "garden")
    assert status == 2 and "There is already a workshop called “Garden”" in output
    status, output = _kiosk("sessions", str(copy), "--edit", "garden", "--capacity", "35")
    assert status == 0, output
    listed = _kiosk("sessions", str(copy))[1]
    assert "Garden  10:00–11:00  Lawn  booked 0/35" in listed
