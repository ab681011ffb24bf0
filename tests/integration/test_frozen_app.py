"""The frozen app built by PyInstaller from build-installer.spec: it runs its self-test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import need_real_part

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_frozen_app_passes_its_self_test_and_opens_a_window(tmp_path: Path) -> None:
    pyinstaller = Path(sys.executable).with_name("pyinstaller")
    if not pyinstaller.exists():
        need_real_part("PyInstaller is not installed (pip install -e '.[dev]')")
    dist, build = tmp_path / "dist", tmp_path / "build"
    subprocess.run([str(pyinstaller), str(ROOT / "build-installer.spec"), "--noconfirm",
                    "--distpath", str(dist), "--workpath", str(build)],
                   cwd=ROOT, check=True, capture_output=True, timeout=900)
    folder = dist / "kiosk"
    suffix = ".exe" if os.name == "nt" else ""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_SILENT": "1"}
    test = subprocess.run([str(folder / f"kiosk-cli{suffix}"), "--self-test"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert test.returncode == 0, test.stdout + test.stderr
    assert "self-test passed: 4 checks" in test.stdout
    assert "Traceback" not in test.stderr
    event = tmp_path / "demo.db"
    subprocess.run([str(folder / f"kiosk-cli{suffix}"), "demo", str(event), "--attendees", "30"],
                   env=env, check=True, capture_output=True, timeout=120)
    shot = tmp_path / "desk.png"
    subprocess.run([str(folder / f"kiosk{suffix}"), str(event), "--screenshot", str(shot),
                    "--state", "ok"], env=env, check=True, capture_output=True, timeout=120)
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    colours = image.resize((100, 60)).getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 20
    shutil.rmtree(build, ignore_errors=True)
