"""An open desk window told by its hub to wipe: it sends its check-in, wipes while the app
holds the file open, says so plainly and takes no more scans."""

from __future__ import annotations

from pathlib import Path

from kiosk.services.ticket_issuing import make_desk_package
from kiosk.store import queries
from kiosk.store.backups import backup_folder
from kiosk.store.event_store import EventStore
from kiosk.ui.desk_handle import DeskHandle
from kiosk.ui.desk_window import DeskWindow
from tests.ui.conftest import dispose
from tests.unit.sync.hub_fixtures import enrol, make_event, running_hub, sqlite_hub


def test_an_open_desk_wipes_on_the_hubs_order_and_says_so(qtbot, tmp_path: Path) -> None:
    event = make_event(tmp_path)
    hub = sqlite_hub(tmp_path)
    with running_hub(hub, event):
        desk_path = tmp_path / "desk.db"
        make_desk_package(EventStore.open(event.organiser), desk_path)
        desk = EventStore.open(desk_path)
        enrol(hub, desk, "Desk 1").sync_once()
        device = desk.device_id
        emails = [p.email.encode() for p in queries.list_attendees(desk.conn, status="all")
                  if len(p.email) > 5]
        before = desk_path.read_bytes() + Path(f"{desk_path}-wal").read_bytes()
        assert len(emails) > 5 and all(e in before for e in emails)
        desk.close()
        client = DeskHandle(str(desk_path))
        window = DeskWindow(client)
        try:
            with qtbot.wait_signal(window.ready, timeout=10_000):
                client.open()
            qtbot.wait_until(lambda: window.sync_label.text().startswith("● Online"),
                             timeout=20_000)
            with qtbot.wait_signal(window.result_shown, timeout=10_000):
                window.on_scanned(event.codes[0])
            hub.order_wipe(device, 1_700_000_000_000)
            qtbot.wait_until(lambda: window.wiped, timeout=30_000)
            assert "wiped by the organisers" in window.result.message.text()
            assert "wiped by the organisers" in window.sync_label.text()
            assert not window.search.isEnabled() and not window.walkin_button.isEnabled()
            qtbot.wait_until(lambda: hub.device(device).wiped_ms is not None, timeout=10_000)
            window.on_scanned(event.codes[1])  # ignored: nothing is asked of the worker
        finally:
            dispose(window)
    # The check-in made at the desk reached the hub before the wipe.
    assert any(c.kind.value == "checkin" and c.device_id == device for c in hub.read(0, 10_000))
    files = [desk_path, Path(f"{desk_path}-wal")]
    if backup_folder(desk_path).exists():  # the desk takes one as it closes: of the wiped file
        files += list(backup_folder(desk_path).iterdir())
    raw = b"".join(p.read_bytes() for p in files if p.exists())
    assert [e for e in emails if e in raw] == []
    hub.close()
