"""What every command shares: the error a person can fix, opening the event file, JSON out,
and the shape of a command's help."""

from __future__ import annotations

import argparse
import json
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.models import Event
from kiosk.core.refusal import Refusal

Handler = Callable[[argparse.Namespace], int]
CommandMaker = Callable[[Any, str, Handler, str, str], argparse.ArgumentParser]


class UserError(Refusal):
    """Something the person at the keyboard can fix; printed without a traceback."""


@contextmanager
def open_event(path: str, *, threaded: bool = False, create: bool = False) -> Iterator[Any]:
    """This process's door to the event file at ``path`` for one command (an EventFile);
    ``threaded`` when the command runs workers beside it (printing); ``create`` for the one
    command that makes a desk's file (``connect``)."""
    from kiosk.services.event_access import EventFile, EventFileError

    if not create and not Path(path).is_file():
        raise UserError(f"There is no event file at {path}. Create one with `kiosk init {path}`"
                        f" or try `kiosk demo {path}`.")
    try:
        event = EventFile.open(path, threaded=threaded, create=create)
    except EventFileError:
        raise  # its own words, and (a fault) its own exit status
    except OSError as exc:
        from kiosk.services.faults import as_fault

        raise as_fault(exc, path) from exc
    try:
        yield event
    finally:
        event.close()


@contextmanager
def open_store(path: str, create: bool = False, organisers: str = "") -> Iterator[Any]:
    """The event file's store, for a command that works inline on this thread.

    ``organisers`` names a command only the organisers' copy may run (an import, a new
    workshop, a desk copy): refused, with what to do, on a desk's copy."""
    with open_event(path, create=create) as event:
        store = event.store
        if organisers and store.setting("role") == "desk":
            raise UserError(f"{Path(path).name} is a desk's copy of the event. Run `kiosk "
                            f"{organisers}` on the organisers' copy (the file made with "
                            "`kiosk init`); its changes reach the desks when they sync.")
        yield store


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def command(
    sub: Any, name: str, handler: Handler, summary: str, example: str
) -> argparse.ArgumentParser:
    """A sub-command whose help says what it does and shows an example."""
    parser = sub.add_parser(
        name, help=summary, description=summary,
        epilog=textwrap.dedent(f"example:\n  {example}"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler)
    return parser


@dataclass(frozen=True)
class CategoryWords:
    """How a command shows a person's category: in words, by its badge label only (as a
    desk's screen does); in --json, by its name too, except that a desk's copy names a
    discreet category as the desk's own forms do (by its label)."""

    event: Event | None
    desk_copy: bool

    @classmethod
    def of(cls, reader: Any) -> CategoryWords:
        """For the event file ``reader`` reads (a store or a reader on it)."""
        from kiosk.store import queries

        return cls(queries.get_event(reader.conn, logo=False),
                   reader.setting("role") == "desk")

    def label(self, category: str) -> str:
        return self.event.label_of(category) if self.event is not None else ""

    def in_words(self, category: str) -> str:
        """`` (label)`` to follow a person's name, or nothing when the badge has none."""
        label = self.label(category)
        return f" ({label})" if label else ""

    def as_json(self, category: str) -> dict[str, str]:
        named = category
        if self.desk_copy and self.event is not None and self.event.is_discreet(category):
            named = self.event.desk_name_of(category)
        return {"category": named, "category_label": self.label(category)}


def attendee_json(attendee: Any, categories: CategoryWords) -> dict[str, Any]:
    return {
        "id": attendee.id,
        "first_name": attendee.first_name,
        "last_name": attendee.last_name,
        "badge_name": attendee.badge_name,
        "pronouns": attendee.pronouns,
        "organisation": attendee.organisation,
        "email": attendee.email,
        **categories.as_json(attendee.category),
        "status": attendee.status.value,
        "sessions": list(attendee.sessions),
        "checked_in": attendee.checked_in,
    }
