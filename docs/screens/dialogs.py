"""Render the Attendees screen's edit and merge dialogs (run by render.py, which gives the
event file and where the pictures go): each dialog as an organiser opens it, on the demo."""

from __future__ import annotations

import sys
from pathlib import Path


def main(event_path: str, folder: str) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from PySide6.QtWidgets import QApplication

    from kiosk.services import attendee_admin, attendee_table
    from kiosk.services.event_access import EventFile
    from kiosk.store import queries
    from kiosk.ui.console.attendee_dialogs import EditAttendeeDialog, MergeDialog

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with EventFile.open(event_path) as event:
        people = event.read(lambda view: queries.list_attendees(view.conn, status="all"))
        # Someone with access needs and a booking: the form shows the most.
        chosen = next(p for p in people if p.access_needs and p.sessions)
        form = event.read(lambda view: attendee_admin.edit_form(view, chosen.id))
        twins = next((a, b) for a in people for b in people if a.id < b.id
                     and (a.first_name, a.last_name) == (b.first_name, b.last_name))
        plan = event.read(lambda view: attendee_admin.plan_merge(view, twins[0].id,
                                                                 twins[1].id))
        names = event.read(attendee_table.workshop_names)
    edit = EditAttendeeDialog(form.attendee, form.categories, form.workshops, kept=form.kept)
    merge = MergeDialog(plan, names)
    for dialog, name in ((edit, "console-attendees-edit"), (merge, "console-attendees-merge")):
        dialog.show()
        app.processEvents()
        dialog.adjustSize()  # as opened over the console: all the room its form wants
        app.processEvents()
        dialog.grab().save(str(Path(folder) / f"{name}.png"))
        dialog.close()
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
