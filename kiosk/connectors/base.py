"""The one small protocol every registration system's connector speaks, and its values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Protocol

from kiosk.core.refusal import Refusal


class ConnectorProblem(Refusal):
    """The registration system cannot be used just now; the message says why and what to do.

    ``lasting``: nothing changes until a person acts (a revoked token, a missing
    permission, a wrong address) — the connector stops asking meanwhile. Otherwise (no
    network, the server down or busy) it tries again later, waiting longer each time."""

    def __init__(self, message: str, *, lasting: bool = False, later: str = "") -> None:
        super().__init__(f"{message} {later}" if later else message)
        self.lasting = lasting
        self.now = message  # what is wrong, without what kiosk will do about it later


@dataclass(frozen=True)
class WithdrawnCodes:
    """What a system says about its ticket codes beyond the registrations: the keys its
    signed codes verify with (hex), and the codes it has revoked or blocked."""

    keys: tuple[str, ...] = ()
    revoked: tuple[str, ...] = ()
    blocked: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pulled:
    """What changed since the watermark, laid out for the import: either the bytes of a
    CSV or XLSX file (``data``) or rows of text cells with the headings first (``rows``),
    each read by the import's ``preset`` (None: recognised from the headings).

    ``changed`` is False when nothing changed (a sheet not modified, no order touched);
    ``watermark`` is where the next pull starts. ``complete``: every registration is in it
    (a whole sheet), so people no longer there can be reported missing."""

    source: str
    watermark: str
    changed: bool = True
    data: bytes | None = None
    rows: list[list[str]] = field(default_factory=list)
    preset: str | None = None
    complete: bool = False
    codes: WithdrawnCodes | None = None


class PushVerdict(StrEnum):
    PUSHED = "pushed"  # the system took it
    ALREADY = "already"  # it had it already (an earlier try whose answer was lost)
    REFUSED = "refused"  # it said no: listed for staff, never sent again


@dataclass(frozen=True)
class CheckinPush:
    """One check-in (or its undoing) to tell the system: the change's id is the nonce, so a
    retry after a crash never doubles it."""

    change_id: str
    kind: str  # "checkin" or "void"
    code: str  # the ticket code the system knows the person by
    at: str  # the desk's own time, with its UTC offset
    reference: str = ""  # the system's reference for the person (pretix: ORDER-position)
    target_id: str = ""  # for an undo: the check-in it undoes
    sent_before: bool = False  # an earlier try may have reached the system


@dataclass(frozen=True)
class PushAnswer:
    verdict: PushVerdict
    reason: str = ""  # the system's own code: already_redeemed, canceled, unpaid, invalid…
    message: str = ""  # in plain words, with no personal data


class Connector(Protocol):
    """A live link to where registrations live."""

    system: str  # "pretix", "sheet"

    def check(self) -> list[str]:
        """What is missing for this link to work (the token's permissions…), in plain
        words; empty when all is well. Raises ConnectorProblem when it cannot be asked."""
        ...

    def pull(self, watermark: str) -> Pulled:
        """What changed since ``watermark`` ("" for everything)."""
        ...

    def push(self, item: CheckinPush) -> PushAnswer:
        """Tell the system about one check-in or undo. Raises ConnectorProblem when it
        cannot be told now (it stays pending)."""
        ...

    def close(self) -> None:
        ...


def with_offset(at: str, wall_ms: int) -> str:
    """A desk's local time ``at`` (ISO, no offset) with the desk's UTC offset, worked out
    from the change's own stamp (``wall_ms``: UTC milliseconds on the same desk's clock).
    The offset is rounded to a quarter hour, the finest any time zone uses, so a clock
    a few minutes adrift still gives the right zone. ``at`` that has an offset is kept."""
    local = datetime.fromisoformat(at)
    if local.tzinfo is not None:
        return local.isoformat(timespec="seconds")
    utc = datetime.fromtimestamp(wall_ms / 1000, UTC).replace(tzinfo=None)
    quarters = round((local - utc) / timedelta(minutes=15))
    if abs(quarters) > 14 * 4:  # no zone is that far: keep the desk's time as UTC
        quarters = 0
    offset = timedelta(minutes=15 * quarters)
    return local.replace(tzinfo=timezone(offset)).isoformat(timespec="seconds")
