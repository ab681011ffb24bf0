"""Organisers' corrections over a real event file: edit, cancel, restore, merge."""

from __future__ import annotations

import itertools
import time
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.core.changes import ChangeKind
from kiosk.core.checkin_rules import Outcome
from kiosk.core.hlc import FakeWall
from kiosk.core.models import Session
from kiosk.importing.records import SourceRecord
from kiosk.services import attendee_admin
from kiosk.services.attendee_admin import AdminError
from kiosk.services.desk import Desk
from kiosk.services.event_setup import NewEvent, add_session, create_event
from kiosk.services.exports import audit_table
from kiosk.services.registration_import import import_records
from kiosk.services.ticket_issuing import ticket_code
from kiosk.store import checkins, queries
from kiosk.store.event_store import EventStore

PEOPLE = [
    ("Dũng", "Nguyễn", "dung@example.org", "Hope Trust"),
    ("Zoë", "Smith-Jones", "zoe@example.org", ""),
    ("Jo", "Smith", "jo@example.org", "Safe Haven"),
]
AT = datetime(2026, 11, 28, 9, 30)


def _records(**changed_email: str) -> list[SourceRecord]:
    return [
        SourceRecord(row=i + 2, fields={
            "first_name": first, "last_name": last, "email": changed_email.get(first, email),
            "organisation": organisation, "external_ref": f"R{i}"})
        for i, (first, last, email, organisation) in enumerate(PEOPLE)
    ]


@pytest.fixture
def event(tmp_path: Path) -> EventStore:
    store = create_event(tmp_path / "event.db", NewEvent("Conf", "2026-11-28"))
    import_records(store, _records(), [])
    yield store
    store.close()


def _person(store: EventStore, first: str):
    return next(a for a in queries.list_attendees(store.conn, status="all")
                if a.first_name == first)


def _kinds(store: EventStore) -> list[str]:
    return [c.kind.value for c in store.changes()]


def test_an_edit_is_field_by_field_and_survives_a_reimport(event: EventStore) -> None:
    jo = _person(event, "Jo")
    result = attendee_admin.edit_attendee(
        event, jo.id, {"organisation": " Safe  Haven UK ", "pronouns": "they/them",
                       "first_name_only": True, "last_name": "Smith"}, now=lambda: AT)
    # The unchanged last name is not part of the change; text is tidied.
    assert result.changed == ("first_name_only", "organisation", "pronouns")
    assert result.attendee.organisation == "Safe Haven UK"
    assert result.attendee.display_name == "Jo"
    edit = list(event.changes())[-1]
    assert edit.kind is ChangeKind.ATTENDEE_EDIT
    assert set(edit.payload["fields"]) == {"first_name_only", "organisation", "pronouns"}
    assert edit.payload["desk"] == attendee_admin.CONSOLE_DESK
    # The organisers fix Jo's email in their file and import it again: the email changes,
    # the console's corrections stay.
    report = import_records(event, _records(Jo="jo.smith@example.org"), [])
    assert report.updated == 1
    after = _person(event, "Jo")
    assert after.email == "jo.smith@example.org"
    assert (after.organisation, after.pronouns, after.first_name_only) == (
        "Safe Haven UK", "they/them", True)


def test_an_edit_does_not_overwrite_what_another_desk_changed_meanwhile(event) -> None:
    zoe = _person(event, "Zoë")
    Desk(event, "Desk 2").edit(zoe.id, badge_name="Zo")
    # The console's form was opened before the desk's edit; only the organisation was typed.
    attendee_admin.edit_attendee(event, zoe.id, {"organisation": "Freedom Network"})
    after = _person(event, "Zoë")
    assert (after.badge_name, after.organisation) == ("Zo", "Freedom Network")


def test_workshop_bookings_are_edited_and_checked(event: EventStore) -> None:
    add_session(event, Session("s-ttt", "Train the Trainer Taster", capacity=20))
    jo = _person(event, "Jo")
    form = attendee_admin.edit_form(event, jo.id)
    assert [(w.id, w.booked, w.capacity) for w in form.workshops] == [("s-ttt", 0, 20)]
    result = attendee_admin.edit_attendee(event, jo.id, {"sessions": ["s-ttt"]})
    assert result.changed == ("sessions",) and result.attendee.sessions == ("s-ttt",)
    assert checkins.is_booked(event.conn, jo.id, "s-ttt")
    assert attendee_admin.edit_form(event, jo.id).workshops[0].booked == 1
    with pytest.raises(AdminError, match="no longer in the event"):
        attendee_admin.edit_attendee(event, jo.id, {"sessions": ["s-gone"]})
    # The registration file books nobody on it: a re-import leaves the booking alone.
    import_records(event, _records(), [])
    assert _person(event, "Jo").sessions == ("s-ttt",)


def test_nothing_to_save_records_nothing(event: EventStore) -> None:
    jo = _person(event, "Jo")
    before = event.change_count()
    result = attendee_admin.edit_attendee(event, jo.id, {"organisation": "Safe Haven"})
    assert result.changed == () and event.change_count() == before


@pytest.mark.parametrize(("changes", "message"), [
    ({"first_name": "", "last_name": " "}, "needs a first name, a last name or a badge name"),
    ({"email": "jo at example.org"}, "needs an @"),
    ({"category": ""}, "Choose a category"),
    ({"organisation": "x" * 201}, "too long"),
    ({"status": "cancelled"}, "cannot be changed here: status"),
])
def test_a_bad_edit_is_refused_plainly_and_records_nothing(event, changes, message) -> None:
    jo = _person(event, "Jo")
    before = event.change_count()
    with pytest.raises(AdminError, match=message):
        attendee_admin.edit_attendee(event, jo.id, changes)
    assert event.change_count() == before
    assert _person(event, "Jo") == jo


