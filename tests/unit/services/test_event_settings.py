"""Event settings: every edit is a change in the log, checked in plain words, and read back."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kiosk.badges import BadgeData
from kiosk.cli import main
from kiosk.core.changes import ChangeKind
from kiosk.core.models import Attendee
from kiosk.services import event_settings as settings
from kiosk.services.badge_printing import BadgeSelection, select_attendees
from kiosk.services.demo import create_demo_event
from kiosk.services.event_settings import WorkshopForm
from kiosk.services.event_setup import NewEvent, create_event, event_of
from kiosk.store import queries
from kiosk.store.checkins import get_session
from kiosk.store.event_store import EventStore


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 48), "#1f5fa8").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    store = create_event(tmp_path / "event.db", NewEvent("Freedom Day", "2026-05-02", "Leeds"))
    store.close()
    return tmp_path / "event.db"


@pytest.fixture
def organisers(path: Path) -> EventStore:
    store = EventStore.open(path)
    yield store
    store.close()


def kinds(store: EventStore) -> list[ChangeKind]:
    return [change.kind for change in store.changes()]


def test_details_are_saved_as_an_event_update_and_bad_dates_are_refused(organisers) -> None:
    before = len(kinds(organisers))
    outcome = settings.save_details(organisers, "Freedom Day 2026", "2026-05-03", "Leeds Civic")
    assert outcome.saved and outcome.done == "Saved the event's details."
    event = event_of(organisers)
    assert (event.name, event.date, event.venue) == ("Freedom Day 2026", "2026-05-03",
                                                     "Leeds Civic")
    assert kinds(organisers)[before:] == [ChangeKind.EVENT_UPDATE]

    for bad in ("3 May", "2026-02-30"):
        refused = settings.save_details(organisers, "Freedom Day", bad, "")
        assert refused.problem.startswith("Write the date as year-month-day, like 2026-11-28")
    assert settings.save_details(organisers, "   ", "", "").problem.startswith(
        "Give the event a name")
    assert event_of(organisers).date == "2026-05-03"  # nothing refused was written


@pytest.mark.parametrize(("form", "problem"), [
    (WorkshopForm("Art room", capacity="forty"), "The capacity must be a whole number"),
    (WorkshopForm("Art room", capacity="12.5"), "The capacity must be a whole number"),
    (WorkshopForm("Art room", capacity="0"), "The capacity must be a whole number"),
    (WorkshopForm("Art room", starts="11:00", ends="10:30"),
     "The workshop would end at 10:30, before it starts at 11:00"),
    (WorkshopForm("Art room", starts="11 o'clock"), "Write the start time as hours and minutes"),
    (WorkshopForm("Art room", ends="12:00"), "Give the start time too"),
    (WorkshopForm("  "), "Give the workshop a name."),
    (WorkshopForm("engaging with  BUSINESSES"),
     "There is already a workshop called “Engaging With Businesses”"),
])
def test_a_workshop_with_bad_details_is_refused_in_plain_words(organisers, form, problem):
    settings.save_workshop(organisers, WorkshopForm("Engaging With Businesses", "Equiano",
                                                    "11:00", "12:30", "30"))
    outcome = settings.save_workshop(organisers, form)
    assert outcome.problem.startswith(problem)
    assert [s.name for s in queries.list_sessions(organisers.conn)] == [
        "Engaging With Businesses"]


def test_a_workshop_added_here_is_listed_by_kiosk_sessions(organisers, path, capsys) -> None:
    outcome = settings.save_workshop(organisers, WorkshopForm(
        "Train the Trainer Taster", "Wilberforce Room", "9.30", "11:00", " 40 "))
    assert outcome.done == "Added the workshop “Train the Trainer Taster”."
    assert main(["sessions", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{
        "id": "s-train-the-trainer-taster", "name": "Train the Trainer Taster",
        "room": "Wilberforce Room", "starts": "09:30", "ends": "11:00", "capacity": 40,
        "booked": 0}]


def test_an_edited_workshop_keeps_its_id_and_its_bookings(tmp_path) -> None:
    store, _ = create_demo_event(tmp_path / "demo.db", attendees=60, seed=3)
    try:
        workshop = queries.list_sessions(store.conn)[0]
        booked = queries.session_bookings(store.conn)[workshop.id]
        outcome = settings.save_workshop(store, WorkshopForm(
            "Renamed workshop", workshop.room, workshop.starts, workshop.ends, "1"),
            editing=workshop.id)
        assert outcome.done.startswith("Saved “Renamed workshop”.")
        assert f"Note: {booked} people are already booked on it" in outcome.done
        renamed = get_session(store.conn, workshop.id)
        assert renamed is not None and renamed.name == "Renamed workshop"
        assert renamed.capacity == 1
        assert queries.session_bookings(store.conn)[workshop.id] == booked
    finally:
        store.close()


def test_a_checkpoint_is_a_workshop_door_listed_by_kiosk_checkpoints(organisers, path, capsys):
    settings.save_workshop(organisers, WorkshopForm("Garden talk", capacity="20"))
    session = queries.list_sessions(organisers.conn)[0]
    assert settings.save_checkpoint(organisers, "Garden door", session.id).saved
    assert settings.save_checkpoint(organisers, "garden DOOR", None).problem == (
        "There is already a checkpoint called “Garden door”.")
    assert settings.save_checkpoint(organisers, " ", None).problem.startswith(
        "Give the checkpoint a name")
    refused = settings.save_checkpoint(organisers, "Main desk", session.id, editing="main")
    assert refused.problem.startswith("The main desk is where everyone arrives")
    assert main(["checkpoints", str(path), "--json"]) == 0
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert listed["Garden door"]["session_id"] == session.id
    assert listed["Garden door"]["capacity"] == 20
    assert listed["Main desk"]["session_id"] is None


def test_category_colours_reach_the_badge_data_and_bad_colours_are_refused(tmp_path) -> None:
    store, _ = create_demo_event(tmp_path / "demo.db", attendees=30, seed=2)
    try:
        for bad in ("blue", "#12345", "#ggg000", ""):
            assert "is not a colour" in settings.set_category_colour(store, "speaker",
                                                                     bad).problem
        assert settings.set_category_colour(store, "Speaker", "#C0F").done == (
            "Badges for “speaker” are now #cc00ff.")
        speaker = Attendee(id="x", first_name="Ada", category="speaker")
        badge = BadgeData(speaker, "code", event_of(store))
        assert badge.event.colour_of(badge.attendee.category) == "#cc00ff"
        loaded = settings.load_settings(store)
        colours = {line.name: line.colour for line in loaded.categories}
        assert colours["speaker"] == "#cc00ff"
        assert colours["delegate"] == "#1f5fa8"  # untouched: the bundled layouts' colour
    finally:
        store.close()


def test_renaming_a_category_moves_its_people_and_removing_needs_it_empty(tmp_path) -> None:
    store, _ = create_demo_event(tmp_path / "demo.db", attendees=80, seed=4)
    try:
        press = [a.id for a in queries.list_attendees(store.conn, status="all")
                 if a.category == "press"]
        assert press
        refused = settings.remove_category(store, "press")
        assert refused.problem == (f"{len(press)} attendee(s) are in “press”. Rename it "
                                   "instead, or merge it into another category (everyone in "
                                   "it moves there).")
        assert settings.rename_category(store, "press", "Speaker").problem == (
            "There is already a category called “speaker”. To put everyone in one category, "
            "choose this one and Merge it into that one.")
        outcome = settings.rename_category(store, "press", "Media")
        # Renamed, its badges go on printing what they printed until the label is changed.
        assert outcome.done == (f"Renamed “press” to “Media” and moved {len(press)} "
                                "attendee(s) to it; its badges print “press”.")
        assert event_of(store).label_of("Media") == "press"
        assert "press" not in event_of(store).categories
        assert "Media" in event_of(store).categories
        moved = select_attendees(store, BadgeSelection(category="Media"))
        assert sorted(a.id for a in moved) == sorted(
            a for a in press if queries.get_attendee(store.conn, a).status.value == "active")
        assert event_of(store).colour_of("Media") == "#6a1b9a"  # kept press's colour
        assert settings.add_category(store, "Interpreter", "not a colour").problem.endswith(
            "like #1f5fa8.")
        assert settings.add_category(store, "Interpreter").saved
        assert settings.remove_category(store, "interpreter").done == (
            "Removed the category “Interpreter”.")
        assert "Interpreter" not in event_of(store).categories
    finally:
        store.close()


def test_the_logo_is_kept_in_the_event_and_refused_when_not_a_picture(organisers, tmp_path):
    logo = tmp_path / "charity.png"
    logo.write_bytes(PNG)
    assert settings.set_logo(organisers, logo).done == "The logo is now charity.png."
    assert event_of(organisers).logo == PNG
    assert settings.load_settings(organisers).logo_name == "charity.png"
    written = settings.write_logo(organisers, tmp_path)
    assert written is not None and written.read_bytes() == PNG

    text = tmp_path / "logo.txt"
    text.write_text("not a picture")
    assert settings.set_logo(organisers, text).problem.startswith(
        "logo.txt is not a PNG or JPEG picture.")
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(PNG[:60])
    assert settings.set_logo(organisers, damaged).problem.startswith(
        "damaged.png cannot be read as a picture: the file may be damaged.")
    huge = tmp_path / "huge.png"
    huge.write_bytes(PNG + bytes(settings.LOGO_LIMIT_BYTES))
    assert "a logo can be at most 500 KB" in settings.set_logo(organisers, huge).problem
    assert settings.set_logo(organisers, tmp_path / "gone.png").problem.startswith(
        "Could not read gone.png")
    assert event_of(organisers).logo == PNG  # still the good one
    assert settings.remove_logo(organisers).saved
    assert event_of(organisers).logo == b""


def test_desks_expected_are_one_shared_event_field(organisers) -> None:
    assert settings.add_desk(organisers, "Desk 1").saved
    assert settings.add_desk(organisers, "Lift lobby").saved
    assert settings.add_desk(organisers, "desk 1").problem == (
        "“desk 1” is in the list twice. Give each desk its own name.")
    assert settings.rename_desk(organisers, "Lift lobby", "Self check-in").saved
    assert settings.expected_desks(organisers) == ("Desk 1", "Self check-in")
    assert settings.remove_desk(organisers, "Desk 1").saved
    assert settings.load_settings(organisers).desks == ("Self check-in",)
    last = list(organisers.changes())[-1]
    assert last.kind is ChangeKind.EVENT_UPDATE
    assert last.payload == {"fields": {"desks": ["Self check-in"]}}


def test_a_rebuilt_event_file_has_the_same_settings(organisers) -> None:
    settings.set_category_colour(organisers, "staff", "#000000")
    settings.set_category_label(organisers, "volunteer", "Crew")
    settings.set_category_discreet(organisers, "press", True)
    settings.rename_category(organisers, "speaker", "Panellist")
    settings.add_desk(organisers, "Desk 1")
    settings.save_workshop(organisers, WorkshopForm("Quiet room", capacity="8"))
    before = settings.load_settings(organisers)
    organisers.rebuild()
    assert settings.load_settings(organisers) == before
