"""Real faults of an event file, each told in one honest message — the same at the desk and
on the command line (with the fault's own exit status) — and never "open another file":
a read-only folder (a read-only bind mount), a file locked by another program, a full disk
(a small tmpfs), a damaged file (pages overwritten, a truncated copy), and files that are
not kiosk event files (changed by nothing, byte for byte)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main as kiosk
from kiosk.core.refusal import Refusal
from kiosk.services.demo import create_demo_event
from kiosk.services.desk_session import DeskSession
from kiosk.store.faults import Fault
from tests.conftest import need_real_part

pytestmark = pytest.mark.slow


def _needs_root() -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        need_real_part("mounting a tmpfs and a read-only bind mount (the tests run as root "
                       "in CI)")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "ev.db"
    store, _ = create_demo_event(path, attendees=40, seed=6)
    store.close()
    return path


def _desk_says(path: Path) -> str:
    """What the desk shows when it opens on ``path`` ("" when it opened)."""
    try:
        session = DeskSession.open(path, threaded=False)
    except Refusal as exc:
        return str(exc)
    session.close(backup=False)
    return ""


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    status = kiosk(list(args))
    return status, capsys.readouterr().err


def _told(fault: Fault, desk: str, status: int, said: str, *words: str) -> None:
    assert status == fault.exit_status, said
    assert said.removeprefix("kiosk: ").strip() == desk.strip(), (said, desk)
    for word in words:
        assert word in desk, desk
    assert "open another file" not in desk.casefold()


@pytest.fixture
def read_only_folder(tmp_path: Path, demo: Path) -> Iterator[Path]:
    _needs_root()
    source = tmp_path / "folder"
    source.mkdir()
    shutil.copy(demo, source / "ev.db")
    mount = tmp_path / "mounted"
    mount.mkdir()
    subprocess.run(["mount", "--bind", str(source), str(mount)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(mount)], check=True)
        yield mount / "ev.db"
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_read_only_folder_is_said_to_be_read_only(read_only_folder: Path, capsys) -> None:
    desk = _desk_says(read_only_folder)
    status, said = _cli(capsys, "checkin", str(read_only_folder), "K1NOTHING")
    _told(Fault.READ_ONLY, desk, status, said, "read-only", "nothing recorded before is lost")


_HOLD_LOCK = textwrap.dedent("""
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    sys.stdin.readline()
""")


def test_a_file_another_program_locks_is_said_to_be_locked_naming_it(
        tmp_path: Path, demo: Path, capsys) -> None:
    path = tmp_path / "ev.db"
    shutil.copy(demo, path)
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        desk = _desk_says(path)
        status, said = _cli(capsys, "checkin", str(path), "K1NOTHING")
    finally:
        holder.communicate("done\n", timeout=30)
    _told(Fault.LOCKED, desk, status, said, "locked by another program", "python")
    assert _desk_says(path) == ""  # let go, the desk opens


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    _needs_root()
    mount = tmp_path / "tiny"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_is_said_to_be_full_and_what_was_recorded_stays(
        small_disk: Path, capsys) -> None:
    path = small_disk / "ev.db"
    store, _ = create_demo_event(path, attendees=30, seed=6)
    store.close()
    before = path.read_bytes()
    source = _many_people(small_disk.parent)
    filler = small_disk / "filler"
    with filler.open("wb", buffering=0) as fill:  # the rest of the disk, to the last block
        for size in (65536, 4096, 512):
            while True:
                try:
                    fill.write(b"\0" * size)
                    fill.flush()
                except OSError:
                    break
    status, said = _cli(capsys, "import", str(path), str(source))
    assert status == Fault.DISK_FULL.exit_status, said
    assert "is full" in said and "nothing recorded before is lost" in said
    assert "open another file" not in said.casefold()
    filler.unlink()
    assert _desk_says(path) == ""  # space again: the file opens, nothing of it lost
    assert len(path.read_bytes()) >= len(before) // 2


def _many_people(folder: Path) -> Path:
    source = folder / "many.csv"
    rows = ["First Name,Last Name,Email"] + [
        f"Person{n},Surname{n} {'x' * 200},p{n}@example.org" for n in range(20_000)]
    source.write_text("\n".join(rows), encoding="utf-8")
    return source


@pytest.mark.parametrize("damage", ["pages", "truncated"])
def test_a_damaged_file_is_said_to_be_damaged_and_restore_works_on_it(
        tmp_path: Path, demo: Path, capsys, damage: str) -> None:
    path = tmp_path / "ev.db"
    shutil.copy(demo, path)
    assert kiosk(["backups", str(path), "--take"]) == 0
    size = path.stat().st_size
    if damage == "pages":
        with path.open("r+b") as file:
            file.seek(4096 * 3)
            file.write(b"\0" * 4096 * 6)
    else:
        with path.open("r+b") as file:
            file.truncate(size // 3)
    damaged_bytes = path.read_bytes()
    desk = _desk_says(path)
    status, said = _cli(capsys, "attendees", str(path))
    _told(Fault.DAMAGED, desk, status, said, "is damaged", "--restore 1")
    status, said = _cli(capsys, "backups", str(path), "--restore", "1")
    assert status == 0, said
    out = capsys.readouterr().out
    aside = next(tmp_path.glob("ev.damaged-*.db"))
    assert aside.read_bytes() == damaged_bytes  # kept whole, for staff
    assert _desk_says(path) == ""
    assert kiosk(["attendees", str(path)]) == 0
    del out


@pytest.mark.parametrize("kind", ["other-database", "empty", "pdf"])
def test_a_file_that_is_no_kiosk_event_is_refused_and_left_byte_for_byte(
        tmp_path: Path, capsys, kind: str) -> None:
    import sqlite3

    path = tmp_path / "other.db"
    if kind == "other-database":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.execute("INSERT INTO contacts VALUES ('Zofia')")
        conn.commit()
        conn.close()
    elif kind == "pdf":
        path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    else:
        path.write_bytes(b"")
    before = path.read_bytes()
    siblings = sorted(p.name for p in tmp_path.iterdir())
    desk = _desk_says(path)
    status, said = _cli(capsys, "attendees", str(path))
    _told(Fault.NOT_KIOSK, desk, status, said, "not a kiosk event file")
    for command in (["sessions", str(path), "--add", "Garden"], ["rebuild", str(path)],
                    ["checkin", str(path), "K1"]):
        assert kiosk(command) == Fault.NOT_KIOSK.exit_status
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings  # no -wal, no -shm


@pytest.fixture
def read_only_file(tmp_path: Path, demo: Path) -> Iterator[Path]:
    """The event file alone mounted read-only (a read-only bind mount), its folder writable."""
    _needs_root()
    path = tmp_path / "ev.db"
    shutil.copy(demo, path)
    subprocess.run(["mount", "--bind", str(path), str(path)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(path)], check=True)
        yield path
    finally:
        let_go = subprocess.run(["umount", str(path)], check=False)
    assert let_go.returncode == 0, "the file was still held open after it was refused"


def test_a_read_only_file_in_a_writable_folder_is_refused_at_open(
        read_only_file: Path, capsys) -> None:
    before = read_only_file.read_bytes()
    desk = _desk_says(read_only_file)
    status, said = _cli(capsys, "checkin", str(read_only_file), "K1NOTHING")
    _told(Fault.READ_ONLY, desk, status, said, "read-only", "nothing recorded before is lost")
    for command in (["sessions", str(read_only_file), "--add", "Garden"],
                    ["walkin", str(read_only_file), "--first", "Ana", "--last", "Lee"]):
        assert kiosk(command) == Fault.READ_ONLY.exit_status, command
    assert read_only_file.read_bytes() == before
    assert not (read_only_file.parent / "ev.db.desk-lock").exists()


_AS_NOBODY = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    from kiosk.cli import main as kiosk
    from kiosk.core.refusal import Refusal
    from kiosk.services.desk_session import DeskSession
    try:
        DeskSession.open(sys.argv[2], threaded=False).close(backup=False)
        print("DESK OPENED")
    except Refusal as exc:
        print(exc)
    print("STATUS", kiosk(["checkin", sys.argv[2], sys.argv[3]]))
""")


