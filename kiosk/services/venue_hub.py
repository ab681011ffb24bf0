"""The console's hub on this computer, desk copies and USB-stick bundles (no Qt here)."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.core.changes import Change
from kiosk.core.refusal import Refusal
from kiosk.store import queries, sync_state
from kiosk.store.database import DatabaseFault
from kiosk.store.event_file import EventFile, Priority
from kiosk.store.event_store import EventReader, EventStore
from kiosk.store.hub_records import HUB_ID, DeviceRole, EnrolGrant, HubDevice, WipeNotAllowed
from kiosk.store.outputs import write_private
from kiosk.store.sync_attention import AttentionItem, needs_attention
from kiosk.sync.hub_intake import OtherEvent, check_event
from kiosk.sync.hub_storage import HubLog, is_postgres, open_hub_log
from kiosk.sync.registry import hub_registry

if TYPE_CHECKING:  # imported when the hub starts: uvicorn and FastAPI are slow to load
    from kiosk.sync.hub_server import HubThread

log = logging.getLogger("kiosk.venue_hub")

DEFAULT_PORT = 8765
EVERYWHERE = "0.0.0.0"  # listen on the venue network, as `kiosk hub --host 0.0.0.0`
EXCHANGE_S = 1.0  # how often the running hub and this event file are brought in step
PAGE = 2_000
OUT_OF_STEP = ("This event file cannot take in the desks' changes just now (another program "
               "is busy with it, or the disk is full); trying again every second. Nothing is "
               "lost: the hub keeps them.")
# The hub this event file has been loaded into (a local setting, never synced): the file's
# hub numbers and cursor are that hub's, so another hub would miss changes.
KEPT_WITH = "console_hub_id"


class HubConsoleError(Refusal):
    """Something the organiser can put right; the message says what, in plain words."""


class NewDeskBundle(HubConsoleError):
    """The bundle is intact and for this event, but from a desk this file has not met."""

    def __init__(self, device_id: str) -> None:
        super().__init__(
            f"This bundle comes from a desk this event file has not met (device {device_id}), "
            "such as a desk copy made here. Import it only if you know where the USB stick "
            "came from.")
        self.device_id = device_id


# -- the hub on this computer ---------------------------------------------------------------


def lan_address() -> str:
    """This computer's address on the local network (the one desks can reach).

    The same probe as `kiosk hub` uses: no packet is sent, the system only picks a route.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def port_problem(host: str, port: int) -> str | None:
    """Why the hub cannot listen on ``port`` here, in plain words; None when it can."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if os.name != "nt":  # as uvicorn binds; on Windows this flag would steal the port
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except PermissionError:
            return (f"This computer does not let the app use port {port}. Choose a port "
                    "above 1024 (8765 is usual).")
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (f"Port {port} is already in use on this computer: another hub, or "
                        "another program, is listening there. Stop it, or choose another "
                        "port (desks then need new tokens).")
            return f"The hub cannot listen on port {port} here ({exc.strerror or exc})."
    return None


@dataclass(frozen=True)
class HubStarted:
    """What the organiser needs to tell desks: the address and the certificate to expect."""

    url: str
    fingerprint: str  # the start of the certificate's fingerprint, as `kiosk hub` prints it
    loaded: int  # changes of this event file the hub took in as it started


def _event_identity(updates: list[Change]) -> tuple[str, str] | None:
    """(event tag, id of the change that created the event), or None with no event."""
    from kiosk.sync.bundles import BundleRefused, event_key

    try:
        key = event_key(updates)
    except BundleRefused:
        return None
    return key.event_tag, key.creation_id


def _event_name(updates: list[Change]) -> str:
    names = [str(c.payload.get("fields", {}).get("name", "")) for c in updates]
    return next((name for name in reversed(names) if name), "no name")


def check_hub_holds_this_event(hub: HubLog, store: EventReader) -> None:
    """Refuse, in plain words, a hub that could not serve this event file's desks."""
    mine = _event_identity(sync_state.event_updates(store))
    if mine is None:
        raise HubConsoleError("This event file has no event in it yet, so there is nothing "
                              "for desks to sync. Set up the event first.")
    theirs_updates = hub.event_updates()
    try:
        check_event(hub, f"{mine[0]} {mine[1]}", _event_name(theirs_updates))
    except OtherEvent as exc:
        raise HubConsoleError(str(exc)) from exc
    hub_id = hub.setting(HUB_ID)
    link = sync_state.hub_link(store)
    if link is not None and link.hub_id != hub_id:
        raise HubConsoleError(
            f"This event file already syncs with the hub at {link.url}. Its desks use that "
            "hub; run a hub here only for an event file that has no hub yet.")
    kept = store.setting(KEPT_WITH)
    loaded_before = sync_state.pending_count(store) < store.change_count()
    if (kept and kept != hub_id) or (not kept and not theirs_updates and loaded_before):
        raise HubConsoleError(
            "This event file was loaded into another hub database before. Choose that hub "
            "database above: a second hub for the same file would miss changes.")


