"""The live link to the registration system: configure it, pull into the import, push check-ins.

A pull hands what changed to the same import use case as a file (``registration_import``):
same mapping, same category and minimisation rules, same report. A push tells the system
this event's check-ins and undos, each with its change id as the nonce. Everything the link
keeps is local to the organisers' file: its settings, the API token (in ``secrets``), the
watermark, what became of each push (``connector_pushes``); a desk copy has none of it, and
desks never talk to the registration system.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

import httpx

from kiosk.connectors import CheckinPush, Connector, ConnectorProblem, Pulled, PushVerdict
from kiosk.connectors.base import with_offset
from kiosk.core import changes
from kiosk.core.changes import ChangeKind
from kiosk.core.hlc import Stamp
from kiosk.core.refusal import Refusal
from kiosk.importing import ImportRefused, ReadResult, read_registration_data
from kiosk.services.registration_import import (
    ImportReport,
    kept_headings,
    plan_records,
    write_plan,
)
from kiosk.store import connector_state, queries
from kiosk.store.connector_state import PushItem
from kiosk.store.event_file import EventFile, Priority
from kiosk.store.event_store import EventReader, EventStore, Written

log = logging.getLogger("kiosk.registration_system")

SYSTEM = "source.system"
CONFIG = "source.config"
TOKEN = "source.pretix_token"  # in the secrets table: never the log, a desk copy or the hub
WATERMARK = "source.watermark"
LAST_PULL = "source.last_pull"
PROBLEM = "source.problem"
PULL_EVERY_S = 60
# Waits after a failed round: doubled each time, up to the longest.
FIRST_WAIT_S = 5.0
LONGEST_WAIT_S = 300.0
PUSH_BATCH = 100


class SourceRefused(Refusal):
    """The link cannot be set up as asked; the message says what to do."""


@dataclass(frozen=True)
class SourceConfig:
    system: str
    url: str
    organizer: str = ""
    event: str = ""
    checkin_list: int = 0


@dataclass
class PushReport:
    pushed: int = 0
    already: int = 0
    refused: int = 0
    pending: int = 0

    def as_json(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class LastPull:
    at: str  # UTC, ISO
    brought: dict[str, Any] = field(default_factory=dict)  # the report's counts
    brought_at: str = ""  # when the last pull that brought something ran


@dataclass(frozen=True)
class SourceState:
    system: str  # "" when none is set up
    where: str  # the server, for people
    last_pull: LastPull | None
    pending_push: int
    errors: list[str]
    attention: list[connector_state.AttentionRow]

    def as_json(self) -> dict[str, Any]:
        return {"system": self.system or None,
                "last_pull": self.last_pull.at if self.last_pull else None,
                "pending_push": self.pending_push, "errors": self.errors,
                "brought": self.last_pull.brought if self.last_pull else {},
                "needs_attention": [
                    {"change_id": a.change_id, "attendee_id": a.attendee_id,
                     "reason": a.reason, "message": a.message, "at": a.at}
                    for a in self.attention]}


# -- configuring ----------------------------------------------------------------------------


def _organisers_only(view: EventReader) -> None:
    if view.setting("role") == "desk":
        raise SourceRefused("This is a desk's copy of the event. Connect the registration "
                            "system on the organisers' copy: desks never talk to it.")


def configure_pretix(event: EventFile, url: str, organizer: str, event_slug: str, token: str,
                     checkin_list: int | None, transport: httpx.BaseTransport | None = None
                     ) -> SourceConfig:
    """Test the connection and the token's permissions, then keep the link (the token in
    this file's secrets). Refused, keeping nothing, when something is missing."""
    from kiosk.connectors.pretix import PretixConnector

    event.read(_organisers_only)
    token = token.strip()
    if not token:
        raise SourceRefused("The token file is empty. Paste the API token pretix showed into "
                            "it (one line).")
    if not organizer.strip() or not event_slug.strip():
        raise SourceRefused("Give the organizer's and the event's short names, as in the "
                            "event's address in pretix (…/control/event/ORGANIZER/EVENT/).")
    try:
        connector = PretixConnector(url, organizer.strip(), event_slug.strip(), token,
                                    checkin_list, transport)
    except ConnectorProblem as problem:
        raise SourceRefused(_not_kept(problem)) from None
    try:
        if checkin_list is None:
            connector.checkin_list = connector.only_checkin_list()
        missing = connector.check()
    except ConnectorProblem as problem:
        raise SourceRefused(_not_kept(problem)) from None
    finally:
        connector.close()
    if missing:
        raise SourceRefused("The API token may not " + "; nor ".join(missing) + ". In pretix, "
                            "give its team those permissions (Organizer → Teams), then connect "
                            "again. Nothing was changed here.")
    config = SourceConfig("pretix", connector.url, organizer.strip(), event_slug.strip(),
                          connector.checkin_list)
    event.write(partial(_keep_config, config=config, token=token))
    return config