def test_a_file_made_read_only_with_chmod_is_refused_and_stays_read_only(
        tmp_path: Path, demo: Path) -> None:
    """``chmod 0444`` stops a person, not root (root may write any file): the desk and the
    command line are run as an ordinary user (nobody), as a volunteer's laptop runs them."""
    _needs_root()
    if shutil.which("setpriv") is None:
        need_real_part("setpriv, to run the desk as an ordinary user")
    folder = tmp_path / "volunteer"
    folder.mkdir()
    path = folder / "ev.db"
    shutil.copy(demo, path)
    os.chmod(path, 0o444)
    shutil.chown(folder, "nobody")
    shutil.chown(path, "nobody")
    for parent in (tmp_path, *tmp_path.parents):
        parent.chmod(parent.stat().st_mode | 0o005)  # nobody may reach the folder
    before = path.read_bytes()
    done = subprocess.run(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable,
         "-c", _AS_NOBODY, str(Path(__file__).parents[2]), str(path), "K1NOTHING"],
        capture_output=True, text=True, timeout=120, cwd=folder)
    lines = done.stdout.splitlines()
    assert lines[-1] == f"STATUS {Fault.READ_ONLY.exit_status}", (done.stdout, done.stderr)
    desk = lines[0]
    assert "read-only" in desk and "nothing recorded before is lost" in desk, desk
    assert done.stderr.removeprefix("kiosk: ").strip() == desk.strip()
    assert path.read_bytes() == before
    assert not path.stat().st_mode & 0o222  # the kiosk did not make it writable


