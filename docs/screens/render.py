"""Render every picture in docs/screens with the app's own --screenshot, on the demo event.

Run it on an X display of 1366 × 768 with no window manager (each picture is the screen's
size), e.g.::

    Xvfb :13 -screen 0 1366x768x24 & DISPLAY=:13 QT_QPA_PLATFORM=xcb python docs/screens/render.py

It makes a demo event in a temporary folder, gives it a supervisor PIN (self check-in needs
one), a workshop door and some check-ins (for the dashboard), and (for the console and self
check-in) a few registrations imported from a ticket export, whose ticket types became
categories with no badge label yet, one of them marked discreet; then renders each desk
state, self check-in, the workshop door, the first-run window and every console screen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.store.event_store import EventStore

ROOT = Path(__file__).resolve().parents[2]
SCREENS = Path(__file__).resolve().parent
DESK_STATES = ("ready", "ok", "already", "repeat", "unknown", "forged", "other_event",
               "revoked", "cancelled", "not_booked", "full", "undone", "saved",
               "printer_failed", "search", "settings", "scanner", "walkin")


# A ticket export's ticket types, as Ticket Tailor and pretix name them: imported, each
# becomes a category whose badges print nothing until the organisers give it a label.
SURVIVORS = "FREE - SURVIVOR LEADERS & VOLUNTEERS"
BURSARY = "Bursary place"
IMPORTED = [
    ("Amara", "Okafor", "Survivor Alliance", SURVIVORS),
    ("Lina", "Haddad", "", SURVIVORS),
    ("Tomasz", "Zieliński", "Fundacja Wolność", SURVIVORS),
    ("Grace", "Mensah", "", BURSARY),
    ("Hoa", "Trần", "Saigon Rescue Network", BURSARY),
]


def add_imported_categories(store: EventStore, folder: Path) -> None:
    """Import a few registrations with their ticket types, through the real import, and mark
    the bursary places discreet, as Event setup shows an event after a real export."""
    from kiosk.services.event_settings import set_category_discreet
    from kiosk.services.registration_import import import_file

    sheet = folder / "ticket-export.csv"
    rows = [f"{first},{last},{org},{first.lower()}.{n}@example.org,{kind}"
            for n, (first, last, org, kind) in enumerate(IMPORTED)]
    sheet.write_text("\n".join(["First name,Surname,Organisation,Email,Category", *rows]),
                     encoding="utf-8")
    import_file(store, sheet)
    set_category_discreet(store, BURSARY, True)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from kiosk.core.changes import ChangeKind
    from kiosk.services.demo import create_demo_event
    from kiosk.services.desk import Desk
    from kiosk.services.desk_settings import DeskSettings
    from kiosk.store import queries
    from kiosk.store.event_store import EventStore
    from kiosk.ui.console.screens import SCREENS as CONSOLE

    # A folder of its own (its name shows in the console's file fields), and no memory of
    # the events this computer opened before (the first-run window lists the last one).
    folder = Path(tempfile.gettempdir()) / "kiosk-demo"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    env = {**os.environ, "XDG_DATA_HOME": str(folder / "data"),
           "XDG_CONFIG_HOME": str(folder / "config")}
    try:
        event = Path(folder) / "demo.db"
        store, _ = create_demo_event(event)
        workshop = queries.list_sessions(store.conn)[0]
        store.record(ChangeKind.CHECKPOINT_UPSERT, {"id": "door-1", "name": "Workshop door",
                                                    "session_id": workshop.id})
        desk = Desk(store, "Desk 2", "Sam")
        for person in queries.list_attendees(store.conn, status="active")[40:100]:
            desk.check_in(person.id)
        store.close()
        plain = Path(folder) / "plain.db"  # no PIN: the desk opens its settings at once
        plain.write_bytes(event.read_bytes())
        locked = EventStore.open(event)
        DeskSettings(locked).set_pin("2468")
        add_imported_categories(locked, folder)
        locked.close()

        def shot(name: str, *args: str, on: Path = event) -> None:
            subprocess.run([sys.executable, str(ROOT / "main.py"), str(on), "--screenshot",
                            str(SCREENS / f"{name}.png"), *args], check=True, cwd=ROOT,
                           env=env)
            print(name)

        for state in DESK_STATES:
            shot(f"desk-{state}", "--state", state, on=plain)
        shot("desk-pin", "--state", "pin")  # a locked desk asks for the PIN before Settings
        # A damaged event file: the desk offers its newest good backup.
        damaged = Path(folder) / "damaged.db"
        damaged.write_bytes(plain.read_bytes())
        subprocess.run([sys.executable, "-m", "kiosk", "backups", str(damaged), "--take"],
                       check=True, cwd=ROOT, env=env, capture_output=True)
        with damaged.open("r+b") as file:
            file.seek(4096 * 3)
            file.write(b"\0" * 4096 * 6)
        shot("desk-damaged", on=damaged)
        shot("self-ready", "--mode", "self")
        shot("self-ready-pl", "--mode", "self", "--language", "pl")
        shot("self-ok", "--mode", "self", "--state", "ok")
        shot("self-find", "--mode", "self", "--state", "search")
        shot("door-ok", "--mode", "door", "--state", "ok")
        shot("first-run", "--first-run")
        for screen in CONSOLE:
            shot(f"console-{screen}", "--screen", screen)
        # The Attendees screen's edit and merge dialogs, as they open at 1366 × 768.
        subprocess.run([sys.executable, str(SCREENS / "dialogs.py"), str(plain), str(SCREENS)],
                       check=True, cwd=ROOT, env=env)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