def configure_sheet(event: EventFile, url: str, transport: httpx.BaseTransport | None = None
                    ) -> SourceConfig:
    """Read the sheet once (it must be there and be a registration list), then keep the link."""
    from kiosk.connectors.sheet import SheetConnector

    event.read(_organisers_only)
    try:
        connector = SheetConnector(url, transport)
        try:
            pulled = connector.pull("")
        finally:
            connector.close()
        _records(event, pulled)  # refused here, in plain words, if it is no registration list
    except ConnectorProblem as problem:
        raise SourceRefused(_not_kept(problem)) from None
    except ImportRefused as problem:
        raise SourceRefused(str(problem)) from None
    config = SourceConfig("sheet", connector.url)
    event.write(partial(_keep_config, config=config, token=""))
    return config


def _not_kept(problem: ConnectorProblem) -> str:
    """A problem met while connecting: nothing was kept, so nothing will be tried again."""
    return f"{problem.now} Nothing was kept; connect again once that is put right."


def _keep_config(store: EventStore, config: SourceConfig, token: str) -> None:
    before = _config(store)
    if before is None or (before.system, before.url, before.organizer, before.event) != \
            (config.system, config.url, config.organizer, config.event):
        # Another system or event: start from nothing (its watermark and pushes mean nothing).
        store.set_setting(WATERMARK, "")
        store.set_setting(LAST_PULL, "")
        connector_state.forget(store.conn)
    store.set_setting(SYSTEM, config.system)
    store.set_setting(CONFIG, json.dumps(asdict(config)))
    store.set_setting(PROBLEM, "")
    if token:
        store.set_secret(TOKEN, token.encode())
    else:
        store.conn.execute("DELETE FROM secrets WHERE key = ?", (TOKEN,))
    store.touch("connector")


def _config(view: EventReader) -> SourceConfig | None:
    text = view.setting(CONFIG)
    if not text or not view.setting(SYSTEM):
        return None
    return SourceConfig(**json.loads(text))


def source_config(event: EventFile) -> SourceConfig | None:
    return event.read(_config)


def open_connector(event: EventFile, transport: httpx.BaseTransport | None = None
                   ) -> Connector | None:
    """The configured system's connector, or None when none is set up."""
    config, token = event.read(lambda view: (_config(view), view.secret(TOKEN)))
    if config is None:
        return None
    if config.system == "pretix":
        from kiosk.connectors.pretix import PretixConnector

        return PretixConnector(config.url, config.organizer, config.event,
                               (token or b"").decode(), config.checkin_list, transport)
    from kiosk.connectors.sheet import SheetConnector

    return SheetConnector(config.url, transport)


# -- the state --------------------------------------------------------------------------------


def source_state(view: EventReader) -> SourceState:
    config = _config(view)
    last = view.setting(LAST_PULL)
    problem = view.setting(PROBLEM) or ""
    return SourceState(
        system=config.system if config else "",
        where=_where(config),
        last_pull=LastPull(**json.loads(last)) if last else None,
        pending_push=connector_state.pending_count(view.conn) if config and
        config.system == "pretix" else 0,
        errors=[problem] if problem else [],
        attention=connector_state.attention(view.conn))


