"""Keeping a desk in step with its hub: push, long-poll pull, backoff, status for the header.

No Qt here. The app runs :meth:`Syncer.run` on a background thread and hands every
database step to its single writer thread through ``writer``; the network waits happen on
the syncer's own threads, so nothing at the desk ever waits for the hub.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial
from typing import Any, TypeVar

from kiosk.core.changes import Change
from kiosk.store import sync_state
from kiosk.store.database import EventFileError
from kiosk.store.event_file import EventFile, Priority
from kiosk.store.event_store import EventStore
from kiosk.store.hub_records import CLOCK_WARNING_MS, clock_words
from kiosk.store.sync_attention import AttentionItem, AttentionKind, needs_attention
from kiosk.sync.client import HubClient, HubRefused, HubUnreachable, WipeOrdered
from kiosk.sync.hub_intake import event_identity
from kiosk.sync.protocol import PROTOCOL
from kiosk.sync.registry import RegistryRefused, verify_registry
from kiosk.sync.wipe_orders import ForgedWipeOrder, HubKeys, verify

log = logging.getLogger("kiosk.sync")
T = TypeVar("T")
Writer = Callable[[Callable[[], Any]], Any]

PUSH_BATCH = 2_000
PULL_PAGE = 2_000
# A clock off the hub's by more than this: the desk stamps its changes with the hub's time.
CLOCK_CORRECTION_MS = 2_000
LONG_POLL_S = 20.0
MAX_BACKOFF_S = 60.0
# A wipe must also empty the write-ahead log; another connection of this desk (the app's
# writer, its checkpointer) may be reading it for a moment: try again this often.
WIPE_TRIES = 6

WIPED_MESSAGE = "This desk's data was wiped by the organisers"


class SyncState(StrEnum):
    NOT_CONNECTED = "not connected"
    ONLINE = "online"
    OFFLINE = "offline"
    REFUSED = "refused"  # the hub said no (removed desk, bad key): retrying will not help
    WIPED = "wiped"  # the organisers had this desk's data wiped: it no longer syncs


class RegistryUnchecked(HubRefused):
    """The hub's list of devices is not signed by this desk's hub: nothing taken from it."""


class NotConnected(Exception):
    """This event file is not enrolled with a hub."""


@dataclass(frozen=True)
class SyncStatus:
    """What the desk's header shows."""

    state: SyncState
    pending: int = 0
    last_sync_ms: int | None = None
    error: str = ""
    clock_warning: str = ""

    @property
    def online(self) -> bool:
        return self.state is SyncState.ONLINE


class WipeUnfinished(Exception):
    """The hub's wipe order was verified but the wipe could not finish yet; it is retried
    (without the hub) until it does, and the desk does not sync meanwhile."""


@dataclass(frozen=True)
class WipeReport:
    """What a wipe ordered by the hub did here."""

    sent_first: int  # changes sent to the hub just before wiping
    unsent: int  # changes that could not be sent first: lost with the wipe
    people: int  # people whose data was removed from this desk (0 when done before)
    confirmed: bool  # the hub has the wipe on record (and this desk's key is void)


class DeskWiped(Exception):
    """This desk's data was wiped on the hub's order; it no longer syncs."""

    def __init__(self, report: WipeReport) -> None:
        super().__init__(f"{WIPED_MESSAGE}. It no longer syncs; ask them before using it "
                         "again (it needs a new token).")
        self.report = report


@dataclass(frozen=True)
class SyncReport:
    """One round: changes sent, changes taken in, still to send, conflicts to look at."""

    pushed: int
    pulled: int
    pending: int
    conflicts: int


