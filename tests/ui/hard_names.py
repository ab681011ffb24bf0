"""People whose names and details are hard to fit on a screen, for the layout tests.

Very long one-word names (and a ticket code someone once saved as a name), names in many
scripts, the same person registered twice, a cancelled registration that sorts first, and
long organisations, notes and access needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.importing.records import SourceRecord
from kiosk.services.desk_settings import DeskSettings
from kiosk.services.registration_import import import_records
from kiosk.services.ticket_issuing import ticket_code
from kiosk.store import queries
from kiosk.store.event_store import EventStore

LONG_ONE_WORD = ("Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschaferswessen"
                 "schafewarenwohlgepflegeundsorgfaltigkeitbeschutzenvorangreifendurchihrraub")
CODE_AS_NAME = "O'NK1CTHV" + "7QH23M0XW5R8KD1A0C" * 6 + "Neill"
PEOPLE: list[dict[str, str]] = [
    {"first_name": "Hubert", "last_name": LONG_ONE_WORD, "email": "hubert@example.org",
     "organisation": "Internationale Arbeitsgemeinschaft gegen Menschenhandel und Ausbeutung "
                     "in Lieferketten e.V. (Regionalverband Nordrhein-Westfalen)",
     "desk_note": "Speaker at 14:00 in the main hall; bring the lanyard from the speakers' box "
                  "under the desk and the printed programme with the room changes.",
     "access_needs": "Step-free access, a seat near the front, hearing loop, large-print "
                     "programme and a quiet room during the breaks"},
    {"first_name": "Oluwadarasimilolaoluwakiitanayomideoluwafunmilayo", "last_name": "",
     "email": "oluwa@example.org"},
    {"first_name": "محمد", "last_name": "عبد الرحمن بن عبد العزيز آل سعود",
     "email": "mohammed@example.org", "pronouns": "he/him"},
    {"first_name": "王", "last_name": "秀英", "email": "wang@example.org"},
    {"first_name": "अनुष्का", "last_name": "शर्मा-वर्मा", "email": "anushka@example.org"},
    {"first_name": "ሰላማዊት", "last_name": "ተስፋዬ", "email": "selamawit@example.org"},
    {"first_name": "Nguyễn Thị", "last_name": "Minh Khai", "email": "khai@example.org"},
    {"first_name": "נועה", "last_name": "כהן", "email": "noa@example.org"},
    {"first_name": "Nadia", "last_name": "Smith", "email": "nadia.smith@anti-slavery.example",
     "organisation": "Anti-Slavery Partnership"},
    {"first_name": "Nadia", "last_name": "Smith", "email": "n.smith@unseen.example",
     "organisation": "Unseen UK"},
    {"first_name": "Nadia", "last_name": "Smith", "email": "nadia@old-address.example",
     "organisation": "Anti-Slavery Partnership", "status": "cancelled"},
    {"first_name": "Jo", "last_name": CODE_AS_NAME, "email": "jo@example.org"},
]


def add_hard_names(path: Path) -> dict[str, Any]:
    """Import the hard names into the event file at ``path``; their ids and ticket codes."""
    store = EventStore.open(path)
    try:
        records = [SourceRecord(row=index + 2, fields={"status": "active", **fields,
                                                       "external_ref": f"H{index}"})
                   for index, fields in enumerate(PEOPLE)]
        import_records(store, records, [])
        everyone = queries.list_attendees(store.conn, status="all")
        by_email = {attendee.email: attendee for attendee in everyone}
        people = [by_email[fields["email"]] for fields in PEOPLE]
        DeskSettings(store)["print.printer"] = "pdf-folder"
        return {"people": people, "codes": {a.id: ticket_code(store, a) for a in people},
                "long": people[0], "arabic": people[2], "code_as_name": people[-1],
                "smiths": people[8:11]}
    finally:
        store.close()