def _where(config: SourceConfig | None) -> str:
    if config is None:
        return ""
    from kiosk.connectors.http import where

    if config.system == "pretix":
        return f"{where(config.url)} ({config.organizer}/{config.event}, check-in list " \
               f"{config.checkin_list})"
    return where(config.url)


def _note_problem(event: EventFile, message: str) -> None:
    def note(store: EventStore) -> None:
        if store.setting(PROBLEM) != message:
            store.set_setting(PROBLEM, message)
    event.write(note, priority=Priority.NORMAL)


# -- pulling ----------------------------------------------------------------------------------


def pull(event: EventFile, connector: Connector) -> ImportReport:
    """Bring in what changed since the last pull, through the import; the report says what
    it did (an empty one when nothing changed). Raises ConnectorProblem (noted for the
    state) when the system cannot be asked, ImportRefused when what came is unreadable."""
    watermark = event.read(lambda view: view.setting(WATERMARK) or "")
    try:
        pulled = connector.pull(watermark)
        report = _read(event, pulled) if pulled.changed else ImportReport()
    except (ConnectorProblem, ImportRefused) as problem:
        _note_problem(event, str(problem))
        raise
    if pulled.codes is not None:
        event.write(partial(_keep_codes, codes=pulled.codes), priority=Priority.NORMAL)
    brought = {key: value for key, value in report.as_json().items()
               if key in ("read", "created", "updated", "unchanged", "cancelled",
                          "duplicates", "new_categories", "new_sessions")}
    brought["errors"] = len(report.errors)
    now = datetime.now(UTC).isoformat(timespec="seconds")

    def done(store: EventStore) -> None:
        # A pull that brought nothing keeps what the last one that did brought, and when.
        before = json.loads(store.setting(LAST_PULL) or "{}")
        kept = {"brought": brought, "brought_at": now} if report.read or not before else \
            {"brought": before.get("brought", {}), "brought_at": before.get("brought_at", "")}
        store.set_setting(WATERMARK, pulled.watermark)
        store.set_setting(LAST_PULL, json.dumps({"at": now, **kept}, ensure_ascii=False))
        store.set_setting(PROBLEM, "")
    event.write(done, priority=Priority.NORMAL)
    log.info("pulled from %s: %d read, %d created, %d updated", connector.system, report.read,
             report.created, report.updated)
    return report


def _records(event: EventFile, pulled: Pulled) -> ReadResult:
    """What came, read by the file import's rules (its columns mapped, kept or dropped)."""
    workshops, kept_before = event.read(
        lambda view: ([s.name for s in queries.list_sessions(view.conn)],
                      kept_headings(view)))
    return read_registration_data(pulled.data, pulled.source, rows=pulled.rows,
                                  preset=pulled.preset, workshops=workshops,
                                  kept_before=kept_before)


def _read(event: EventFile, pulled: Pulled) -> ImportReport:
    """What came, through the same import as a file: read, plan, write."""
    result = _records(event, pulled)
    for attempt in range(3):
        plan = event.read(lambda view: plan_records(
            view, result.records, result.errors, source=pulled.source, preset=result.preset,
            sheet=result.sheet, columns=result.columns, incremental=not pulled.complete))
        try:
            return write_plan(event, plan)
        except ImportRefused:
            if attempt == 2:
                raise
            # The desks' news came in between planning and writing (the hub): plan again.
    raise AssertionError("unreachable")


def _keep_codes(store: EventStore, codes: Any) -> None:
    """The system's keys and withdrawn codes, as event fields every desk gets by sync."""
    now = queries.event_fields(store.conn)
    wanted = {"pretix_keys": list(codes.keys), "revoked_codes": list(codes.revoked),
              "blocked_codes": list(codes.blocked)}
    changed = {key: value for key, value in wanted.items()
               if now.get(key, []) != value}
    if changed:
        store.record(changes.event.update(**changed))


# -- pushing ----------------------------------------------------------------------------------