class Syncer:
    """Sync one desk's event file with its hub."""

    def __init__(self, store: EventStore, writer: Writer | None = None,
                 client: HubClient | None = None,
                 wall: Callable[[], int] | None = None) -> None:
        self._store = store
        self._lock = threading.RLock()
        self._db: Writer = writer or self._inline
        self._client = client
        self._wall = wall or store.wall  # the store's clock: the one its stamps come from
        self._wake = threading.Event()
        self._protocol_checked = False
        self._answered = False  # the hub took a push in this round
        self._status_lock = threading.Lock()
        # Told of each change of status, on sync's threads (the desk hands it to its window).
        self.on_status: Callable[[SyncStatus], None] | None = None
        link = self._db(lambda: sync_state.hub_link(store))
        wipe = self._db(lambda: sync_state.wipe_record(store))
        self._halt = threading.Event()  # set once wiped: the background loops end
        if wipe is not None and wipe.wiped_at is not None:
            self._status = SyncStatus(SyncState.WIPED, error=WIPED_MESSAGE)
            return
        self._status = SyncStatus(SyncState.NOT_CONNECTED if link is None and client is None
                                  else SyncState.OFFLINE, pending=self._pending())

    @classmethod
    def on(cls, event: EventFile, client: HubClient | None = None) -> Syncer:
        """A syncer for an event file opened through its door: every database step is a
        write on the door's writer (between scans), every network wait on sync's threads."""
        store = event.write(lambda s: s, priority=Priority.NORMAL)

        def writer(work: Callable[[], T]) -> T:
            return event.write(lambda _store: work(), priority=Priority.NORMAL, atomic=False)
        return cls(store, writer, client)

    def _inline(self, work: Callable[[], T]) -> T:
        with self._lock:
            return work()

    def _pending(self) -> int:
        return int(self._db(lambda: sync_state.pending_count(self._store)))

    @property
    def status(self) -> SyncStatus:
        with self._status_lock:
            return self._status

    def _set_status(self, **changes: Any) -> None:
        with self._status_lock:
            before = self._status
            self._status = replace(self._status, **changes)
            status = self._status
        if status != before and self.on_status is not None:
            self.on_status(status)

    def client(self) -> HubClient:
        if self._client is None:
            link = self._db(lambda: sync_state.hub_link(self._store))
            if link is None:
                raise NotConnected("This event file is not connected to a hub. Connect it with "
                                   "`kiosk connect EVENT.db TOKEN` or “Connect to hub”.")
            key = self._db(lambda: self._store.secret(sync_state.DEVICE_KEY))
            self._client = HubClient(link.url, key.decode(), link.certificate or None)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    # -- one round ------------------------------------------------------------------------

    def push(self) -> int:
        """Send every change the hub has not acknowledged, oldest first; returns how many
        the hub took. A change it refuses (with its reason) is kept here and listed under
        "needs attention", and is not sent again until the hub's list of devices changes.

        Raises WipeOrdered once everything is sent, if the hub's replies carried an order."""
        client, pushed, order = self.client(), 0, None
        self._check_protocol(client)
        size = PUSH_BATCH
        while True:
            batch: list[Change] = self._db(
                partial(sync_state.unacknowledged, self._store, size))
            if not batch:
                break
            authors, event = self._db(partial(self._introductions, batch))
            try:
                result = client.push(batch, self._wall(), authors, event)
            except HubRefused as exc:
                if exc.status == 413 and len(batch) > 1:
                    size = max(1, len(batch) // 2)  # too big for one push: halve it
                    continue
                raise
            self._answered = True
            self._db(partial(sync_state.acknowledge, self._store, result.acks))
            if result.refused:
                log.warning("the hub refused %d of this desk's changes", len(result.refused))
                self._db(partial(sync_state.record_refused, self._store, result.refused))
            pushed += len(result.acks)
            self._take_clock(result.clock_offset_ms)
            order = result.wipe if result.wipe is not None else order
        if order is not None:
            raise WipeOrdered(WIPED_MESSAGE, order)
        return pushed

    def _introductions(self, batch: list[Change]) -> tuple[list[dict[str, str]], str | None]:
        """The device ids of a batch with their keys (this file's own incarnations, and the
        devices it knows), and the event this file holds."""
        store = self._store
        own_key = store.signer().public_key
        mine = set(sync_state.own_incarnations(store))
        known = sync_state.known_devices(store)
        name = store.setting("desk_name") or ""
        authors = []
        for device_id in sorted({c.device_id for c in batch}):
            if device_id in mine:
                authors.append({"author_id": device_id, "public_key": own_key, "name": name})
            elif device_id in known:
                device = known[device_id]
                authors.append({"author_id": device_id, "public_key": device.public_key,
                                "name": device.name})
        return authors, event_identity(sync_state.event_updates(store))

    def _check_protocol(self, client: HubClient) -> None:
        if self._protocol_checked:
            return
        try:
            health = client.health()
        except WipeOrdered:
            # Only a hub of this protocol orders wipes; the desk then sends what it holds
            # before wiping, so the next push must not stop at this check again.
            self._protocol_checked = True
            raise
        if health.get("status") != "ok" or not isinstance(health.get("protocol", 1), int):
            raise HubUnreachable("The hub's answer could not be read (is something else "
                                 "answering at the hub's address?). The desk keeps working "
                                 "and will try again; nothing is lost.")
        if health.get("protocol", 1) < PROTOCOL:
            raise HubRefused(426, "The hub runs an older version of kiosk than this desk. "
                                  "Update the hub, then sync again; nothing is lost meanwhile.")
        self._protocol_checked = True

    def pull(self, wait: float = 0) -> int:
        """Take in everything after the cursor (waiting up to ``wait`` s for the first change)."""
        client, pulled = self.client(), 0
        try:
            self.refresh_devices()  # first: changes from devices new to this desk check out
        except RegistryUnchecked:
            # Nothing is taken from a list that does not check out; changes from devices
            # this desk does not know are held meanwhile, never applied unchecked.
            log.warning("the hub's list of devices could not be checked")
        if self._db(lambda: sync_state.cursor(self._store)) == 0:
            pulled += self._pull_snapshot(client)
        while True:
            after = self._db(lambda: sync_state.cursor(self._store))
            page = client.pull(after, PULL_PAGE, wait, clock_ms=self._wall())
            wait = 0
            self._take_clock(page.clock_offset_ms)
            if not page.changes and not page.left_out:
                return pulled
            fresh = self._db(partial(sync_state.receive_page, self._store, page.changes,
                                     page.next, page.left_out))
            pulled += len(fresh)
            if page.next >= page.high_water:
                return pulled

    def _pull_snapshot(self, client: HubClient) -> int:
        """A new desk takes the whole event in one stream instead of page by page."""
        pulled = 0
        _, batches = client.snapshot()
        for batch in batches:
            fresh = self._db(partial(sync_state.receive_page, self._store, batch.changes,
                                     batch.last, batch.left_out))
            pulled += len(fresh)
        return pulled

    def refresh_devices(self) -> None:
        """Take the hub's signed registry of device keys: whose changes this desk takes in
        (also what bundles from them are checked against, offline)."""
        link = self._db(lambda: sync_state.hub_link(self._store))
        raw = self.client().registry()
        try:
            registry = verify_registry(
                raw, link.hub_id if link else "", link.hub_key if link else "",
                bool(link and link.certificate), self._offered_hub_key(raw))
        except RegistryRefused as exc:
            raise RegistryUnchecked(0, str(exc)) from exc
        mine = self._db(lambda: event_identity(sync_state.event_updates(self._store)))
        if registry.event and mine and registry.event != mine:
            raise HubRefused(409, "This hub serves another event than this desk's file. "
                                  "Nothing was taken from it. Connect the desk to its own "
                                  "event's hub.")
        for device_id in registry.misbound:
            log.warning("The hub lists device %s with a key its id was not made from; this "
                        "desk keeps the key it knew (if any) and takes nothing signed with "
                        "the other.", device_id)
        self._db(lambda: sync_state.save_known_devices(self._store, registry.devices,
                                                       registry.legacy_until))

    def _offered_hub_key(self, raw: Any) -> str:
        """A desk enrolled before hubs had keys learns the key from the hub's health, over
        the pinned channel."""
        link = self._db(lambda: sync_state.hub_link(self._store))
        if link is None or link.hub_key or not link.certificate:
            return ""
        key = self.client().health().get("hub_key", "")
        return key if isinstance(key, str) else ""

    def sync_once(self, wait: float = 0) -> SyncReport:
        """Push, then pull. Raises HubUnreachable / HubRefused / NotConnected; DeskWiped when
        the hub ordered a wipe (carried out first), ForgedWipeOrder for an order that is not
        this desk's hub's (nothing done)."""
        record = self._db(lambda: sync_state.wipe_record(self._store))
        if record is not None:
            self._finish_wipe(record, 0)
        pending_before = self._pending()
        try:
            self._answered = False
            pushed = self.push()
            if self._answered:
                # The hub took a push: say so now, not after a long poll that may wait a
                # while. With nothing to send it was not asked anything, so a desk it
                # refused stays refused until the pull says otherwise (no flapping).
                self._set_status(state=SyncState.ONLINE, error="")
            pulled = self.pull(wait)
        except WipeOrdered as exc:
            self._carry_out(exc.order, pending_before)
        except HubUnreachable as exc:
            self._set_status(state=SyncState.OFFLINE, error=str(exc), pending=self._pending())
            raise
        except HubRefused as exc:
            self._set_status(state=SyncState.REFUSED, error=str(exc), pending=self._pending())
            raise
        pending = self._pending()
        self._set_status(state=SyncState.ONLINE, error="", pending=pending,
                         last_sync_ms=self._wall())
        return SyncReport(pushed, pulled, pending, self.conflict_count())

    # -- a wipe ordered by the hub ---------------------------------------------------------

    def _carry_out(self, raw: object, pending_before: int) -> None:
        """Check the order, send what is left, wipe as `kiosk wipe --yes` does, tell the hub."""
        link = self._db(lambda: sync_state.hub_link(self._store))
        key = self._db(lambda: self._store.secret(sync_state.DEVICE_KEY))
        try:
            if link is None or key is None:
                raise ForgedWipeOrder("This desk is not connected to a hub, so it takes no "
                                      "orders; nothing was wiped.")
            order = verify(raw, HubKeys(link.hub_id, link.hub_key, bool(link.certificate),
                                        link.device_id or self._store.device_id,
                                        key.decode()))
        except ForgedWipeOrder as exc:
            log.warning("a wipe order that could not be verified was ignored")
            self._set_status(state=SyncState.OFFLINE, error=str(exc), pending=self._pending())
            raise
        log.warning("the hub ordered this desk's data wiped: sending what is left, then wiping")
        try:
            self.push()
        except WipeOrdered:
            pass  # everything was sent (or, from a removed desk, refused): wipe now
        except (HubUnreachable, HubRefused):
            pass  # the order stands: this desk's data is at risk, so it goes regardless
        unsent = self._pending()
        self._db(partial(sync_state.record_wipe_order, self._store, order.ordered_ms, unsent))
        record = self._db(lambda: sync_state.wipe_record(self._store))
        assert record is not None
        self._finish_wipe(record, max(pending_before - unsent, 0))

    def _finish_wipe(self, record: sync_state.WipeRecord, sent_first: int) -> None:
        """Wipe (if not done yet), confirm to the hub (if not done yet); raises DeskWiped."""
        people = 0
        if record.wiped_at is None:
            people = self._wipe_here()
            self._db(partial(sync_state.record_wiped, self._store))
        confirmed = record.confirmed_at is not None or self._confirm(record)
        self._halt.set()
        self._set_status(state=SyncState.WIPED, error=WIPED_MESSAGE, pending=0,
                         clock_warning="")
        raise DeskWiped(WipeReport(sent_first, record.unsent, people, confirmed))

    def _wipe_here(self) -> int:
        from kiosk.services.retention import WipeRefused, wipe_event

        for attempt in range(WIPE_TRIES):
            try:
                counts = self._db(lambda: wipe_event(self._store))
                return int(counts.attendees)
            except WipeRefused:
                # Done but for emptying the write-ahead log: another connection is reading.
                time.sleep(0.25 * (attempt + 1))
        self._set_status(state=SyncState.OFFLINE, error=(
            "The organisers ordered this desk's data wiped, but the event file is busy. "
            "Close other programs using it (or restart the desk) and it will finish."))
        raise WipeUnfinished(self.status.error)

    def _confirm(self, record: sync_state.WipeRecord) -> bool:
        """Tell the hub the wipe is done; True when it has it on record."""
        try:
            self.client().confirm_wiped(record.ordered_ms, record.unsent)
        except (HubUnreachable, NotConnected, ValueError):
            return False  # told at the next chance (the desk keeps its key until then)
        except HubRefused:
            # The hub no longer takes this key (confirmed before, or removed): stop asking.
            self._db(partial(sync_state.forget_device_key, self._store))
            return False
        self._db(partial(sync_state.record_wipe_confirmed, self._store))
        return True

    # -- running in the background --------------------------------------------------------

    def nudge(self) -> None:
        """Something was recorded here: push it now rather than at the next round."""
        self._wake.set()

    def run(self, stop: threading.Event, long_poll_s: float = LONG_POLL_S,
            on_round: Callable[[SyncReport], None] | None = None) -> None:
        """Sync until ``stop`` is set: pushes as soon as nudged, pulls by long-poll."""
        pusher = threading.Thread(target=self._push_loop, args=(stop,), daemon=True,
                                  name="kiosk-sync-push")
        pusher.start()
        failures = 0
        first = True
        while not stop.is_set() and not self._halt.is_set():
            try:
                # The first round catches up at once; later ones wait for news (long poll).
                report = self.sync_once(wait=0 if first else long_poll_s)
                first = False
                failures = 0
                if on_round is not None:
                    on_round(report)
            except DeskWiped:
                break  # nothing more to sync, ever
            except (HubUnreachable, HubRefused, NotConnected, ForgedWipeOrder,
                    WipeUnfinished) as exc:
                failures += 1
                stop.wait(max(self.backoff(failures), getattr(exc, "retry_after_s", 0)))
        self._halt.set()
        self._wake.set()
        pusher.join(5)

    def _push_loop(self, stop: threading.Event) -> None:
        failures = 0
        while not stop.is_set() and not self._halt.is_set():
            self._wake.wait()
            self._wake.clear()
            if stop.is_set() or self._halt.is_set():
                return
            try:
                self.push()
                failures = 0
                self._set_status(pending=self._pending())
            except WipeOrdered:
                return  # the main loop carries it out (its next call hears it too)
            except (HubUnreachable, HubRefused, NotConnected):
                failures += 1
                stop.wait(self.backoff(failures))
                self._wake.set()
            except EventFileError:
                if stop.is_set():
                    return  # the desk closed the file while a push was out
                raise

    @staticmethod
    def backoff(failures: int) -> float:
        """Seconds to wait after ``failures`` failed tries in a row: 1, 2, 4… up to a minute."""
        return min(MAX_BACKOFF_S, 2.0 ** min(failures - 1, 10)) * random.uniform(0.8, 1.2)

    # -- what staff see -------------------------------------------------------------------

    def needs_attention(self) -> list[AttentionItem]:
        return list(self._db(lambda: needs_attention(self._store)))

    def conflict_count(self) -> int:
        return sum(item.kind is not AttentionKind.POSSIBLE_DUPLICATE
                   for item in self.needs_attention())

    def _take_clock(self, ahead_ms: int | None) -> None:
        """What the hub measured of this computer's clock (its time minus the hub's): stamp
        changes with the hub's time when it is off, and tell the desk when it is far off."""
        if ahead_ms is None:
            return
        correction = -ahead_ms if abs(ahead_ms) > CLOCK_CORRECTION_MS else 0
        if correction != self._store.clock_correction_ms:
            self._db(lambda: self._store.set_clock_correction(correction))
        if abs(ahead_ms) > CLOCK_WARNING_MS:
            way = "ahead of" if ahead_ms > 0 else "behind"
            self._set_status(clock_warning=(
                f"This computer's clock is {clock_words(ahead_ms)} {way} the hub's. Set the "
                "right date and time; meanwhile this desk stamps its check-ins with the hub's "
                "time, and they are kept and synced."))
        else:
            self._set_status(clock_warning="")


def sync_errors() -> tuple[type[Exception], ...]:
    """Everything syncing can run into that a person can act on (each says what to do)."""
    from kiosk.sync.bundles import BundleRefused
    from kiosk.sync.credentials import BadToken
    from kiosk.sync.enrolment import EnrolmentRefused

    return (NotConnected, BundleRefused, HubRefused, HubUnreachable, BadToken,
            EnrolmentRefused, ForgedWipeOrder, WipeUnfinished, DeskWiped)
