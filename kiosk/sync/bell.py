"""Wakes long-polling pulls when a push commits (from any thread, into the server's loop)."""

from __future__ import annotations

import asyncio
import contextlib
import threading


class ChangeBell:
    """Listen first, then look for changes, then wait: a push in between is never missed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = set()

    def listen(self) -> asyncio.Future[None]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            self._waiters.add((loop, future))
        return future

    async def wait(self, future: asyncio.Future[None], timeout: float) -> None:
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(future), timeout)
        finally:
            self.forget(future)

    def forget(self, future: asyncio.Future[None]) -> None:
        with self._lock:
            self._waiters = {w for w in self._waiters if w[1] is not future}

    def ring(self) -> None:
        with self._lock:
            waiters, self._waiters = self._waiters, set()
        for loop, future in waiters:
            with contextlib.suppress(RuntimeError):  # that loop has closed
                loop.call_soon_threadsafe(_settle, future)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
