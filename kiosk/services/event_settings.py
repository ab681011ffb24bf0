"""The event's settings as the organisers edit them: details, logo, categories (with their
badge labels, colours and discretion), workshops, checkpoints and the desks expected, each
checked in plain words and written as a change.

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
from kiosk.core.changes import NewChange
from kiosk.core.models import MAIN_CHECKPOINT_ID, Checkpoint, Event, Session, same_category_key
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
    name: str  # the organisers' word for it (an imported ticket type, until renamed)
    colour: str
    attendees: int  # expected (active) attendees in it
    label: str = ""  # what its badges print; "" prints nothing
    discreet: bool = False  # its name is never shown at desks or in files for others
    listed: bool = True  # on the event's own list (else only people are in it)


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
    booked = queries.session_bookings(store.conn)
    logo = fields.get("logo")
    return EventSettings(
        event=event,
        logo_name=str(logo.get("file_name", "logo")) if isinstance(logo, dict) else "",
        categories=category_lines(store, event),
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


# -- categories: their badge labels, colours and discretion --------------------------------

# A badge label fits a badge's band; a longer one would shrink to nothing legible.
LABEL_LIMIT = 40


def category_lines(view: EventReader, event: Event) -> tuple[CategoryLine, ...]:
    """Every category in use: the event's own list, then any other category people are in
    (one an import made before imports listed their categories), each with its count."""
    counts: dict[str, int] = {}
    spelt: dict[str, str] = {}
    for _id, category, expected in console_queries.attendee_categories(view.conn):
        if not category.strip():
            continue
        key = same_category_key(category)
        spelt.setdefault(key, category)
        counts[key] = counts.get(key, 0) + int(expected)
    listed = {same_category_key(name) for name in event.categories}
    others = sorted((name for key, name in spelt.items() if key not in listed), key=str.casefold)
    return tuple(
        CategoryLine(name, colour_for(event, name), counts.get(same_category_key(name), 0),
                     event.label_of(name), event.is_discreet(name),
                     same_category_key(name) in listed)
        for name in (*event.categories, *others))


def _drop(mapping: dict[str, str], name: str) -> None:
    """Forget ``name`` in a mapping keyed by category names (keys compared as names)."""
    for key in [k for k in mapping if same_category_key(k) == same_category_key(name)]:
        del mapping[key]


class _Categories:
    """The event's category fields as one write changes them; ``update()`` holds only the
    fields that changed, so an edit here never rewrites what another device set meanwhile."""

    def __init__(self, store: EventStore) -> None:
        self.event = event_of(store)
        self.lines = category_lines(store, self.event)
        self.names = list(self.event.categories)
        self.colours = dict(self.event.category_colours)
        self.labels = dict(self.event.category_labels)
        self.discreet = list(self.event.discreet_categories)
        self.ticket_types = dict(self.event.ticket_types)
        self._before = self._fields()

    def _fields(self) -> dict[str, Any]:
        return {"categories": list(self.names), "category_colours": dict(self.colours),
                "category_labels": dict(self.labels), "discreet_categories": list(self.discreet),
                "ticket_types": dict(self.ticket_types)}

    def find(self, name: str) -> CategoryLine | None:
        key = same_category_key(name)
        return next((line for line in self.lines if same_category_key(line.name) == key), None)

    def list_it(self, line: CategoryLine) -> None:
        """Put a category people are in on the event's own list (walk-ins can choose it)."""
        if not line.listed and line.name not in self.names:
            self.names.append(line.name)

    def set_discreet(self, name: str, discreet: bool) -> None:
        self.discreet = [n for n in self.discreet
                         if same_category_key(n) != same_category_key(name)]
        if discreet:
            self.discreet.append(name)

    def forget(self, name: str, moved_to: str | None) -> None:
        """``name`` is gone: its colour, label and discretion go; ticket types that went to
        it go to ``moved_to`` from now on (or to a new category, when it was removed)."""
        key = same_category_key(name)
        self.names = [n for n in self.names if same_category_key(n) != key]
        _drop(self.colours, name)
        _drop(self.labels, name)
        self.set_discreet(name, False)
        for ticket_type, category in list(self.ticket_types.items()):
            if same_category_key(category) == key:
                if moved_to is None:
                    del self.ticket_types[ticket_type]
                else:
                    self.ticket_types[ticket_type] = moved_to
        if moved_to is not None:
            _drop(self.ticket_types, name)
            self.ticket_types[name] = moved_to
        for ticket_type, category in list(self.ticket_types.items()):
            if same_category_key(ticket_type) == same_category_key(category):
                del self.ticket_types[ticket_type]  # goes to its namesake anyway

    def update(self) -> NewChange | None:
        fields = {key: value for key, value in self._fields().items()
                  if value != self._before[key]}
        return changes.event.update(**fields) if fields else None