def _damage(path: Path, damage: str) -> None:
    if damage == "pages":
        with path.open("r+b") as file:
            file.seek(4096 * 3)
            file.write(b"\0" * 4096 * 6)
    else:
        with path.open("r+b") as file:
            file.truncate(path.stat().st_size // 3)


@pytest.mark.parametrize("damage", ["pages", "truncated"])
def test_a_backup_of_a_damaged_file_is_refused_as_damaged(
        tmp_path: Path, demo: Path, capsys, damage: str) -> None:
    path = tmp_path / "ev.db"
    shutil.copy(demo, path)
    _damage(path, damage)
    desk = _desk_says(path)
    status, said = _cli(capsys, "backups", str(path), "--take")
    _told(Fault.DAMAGED, desk, status, said, "is damaged")
    assert "space" not in said
    assert not list((tmp_path / "ev-backups").glob("*.db"))


@pytest.mark.parametrize("kind", ["other-database", "empty", "pdf"])
@pytest.mark.parametrize("action", [[], ["--take"], ["--restore", "1"]])
def test_backups_of_a_file_that_is_no_kiosk_event_are_refused_and_nothing_is_made(
        tmp_path: Path, capsys, kind: str, action: list[str]) -> None:
    import sqlite3

    path = tmp_path / "other.db"
    if kind == "other-database":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.commit()
        conn.close()
    elif kind == "pdf":
        path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    else:
        path.write_bytes(b"")
    before = path.read_bytes()
    desk = _desk_says(path)
    status, said = _cli(capsys, "backups", str(path), *action)
    _told(Fault.NOT_KIOSK, desk, status, said, "not a kiosk event file")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_an_event_file_written_over_is_told_to_restore_and_restore_works(
        tmp_path: Path, demo: Path, capsys) -> None:
    path = tmp_path / "ev.db"
    shutil.copy(demo, path)
    assert kiosk(["backups", str(path), "--take"]) == 0
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 8
    path.write_bytes(pdf)  # e.g. `--out ev.db` by another program
    desk = _desk_says(path)
    status, said = _cli(capsys, "attendees", str(path))
    _told(Fault.NOT_KIOSK, desk, status, said, "written over",
          f"kiosk backups {path.name} --restore 1")
    assert "Choose the event file the organisers gave you" not in desk
    status, said = _cli(capsys, "backups", str(path))
    assert status == 0, said
    status, said = _cli(capsys, "backups", str(path), "--restore", "1")
    assert status == 0, said
    assert next(tmp_path.glob("ev.damaged-*.db")).read_bytes() == pdf  # kept, whole
    assert _desk_says(path) == ""


def test_setting_aside_twice_in_one_second_keeps_both_damaged_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime

    from kiosk.store import backups

    class _OneSecond(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def,override]
            return cls(2025, 3, 1, 9, 30, 5)

    monkeypatch.setattr(backups, "datetime", _OneSecond)
    path = tmp_path / "ev.db"
    asides = []
    for content in (b"first damaged file", b"second damaged file"):
        path.write_bytes(content)
        Path(f"{path}-wal").write_bytes(content + b" log")
        asides.append(backups.set_aside(path))
    assert asides[0] != asides[1]
    assert [a.read_bytes() for a in asides] == [b"first damaged file", b"second damaged file"]
    assert [Path(f"{a}-wal").read_bytes() for a in asides] == [
        b"first damaged file log", b"second damaged file log"]
    assert not path.exists()
