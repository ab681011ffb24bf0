"""Which event file to open: the ones opened before, a new event, a new desk enrolled with a
hub, the demo event — each checked, with a plain answer when it cannot be done."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

from kiosk.services.event_settings import check_date
from kiosk.services.event_setup import EventExists, NewEvent, create_event
from kiosk.store import queries
from kiosk.store.database import EventFileError
from kiosk.store.event_store import EventStore

_RECENT_FILE = "recent-events.json"
_KEEP = 8


@dataclass(frozen=True)
class Opened:
    """An event file ready to open at the desk, or the reason it is not (``problem``)."""

    path: Path | None = None
    problem: str = ""
    done: str = ""


def config_folder() -> Path:
    """Where this computer's choices (not an event's data) are kept; tests point it elsewhere."""
    return Path(os.environ.get("KIOSK_CONFIG_DIR") or user_config_dir("kiosk", appauthor=False))


def demo_event_path() -> Path:
    return Path(user_data_dir("kiosk", appauthor=False)) / "demo-event.db"


# -- event files opened before --------------------------------------------------------------


def recent_events(folder: Path | None = None) -> list[Path]:
    """Event files opened on this computer, the last one first (files since moved are left
    out)."""
    source = (folder or config_folder()) / _RECENT_FILE
    try:
        names = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []  # none yet, or a damaged list: start a fresh one rather than fail
    if not isinstance(names, list):
        return []
    return [Path(name) for name in names if isinstance(name, str) and Path(name).is_file()]


def remember_event(path: Path, folder: Path | None = None) -> None:
    """Put ``path`` first in the list (a failure to write it is not worth an error)."""
    target = (folder or config_folder()) / _RECENT_FILE
    resolved = path.expanduser().resolve()
    names = [str(resolved)] + [str(p) for p in recent_events(folder) if p.resolve() != resolved]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(names[:_KEEP], ensure_ascii=False, indent=1),
                          encoding="utf-8")
    except OSError:
        pass


# -- opening, creating, enrolling ---------------------------------------------------------


def check_event_file(path: Path) -> Opened:
    """Whether ``path`` is an event file this app can open at the desk."""
    if not path.is_file():
        return Opened(problem=f"There is no event file at {path}. It may have been moved or "
                              "renamed; choose it again.")
    try:
        store = EventStore.open(path)
    except EventFileError as exc:
        return Opened(problem=str(exc))
    try:
        event = queries.get_event(store.conn)
        enrolled = store.setting("role") == "desk"
    finally:
        store.close()
    if event is None and not enrolled:
        return Opened(problem=f"{path.name} has no event in it. Choose the event file the "
                              "organisers gave you, or create a new event.")
    return Opened(path, done=f"Opened {event.name if event else path.name}.")


def _event_path(location: str) -> tuple[Path | None, str]:
    text = location.strip()
    if not text:
        return None, "Choose where to save the event file."
    path = Path(text).expanduser()
    if path.suffix.lower() != ".db":
        path = path.with_name(path.name + ".db")
    if not path.parent.is_dir():
        return None, f"The folder {path.parent} does not exist. Choose another place."
    if path.exists() and path.stat().st_size > 0:
        return None, f"{path} already exists. Choose another file name (nothing was changed)."
    return path, ""


def new_event(name: str, when: str, venue: str, location: str) -> Opened:
    """A new organisers' event file (with the signing key that makes tickets)."""
    name = " ".join(name.split())
    if not name:
        return Opened(problem="Give the event a name: it is printed on tickets and badges.")
    when, problem = check_date(when)
    if problem:
        return Opened(problem=problem)
    path, problem = _event_path(location)
    if path is None:
        return Opened(problem=problem)
    try:
        store = create_event(path, NewEvent(name, when, venue.strip()))
    except EventExists as exc:
        return Opened(problem=str(exc))
    except (OSError, EventFileError) as exc:
        return Opened(problem=f"Could not create {path}: {exc}. Choose another place.")
    store.close()
    return Opened(path, done=f"Created “{name}” in {path}.")


def enrol_desk(location: str, token: str) -> Opened:
    """A new desk's event file, enrolled with a hub by its token and filled by a first sync —
    what ``kiosk connect`` does. Nothing is left behind when it fails."""
    from kiosk.services.syncer import Syncer, sync_errors
    from kiosk.sync.enrolment import connect_desk

    token = token.strip()
    if not token.startswith("kiosk:"):
        return Opened(problem="That is not an enrolment token: it starts with “kiosk:”. Ask "
                              "the organisers for one (Desks and hub, in their console).")
    path, problem = _event_path(location)
    if path is None:
        return Opened(problem=problem)
    store = EventStore.open(path, create=True)
    try:
        store.set_setting("role", "desk")
        link = connect_desk(store, token)
        syncer = Syncer(store)
        try:
            report = syncer.sync_once()
        finally:
            syncer.close()
    except sync_errors() as exc:
        store.close()
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        return Opened(problem=str(exc))
    store.close()
    return Opened(path, done=f"Connected to the hub at {link.url} as “{link.desk_name}” and "
                             f"received {report.pulled} changes.")


def open_demo(path: Path | None = None) -> Opened:
    """The demo event (made the first time): somewhere to try the desk safely."""
    from kiosk.services.demo import create_demo_event

    target = path or demo_event_path()
    if not target.exists():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            store, _ = create_demo_event(target)
        except (OSError, EventFileError) as exc:
            return Opened(problem=f"Could not make the demo event in {target}: {exc}.")
        store.close()
    return Opened(target, done="Opened the demo event.")
