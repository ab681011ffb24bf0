"""Pulling from a real pretix: orders since the watermark, through the same import as a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.services import registration_system as source
from kiosk.store import queries
from kiosk.store.event_file import EventFile
from tests.integration.pretix_server import PretixServer
from tests.integration.pretix_steps import (
    cancel_order,
    connect,
    orders,
    organisers_file,
    place_order,
)


@pytest.fixture
def organiser(tmp_path: Path):
    event = EventFile.open(organisers_file(tmp_path), threaded=True)
    yield event
    event.close()


def _people(event: EventFile) -> dict[str, object]:
    return event.read(lambda view: {f"{a.first_name} {a.last_name}": a
                                    for a in queries.list_attendees(view.conn, status="all")})


def test_a_pull_brings_the_orders_in_with_the_import_s_rules(
        organiser: EventFile, pretix: PretixServer, tmp_path: Path) -> None:
    slug = pretix.take_event()
    connect(organiser, pretix, slug)
    connector = source.open_connector(organiser)
    report = source.pull(organiser, connector)
    # one row per admission position: the add-on workshops are bookings, not people
    assert (report.read, report.created, report.cancelled) == (8, 8, 1)
    # "Delegate" and "Speaker" are the event's own categories; the survivors' ticket type is new
    assert report.new_categories == ["FREE - SURVIVOR LEADERS & VOLUNTEERS"]
    fates = {c.heading: c.fate.value for c in report.columns}
    assert fates["Mobile phone for the day"] == "dropped"
    assert fates["Pronouns"] == fates["Workshops"] == fates["Afternoon workshop"] == "mapped"
    people = _people(organiser)
    amara = people["Amara Okonkwo"]
    assert amara.pronouns == "she/her" and amara.organisation == "Unseen UK"
    sessions = organiser.read(lambda view: {s.id: s.name for s in
                                            queries.list_sessions(view.conn)})
    assert {sessions[s] for s in amara.sessions} == {
        "Train the Trainer Taster", "What Does Community Action Look Like?"}
    assert people["Małgorzata Wiśniewska"].access_needs == "Step-free access"
    assert people["Nguyễn Văn Dũng"].category.casefold() == "speaker"
    assert people["Cancelled Before"].status.value == "cancelled"
    assert people["Pending Payer"].status.value == "active"  # pending: as a file import has it
    # an imported ticket type prints no label until the organisers give it one
    event = organiser.read(lambda view: queries.get_event(view.conn, logo=False))
    assert event.label_of("FREE - SURVIVOR LEADERS & VOLUNTEERS") == ""
    # the references match a file export's, so a file import and the link meet
    assert amara.external_ref.endswith("-1") and len(amara.external_barcode) == 32
    # only what a desk needs entered the file: not the phone number, not the token
    organiser.write(lambda store: store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall(),
                    atomic=False)
    everything = b"".join(p.read_bytes() for p in tmp_path.glob("conference.db*"))
    assert b"07700 900123" not in everything
    log = organiser.read(lambda view: [c.payload for c in view.changes()])
    assert pretix.tokens["connector"] not in repr(log)
    assert organiser.read(lambda view: view.secret(source.TOKEN)) == \
        pretix.tokens["connector"].encode()
    # nothing changed in pretix since: the next pull brings nothing
    again = source.pull(organiser, connector)
    assert (again.read, again.created, again.updated) == (0, 0, 0)
    state = organiser.read(source.source_state)
    assert state.system == "pretix" and state.errors == [] and state.last_pull is not None
    # what the last pull that brought anything brought, kept through the empty one
    assert state.last_pull.brought["created"] == 8 and state.last_pull.brought_at
    connector.close()


def test_the_next_pull_brings_only_what_changed_in_pretix(
        organiser: EventFile, pretix: PretixServer) -> None:
    slug = pretix.take_event()
    connect(organiser, pretix, slug)
    connector = source.open_connector(organiser)
    source.pull(organiser, connector)
    watermark = organiser.read(lambda view: view.setting(source.WATERMARK))
    late = place_order(pretix, slug, "Ewa", "Łączyńska")
    siobhan = next(o for o in _orders_named(pretix, slug, "Siobhán"))
    cancel_order(pretix, slug, siobhan)
    report = source.pull(organiser, connector)
    assert (report.read, report.created, report.updated, report.cancelled) == (2, 1, 1, 1)
    assert report.missing == 0  # a pull brings what changed: the others are not missing
    assert organiser.read(lambda view: view.setting(source.WATERMARK)) > watermark
    people = _people(organiser)
    assert people["Ewa Łączyńska"].external_barcode == late["positions"][0]["secret"]
    assert people["Siobhán Ní Bhriain"].status.value == "cancelled"
    connector.close()


def _orders_named(pretix: PretixServer, slug: str, given: str) -> list[str]:
    from tests.integration.pretix_steps import orders

    return [o["code"] for o in orders(pretix, slug)
            if any((p["attendee_name_parts"] or {}).get("given_name") == given
                   for p in o["positions"])]


def test_a_pull_follows_pretix_s_pages_to_the_end_and_the_only_list_is_found(
        organiser: EventFile, pretix: PretixServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import math

    import httpx

    from kiosk.connectors import pretix as pretix_connector

    slug = pretix.take_event()
    # No list named: the event's only check-in list is the one.
    config = source.configure_pretix(organiser, pretix.url, pretix.organizer, slug,
                                     pretix.tokens["connector"], None)
    assert config.checkin_list == pretix.events[slug]["list"]
    asked: list[str] = []

    class Counting(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/orders/"):
                asked.append(str(request.url))
            return super().handle_request(request)

    monkeypatch.setattr(pretix_connector, "PAGE_SIZE", 3)
    connector = source.open_connector(organiser, Counting())
    try:
        report = source.pull(organiser, connector)
    finally:
        connector.close()
    placed = orders(pretix, slug)
    assert len(asked) == math.ceil(len(placed) / 3) > 1  # every page, each once
    assert (report.read, report.created, report.cancelled) == (8, 8, 1)
    assert len(_people(organiser)) == 8


def test_the_token_reaches_no_log_and_no_hub(
        organiser: EventFile, pretix: PretixServer, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from kiosk.cli import main as kiosk
    from kiosk.services.desk import Desk

    token = pretix.tokens["connector"]
    caplog.set_level(logging.DEBUG)  # every logger, httpx's and httpcore's too
    slug = pretix.take_event()
    connect(organiser, pretix, slug)
    connector = source.open_connector(organiser)
    try:
        source.pull(organiser, connector)
        organiser.write(lambda store: [Desk(store, "Desk 1").check_in(p.id) for p in
                                       queries.list_attendees(store.conn, status="active")[:2]])
        assert source.push(organiser, connector).pushed == 2
    finally:
        connector.close()
    assert caplog.records and token not in caplog.text
    organiser.close()
    hub = tmp_path / "hub.db"
    assert kiosk(["hub-import", str(tmp_path / "conference.db"), "--db", str(hub)]) == 0
    assert token.encode() not in b"".join(p.read_bytes() for p in tmp_path.glob("hub.db*"))
