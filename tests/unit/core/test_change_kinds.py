"""Every kind of change in its one home: complete, classified for privacy, its rules refuse
what is ill-formed (and never raise), and every change the app makes passes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.changes import KINDS, ChangeKind, Wipe, attendee, payload_problem
from kiosk.services import event_settings
from kiosk.services.attendee_admin import merge_attendees
from kiosk.services.demo import create_demo_event
from kiosk.services.desk import Desk
from kiosk.services.ticket_issuing import reissue

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=12)


@given(kind=st.sampled_from(list(ChangeKind)), payload=_JSON)
def test_no_payload_makes_the_rules_raise(kind: ChangeKind, payload: object) -> None:
    problem = payload_problem(kind, payload)
    assert problem is None or isinstance(problem, str)


@given(kind=st.sampled_from(list(ChangeKind)),
       payload=st.dictionaries(st.sampled_from(
           ["id", "fields", "attendee_id", "at", "target", "name", "capacity", "session_id",
            "checkpoint_id", "base"]), _JSON, max_size=6))
def test_payloads_with_the_right_keys_but_any_values_never_raise(kind, payload) -> None:
    problem = payload_problem(kind, payload)
    assert problem is None or isinstance(problem, str)


@pytest.mark.parametrize(("kind", "payload", "problem"), [
    (ChangeKind.CHECKIN, {"at": "2026-11-28T09:00"}, "attendee_id must be text"),
    (ChangeKind.CHECKIN, {"attendee_id": ["A1"], "at": "x"}, "attendee_id must be text"),
    (ChangeKind.CHECKIN, {"attendee_id": "A1"}, "at must be text"),
    (ChangeKind.CHECKIN_VOID, {"target": "", "at": "x"}, "target is empty"),
    (ChangeKind.ATTENDEE_EDIT, {"id": "A1", "fields": {"status": "vip"}},
     "status must be one of active, cancelled"),
    (ChangeKind.ATTENDEE_EDIT, {"id": "A1", "fields": {"first_name": {"x": 1}}},
     "first_name must be text"),
    (ChangeKind.ATTENDEE_UPSERT, {"id": "A1", "fields": {"sessions": "w1"}},
     "sessions must be a list"),
    (ChangeKind.ATTENDEE_UPSERT, {"id": "A1", "fields": {"ticket_serial": 5000}},
     "ticket_serial is out of range"),
    (ChangeKind.ATTENDEE_UPSERT, {"id": "A1", "fields": {"photo_consent": "yes"}},
     "photo_consent must be true, false or empty"),
    (ChangeKind.ATTENDEE_UPSERT, {"id": "A1"}, "fields must be a mapping"),
    (ChangeKind.EVENT_UPDATE, {"fields": {"public_key": "not hex"}},
     "public_key must be 64 hexadecimal characters"),
    (ChangeKind.EVENT_UPDATE, {"fields": {"categories": "delegate"}},
     "categories must be a list"),
    (ChangeKind.EVENT_UPDATE, {"fields": {}},
     "fields must be a mapping with at least one field"),
    (ChangeKind.SESSION_UPSERT, {"id": "w", "name": "W", "capacity": "forty"},
     "capacity must be a whole number"),
    (ChangeKind.SESSION_UPSERT, {"id": "w", "name": "W", "capacity": True},
     "capacity must be a whole number"),
    (ChangeKind.CHECKPOINT_UPSERT, {"id": "cp", "name": 3}, "name must be text"),
    (ChangeKind.BADGE_PRINTED, [1, 2], "its content is not a mapping"),
])
def test_ill_formed_changes_are_named(kind, payload, problem) -> None:
    assert payload_problem(kind, payload) == problem


def test_a_later_versions_extra_keys_pass() -> None:
    assert payload_problem(ChangeKind.CHECKIN, {"attendee_id": "A1", "at": "x",
                                                "temperature": 36.6}) is None
    assert payload_problem(ChangeKind.ATTENDEE_EDIT, {"id": "A1", "fields": {
        "dietary": ["vegan"]}}) is None


def test_every_change_the_app_makes_is_well_formed(tmp_path: Path) -> None:
    store, _ = create_demo_event(tmp_path / "demo.db", attendees=60, seed=3)
    people = [a for a in store.conn.execute(
        "SELECT id FROM attendees WHERE status = 'active' ORDER BY id LIMIT 4")]
    desk = Desk(store, "Desk 1", "Sam")
    desk.check_in(people[0][0])
    desk.undo()
    desk.walk_in("Noor", "Haddad", organisation="Shelter")
    desk.edit(people[1][0], badge_name="Jo", pronouns="they/them")
    merge_attendees(store, people[2][0], people[3][0], operator="Sam")
    reissue(store, people[1][0])
    assert event_settings.save_workshop(store, event_settings.WorkshopForm(
        "Listening", "Quiet Room", "16:00", "17:00", "12")).saved
    assert event_settings.save_checkpoint(store, "Quiet door", None).saved
    assert event_settings.remove_checkpoint(store, "cp-quiet-door").saved
    assert event_settings.add_category(store, "trustee", "#123456").saved
    assert event_settings.set_category_label(store, "trustee", "Board").saved
    assert event_settings.set_category_discreet(store, "trustee", True).saved
    assert event_settings.rename_category(store, "press", "Media").saved
    assert event_settings.merge_category(store, "Media", "delegate").saved
    store.record(ChangeKind.BADGE_PRINTED, {"attendee_id": people[0][0],
                                            "at": "2026-11-28T09:00", "layout": "cr80",
                                            "printer": "KioskPDF"})
    made = list(store.changes())
    store.close()
    assert {c.kind for c in made} >= {ChangeKind(k) for k in (
        "event.update", "attendee.upsert", "attendee.edit", "walkin", "attendee.merge",
        "ticket.reissue", "session.upsert", "checkpoint.upsert", "checkpoint.remove", "checkin",
        "checkin.void", "badge.printed")}
    assert [(c.kind, payload_problem(c.kind, c.payload, strict=True)) for c in made
            if payload_problem(c.kind, c.payload, strict=True)] == []


# -- one home per kind ----------------------------------------------------------------------


def test_every_kind_has_its_home_and_its_applier() -> None:
    from kiosk.store.appliers import APPLIERS

    assert set(KINDS) == set(ChangeKind)
    assert set(APPLIERS) == set(ChangeKind)
    for kind, spec in KINDS.items():
        assert spec.kind is kind and spec.what, kind
        assert spec.shape.required, f"{kind} has no required keys"


@pytest.mark.parametrize("kind", list(ChangeKind))
def test_every_key_and_field_of_a_kind_is_classified_for_anonymising(kind: ChangeKind) -> None:
    spec = KINDS[kind]
    privacy = spec.privacy
    assert not privacy.kept_keys & privacy.dropped_keys
    assert spec.shape.keys == privacy.classified_keys, (
        f"{kind}: keys neither kept nor dropped by anonymise: "
        f"{sorted(spec.shape.keys - privacy.classified_keys)}")
    if spec.shape.fields is not None and "fields" not in privacy.kept_keys:
        assert not privacy.kept_fields & privacy.dropped_fields
        assert set(spec.shape.fields) == privacy.kept_fields | privacy.dropped_fields, (
            f"{kind}: fields neither kept nor dropped: "
            f"{sorted(set(spec.shape.fields) - privacy.kept_fields - privacy.dropped_fields)}")


def test_what_names_a_person_is_removed_by_a_wipe_and_the_events_shape_is_kept() -> None:
    personal = {kind for kind, spec in KINDS.items() if spec.privacy.wipe is Wipe.REMOVE}
    assert personal == {ChangeKind(k) for k in (
        "attendee.upsert", "attendee.edit", "walkin", "attendee.merge", "ticket.reissue",
        "checkin", "checkin.void", "badge.printed")}
    # Whatever names a person is never kept whole by anonymise.
    for kind in personal:
        assert "operator" not in KINDS[kind].privacy.kept_keys
        assert not {"first_name", "last_name", "email", "badge_name", "organisation",
                    "desk_note", "access_needs", "extra"} & KINDS[kind].privacy.kept_fields


def test_anonymising_keeps_only_what_is_known_to_be_safe() -> None:
    payload = attendee.correction("A1", {"first_name": "Zofia", "category": "speaker",
                                         "email": "z@example.org"}, "Desk 1", "Sam").payload
    payload["fields"]["dietary"] = "vegan"  # a later version's field: unknown, so it goes
    payload["pager"] = "07700 900123"  # a later version's key: the same
    kept = KINDS[ChangeKind.ATTENDEE_EDIT].privacy.anonymised(payload)
    assert kept == {"id": "A1", "desk": "Desk 1", "fields": {"category": "speaker"}}


def test_a_change_made_here_with_a_key_or_field_its_kind_does_not_know_is_refused() -> None:
    assert payload_problem(ChangeKind.CHECKIN, {"attendee_id": "A1", "at": "x",
                                                "temperature": 36.6}, strict=True) == \
        "it has keys its kind does not: temperature"
    assert payload_problem(ChangeKind.ATTENDEE_EDIT, {"id": "A1", "fields": {
        "dietary": ["vegan"]}}, strict=True) == "dietary is not a field its kind can change"
