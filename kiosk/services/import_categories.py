"""Ticket types into the event's categories: an import puts each ticket type in a category
of the event, and lists a new one with no badge label (its badges print nothing until the
organisers choose the words)."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.core import changes
from kiosk.core.models import Event, same_category_key
from kiosk.store import queries
from kiosk.store.event_store import EventStore


class CategoryPlacer:
    """Places each row's ticket type in the event's categories; remembers the new ones."""

    def __init__(self, event: Event | None) -> None:
        self.event = event if event is not None else Event(name="")
        self._known = {same_category_key(name) for name in self.event.categories}
        self.new: list[str] = []

    def place(self, ticket_type: str) -> str:
        """The category for a row of this file (a new one is noted, to be listed)."""
        category = self.event.category_for_ticket_type(ticket_type)
        key = same_category_key(category)
        if key not in self._known:
            self._known.add(key)
            self.new.append(category)
        return category

    def known(self, ticket_type: str) -> str:
        """Where a ticket type an earlier import wrote goes now (renamed, merged or as it
        was), so a rename in Event setup does not make every row look changed."""
        return self.event.category_for_ticket_type(ticket_type)


def list_new_categories(store: EventStore, names: Sequence[str]) -> None:
    """Add the categories an import made to the event's list, each with a blank badge label
    (one change). A category listed meanwhile keeps what the organisers gave it."""
    event = queries.get_event(store.conn, logo=False)
    if event is None:
        return
    listed = {same_category_key(name) for name in event.categories}
    adding = list(dict.fromkeys(name for name in names if same_category_key(name) not in listed))
    if not adding:
        return
    labels = dict(event.category_labels)
    labelled = {same_category_key(name) for name in labels}
    for name in adding:
        if same_category_key(name) not in labelled:
            labels[name] = ""
    store.record(changes.event.update(categories=[*event.categories, *adding],
                                      category_labels=labels))
