"""Project-wide checks: the layer contracts hold, the README documents every command."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from kiosk.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def _commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)


def test_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), str(ROOT / "pyproject.toml")],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout
    assert re.search(r"Contracts: \d+ kept, 0 broken", result.stdout)


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in _commands() if f"kiosk {c}" not in readme]
    assert not missing, f"commands not documented in README.md: {missing}"


def test_every_command_has_help_with_an_example() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        text = command.format_help()
        assert "example:" in text and f"kiosk {name}" in text, name


def test_every_module_starts_with_a_docstring() -> None:
    undocumented = []
    for path in (ROOT / "kiosk").rglob("*.py"):
        source = path.read_text(encoding="utf-8").lstrip()
        if not source.startswith('"""'):
            undocumented.append(str(path.relative_to(ROOT)))
    assert not undocumented


def test_mypy_is_clean_on_core_and_services() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