def _people_in(store: EventStore, name: str) -> list[str]:
    key = same_category_key(name)
    return [attendee_id for attendee_id, category, _expected
            in console_queries.attendee_categories(store.conn)
            if same_category_key(category) == key]


def _record(store: EventStore, state: _Categories,
            moves: Sequence[tuple[str, str]] = ()) -> None:
    """The event's new category fields and each person's move (attendee id, category), in
    one transaction: the list and the people in it never disagree, even after a crash."""
    update = state.update()
    store.record_many([
        *([update] if update is not None else []),
        *(changes.attendee.correction(attendee_id, {"category": category}, "Event setup")
          for attendee_id, category in moves),
    ])


def _clean(name: str) -> str:
    return " ".join(name.split())


def _gone(name: str) -> Outcome:
    return Outcome(f"There is no category called “{name}” any more.")


def _prints(label: str) -> str:
    return f"its badges print “{label}”" if label else "its badges print no label"


def check_label(label: str) -> tuple[str, str]:
    """(label as printed, problem): a label is short enough for a badge's band."""
    label = _clean(label)
    if len(label) > LABEL_LIMIT:
        return "", (f"A badge label can be at most {LABEL_LIMIT} characters (this one has "
                    f"{len(label)}). Use a short word, like “Guest”.")
    return label, ""


def add_category(store: EventStore, name: str, colour: str = "", label: str = "",
                 discreet: bool = False) -> Outcome:
    """A category of the organisers' own: its badges print ``label``, or its name when no
    label is typed (they chose the word themselves) unless it is discreet."""
    name = _clean(name)
    if not name:
        return Outcome("Type the new category's name first.")
    state = _Categories(store)
    clash = state.find(name)
    if clash is not None:
        return Outcome(f"There is already a category called “{clash.name}”.")
    label, problem = check_label(label or ("" if discreet else name))
    if problem:
        return Outcome(problem)
    if colour.strip():
        chosen, problem = check_colour(colour)
        if problem:
            return Outcome(problem)
    else:
        used = {line.colour for line in state.lines}
        chosen = next((c for c in _NEW_COLOURS if c not in used), OTHER_COLOUR)
    state.names.append(name)
    state.colours[name] = chosen
    state.labels[name] = label
    state.set_discreet(name, discreet)
    _drop(state.ticket_types, name)  # its own ticket type comes to it again
    _record(store, state)
    return Outcome(done=f"Added the category “{name}”; {_prints(label)}.")


def set_category_colour(store: EventStore, name: str, colour: str) -> Outcome:
    chosen, problem = check_colour(colour)
    if problem:
        return Outcome(problem)
    state = _Categories(store)
    line = state.find(name)
    if line is None:
        return _gone(name)
    state.list_it(line)
    _drop(state.colours, line.name)
    state.colours[line.name] = chosen
    _record(store, state)
    return Outcome(done=f"Badges for “{line.name}” are now {chosen}.")


def set_category_label(store: EventStore, name: str, label: str) -> Outcome:
    """What the badges of a category print (empty: nothing); never the name itself unless
    the organisers type it here."""
    label, problem = check_label(label)
    if problem:
        return Outcome(problem)
    state = _Categories(store)
    line = state.find(name)
    if line is None:
        return _gone(name)
    state.list_it(line)
    _drop(state.labels, line.name)
    state.labels[line.name] = label
    _record(store, state)
    return Outcome(done=f"Badges for “{line.name}” now print “{label}”." if label
                   else f"Badges for “{line.name}” now print no label.")


