"""Signing and verifying tickets: how many a second, with the event's Ed25519 keys."""

from __future__ import annotations

import time
from pathlib import Path

from kiosk.bench.figures import Figure
from kiosk.core import tickets

TICKETS = 2_000


def bench_tickets(workdir: Path, attendees: int) -> list[Figure]:
    key = tickets.new_signing_key()
    public = tickets.public_key_of(key)
    ids = [tickets.new_attendee_id() for _ in range(TICKETS)]
    started = time.perf_counter()
    codes = [tickets.sign_ticket(key, i, 0) for i in ids]
    signing = len(ids) / (time.perf_counter() - started)
    started = time.perf_counter()
    for code in codes:
        tickets.read_ticket(code, public)
    verifying = len(ids) / (time.perf_counter() - started)
    return [Figure("ticket signing", signing, "/s"), Figure("ticket verification", verifying, "/s")]
