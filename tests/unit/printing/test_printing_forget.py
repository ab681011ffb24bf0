"""What a wipe makes the print systems forget, and what it says it could not reach."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kiosk.printing import CupsBackend, PdfFolderBackend, SpoolCopy
from kiosk.printing.cups import Ran

COPIES = [SpoolCopy("Front-12", "kiosk-badge-1-aa"), SpoolCopy("Front-13", "kiosk-badge-2-bb")]


class ScriptedCups:
    """CUPS's tools as a real network printer's queue answers them (no cupsd needed)."""

    def __init__(self, device: str, still_listed: str = "") -> None:
        self.device = device
        self.still_listed = still_listed
        self.commands: list[list[str]] = []

    def __call__(self, command: Sequence[str], stdin: bytes | None) -> Ran:
        self.commands.append(list(command))
        if command[:2] == ["lpstat", "-v"]:
            return Ran(0, f"device for Front: {self.device}\n", "")
        if command[:3] == ["lpstat", "-W", "all"]:
            return Ran(0, self.still_listed, "")
        return Ran(0, "", "")


def test_a_real_printers_own_memory_is_named_as_not_reached() -> None:
    cups = ScriptedCups("ipp://front-desk.local/ipp/print")
    forgotten = CupsBackend(cups).forget("Front", COPIES)
    assert forgotten.removed == 2
    assert len(forgotten.left) == 1 and "“Front” may keep copies of 2 badge(s) in its own " \
        "memory" in forgotten.left[0]
    assert ["cancel", "-x", "Front-12"] in cups.commands


def test_jobs_the_spool_still_keeps_are_said_with_what_an_administrator_can_do() -> None:
    cups = ScriptedCups("cups-pdf:/", still_listed=(
        "Front-13                root             31744   Mon Dec  7 17:31:57 2026\n"))
    forgotten = CupsBackend(cups).forget("Front", COPIES)
    assert forgotten.removed == 1
    assert any("still keeps 1 printed badge(s)" in line and "cancel -a -x Front" in line
               for line in forgotten.left)


def test_the_pdf_folder_forgets_its_badge_files(tmp_path: Path) -> None:
    (tmp_path / "kiosk-badge-1-aa.pdf").write_bytes(b"%PDF Zofia")
    (tmp_path / "someone-elses.pdf").write_bytes(b"%PDF")
    forgotten = PdfFolderBackend(tmp_path).forget("pdf-folder", COPIES)
    assert forgotten.removed == 1 and forgotten.left == ()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["someone-elses.pdf"]