def push(event: EventFile, connector: Connector) -> PushReport:
    """Tell the system every check-in and undo not told yet, oldest first. A refusal is
    listed for staff and never sent again; when the system cannot be asked, the rest stays
    pending and ConnectorProblem is raised (noted for the state)."""
    report = PushReport()
    with _one_push_at_a_time:
        try:
            return _push_all(event, connector, report)
        except ConnectorProblem as problem:
            _note_problem(event, str(problem))
            report.pending = event.read(lambda view: connector_state.pending_count(view.conn))
            raise PushInterrupted(str(problem), report, lasting=problem.lasting) from None


# The link and a person's "Send now" never send the same check-in side by side.
_one_push_at_a_time = threading.Lock()


def _push_all(event: EventFile, connector: Connector, report: PushReport) -> PushReport:
    while True:
        items = event.read(lambda view: connector_state.to_push(view.conn, PUSH_BATCH))
        if not items:
            break
        for item in items:
            _push_one(event, connector, item, report)
    report.pending = 0
    return report


class PushInterrupted(ConnectorProblem):
    """The system could not be asked any more: what was done, and the problem."""

    def __init__(self, message: str, report: PushReport, *, lasting: bool) -> None:
        super().__init__(message, lasting=lasting)
        self.report = report


def _push_one(event: EventFile, connector: Connector, item: PushItem, report: PushReport
              ) -> None:
    settled = _settled_without_asking(item)
    if settled is not None:
        state, reason, message = settled
        if state == "already":
            report.already += 1
        event.write(partial(_answer, change_id=item.change_id, state=state, reason=reason,
                            message=message), priority=Priority.NORMAL)
        return
    at = with_offset(item.at, Stamp.parse(item.hlc).wall_ms)
    told = CheckinPush(item.change_id, item.kind, item.code, at, item.reference,
                       item.target_id, sent_before=item.attempts > 0)
    event.write(lambda store: connector_state.mark_sending(store.conn, [item.change_id],
                                                           _now()), priority=Priority.NORMAL)
    answer = connector.push(told)
    if answer.verdict is PushVerdict.PUSHED:
        report.pushed += 1
    elif answer.verdict is PushVerdict.ALREADY:
        report.already += 1
    else:
        report.refused += 1
    event.write(partial(_answer, change_id=item.change_id, state=answer.verdict.value,
                        reason=answer.reason, message=answer.message),
                priority=Priority.NORMAL)


def _settled_without_asking(item: PushItem) -> tuple[str, str, str] | None:
    """What needs no question to the system: (state, reason, message), or None."""
    if item.kind == "void":
        told = item.target_state in ("pushed", "already") and item.target_reason != "duplicate"
        return None if told else ("skipped", "", "")
    if item.voided and item.attempts == 0:
        return ("skipped", "", "")  # undone before it was told: nothing to tell
    if item.voided:
        return ("already", "", "")  # it may have reached the system: the undo annuls it
    if item.earlier:
        return ("already", "duplicate", "An earlier check-in of this person was told.")
    if not item.code:
        return ("skipped", "", "")  # a walk-in, or someone not from the system
    return None


def _answer(store: EventStore, change_id: str, state: str, reason: str, message: str) -> None:
    connector_state.record_answer(store.conn, change_id, state, reason, message, _now())
    store.touch("connector")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- running by itself ------------------------------------------------------------------------