def test_a_cancelled_registration_is_refused_at_the_desk_until_restored(event) -> None:
    dung = _person(event, "Dũng")
    desk = Desk(event, "Desk 1")
    code = ticket_code(event, dung)
    assert attendee_admin.cancel_registration(event, dung.id).changed == ("status",)
    scanned = desk.scan(code)
    assert scanned.outcome is Outcome.CANCELLED and scanned.headline == "Registration cancelled"
    assert desk.check_in(dung.id).outcome is Outcome.CANCELLED
    # The organisers' file still says they are coming: a re-import does not bring them back.
    import_records(event, _records(), [])
    assert desk.scan(code).outcome is Outcome.CANCELLED
    # Cancelling twice is harmless; restoring lets them in.
    assert attendee_admin.cancel_registration(event, dung.id).changed == ()
    assert attendee_admin.restore_registration(event, dung.id).attendee.status.value == "active"
    assert desk.scan(code).outcome is Outcome.OK
    # The audit trail tells a cancel from a restore (ids only, never the name).
    actions = [(row[1], row[5]) for row in audit_table(event).rows
               if row[1].startswith("registration")]
    assert actions == [("registration cancelled", dung.id), ("registration restored", dung.id)]


def test_a_merge_moves_check_ins_to_the_survivor_and_is_in_the_log(event) -> None:
    zoe = _person(event, "Zoë")
    wall = FakeWall(time.time_ns() // 1_000_000 + 1_000)
    event.wall = wall
    event.clock._wall = wall
    desk = Desk(event, "Desk 1", "Sam")
    walk_in = desk.walk_in("Zoe", "Smith Jones", organisation="Freedom Network")
    assert walk_in.outcome is Outcome.OK
    plan = attendee_admin.plan_merge(event, walk_in.attendee.id, zoe.id)
    # The registration is kept over the walk-in; the walk-in's organisation fills the gap.
    assert plan.suggested == zoe.id
    assert plan.filled(zoe.id) == ("organisation",)
    assert plan.first.walk_in and plan.second.imported
    assert plan.first.checked_in_at.endswith("at Desk 1")
    result = attendee_admin.merge_attendees(event, zoe.id, walk_in.attendee.id, now=lambda: AT)
    assert result.filled == ("organisation",)
    assert result.survivor.checked_in and result.survivor.organisation == "Freedom Network"
    # The walk-in is gone from the list; the check-in now belongs to Zoë's registration.
    assert walk_in.attendee.id not in {a.id for a in queries.list_attendees(event.conn)}
    assert checkins.first_checkin(event.conn, zoe.id, "main").change_id == walk_in.checkin_id
    assert queries.attendance_counts(event.conn)[0] == 1
    # Her ticket and the walk-in code both find her, and she is already in.
    wall.advance(5_000)  # past the scanner's repeat window
    assert desk.scan(ticket_code(event, zoe)).outcome is Outcome.ALREADY
    assert desk.scan(walk_in.code).outcome is Outcome.ALREADY
    merge = next(c for c in event.changes() if c.kind is ChangeKind.ATTENDEE_MERGE)
    assert merge.payload["id"] == walk_in.attendee.id
    assert merge.payload["fields"] == {"merged_into": zoe.id}
    # The audit trail says what happened with ids and field names, never the names.
    audit = [dict(zip(audit_table(event).headers, row, strict=True))
             for row in audit_table(event).rows]
    text = repr(audit)
    assert "Zoe" not in text and "Freedom" not in text
    merges = [row for row in audit if row["action"] == "merge"]
    assert len(merges) == 1 and zoe.id in str(merges[0]["detail"])


def test_the_same_record_twice_or_a_merged_record_cannot_be_merged(event) -> None:
    jo, zoe, dung = (_person(event, n) for n in ("Jo", "Zoë", "Dũng"))
    with pytest.raises(AdminError, match="two different records"):
        attendee_admin.merge_attendees(event, jo.id, jo.id)
    attendee_admin.merge_attendees(event, zoe.id, jo.id)
    before = event.change_count()
    with pytest.raises(AdminError, match="merged into another"):
        attendee_admin.merge_attendees(event, dung.id, jo.id)
    with pytest.raises(AdminError, match="merged into another"):
        attendee_admin.edit_attendee(event, jo.id, {"pronouns": "he/him"})
    assert event.change_count() == before


def test_check_ins_follow_the_survivor_whatever_order_changes_arrive_in(
    event: EventStore, tmp_path: Path
) -> None:
    """A desk that had not heard of the merge, or hears of it first: the same end state."""
    base = tmp_path / "base.db"
    event.copy_for_desk(base)
    zoe = _person(event, "Zoë")
    walk_in = Desk(event, "Desk 1").walk_in("Zoe", "Smith Jones")
    attendee_admin.merge_attendees(event, zoe.id, walk_in.attendee.id)
    made = [c for c in event.changes() if c.kind in (
        ChangeKind.WALKIN, ChangeKind.CHECKIN, ChangeKind.ATTENDEE_MERGE)]
    assert len(made) == 3
    for number, order in enumerate(itertools.permutations(made)):
        copy = tmp_path / f"copy{number}.db"
        copy.write_bytes(base.read_bytes())
        other = EventStore.open(copy)
        try:
            for change in order:
                other.receive([change])
            assert queries.get_attendee(other.conn, zoe.id).checked_in, order
            assert checkins.first_checkin(other.conn, zoe.id, "main").change_id == \
                walk_in.checkin_id
            assert queries.attendance_counts(other.conn)[0] == 1
        finally:
            other.close()
