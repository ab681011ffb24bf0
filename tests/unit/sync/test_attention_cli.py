"""`kiosk attention`: the staff's list after two offline desks checked the same person in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.services.desk import Desk
from kiosk.store.event_store import EventStore
from tests.unit.sync.hub_fixtures import make_event


def test_double_check_in_is_listed_for_staff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = make_event(tmp_path)
    shutil.copy(event.package, tmp_path / "a.db")
    shutil.copy(event.package, tmp_path / "b.db")
    a = EventStore.open(tmp_path / "a.db", create=True)
    b = EventStore.open(tmp_path / "b.db", create=True)
    assert Desk(a, "Desk A").scan(event.codes[0]).outcome.value == "ok"
    assert Desk(b, "Desk B").scan(event.codes[0]).outcome.value == "ok"
    a.receive(list(b.changes()))
    a.close()
    b.close()
    assert main(["attention", str(tmp_path / "a.db"), "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    doubles = [i for i in items if i["kind"] == "double_checkin"]
    assert len(doubles) == 1 and len(doubles[0]["change_ids"]) >= 1
    # The demo has one person registered twice on purpose: proposed for merging.
    assert any(i["kind"] == "possible_duplicate" for i in items)
    assert main(["attention", str(tmp_path / "b.db")]) == 0
    out = capsys.readouterr().out
    assert "[double_checkin]" not in out and "[possible_duplicate]" in out