class RegistrationLink:
    """Pull every ``every_s`` seconds and push as check-ins arrive, on a thread of its own,
    backing off while the system cannot be reached. Everything it needs is in the event file,
    so a restart carries on where it stopped."""

    def __init__(self, event_path: str, every_s: float = PULL_EVERY_S,
                 transport: httpx.BaseTransport | None = None,
                 on_round: Callable[[str], None] | None = None) -> None:
        self.event_path = event_path
        self.every_s = every_s
        self.transport = transport
        self.on_round = on_round  # called (on the link's thread) with "" or the problem
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._backing_off = False
        self.rounds = 0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="kiosk-registration-link",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(60)
            self._thread = None

    def poke(self) -> None:
        """Do a round now (a new token, a person pressing Pull)."""
        self._wake.set()

    def run(self, event: EventFile | None = None) -> None:
        """Round after round until stopped (the command line runs this in the foreground,
        on its own door to the file)."""
        mine = event is None
        if event is None:
            try:
                event = EventFile.open(self.event_path, threaded=True)
            except RuntimeError:  # held inline on another thread (a test, a script)
                log.warning("the registration link could not take the event file's door")
                return
        stop_listening = event.subscribe(self._on_written)
        wait = 0.0
        next_pull = 0.0
        try:
            while not self._stop.is_set():
                pulling = time.monotonic() >= next_pull
                problem = self.round(event, pulling)
                self.rounds += 1
                if problem is None:
                    wait = 0.0
                    if pulling:
                        next_pull = time.monotonic() + self.every_s
                    pause = max(0.0, next_pull - time.monotonic())
                else:
                    wait = LONGEST_WAIT_S if problem.lasting else \
                        min(LONGEST_WAIT_S, max(FIRST_WAIT_S, wait * 2))
                    next_pull = 0.0  # the first round that works pulls too
                    pause = wait
                self._backing_off = problem is not None
                self._wake.wait(pause)
                self._wake.clear()
        finally:
            stop_listening()
            if mine:
                event.close()

    def round(self, event: EventFile, pulling: bool = True) -> ConnectorProblem | None:
        """One pull (when due) and one push; the problem that stopped it, or None."""
        try:
            connector = open_connector(event, self.transport)
        except ConnectorProblem as problem:
            return problem
        if connector is None:
            return ConnectorProblem("No registration system is connected.", lasting=True)
        try:
            if pulling:
                pull(event, connector)
            if connector.system == "pretix":
                push(event, connector)
        except ConnectorProblem as problem:
            self._tell(str(problem))
            return problem
        except ImportRefused as refused:
            self._tell(str(refused))
            return ConnectorProblem(str(refused), lasting=True)
        except Exception as exc:  # a busy or full event file: the next round tries again
            log.warning("registration link round failed (%s)", type(exc).__name__)
            return ConnectorProblem("The event file could not take this round in; trying "
                                    "again.")
        finally:
            connector.close()
        self._tell("")
        return None

    def _tell(self, problem: str) -> None:
        if self.on_round is not None:
            try:
                self.on_round(problem)
            except Exception:  # the listener's fault must not stop the link
                log.exception("registration link listener failed")

    def _on_written(self, written: Written) -> None:
        # While the system cannot be reached, new check-ins wait for the next try.
        if not self._backing_off and any(c.kind in (ChangeKind.CHECKIN, ChangeKind.CHECKIN_VOID)
               for c in written.changes):
            self._wake.set()


def start_link_if_connected(event_path: str) -> RegistrationLink | None:
    """The link, running, when this event file has a registration system connected."""
    event = EventFile.open(event_path)
    try:
        config = event.read(_config)
    finally:
        event.close()
    if config is None:
        return None
    link = RegistrationLink(event_path)
    link.start()
    return link


# -- for the console --------------------------------------------------------------------------


@dataclass(frozen=True)
class AttentionLine:
    """One item of *needs attention*, as the organisers' console lists it."""

    who: str  # the person's name (the organisers' own view)
    at: str
    message: str


def attention_lines(view: EventReader) -> list[AttentionLine]:
    lines = []
    for item in connector_state.attention(view.conn):
        person = queries.get_attendee(view.conn, item.attendee_id) if item.attendee_id else None
        who = person.display_name if person is not None else "someone no longer in the list"
        lines.append(AttentionLine(who, item.at, item.message))
    return lines


def pull_now(event: EventFile) -> ImportReport:
    """One pull, as the console's button asks for it; ConnectorProblem when it cannot."""
    connector = open_connector(event)
    if connector is None:
        raise SourceRefused("Connect a registration system first.")
    try:
        return pull(event, connector)
    finally:
        connector.close()


def push_now(event: EventFile) -> PushReport:
    connector = open_connector(event)
    if connector is None:
        raise SourceRefused("Connect a registration system first.")
    try:
        return push(event, connector) if connector.system == "pretix" else PushReport()
    finally:
        connector.close()
