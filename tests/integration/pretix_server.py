"""A real pretix on loopback for the connector tests and the bench: SQLite, no Redis.

pretix lives in its own virtualenv (``.pretix/venv`` beside the project's ``.venv``, made by
``.ci/run``; or ``KIOSK_PRETIX_PYTHON``). Its migrations take over a minute, so the migrated
database is kept in ``.pretix/`` (one per pretix version) and each server starts from a copy,
seeded through pretix's own ORM (``pretix_seed.py``) and served by ``runserver --noreload``.
Without Redis, pretix runs its background tasks inline.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PRETIX_HOME = ROOT / ".pretix"
PRETIX_VERSION = "2026.8.0"  # pinned in .ci/run too
START_TIMEOUT_S = 90.0


class PretixMissing(Exception):
    """pretix cannot run here; the message says why."""


def pretix_python() -> Path:
    named = os.environ.get("KIOSK_PRETIX_PYTHON")
    python = Path(named) if named else PRETIX_HOME / "venv" / "bin" / "python"
    if not python.exists():
        raise PretixMissing(f"no pretix virtualenv at {python.parent.parent} (.ci/run makes it)")
    return python


def _environment(config: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTHON", "VIRTUAL_ENV", "DJANGO"))}
    env.update(PRETIX_CONFIG_FILE=str(config), DJANGO_SETTINGS_MODULE="pretix_settings",
               PYTHONPATH=str(HERE), PYTHONDONTWRITEBYTECODE="1")
    return env


def _config(folder: Path, database: Path, port: int) -> Path:
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    config = folder / "pretix.cfg"
    config.write_text(
        "[pretix]\ninstance_name=kiosk test pretix\n"
        f"url=http://127.0.0.1:{port}\ndatadir={data}\n"
        f"[database]\nbackend=sqlite3\nname={database}\n"
        "[locale]\ntimezone=Europe/London\n[mail]\nfrom=pretix@localhost\n",
        encoding="utf-8")
    return config


def migrated_database() -> Path:
    """pretix's database with every migration applied, made once per pretix version."""
    kept = PRETIX_HOME / f"migrated-{PRETIX_VERSION}.sqlite3"
    if kept.exists():
        return kept
    python = pretix_python()
    work = PRETIX_HOME / "migrating"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    database = work / "db.sqlite3"
    done = subprocess.run([str(python), "-m", "pretix", "migrate", "--noinput"],
                          env=_environment(_config(work, database, 8000)),
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise PretixMissing(f"pretix's migrations failed: {done.stderr[-2000:]}")
    database.replace(kept)  # only a whole migrated file is ever kept
    shutil.rmtree(work, ignore_errors=True)
    return kept


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PretixServer:
    """A running pretix and what its seed made."""

    url: str
    organizer: str
    tokens: dict[str, str]
    events: dict[str, dict[str, Any]]
    teams: dict[str, int]
    process: subprocess.Popen[bytes]
    folder: Path
    _given: set[str] = field(default_factory=set)

    def api(self, token: str = "admin") -> httpx.Client:
        """An HTTP client on pretix's API, with one of the seeded tokens (by name)."""
        return httpx.Client(base_url=f"{self.url}/api/v1/organizers/{self.organizer}/",
                            headers={"Authorization": f"Token {self.tokens[token]}"},
                            timeout=60)

    def take_event(self) -> str:
        """A seeded conference no other test has used (the server is shared)."""
        for slug in sorted(self.events):
            if slug.startswith("conference-") and slug not in self._given:
                self._given.add(slug)
                return slug
        raise RuntimeError("every seeded conference is in use: seed more (events=)")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)


@contextmanager
def running_pretix(folder: Path, *, events: int = 6, bench_orders: int = 0
                   ) -> Iterator[PretixServer]:
    """A seeded pretix on loopback, stopped afterwards. Raises PretixMissing."""
    python = pretix_python()
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "db.sqlite3"
    shutil.copy(migrated_database(), database)
    port = free_port()
    env = _environment(_config(folder, database, port))
    seeded = subprocess.run(
        [str(python), str(HERE / "pretix_seed.py"), "--events", str(events),
         "--bench", str(bench_orders)],
        env=env, capture_output=True, text=True, timeout=900)
    if seeded.returncode != 0:
        raise PretixMissing(f"seeding pretix failed: {seeded.stderr[-2000:]}")
    made = json.loads(seeded.stdout.strip().splitlines()[-1])
    log = (folder / "runserver.log").open("wb")
    process = subprocess.Popen(
        [str(python), "-m", "pretix", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    server = PretixServer(f"http://127.0.0.1:{port}", made["organizer"], made["tokens"],
                          made["events"], made["teams"], process, folder)
    try:
        _wait_until_serving(server)
        yield server
    finally:
        server.stop()
        log.close()


def _wait_until_serving(server: PretixServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise PretixMissing("pretix's server stopped as it started: "
                                + (server.folder / "runserver.log").read_text()[-2000:])
        try:
            answer = httpx.get(f"{server.url}/api/v1/version", timeout=5,
                               headers={"Authorization": f"Token {server.tokens['admin']}"})
            if answer.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise PretixMissing(f"pretix did not answer on {server.url} within {START_TIMEOUT_S:.0f} s")