class VenueHub:
    """The hub running in this app: desks sync with it over HTTPS, and every second it and
    the organisers' event file are brought in step (the file's new changes go to the hub,
    the desks' changes come into the file), as `kiosk hub-import` and a sync would."""

    def __init__(self, event_path: str, on_exchange: Callable[[int], None] | None = None
                 ) -> None:
        self.event_path = event_path
        self.on_exchange = on_exchange  # called (on the exchange thread) when desks' news came
        # Called (on the exchange thread) with OUT_OF_STEP when a round fails, "" once one
        # works again.
        self.on_trouble: Callable[[str], None] | None = None
        self.hub: HubLog | None = None
        self.started: HubStarted | None = None
        self.stopped = threading.Event()
        self.stopped.set()
        self._server: HubThread | None = None
        self._exchanger: threading.Thread | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()  # one exchange at a time
        self._life = threading.Lock()  # one start or stop at a time, each start to finish
        self._devices: Any = None  # the hub's registry as this file last took it
        self.registration_link: Any = None  # pulls and pushes while the hub runs

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self, event: EventFile | EventStore, hub_location: str,
              port: int = DEFAULT_PORT, host: str = EVERYWHERE) -> HubStarted:
        """Open the hub's database, load this event into it, listen; raises HubConsoleError.

        ``event`` is the event file's door (its reads and short writes let the desk scan on
        meanwhile), or a store for inline use. Blocks for a moment (the server starting):
        call it off the UI thread.
        """
        from kiosk.sync.hub_import import load_event_file_into_hub, load_event_into_hub
        from kiosk.sync.hub_server import HubThread, ensure_identity
        from kiosk.sync.tls import short_fingerprint

        with self._life:
            if self.running:
                raise HubConsoleError("The hub is already running here.")
            problem = port_problem(host, port)
            if problem:
                raise HubConsoleError(problem)
            hub = _open_hub(hub_location, self.event_path)
            try:
                ensure_identity(hub)
                kept_with = hub.setting(HUB_ID) or ""
                if isinstance(event, EventFile):
                    event.read(lambda reader: check_hub_holds_this_event(hub, reader))
                    loaded = load_event_file_into_hub(hub, event)
                    event.write(lambda store: store.set_setting(KEPT_WITH, kept_with))
                else:
                    check_hub_holds_this_event(hub, event)
                    loaded = load_event_into_hub(hub, event)
                    event.set_setting(KEPT_WITH, kept_with)
                public = lan_address() if host in (EVERYWHERE, "::") else host
                server = HubThread(hub, port, tls=True, host=host, public_host=public)
                try:
                    server.__enter__()
                except RuntimeError as exc:
                    server.__exit__(None, None, None)
                    raise HubConsoleError(port_problem(host, port) or
                                          "The hub did not start. Try another port, or "
                                          "restart the computer.") from exc
            except BaseException:
                hub.close()
                raise
            self.hub, self._server = hub, server
            self.started = HubStarted(server.address.url,
                                      short_fingerprint(server.address.fingerprint) + "…",
                                      loaded.new)
            self._stop.clear()
            self.stopped.clear()
            self._exchanger = threading.Thread(target=self._exchange_until_stopped,
                                               name="kiosk-hub-exchange", daemon=True)
            self._exchanger.start()
            # The registration system's link runs beside the hub on the organisers' laptop:
            # late registrations out to the desks, their check-ins back.
            from kiosk.services.registration_system import start_link_if_connected

            self.registration_link = start_link_if_connected(self.event_path)
            log.info("hub started here on port %d", port)
            return self.started

    def stop(self) -> None:
        """Stop serving desks, take in their last changes, close the hub's database.

        Safe to call twice, or when the hub never started. Blocks for a moment.
        """
        with self._life:
            server, exchanger, hub = self._server, self._exchanger, self.hub
            if self.registration_link is not None:
                self.registration_link.stop()
                self.registration_link = None
            if server is not None:
                server.__exit__(None, None, None)
            self._stop.set()
            self._wake.set()
            if exchanger is not None:
                exchanger.join(30)  # its last exchange runs after the server stopped
            with self._lock:
                if hub is not None:
                    hub.close()
                self.hub = None
            self._server = self._exchanger = None
            self.started = None
            self.stopped.set()
            if server is not None:
                log.info("hub stopped")

    def exchange_soon(self) -> None:
        """Something came into the event file (a bundle): bring the hub in step now."""
        self._wake.set()

    def exchange_through(self, event: EventFile) -> int:
        """One round: this file's new changes to the hub, the hub's new changes into this
        file, the hub's devices (so their bundles are trusted here) — through the event
        file's door: reads on a read connection, each page and its cursor in one short
        write, so a desk in this process scans on between them. Returns the changes that
        were new to this file."""
        from kiosk.sync.hub_import import load_event_file_into_hub

        with self._lock:
            hub = self.hub
            if hub is None:
                return 0
            load_event_file_into_hub(hub, event)
            registry = hub_registry(hub)
            if registry != self._devices:
                event.write(lambda store: sync_state.save_known_devices(
                    store, registry.devices, registry.legacy_until),
                    priority=Priority.NORMAL, atomic=False)
                self._devices = registry
            pulled = 0
            while True:
                after = event.read(sync_state.cursor)
                page = hub.read(after, PAGE)
                if not page:
                    break
                fresh = event.write(
                    partial(sync_state.receive_page, changes=page,
                            next_cursor=page[-1].hub_seq or after),
                    priority=Priority.NORMAL, atomic=False)
                pulled += len(fresh)
            return pulled

    def _exchange_until_stopped(self) -> None:
        event = EventFile.open(self.event_path, threaded=True)
        troubled = False
        try:
            while True:
                last = self._stop.is_set()
                try:
                    pulled = self.exchange_through(event)
                except Exception as exc:  # a busy file, a full disk: the next round retries
                    log.warning("hub and event file not in step this round (%s)",
                                type(exc).__name__)
                    if not troubled:
                        _tell(self.on_trouble, OUT_OF_STEP)
                    troubled = True
                else:
                    if troubled:
                        _tell(self.on_trouble, "")
                    troubled = False
                    if pulled:
                        _tell(self.on_exchange, pulled)
                if last:
                    return
                self._wake.wait(EXCHANGE_S)
                self._wake.clear()
        finally:
            event.close()


