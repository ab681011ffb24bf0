"""The event's settings as the organisers edit them: details, logo, categories, workshops,
checkpoints and the desks expected, each checked in plain words and written as a change.

Every write goes through the change log (``event.update``, ``session.upsert``,
``session.remove``, ``checkpoint.upsert``, ``checkpoint.remove``, ``attendee.edit``), so
every desk that syncs gets the same event.
A write returns an :class:`Outcome`: a problem to show the organiser, or what was saved.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.core import changes
from kiosk.core.models import MAIN_CHECKPOINT_ID, Checkpoint, Event, Session
from kiosk.core.text import count_people, has, words
from kiosk.services.event_setup import SIGNING_KEY, event_of, session_id_for
from kiosk.store import checkins, console_queries, queries
from kiosk.store.event_store import EventReader, EventStore

# The colours of the bundled badge layouts, so a new event's badges match what it shows.
DEFAULT_COLOURS: dict[str, str] = {
    "delegate": "#1f5fa8",
    "speaker": "#c62828",
    "volunteer": "#2e7d32",
    "press": "#6a1b9a",
    "partner ngo": "#00796b",
    "staff": "#37474f",
}
OTHER_COLOUR = "#455a64"
# Colours for categories added later, in turn: distinct on a badge band and in print.
_NEW_COLOURS = ("#ef6c00", "#ad1457", "#0277bd", "#558b2f", "#4e342e", "#5e35b1")

# Every desk receives the logo through sync, inside a change: kept small so even a run of
# logo changes made offline fits one push to the hub. A badge needs no more than this.
LOGO_LIMIT_BYTES = 500_000
_LOGO_TYPES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))

_COLOUR = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_TIME = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Outcome:
    """What a write did: ``problem`` in plain words when nothing was saved, else ``done``."""

    problem: str = ""
    done: str = ""

    @property
    def saved(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class CategoryLine:
    name: str
    colour: str
    attendees: int  # expected (active) attendees in it


@dataclass(frozen=True)
class WorkshopLine:
    session: Session
    booked: int


@dataclass(frozen=True)
class EventSettings:
    """Everything the Event setup screen shows, read in one go on a worker thread."""

    event: Event
    logo_name: str
    categories: tuple[CategoryLine, ...]
    workshops: tuple[WorkshopLine, ...]
    checkpoints: tuple[Checkpoint, ...]
    desks: tuple[str, ...]
    organisers_copy: bool  # holds the signing key: can make tickets


@dataclass(frozen=True)
class WorkshopForm:
    """A workshop as typed: every field is text until it has been checked."""

    name: str
    room: str = ""
    starts: str = ""
    ends: str = ""
    capacity: str = ""


# -- reading ----------------------------------------------------------------------------


def load_settings(store: EventStore) -> EventSettings:
    event = event_of(store)
    fields = queries.event_fields(store.conn)
    counts = {category.casefold(): expected for category, _came, expected
              in console_queries.category_attendance(store.conn)}
    booked = queries.session_bookings(store.conn)
    logo = fields.get("logo")
    return EventSettings(
        event=event,
        logo_name=str(logo.get("file_name", "logo")) if isinstance(logo, dict) else "",
        categories=tuple(CategoryLine(name, colour_for(event, name),
                                      counts.get(name.casefold(), 0))
                         for name in event.categories),
        workshops=tuple(WorkshopLine(s, booked.get(s.id, 0))
                        for s in queries.list_sessions(store.conn)),
        checkpoints=tuple(queries.list_checkpoints(store.conn)),
        desks=tuple(str(d) for d in fields.get("desks") or ()),
        organisers_copy=store.secret(SIGNING_KEY) is not None,
    )


def colour_for(event: Event, category: str) -> str:
    """A category's badge colour: the organisers' choice, else the bundled layouts' one."""
    return event.colour_of(category) or DEFAULT_COLOURS.get(category.casefold(), OTHER_COLOUR)


def expected_desks(store: EventStore) -> tuple[str, ...]:
    """The desks the organisers expect at the event (for the dashboard's contact list)."""
    return tuple(str(d) for d in queries.event_fields(store.conn).get("desks") or ())


# -- checking what was typed (pure) -------------------------------------------------------


