"""The pretix connector against a local pretix: a pull of its orders and a push of check-ins,
each beside the bare HTTP requests the same work needs.

Needs the pretix the tests use (its own virtualenv in ``.pretix/``, made by ``.ci/run``), so it
runs from a source checkout; elsewhere it says so and measures nothing.
"""

from __future__ import annotations

import math
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

from kiosk.bench.figures import Figure
from kiosk.services import registration_system as source
from kiosk.services.desk import Desk
from kiosk.services.event_setup import NewEvent, create_event
from kiosk.store import queries
from kiosk.store.event_file import EventFile

ORDERS = 2_000
CHECKINS = 1_000


def bench_connectors(workdir: Path, attendees: int) -> list[Figure]:
    orders = min(ORDERS, attendees)
    checkins = min(CHECKINS, orders // 2)
    names = (f"pretix pull of {orders:,} orders", f"pretix push of {checkins:,} check-ins")
    try:
        from tests.integration.pretix_server import PretixMissing, running_pretix
    except ImportError:
        return _missing(names, "needs a source checkout (tests/integration/pretix_server.py)")
    try:
        with running_pretix(workdir / "pretix", events=0, bench_orders=orders) as pretix:
            return _measure(workdir, pretix, orders, checkins, names)
    except PretixMissing as missing:
        return _missing(names, f"needs a local pretix: {missing}")


def _missing(names: tuple[str, str], why: str) -> list[Figure]:
    return [Figure(name, math.nan, "/s", note=why) for name in names]


def _measure(workdir: Path, pretix: object, orders: int, checkins: int,
             names: tuple[str, str]) -> list[Figure]:
    from tests.integration.pretix_server import PretixServer

    assert isinstance(pretix, PretixServer)
    slug = "bench"
    path = workdir / "connector-bench.db"
    create_event(path, NewEvent("Bench conference", "2026-12-08", "")).close()
    with EventFile.open(path, threaded=True) as event:
        source.configure_pretix(event, pretix.url, pretix.organizer, slug,
                                pretix.tokens["connector"], pretix.events[slug]["list"])
        connector = source.open_connector(event)
        assert connector is not None
        started = time.perf_counter()
        report = source.pull(event, connector)
        pull_s = time.perf_counter() - started
        bare_pull_s = _bare_pull(pretix, slug)
        people = event.read(lambda view: queries.list_attendees(view.conn, status="active"))
        chosen, others = people[:checkins], people[checkins:2 * checkins]
        for person in chosen:
            event.write(lambda store, who=person.id: Desk(store, "Bench").check_in(who))
        started = time.perf_counter()
        pushed = source.push(event, connector)
        push_s = time.perf_counter() - started
        connector.close()
    bare_push_s = _bare_push(pretix, slug, [p.external_barcode for p in others])
    return [
        Figure(names[0], report.read / pull_s, "/s", floor=report.read / bare_pull_s,
               note=f"{pull_s:.1f} s with the import; the bare GETs of the same pages "
                    f"{bare_pull_s:.1f} s (floor in orders a second)"),
        Figure(names[1], pushed.pushed / push_s, "/s", floor=len(others) / bare_push_s,
               note=f"{push_s:.1f} s, each one redeem with its nonce and two small writes; "
                    f"the bare redeems of as many others {bare_push_s:.1f} s"),
    ]


def _bare_pull(pretix: object, slug: str) -> float:
    """The same pages of orders, fetched and parsed, with nothing done with them."""
    api = pretix.api("connector")  # type: ignore[attr-defined]
    started = time.perf_counter()
    url: str | None = f"events/{slug}/orders/?ordering=last_modified&" \
        "include_canceled_positions=true&page_size=50"
    while url:
        url = api.get(url).json()["next"]
    api.close()
    return time.perf_counter() - started


def _bare_push(pretix: object, slug: str, codes: list[str]) -> float:
    api: httpx.Client = pretix.api("connector")  # type: ignore[attr-defined]
    lists = [pretix.events[slug]["list"]]  # type: ignore[attr-defined]
    at = datetime.now(UTC).isoformat(timespec="seconds")
    started = time.perf_counter()
    for code in codes:
        api.post("checkinrpc/redeem/", json={"secret": code, "lists": lists, "force": True,
                                             "nonce": uuid.uuid4().hex, "datetime": at,
                                             "questions_supported": False})
    api.close()
    return time.perf_counter() - started