def _tell(listener: Callable[[Any], None] | None, news: Any) -> None:
    """Tell the console; a window that has closed meanwhile must not stop the exchange."""
    if listener is not None:
        with contextlib.suppress(RuntimeError):  # its Qt object is gone
            listener(news)


def _open_hub(location: str, event_path: str) -> HubLog:
    location = location.strip()
    if not location:
        raise HubConsoleError("Say where the hub keeps its database (for example hub.db "
                              "beside the event file).")
    if not is_postgres(location):
        path = Path(location).expanduser()
        if not path.resolve().parent.is_dir():
            raise HubConsoleError(f"The folder for {location} does not exist. Choose "
                                  "another place for the hub's database.")
        if path.resolve() == Path(event_path).resolve():
            raise HubConsoleError("That is this event file, not a hub database. Give the hub "
                                  "a file of its own, such as hub.db.")
        if path.is_dir():
            raise HubConsoleError(f"{location} is a folder. Give the hub database's file "
                                  "name, such as hub.db.")
    try:
        return open_hub_log(location)
    except Exception as exc:
        raise HubConsoleError(f"The hub's database {location} cannot be opened "
                              f"({exc}). Choose another file.") from exc


# -- a desk copy and offline bundles --------------------------------------------------------


def _target(out: str, what: str, suffix: str) -> Path:
    """Where to write a new file: checked, in plain words, before anything is written."""
    text = out.strip()
    if not text:
        raise HubConsoleError(f"Say where to save the {what}.")
    target = Path(text).expanduser()
    if not target.suffix:
        target = target.with_suffix(suffix)
    if target.exists():
        raise HubConsoleError(f"{target} already exists. Choose another file name: nothing "
                              "was overwritten.")
    folder = target.resolve().parent
    if not folder.is_dir():
        raise HubConsoleError(f"The folder {folder} does not exist. Choose another place.")
    if not os.access(folder, os.W_OK):
        raise HubConsoleError(f"The folder {folder} cannot be written to (a read-only USB "
                              "stick, or no permission). Choose another place.")
    return target


@dataclass(frozen=True)
class DeskCopy:
    path: Path
    people: int  # active registrations in it