def check_colour(text: str) -> tuple[str, str]:
    """(colour as "#rrggbb", problem): the problem is empty when ``text`` is a colour."""
    match = _COLOUR.fullmatch(text.strip())
    if match is None:
        shown = text.strip() or "An empty box"
        return "", (f"“{shown}” is not a colour. Pick one, or type # and six letters or "
                    "digits 0–9 and a–f, like #1f5fa8.")
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return "#" + digits, ""


def check_time(text: str, which: str) -> tuple[str, str]:
    """(time as "HH:MM" or "", problem) for a workshop's start or end."""
    text = text.strip()
    if not text:
        return "", ""
    match = _TIME.fullmatch(text)
    if match is None:
        return "", (f"Write the {which} time as hours and minutes on the 24-hour clock, "
                    f"like 09:30 or 14:00 (not “{text}”).")
    return f"{int(match.group(1)):02d}:{match.group(2)}", ""


def check_capacity(text: str) -> tuple[int | None, str]:
    text = text.strip()
    if not text:
        return None, ""
    if not text.isdigit() or int(text) < 1:
        return None, (f"The capacity must be a whole number of places, like 40 (not “{text}”)."
                      " Leave it empty if the workshop has no limit.")
    return int(text), ""


def check_date(text: str) -> tuple[str, str]:
    text = text.strip()
    if not text:
        return "", ""
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text).isoformat(), ""
        except ValueError:
            pass
    return "", f"Write the date as year-month-day, like 2026-11-28 (not “{text}”)."


def _same_name(a: str, b: str) -> bool:
    """Two names that differ only in case, spaces or punctuation are the same name."""
    return words(a) == words(b) and bool(words(a))


def check_workshop(
    form: WorkshopForm, others: Sequence[Session]
) -> tuple[Session | None, str]:
    """The workshop ready to save (its id still to be given), or a problem in plain words.

    ``others`` are the workshops already there, less the one being edited.
    """
    name = " ".join(form.name.split())
    if not name:
        return None, "Give the workshop a name."
    clash = next((s for s in others if _same_name(s.name, name)), None)
    if clash is not None:
        return None, (f"There is already a workshop called “{clash.name}”. Give this one "
                      "another name, or choose that one to change it.")
    starts, problem = check_time(form.starts, "start")
    if problem:
        return None, problem
    ends, problem = check_time(form.ends, "end")
    if problem:
        return None, problem
    if ends and not starts:
        return None, "Give the start time too, or leave both times empty."
    if starts and ends and ends <= starts:
        return None, (f"The workshop would end at {ends}, before it starts at {starts}. "
                      "Check the times.")
    capacity, problem = check_capacity(form.capacity)
    if problem:
        return None, problem
    return Session(id="", name=name, room=form.room.strip(), starts=starts, ends=ends,
                   capacity=capacity), ""


# -- the event's details and logo ---------------------------------------------------------


def _update_event(store: EventStore, fields: dict[str, Any]) -> None:
    store.record(changes.event.update(**fields))


def save_details(store: EventStore, name: str, when: str, venue: str) -> Outcome:
    name = " ".join(name.split())
    if not name:
        return Outcome("Give the event a name: it is printed on tickets and badges.")
    when, problem = check_date(when)
    if problem:
        return Outcome(problem)
    event = event_of(store)
    fields = {key: value for key, value, before in (
        ("name", name, event.name), ("date", when, event.date),
        ("venue", venue.strip(), event.venue)) if value != before}
    if not fields:
        return Outcome(done="Nothing to save: the details are as they were.")
    _update_event(store, fields)
    return Outcome(done="Saved the event's details.")


