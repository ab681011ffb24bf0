"""Whatever a person types, a use case either refuses it in its own words or records changes
its kinds' rules accept: a device can never record a change the hub and the other desks
would refuse (the poisoned push), whatever the input."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.changes import payload_problem
from kiosk.core.refusal import Refusal
from kiosk.services import event_settings
from kiosk.services.attendee_admin import edit_attendee
from kiosk.services.demo import create_demo_event
from kiosk.services.desk import Desk
from kiosk.store.event_store import ChangeRefused, EventStore

# What people type: any text, and the kinds of text forms get (times, numbers, colours).
_TYPED = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"-?\d{1,4}", fullmatch=True),
    st.from_regex(r"\d{1,2}[:.]\d{1,2}", fullmatch=True),
    st.from_regex(r"#?[0-9a-fA-F]{3,7}", fullmatch=True),
    st.sampled_from(["", " ", "delegate", "speaker", "Garden", "25:99", "-5", "1e3"]),
)
_SETTINGS = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def _demo() -> Iterator[EventStore]:
    with tempfile.TemporaryDirectory() as folder:
        store, _ = create_demo_event(Path(folder) / "demo.db", attendees=12, seed=5)
        try:
            yield store
        finally:
            store.close()


def _made_well_formed_or_refused(store: EventStore, action: Callable[[], Any]) -> None:
    """Run one use case; whatever it recorded must pass its kind's rules (strictly)."""
    before = store.change_count()
    try:
        outcome = action()
    except ChangeRefused as exc:  # the use case let through what the rules refuse
        raise AssertionError(f"a use case made a change its kind refuses: {exc}") from exc
    except Refusal:
        assert store.change_count() == before  # refused: nothing written
        return
    if getattr(outcome, "saved", True) is False:
        assert store.change_count() == before
    made = list(store.changes())[before:]
    assert [c.kind for c in made if payload_problem(c.kind, c.payload, strict=True)] == []


@_SETTINGS
@given(name=_TYPED, room=_TYPED, starts=_TYPED, ends=_TYPED, capacity=_TYPED)
def test_workshops_as_typed(name: str, room: str, starts: str, ends: str,
                            capacity: str) -> None:
    with _demo() as store:
        _made_well_formed_or_refused(store, lambda: event_settings.save_workshop(
            store, event_settings.WorkshopForm(name, room, starts, ends, capacity)))
        _made_well_formed_or_refused(store, lambda: event_settings.save_checkpoint(
            store, name, None))


@_SETTINGS
@given(name=_TYPED, colour=_TYPED, when=_TYPED, venue=_TYPED, desk=_TYPED)
def test_event_details_categories_and_desks_as_typed(name: str, colour: str, when: str,
                                                     venue: str, desk: str) -> None:
    with _demo() as store:
        _made_well_formed_or_refused(store, lambda: event_settings.save_details(
            store, name, when, venue))
        _made_well_formed_or_refused(store, lambda: event_settings.add_category(
            store, name, colour))
        _made_well_formed_or_refused(store, lambda: event_settings.rename_category(
            store, "delegate", name))
        _made_well_formed_or_refused(store, lambda: event_settings.set_category_label(
            store, "speaker", venue))
        _made_well_formed_or_refused(store, lambda: event_settings.merge_category(
            store, "press", name))
        _made_well_formed_or_refused(store, lambda: event_settings.add_desk(store, desk))


@_SETTINGS
@given(first=_TYPED, last=_TYPED, badge=_TYPED, org=_TYPED, category=_TYPED,
       pronouns=_TYPED)
def test_walk_ins_and_corrections_as_typed(first: str, last: str, badge: str, org: str,
                                           category: str, pronouns: str) -> None:
    with _demo() as store:
        desk = Desk(store, "Desk 1", "Sam")
        someone = store.conn.execute(
            "SELECT id FROM attendees WHERE status = 'active' ORDER BY id").fetchone()[0]
        _made_well_formed_or_refused(store, lambda: desk.walk_in(first, last, badge, org,
                                                                 category))
        _made_well_formed_or_refused(store, lambda: desk.edit(
            someone, badge_name=badge, pronouns=pronouns, category=category))
        _made_well_formed_or_refused(store, lambda: edit_attendee(
            store, someone, {"first_name": first, "email": org, "organisation": org,
                             "desk_note": last, "category": category}))
