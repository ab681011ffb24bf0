"""The desk window connected to a real hub on loopback: its header says how sync is going."""

from __future__ import annotations

import shutil
from pathlib import Path

from kiosk.services.ticket_issuing import make_desk_package
from kiosk.store.event_store import EventStore
from kiosk.ui.desk_handle import DeskHandle
from kiosk.ui.desk_window import DeskWindow, describe_sync
from tests.ui.conftest import dispose
from tests.unit.sync.hub_fixtures import enrol, make_event, running_hub, sqlite_hub


def test_a_connected_desk_shows_online_and_its_check_ins_reach_the_hub(
    qtbot, tmp_path: Path
) -> None:
    event = make_event(tmp_path)
    hub = sqlite_hub(tmp_path)
    with running_hub(hub, event):
        desk_path = tmp_path / "desk1.db"
        make_desk_package(EventStore.open(event.organiser), desk_path)
        desk = EventStore.open(desk_path)
        syncer = enrol(hub, desk, "Desk 1")
        syncer.sync_once()
        syncer.close()
        desk.close()
        client = DeskHandle(str(desk_path))
        window = DeskWindow(client)
        try:
            with qtbot.wait_signal(window.ready, timeout=10_000):
                client.open()
            qtbot.wait_until(lambda: window.sync_label.text().startswith("● Online"),
                             timeout=20_000)
            code = event.codes[0]
            with qtbot.wait_signal(window.result_shown, timeout=10_000):
                window.on_scanned(code)
            # The check-in is pushed at once: another desk copy catches it from the hub.
            other = tmp_path / "desk2.db"
            shutil.copy(event.package, other)
            second = EventStore.open(other)
            second_syncer = enrol(hub, second, "Desk 2")

            def arrived() -> bool:
                second_syncer.sync_once()
                return second.conn.execute("SELECT count(*) FROM checkins").fetchone()[0] == 1

            qtbot.wait_until(arrived, timeout=20_000)
            second_syncer.close()
            second.close()
        finally:
            dispose(window)


def test_describe_sync_for_a_desk_on_its_own() -> None:
    from kiosk.services.syncer import SyncState, SyncStatus

    assert describe_sync(None).startswith("● Not connected to a hub")
    # A desk that was never enrolled is not "offline": nothing is waiting for a hub.
    assert describe_sync(SyncStatus(SyncState.NOT_CONNECTED)).startswith("● Not connected")


def test_connect_to_hub_from_the_desk(qtbot, tmp_path: Path) -> None:
    from kiosk.store.hub_records import DeviceRole, EnrolGrant
    from kiosk.sync.enrolment import issue_token
    from kiosk.ui.dialogs import TokenDialog

    event = make_event(tmp_path)
    hub = sqlite_hub(tmp_path)
    with running_hub(hub, event) as server:
        desk_path = tmp_path / "desk.db"
        make_desk_package(EventStore.open(event.organiser), desk_path)
        client = DeskHandle(str(desk_path))
        window = DeskWindow(client)
        try:
            with qtbot.wait_signal(window.ready, timeout=10_000):
                client.open()
            assert window.sync_label.text().startswith("● Not connected")
            window.on_connect_requested()  # no PIN on this desk: straight to the form
            dialog = window.findChildren(TokenDialog)[-1]
            dialog.token_field.setText("not a token")
            dialog._accept_if_valid()
            assert dialog.isVisible() and "kiosk:" in dialog.error.text()
            token = issue_token(hub, EnrolGrant("Desk 9", DeviceRole.DESK), server.address)
            dialog.token_field.setText(token.text())
            dialog._accept_if_valid()
            qtbot.wait_until(lambda: "Connected to the hub" in window.result.message.text(),
                             timeout=20_000)
            qtbot.wait_until(lambda: window.sync_label.text().startswith("● Online"),
                             timeout=20_000)
        finally:
            dispose(window)