def set_logo(store: EventStore, image: Path) -> Outcome:
    """Keep a copy of the image in the event itself, so every desk's badges can use it."""
    try:
        data = image.read_bytes()
    except OSError as exc:
        return Outcome(f"Could not read {image.name}: {exc.strerror or exc}.")
    media_type = next((kind for magic, kind in _LOGO_TYPES if data.startswith(magic)), None)
    if media_type is None:
        return Outcome(f"{image.name} is not a PNG or JPEG picture. Save the logo as PNG "
                       "(best for logos) or JPEG and choose it again.")
    if len(data) > LOGO_LIMIT_BYTES:
        return Outcome(f"{image.name} is {len(data) // 1000:,} KB; a logo can be at most "
                       f"{LOGO_LIMIT_BYTES // 1000} KB, because every desk gets a copy. "
                       "A PNG about 600 pixels wide is plenty for a badge.")
    if not _decodes(data):
        return Outcome(f"{image.name} cannot be read as a picture: the file may be damaged. "
                       "Save it again from the program that made it, then choose it again.")
    _update_event(store, {"logo": {"file_name": image.name, "media_type": media_type,
                                   "data": base64.b64encode(data).decode("ascii")}})
    return Outcome(done=f"The logo is now {image.name}.")


def _decodes(data: bytes) -> bool:
    """Whether the picture can be drawn: a damaged file would fail on every desk's badges."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.load()
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError):
        return False
    return True


def remove_logo(store: EventStore) -> Outcome:
    _update_event(store, {"logo": None})
    return Outcome(done="Removed the logo.")


def write_logo(store: EventStore, folder: Path) -> Path | None:
    """The event's logo as a file in ``folder`` (for a badge layout's image), if it has one."""
    fields = queries.event_fields(store.conn)
    logo = fields.get("logo")
    data = event_of(store).logo
    if not data or not isinstance(logo, dict):
        return None
    suffix = ".png" if logo.get("media_type") == "image/png" else ".jpg"
    target = folder / f"event-logo{suffix}"
    target.write_bytes(data)
    return target


# -- categories and their badge colours ---------------------------------------------------


def _categories(store: EventStore) -> tuple[Event, list[str], dict[str, str]]:
    event = event_of(store)
    return event, list(event.categories), dict(event.category_colours)


def _colour_key(colours: dict[str, str], name: str) -> str | None:
    return next((key for key in colours if key.casefold() == name.casefold()), None)


def add_category(store: EventStore, name: str, colour: str = "") -> Outcome:
    name = " ".join(name.split())
    if not name:
        return Outcome("Type the new category's name first.")
    event, names, colours = _categories(store)
    clash = next((n for n in names if n.casefold() == name.casefold()), None)
    if clash is not None:
        return Outcome(f"There is already a category called “{clash}”.")
    if colour.strip():
        chosen, problem = check_colour(colour)
        if problem:
            return Outcome(problem)
    else:
        used = {colour_for(event, n) for n in names}
        chosen = next((c for c in _NEW_COLOURS if c not in used), OTHER_COLOUR)
    colours[name] = chosen
    _update_event(store, {"categories": [*names, name], "category_colours": colours})
    return Outcome(done=f"Added the category “{name}”.")


def set_category_colour(store: EventStore, name: str, colour: str) -> Outcome:
    chosen, problem = check_colour(colour)
    if problem:
        return Outcome(problem)
    _event, names, colours = _categories(store)
    current = next((n for n in names if n.casefold() == name.casefold()), None)
    if current is None:
        return Outcome(f"There is no category called “{name}” any more.")
    old_key = _colour_key(colours, current)
    if old_key is not None:
        del colours[old_key]
    colours[current] = chosen
    _update_event(store, {"category_colours": colours})
    return Outcome(done=f"Badges for “{current}” are now {chosen}.")


def rename_category(store: EventStore, old: str, new: str) -> Outcome:
    """Rename a category, and move the people in it to the new name (one change each)."""
    new = " ".join(new.split())
    if not new:
        return Outcome("Type the category's new name.")
    event, names, colours = _categories(store)
    current = next((n for n in names if n.casefold() == old.casefold()), None)
    if current is None:
        return Outcome(f"There is no category called “{old}” any more.")
    clash = next((n for n in names if n.casefold() == new.casefold() and n != current), None)
    if clash is not None:
        return Outcome(f"There is already a category called “{clash}”.")
    if new == current:
        return Outcome(done="The name is as it was.")
    colour = colour_for(event, current)
    old_key = _colour_key(colours, current)
    if old_key is not None:
        del colours[old_key]
    colours[new] = colour
    people = [a.id for a in queries.list_attendees(store.conn, status="all")
              if a.category.casefold() == current.casefold()]
    # One transaction: the list and the people in it never disagree, even after a crash.
    store.record_many([
        changes.event.update(categories=[new if n == current else n for n in names],
                             category_colours=colours),
        *(changes.attendee.correction(attendee_id, {"category": new}, "Event setup")
          for attendee_id in people),
    ])
    moved = f" and moved {len(people)} attendee(s) to it" if people else ""
    return Outcome(done=f"Renamed “{current}” to “{new}”{moved}.")


def remove_category(store: EventStore, name: str) -> Outcome:
    _event, names, colours = _categories(store)
    current = next((n for n in names if n.casefold() == name.casefold()), None)
    if current is None:
        return Outcome(f"There is no category called “{name}” any more.")
    people = sum(1 for a in queries.list_attendees(store.conn, status="all")
                 if a.category.casefold() == current.casefold())
    if people:
        return Outcome(f"{people} attendee(s) are in “{current}”. Rename it instead, or move "
                       "them to another category first.")
    if len(names) == 1:
        return Outcome("An event needs at least one category.")
    old_key = _colour_key(colours, current)
    if old_key is not None:
        del colours[old_key]
    _update_event(store, {"categories": [n for n in names if n != current],
                          "category_colours": colours})
    return Outcome(done=f"Removed the category “{current}”.")


# -- workshops ------------------------------------------------------------------------------


def find_workshop(view: EventReader, name: str) -> Session | None:
    """The workshop a person means by ``name`` (case, spaces and punctuation aside)."""
    return next((s for s in queries.list_sessions(view.conn) if _same_name(s.name, name)),
                None)


def form_of(session: Session) -> WorkshopForm:
    """A workshop as its form shows it, to change some of it."""
    return WorkshopForm(session.name, session.room, session.starts, session.ends,
                        "" if session.capacity is None else str(session.capacity))


def save_workshop(store: EventStore, form: WorkshopForm, editing: str | None = None) -> Outcome:
    """Add a workshop (``editing`` None) or change the one with id ``editing``.

    An edited workshop keeps its id, so bookings and door check-ins stay with it.
    """
    existing = queries.list_sessions(store.conn)
    others = [s for s in existing if s.id != editing]
    session, problem = check_workshop(form, others)
    if session is None:
        return Outcome(problem)
    if editing is not None and all(s.id != editing for s in existing):
        return Outcome("That workshop is no longer in the event file. Reload and try again.")
    new_id = editing or session_id_for(session.name)
    if editing is None and any(s.id == new_id for s in existing):
        return Outcome(f"There is already a workshop with a name like “{session.name}”.")
    store.record(changes.workshop.workshop(new_id, session.name, session.room, session.starts,
                                           session.ends, session.capacity))
    booked = queries.session_bookings(store.conn).get(new_id, 0)
    done = f"Saved “{session.name}”." if editing else f"Added the workshop “{session.name}”."
    if session.capacity is not None and booked > session.capacity:
        done += (f" Note: {booked} people are already booked on it, more than its "
                 f"{session.capacity} places.")
    return Outcome(done=done)


def remove_workshop(store: EventStore, session_id: str) -> Outcome:
    """Take a workshop out of the event (one added by mistake, or one nobody is on any more),
    with its doors. Refused while anyone is booked on it or has come in at one of its doors:
    bookings come from the registration file, and the report counts who came."""
    session = next((s for s in queries.list_sessions(store.conn) if s.id == session_id), None)
    if session is None:
        return Outcome("That workshop is no longer in the event file. Reload and try again.")
    doors = [p for p in queries.list_checkpoints(store.conn) if p.session_id == session_id]
    came = sum(checkins.attendance(store.conn, p.id) for p in doors)
    if came:
        return Outcome(f"{count_people(came)} {has(came)} been checked in to “{session.name}”, so "
                       "it stays in the event for the report.")
    booked = queries.session_bookings(store.conn).get(session_id, 0)
    if booked:
        verb = "is" if booked == 1 else "are"
        return Outcome(f"{count_people(booked)} {verb} booked on “{session.name}”. Take the "
                       "bookings out in the registration system and import again, then "
                       "remove it.")
    store.record_many([
        *(changes.workshop.checkpoint_removed(p.id) for p in doors),
        changes.workshop.workshop_removed(session_id),
    ])
    gone = f" and its door “{doors[0].name}”" if len(doors) == 1 else (
        f" and its {len(doors)} doors" if doors else "")
    return Outcome(done=f"Removed the workshop “{session.name}”{gone}.")


# -- checkpoints ----------------------------------------------------------------------------


def checkpoint_id_for(name: str) -> str:
    """The same rule as `kiosk checkpoints --add`, so the console and the CLI agree."""
    return "cp-" + "-".join(words(name))[:60]


def find_checkpoint(view: EventReader, name: str) -> Checkpoint | None:
    """The checkpoint a person means by ``name`` (case, spaces and punctuation aside)."""
    return next((p for p in queries.list_checkpoints(view.conn) if _same_name(p.name, name)),
                None)


def save_checkpoint(
    store: EventStore, name: str, session_id: str | None, editing: str | None = None
) -> Outcome:
    """Add a checkpoint (a workshop door) or rename / re-link the one with id ``editing``."""
    name = " ".join(name.split())
    if not name:
        return Outcome("Give the checkpoint a name, like “Garden Room door”.")
    points = queries.list_checkpoints(store.conn)
    clash = next((p for p in points if p.id != editing and _same_name(p.name, name)), None)
    if clash is not None:
        return Outcome(f"There is already a checkpoint called “{clash.name}”.")
    if session_id and checkins.get_session(store.conn, session_id) is None:
        return Outcome("That workshop is no longer in the event file. Reload and try again.")
    if editing == MAIN_CHECKPOINT_ID and session_id:
        return Outcome("The main desk is where everyone arrives; it cannot be a workshop's "
                       "door. Add a new checkpoint for the door instead.")
    new_id = editing or checkpoint_id_for(name)
    if editing is None and any(p.id == new_id for p in points):
        return Outcome(f"There is already a checkpoint with a name like “{name}”.")
    store.record(changes.workshop.checkpoint(new_id, name, session_id or None))
    return Outcome(done=f"Saved the checkpoint “{name}”." if editing
                   else f"Added the checkpoint “{name}”.")


def remove_checkpoint(store: EventStore, checkpoint_id: str) -> Outcome:
    """Take a checkpoint out; refused for the main desk and once anyone has come in there."""
    if checkpoint_id == MAIN_CHECKPOINT_ID:
        return Outcome("The main desk is where everyone arrives; it cannot be removed.")
    point = next((p for p in queries.list_checkpoints(store.conn) if p.id == checkpoint_id),
                 None)
    if point is None:
        return Outcome("That checkpoint is no longer in the event file. Reload and try again.")
    came = checkins.attendance(store.conn, checkpoint_id)
    if came:
        return Outcome(f"{count_people(came)} {has(came)} been checked in at “{point.name}”, so "
                       "it stays in the event for the report.")
    store.record(changes.workshop.checkpoint_removed(checkpoint_id))
    return Outcome(done=f"Removed the checkpoint “{point.name}”.")


# -- desks expected at the event ----------------------------------------------------------


def save_desks(store: EventStore, desks: Sequence[str]) -> Outcome:
    """The named desks the organisers expect; the whole list is one event field."""
    names: list[str] = []
    for desk in desks:
        desk = " ".join(desk.split())
        if not desk:
            continue
        clash = next((n for n in names if n.casefold() == desk.casefold()), None)
        if clash is not None:
            return Outcome(f"“{desk}” is in the list twice. Give each desk its own name.")
        names.append(desk)
    _update_event(store, {"desks": names})
    return Outcome(done=f"Saved {len(names)} desk name(s).")


def add_desk(store: EventStore, name: str) -> Outcome:
    if not name.strip():
        return Outcome("Type the desk's name, like “Desk 3” or “Self check-in by the lift”.")
    return save_desks(store, [*expected_desks(store), name])


def remove_desk(store: EventStore, name: str) -> Outcome:
    return save_desks(store, [d for d in expected_desks(store) if d != name])


def rename_desk(store: EventStore, old: str, new: str) -> Outcome:
    if not new.strip():
        return Outcome("Type the desk's new name.")
    return save_desks(store, [new if d == old else d for d in expected_desks(store)])
