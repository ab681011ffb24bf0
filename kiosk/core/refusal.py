"""The one kind of exception a person is shown as it is: an action refused or impossible."""

from __future__ import annotations


class Refusal(Exception):
    """Something a person asked for cannot be done; the message says why and what to do,
    in words for them (the desk, the console and the command line show it unchanged).
    Faults of the machine (a full disk, a damaged file) are not refusals: they are put
    into words by ``kiosk.services.faults``."""
