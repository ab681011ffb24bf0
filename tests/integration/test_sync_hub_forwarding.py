"""A venue hub forwards its log to a central hub (venue → head office) with the same protocol."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.services.desk import Desk
from kiosk.store.event_store import EventStore
from kiosk.store.hub_log import SqliteHubLog
from kiosk.store.hub_records import DeviceRole, EnrolGrant
from kiosk.sync.enrolment import issue_token
from kiosk.sync.forwarding import NotForwarding, connect_upstream, forward
from tests.unit.sync.hub_fixtures import enrol, make_event, running_hub


def test_a_venue_hub_forwards_everything_once_to_the_central_hub(tmp_path: Path) -> None:
    event = make_event(tmp_path)
    venue, central = SqliteHubLog(tmp_path / "venue.db"), SqliteHubLog(tmp_path / "central.db")
    with running_hub(venue, event), running_hub(central) as central_server:
        with pytest.raises(NotForwarding):
            forward(venue)
        token = issue_token(central, EnrolGrant("Venue hub", DeviceRole.HUB),
                            central_server.address)
        connect_upstream(venue, token.text())
        desk = EventStore.open(tmp_path / "desk.db", create=True)
        syncer = enrol(venue, desk, "Desk 1")
        syncer.sync_once()
        Desk(desk, "Desk 1").scan(event.codes[0])
        syncer.sync_once()
        syncer.close()
        sent = forward(venue)
        assert sent == venue.high_water()
        assert forward(venue) == 0  # nothing new: nothing sent
        held = {c.change_id for c in central.read(0, 1_000_000)}
        assert held == {c.change_id for c in venue.read(0, 1_000_000)}
        assert [c.hub_seq for c in central.read(0, 1_000_000)] == list(range(1, len(held) + 1))
        # Sent again from the start (a cursor lost in a crash): stored once, not twice.
        venue.set_setting("forward.cursor", "0")
        forward(venue)
        assert central.high_water() == len(held)
        desk.close()
    venue.close()
    central.close()
