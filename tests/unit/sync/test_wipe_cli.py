"""`kiosk hub-devices --wipe`: plain refusals, and what the list shows as a wipe goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.store.hub_log import SqliteHubLog
from kiosk.store.hub_records import DeviceRole, EnrolGrant, HubDevice
from kiosk.sync.credentials import secret_hash


def _hub(path: Path) -> str:
    hub = SqliteHubLog(path)
    for n, (name, role) in enumerate([("Desk 1", DeviceRole.DESK), ("Venue", DeviceRole.HUB)]):
        hub.add_token(secret_hash(f"t{n}"), EnrolGrant(name, role), 2**50)
        hub.enrol(secret_hash(f"t{n}"), 1_000 + n, HubDevice(f"d{n}", "", role, "ab" * 32, 0),
                  secret_hash(f"k{n}"))
    hub.close()
    return str(path)


def test_wiping_an_unknown_device_or_a_hub_is_refused_plainly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _hub(tmp_path / "hub.db")
    assert main(["hub-devices", "--db", db, "--wipe", "nobody"]) == 2
    assert "No device nobody is enrolled" in capsys.readouterr().err
    assert main(["hub-devices", "--db", db, "--wipe", "d1"]) == 2
    assert "is a hub, not a desk" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["hub-devices", "--db", db, "--wipe", "d0", "--revoke", "d0"])
    capsys.readouterr()
    assert main(["hub-devices", "--db", db, "--json"]) == 0
    assert all(d["wipe_ordered_ms"] is None for d in json.loads(capsys.readouterr().out))


def test_the_list_shows_ordered_then_confirmed(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    db = _hub(tmp_path / "hub.db")
    assert main(["hub-devices", "--db", db, "--wipe", "d0"]) == 0
    out = capsys.readouterr().out
    assert "d0  Desk 1" in out and "WIPE ORDERED" in out and "will wipe" in out
    hub = SqliteHubLog(db)
    ordered = hub.device("d0").wipe_ordered_ms
    hub.confirm_wipe("d0", ordered, ordered + 60_000, 2)
    hub.close()
    assert main(["hub-devices", "--db", db, "--wipe", "d0"]) == 0
    out = capsys.readouterr().out
    assert "already wiped" in out
    assert "WIPED (confirmed" in out and "2 change(s) it could not send first" in out