def make_desk_copy(store: EventStore, out: str) -> DeskCopy:
    """A copy for a desk with no network: registrations and public key, no signing key."""
    from kiosk.services.ticket_issuing import make_desk_package

    target = _target(out, "desk copy", ".db")
    try:
        make_desk_package(store, target)
    except (DatabaseFault, OSError) as exc:
        for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
        raise HubConsoleError(f"The desk copy could not be written to {target} ({exc}). "
                              "Check there is space, or choose another place.") from exc
    _, people = queries.attendance_counts(store.conn)
    return DeskCopy(target, people)


@dataclass(frozen=True)
class BundleWritten:
    path: Path
    changes: int


def write_bundle_file(store: EventStore, out: str) -> BundleWritten:
    """This file's own changes, signed and encrypted, in a new file (for a USB stick)."""
    from kiosk.sync.bundles import BundleRefused
    from kiosk.sync.desk_bundles import BUNDLE_SUFFIXES, export_bundle

    target = _target(out, "bundle", ".bundle")
    try:
        data, count = export_bundle(store)
    except BundleRefused as exc:
        raise HubConsoleError(str(exc)) from exc
    if target.exists():  # never over a bundle that may not be imported yet
        raise HubConsoleError(f"{target} already exists. Choose another file name: nothing "
                              "was overwritten.")
    try:
        write_private(target, data, BUNDLE_SUFFIXES, "The bundle")
    except OSError as exc:
        raise HubConsoleError(f"The bundle could not be written to {target} "
                              f"({exc.strerror or exc}). Choose another place.") from exc
    return BundleWritten(target, count)


@dataclass(frozen=True)
class BundleTaken:
    device_id: str
    received: int
    new: int


def take_bundle_file(store: EventStore, source: str, trust_new_desk: bool = False
                     ) -> BundleTaken:
    """Verify a bundle file and take its changes into this event file.

    Raises NewDeskBundle for an intact bundle from a desk this file has not met (ask, then
    call again with ``trust_new_desk``), HubConsoleError for anything else refused.
    """
    from kiosk.sync.bundles import BundleRefused, event_key, read_bundle
    from kiosk.sync.desk_bundles import import_bundle

    path = Path(source.strip()).expanduser()
    if not source.strip() or not path.is_file():
        raise HubConsoleError(f"There is no bundle at {source.strip() or '(no file chosen)'}.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise HubConsoleError(f"{path} cannot be read ({exc.strerror or exc}).") from exc
    signer: dict[str, str] = {}
    try:
        # Checked whole (event, signature, encryption) before anyone is asked to trust it.
        read_bundle(data, event_key(sync_state.event_updates(store)),
                    lambda device_id, key: signer.update(device=device_id, key=key))
        known = sync_state.known_devices(store).get(signer["device"])
        if not trust_new_desk and known is None and signer["device"] != store.device_id:
            raise NewDeskBundle(signer["device"])
        if known is not None and not known.revoked and known.public_key != signer["key"]:
            raise HubConsoleError("This bundle is signed with a key its desk never had: it "
                                  "may be forged. Nothing was imported.")
        result = import_bundle(store, data, trust_new_desk)
    except BundleRefused as exc:
        raise HubConsoleError(f"Not imported: {exc}") from exc
    return BundleTaken(result.device_id, result.received, result.new)


# -- what needs attention after sync --------------------------------------------------------


def attention_needed(store: EventStore) -> list[AttentionItem]:
    """What the Desks tab lists: double check-ins first, then clashing edits, people who may
    be registered twice, and changes from elsewhere that were left out."""
    return needs_attention(store)


# -- the hub's own database, from the console (the hub machine) --------------------------


def issue_desk_token(hub_location: str, desk_name: str) -> str:
    """A single-use enrolment token from the hub's own database (the hub machine)."""
    from kiosk.sync.enrolment import issue_token

    hub = open_hub_log(hub_location)
    try:
        return issue_token(hub, EnrolGrant(desk_name, DeviceRole.DESK)).text()
    finally:
        hub.close()


def hub_devices(hub_location: str) -> list[HubDevice]:
    """The devices enrolled with the hub, from its own database (the hub machine)."""
    hub = open_hub_log(hub_location)
    try:
        return hub.devices()
    finally:
        hub.close()


def order_desk_wipe(hub_location: str, device_id: str) -> list[HubDevice]:
    """Have a lost desk wipe its data the next time it connects; the devices afterwards."""
    import time

    hub = open_hub_log(hub_location)
    try:
        if hub.order_wipe(device_id, time.time_ns() // 1_000_000) is None:
            raise ValueError(f"The hub has no device {device_id}.")
        return hub.devices()
    except WipeNotAllowed as exc:
        raise ValueError("That is a hub, not a desk: it cannot be wiped from here.") from exc
    finally:
        hub.close()