def set_category_discreet(store: EventStore, name: str, discreet: bool) -> Outcome:
    """A discreet category's name is never shown at a desk, at self check-in or in a file
    for others; desks see its badge label instead."""
    state = _Categories(store)
    line = state.find(name)
    if line is None:
        return _gone(name)
    state.list_it(line)
    state.set_discreet(line.name, discreet)
    named = discreet and same_category_key(line.label) == same_category_key(line.name)
    if named:  # a label that is the name would show the name on every badge and desk
        _drop(state.labels, line.name)
        state.labels[line.name] = ""
    _record(store, state)
    if named:
        return Outcome(done=f"“{line.name}” is discreet: desks show only its badge label, "
                            "and its badges now print no label (the label was its name). "
                            "Type another label if its badges should say something.")
    if discreet:
        return Outcome(done=f"“{line.name}” is discreet: desks show only its badge label.")
    return Outcome(done=f"“{line.name}” is no longer discreet: desks can show its name.")


def rename_category(store: EventStore, old: str, new: str) -> Outcome:
    """Rename a category, and move the people in it to the new name (one change each). Its
    badges go on printing what they printed: the label is changed on its own."""
    new = _clean(new)
    if not new:
        return Outcome("Type the category's new name.")
    state = _Categories(store)
    line = state.find(old)
    if line is None:
        return _gone(old)
    clash = state.find(new)
    if clash is not None and clash is not line:
        return Outcome(f"There is already a category called “{clash.name}”. To put "
                       "everyone in one category, choose this one and Merge it into that one.")
    if new == line.name:
        return Outcome(done="The name is as it was.")
    place = state.names.index(line.name) if line.name in state.names else len(state.names)
    state.forget(line.name, moved_to=new)
    state.names.insert(place, new)
    state.colours[new] = line.colour
    state.labels[new] = line.label
    state.set_discreet(new, line.discreet)
    people = _people_in(store, line.name)
    _record(store, state, [(attendee_id, new) for attendee_id in people])
    moved = f" and moved {len(people)} attendee(s) to it" if people else ""
    return Outcome(done=f"Renamed “{line.name}” to “{new}”{moved}; {_prints(line.label)}.")


def merge_category(store: EventStore, name: str, into: str) -> Outcome:
    """Move everyone in ``name`` to ``into``, and ``name`` goes (with its label, colour and
    discretion); ticket types that went to it go to ``into`` from now on."""
    state = _Categories(store)
    source, target = state.find(name), state.find(into)
    if source is None:
        return _gone(name)
    if target is None:
        return _gone(into)
    if source is target:
        return Outcome("Choose another category to merge it into.")
    state.list_it(target)
    state.forget(source.name, moved_to=target.name)
    if not any(same_category_key(n) == same_category_key(target.name) for n in state.names):
        state.names.append(target.name)
    people = _people_in(store, source.name)
    _record(store, state, [(attendee_id, target.name) for attendee_id in people])
    moved = (f"Moved {len(people)} attendee(s) from “{source.name}” to “{target.name}”"
             if people else f"Nobody was in “{source.name}”")
    return Outcome(done=f"{moved}; “{source.name}” is gone. "
                        f"{_prints(target.label).capitalize()}.")


def remove_category(store: EventStore, name: str) -> Outcome:
    state = _Categories(store)
    line = state.find(name)
    if line is None or not line.listed:
        return _gone(name)
    people = len(_people_in(store, line.name))
    if people:
        return Outcome(f"{people} attendee(s) are in “{line.name}”. Rename it instead, or "
                       "merge it into another category (everyone in it moves there).")
    if len(state.names) == 1:
        return Outcome("An event needs at least one category.")
    state.forget(line.name, moved_to=None)
    _record(store, state)
    return Outcome(done=f"Removed the category “{line.name}”.")


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
