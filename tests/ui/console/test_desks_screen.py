"""The console's Desks tab: the needs-attention list, and a token (text and QR) for a new desk."""

from __future__ import annotations

import shutil
from pathlib import Path

import zxingcpp
from PIL import Image

from kiosk.services.desk import Desk
from kiosk.services.event_access import EventFile
from kiosk.store.event_store import EventStore
from kiosk.ui.console.desks_screen import DesksScreen
from tests.unit.sync.hub_fixtures import make_event, running_hub, sqlite_hub


def test_attention_list_and_a_desk_token(qtbot, tmp_path: Path) -> None:
    event = make_event(tmp_path)
    shutil.copy(event.package, tmp_path / "a.db")
    shutil.copy(event.package, tmp_path / "b.db")
    a = EventStore.open(tmp_path / "a.db", create=True)
    b = EventStore.open(tmp_path / "b.db", create=True)
    Desk(a, "Desk A").scan(event.codes[1])
    Desk(b, "Desk B").scan(event.codes[1])
    a.receive(list(b.changes()))
    a.close()
    b.close()
    door = EventFile.open(tmp_path / "a.db", threaded=True)
    screen = DesksScreen(door)
    screen.start()
    try:
        qtbot.wait_until(lambda: screen.attention.count() > 0, timeout=10_000)
        rows = [screen.attention.item(i).text() for i in range(screen.attention.count())]
        assert any(row.startswith("[double checkin]") for row in rows)
        hub = sqlite_hub(tmp_path)
        with running_hub(hub, event):  # the hub has run once: it knows its address
            screen.hub_location.setText(str(next(tmp_path.glob("hub-*.db"))))
            screen.desk_name.setText("Desk 5")
            with qtbot.wait_signal(screen.token_made, timeout=10_000) as made:
                screen.make_token()
        token = made.args[0]
        assert token.startswith("kiosk:") and screen.token.text() == token
        picture = tmp_path / "qr.png"
        screen.qr.pixmap().save(str(picture))
        assert [r.text for r in zxingcpp.read_barcodes(Image.open(picture))] == [token]
    finally:
        screen.shutdown()
        door.close()
        hub.close()
