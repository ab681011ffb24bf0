"""Keeping a desk in step with its hub: push, long-poll pull, backoff, status for the header.

No Qt here. The app runs :meth:`Syncer.run` on a background thread and hands every
database step to its single writer thread through ``writer``; the network waits happen on
the syncer's own threads, so nothing at the desk ever waits for the hub.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial
from typing import Any, TypeVar

from kiosk.core.changes import Change
from kiosk.core.hlc import SKEW_WARNING_MS, Stamp
from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.store.sync_attention import AttentionItem, AttentionKind, needs_attention
from kiosk.sync.client import HubClient, HubRefused, HubUnreachable

T = TypeVar("T")
Writer = Callable[[Callable[[], Any]], Any]

PUSH_BATCH = 2_000
PULL_PAGE = 2_000
LONG_POLL_S = 20.0
MAX_BACKOFF_S = 60.0


class SyncState(StrEnum):
    NOT_CONNECTED = "not connected"
    ONLINE = "online"
    OFFLINE = "offline"
    REFUSED = "refused"  # the hub said no (removed desk, bad key): retrying will not help


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


@dataclass(frozen=True)
class SyncReport:
    """One round: changes sent, changes taken in, still to send, conflicts to look at."""

    pushed: int
    pulled: int
    pending: int
    conflicts: int


def _hours(ms: int) -> str:
    hours = abs(ms) / 3_600_000
    return f"{hours:.0f} hours" if hours >= 2 else f"{abs(ms) // 60_000} minutes"


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
        self._status_lock = threading.Lock()
        link = self._db(lambda: sync_state.hub_link(store))
        self._status = SyncStatus(SyncState.NOT_CONNECTED if link is None and client is None
                                  else SyncState.OFFLINE, pending=self._pending())

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
            self._status = replace(self._status, **changes)

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
        """Send every change the hub has not acknowledged, oldest first; returns how many."""
        client, pushed = self.client(), 0
        while True:
            batch: list[Change] = self._db(
                lambda: sync_state.unacknowledged(self._store, PUSH_BATCH))
            if not batch:
                return pushed
            sent_at = self._wall()
            result = client.push(batch, sent_at)
            self._db(partial(sync_state.acknowledge, self._store, result.acks))
            pushed += len(batch)
            self._check_our_clock(sent_at - result.hub_time_ms)

    def pull(self, wait: float = 0) -> int:
        """Take in everything after the cursor (waiting up to ``wait`` s for the first change)."""
        client, pulled = self.client(), 0
        if self._db(lambda: sync_state.cursor(self._store)) == 0:
            pulled += self._pull_snapshot(client)
        while True:
            after = self._db(lambda: sync_state.cursor(self._store))
            page = client.pull(after, PULL_PAGE, wait)
            wait = 0
            if not page.changes:
                return pulled
            fresh = self._db(partial(sync_state.receive_page, self._store, page.changes,
                                     page.next))
            pulled += len(fresh)
            self._check_their_clocks(fresh)
            if page.next >= page.high_water:
                return pulled

    def _pull_snapshot(self, client: HubClient) -> int:
        """A new desk takes the whole event in one stream instead of page by page."""
        pulled = 0
        _, pages = client.snapshot()
        for changes in pages:
            last = changes[-1].hub_seq or 0
            fresh = self._db(partial(sync_state.receive_page, self._store, changes, last))
            pulled += len(fresh)
        return pulled

    def refresh_devices(self) -> None:
        """Learn the hub's devices, so bundles from them can be checked here offline."""
        devices = self.client().devices()
        self._db(lambda: sync_state.save_known_devices(self._store, [
            sync_state.KnownDevice(d.device_id, d.name, d.public_key, d.revoked)
            for d in devices]))

    def sync_once(self, wait: float = 0) -> SyncReport:
        """Push, then pull. Raises HubUnreachable / HubRefused / NotConnected."""
        try:
            pushed = self.push()
            # The hub answered: say so now, not after a long poll that may wait a while.
            self._set_status(state=SyncState.ONLINE, error="")
            pulled = self.pull(wait)
            self.refresh_devices()
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
        while not stop.is_set():
            try:
                # The first round catches up at once; later ones wait for news (long poll).
                report = self.sync_once(wait=0 if first else long_poll_s)
                first = False
                failures = 0
                if on_round is not None:
                    on_round(report)
            except (HubUnreachable, HubRefused, NotConnected):
                failures += 1
                stop.wait(self.backoff(failures))
        self._wake.set()
        pusher.join(5)

    def _push_loop(self, stop: threading.Event) -> None:
        failures = 0
        while not stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if stop.is_set():
                return
            try:
                self.push()
                failures = 0
                self._set_status(pending=self._pending())
            except (HubUnreachable, HubRefused, NotConnected):
                failures += 1
                stop.wait(self.backoff(failures))
                self._wake.set()

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

    def _check_our_clock(self, ahead_ms: int) -> None:
        if abs(ahead_ms) > SKEW_WARNING_MS:
            way = "ahead of" if ahead_ms > 0 else "behind"
            self._set_status(clock_warning=(
                f"This computer's clock is {_hours(ahead_ms)} {way} the hub's. Set the right "
                "date and time; check-ins are still kept and synced."))
        else:
            self._set_status(clock_warning="")

    def _check_their_clocks(self, fresh: list[Change]) -> None:
        now = self._wall()
        ahead = [c for c in fresh if Stamp.parse(c.hlc).wall_ms - now > SKEW_WARNING_MS]
        if ahead:
            worst = max(ahead, key=lambda c: c.hlc)
            self._set_status(clock_warning=(
                f"Device {worst.device_id}'s clock is "
                f"{_hours(Stamp.parse(worst.hlc).wall_ms - now)} ahead of this one. "
                "Ask that desk to set the right date and time."))


def sync_errors() -> tuple[type[Exception], ...]:
    """Everything syncing can run into that a person can act on (each says what to do)."""
    from kiosk.sync.bundles import BundleRefused
    from kiosk.sync.credentials import BadToken
    from kiosk.sync.enrolment import EnrolmentRefused

    return (NotConnected, BundleRefused, HubRefused, HubUnreachable, BadToken,
            EnrolmentRefused)
