"""The registration link waits longer each time the system cannot be reached (5 s, doubling
to 5 minutes), asks only every 5 minutes after a lasting problem (a revoked token) until
someone connects again, and pulls at once when it works again."""

from __future__ import annotations

from pathlib import Path

from kiosk.connectors import ConnectorProblem
from kiosk.services import registration_system as source
from kiosk.services.event_setup import NewEvent, create_event
from kiosk.store.event_file import EventFile

DOWN = ConnectorProblem("pretix at pretix.example cannot be reached.")
REVOKED = ConnectorProblem("pretix refused the API token.", lasting=True)


class _Pauses:
    """Stands in for the link's wake-up event: notes each pause, stops the link at the end."""

    def __init__(self, link: source.RegistrationLink, rounds: int) -> None:
        self.link, self.rounds, self.pauses = link, rounds, []

    def wait(self, seconds: float) -> bool:
        self.pauses.append(seconds)
        if len(self.pauses) >= self.rounds:
            self.link._stop.set()
        return False

    def set(self) -> None:
        pass

    def clear(self) -> None:
        pass


def _run(tmp_path: Path, answers: list[ConnectorProblem | None]) -> tuple[list[float],
                                                                          list[bool]]:
    path = tmp_path / "conference.db"
    create_event(path, NewEvent("Conference", "", "")).close()
    link = source.RegistrationLink(str(path), every_s=60)
    pulled: list[bool] = []
    script = iter(answers)

    def round_(event: EventFile, pulling: bool = True) -> ConnectorProblem | None:
        pulled.append(pulling)
        return next(script)

    link.round = round_  # type: ignore[method-assign]
    pauses = _Pauses(link, len(answers))
    link._wake = pauses  # type: ignore[assignment]
    with EventFile.open(path, threaded=True) as event:
        link.run(event)
    return pauses.pauses, pulled


def test_the_wait_doubles_while_the_system_is_down_and_resets_when_it_answers(
        tmp_path: Path) -> None:
    pauses, pulled = _run(tmp_path, [DOWN] * 9 + [None, DOWN])
    assert pauses[:9] == [5, 10, 20, 40, 80, 160, 300, 300, 300]
    assert 59 <= pauses[9] <= 60  # in step: the next pull in a minute
    assert pauses[10] == 5  # down again: from the first wait, not the longest
    assert pulled[:10] == [True] * 10  # each round after a problem pulls too


def test_a_lasting_problem_asks_again_only_every_five_minutes(tmp_path: Path) -> None:
    pauses, _ = _run(tmp_path, [REVOKED, REVOKED])
    assert pauses == [source.LONGEST_WAIT_S] * 2
