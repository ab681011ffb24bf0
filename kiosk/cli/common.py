"""What every command shares: the error a person can fix, opening the event file, JSON out,
and the shape of a command's help."""

from __future__ import annotations

import argparse
import json
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


def attendee_json(attendee: Any) -> dict[str, Any]:
    return {
        "id": attendee.id,
        "first_name": attendee.first_name,
        "last_name": attendee.last_name,
        "badge_name": attendee.badge_name,
        "pronouns": attendee.pronouns,
        "organisation": attendee.organisation,
        "email": attendee.email,
        "category": attendee.category,
        "status": attendee.status.value,
        "sessions": list(attendee.sessions),
        "checked_in": attendee.checked_in,
    }
