"""Check-in decisions: checks in a fixed order, each outcome with a reason in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.core.models import Attendee, Checkpoint, Session, Status

# The same code read again at the same desk this soon is the scanner firing twice: a
# scanner's double read comes within a few hundred milliseconds. Later than this it is a
# person presenting the ticket again, and the desk says "already" (amber) so that they look.
REPEAT_WINDOW_MS = 1_000
# A check-in made at this desk this recently is "just now" when the ticket comes again.
JUST_NOW_S = 120


class Outcome(StrEnum):
    """What a scan or a check-in from a search comes to; the value is the reason code."""

    OK = "ok"
    ALREADY = "already"
    REPEAT = "repeat"
    UNKNOWN = "unknown"
    FORGED = "forged"
    OTHER_EVENT = "other_event"
    CANCELLED = "cancelled"
    REVOKED = "revoked"
    NOT_BOOKED = "not_booked"
    FULL = "full"


class Tone(StrEnum):
    """Green: let them in. Amber: a person should look. Red: do not let them in on this code."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


TONES: dict[Outcome, Tone] = {
    Outcome.OK: Tone.GREEN,
    Outcome.REPEAT: Tone.GREEN,
    Outcome.ALREADY: Tone.AMBER,
    Outcome.NOT_BOOKED: Tone.AMBER,
    Outcome.FULL: Tone.AMBER,
    Outcome.UNKNOWN: Tone.RED,
    Outcome.FORGED: Tone.RED,
    Outcome.OTHER_EVENT: Tone.RED,
    Outcome.CANCELLED: Tone.RED,
    Outcome.REVOKED: Tone.RED,
}

HEADLINES: dict[Outcome, str] = {
    Outcome.OK: "Checked in",
    Outcome.REPEAT: "Checked in",
    Outcome.ALREADY: "Already checked in",
    Outcome.NOT_BOOKED: "Not booked",
    Outcome.FULL: "Workshop full",
    Outcome.UNKNOWN: "Not recognised",
    Outcome.FORGED: "Code not valid",
    Outcome.OTHER_EVENT: "Other event",
    Outcome.CANCELLED: "Registration cancelled",
    Outcome.REVOKED: "Old ticket",
}

CODE_MESSAGES: dict[Outcome, str] = {
    Outcome.UNKNOWN: "This code is not a ticket for this event. Ask for their name and find "
    "them with Search.",
    Outcome.FORGED: "This code is damaged or not genuine. Ask for their name and find them "
    "with Search.",
    Outcome.OTHER_EVENT: "This ticket is for a different event. Ask for their name and find "
    "them with Search.",
    # A code the registration system withdrew (re-issued, cancelled or blocked in pretix).
    Outcome.REVOKED: "This ticket code was withdrawn by the registration system (replaced, "
    "cancelled or blocked). Ask for their name and find them with Search.",
}


@dataclass(frozen=True)
class PriorCheckin:
    """The check-in that already counts: when, at which desk, by whom."""

    change_id: str
    at: str  # ISO local time
    device: str
    operator: str


@dataclass(frozen=True)
class CheckinFacts:
    """What the desk knows when deciding on one attendee at one checkpoint."""

    attendee: Attendee
    checkpoint: Checkpoint
    session: Session | None = None
    presented_serial: int | None = None  # None: not from a signed ticket
    booked: bool = True
    attendance: int = 0  # people checked in at this checkpoint so far
    prior: PriorCheckin | None = None
    override: bool = False  # a supervisor lets them in anyway
    # Seconds since the prior check-in, when it was made at this very desk (else None).
    prior_here_s: float | None = None


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    message: str

    @property
    def admits(self) -> bool:
        """Whether this decision records a check-in."""
        return self.outcome is Outcome.OK


def clock_time(iso: str) -> str:
    """"2026-11-28T09:12:45" -> "09:12"."""
    return iso[11:16] if len(iso) >= 16 else iso


def decide(facts: CheckinFacts) -> Decision:
    """The attendee-level checks, in their fixed order, after the code itself was accepted."""
    attendee, session = facts.attendee, facts.session
    if attendee.status is Status.CANCELLED:
        return Decision(Outcome.CANCELLED, "This registration was cancelled. Please send them to "
                        "the help desk to sort it out.")
    if facts.presented_serial is not None and facts.presented_serial < attendee.ticket_serial:
        return Decision(Outcome.REVOKED, "This ticket was replaced by a newer one. Ask for the "
                        "newest ticket, or find them with Search.")
    if session is not None and not facts.booked and not facts.override:
        return Decision(Outcome.NOT_BOOKED, f"Not booked on “{session.name}”. A supervisor can "
                        "let them in if there is room.")
    if facts.prior is not None:
        prior = facts.prior
        if facts.prior_here_s is not None and facts.prior_here_s <= JUST_NOW_S:
            return Decision(Outcome.ALREADY, f"Already checked in just now at this desk "
                            f"({clock_time(prior.at)}). Same ticket twice? Nothing more to do.")
        who = f" by {prior.operator}" if prior.operator else ""
        return Decision(Outcome.ALREADY, f"Already checked in at {clock_time(prior.at)} at "
                        f"{prior.device}{who}.")
    if (session is not None and session.capacity is not None
            and facts.attendance >= session.capacity and not facts.override):
        return Decision(Outcome.FULL, f"“{session.name}” is full ({facts.attendance} of "
                        f"{session.capacity}). A supervisor can let them in anyway.")
    name = attendee.display_name or "guest"
    where = f" to “{session.name}”" if session else ""
    return Decision(Outcome.OK, f"Welcome{where}, {name}!")
