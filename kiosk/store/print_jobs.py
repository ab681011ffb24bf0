"""The local print queue: a row for each badge to print, kept on this device and never synced."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kiosk.core.changes import ChangeKind, NewChange
from kiosk.store.event_store import EventStore

_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
_COLUMNS = (
    "id, attendee_id, layout, printer, status, attempts, last_error, reprint_reason, operator, "
    "created_at, updated_at, spooler_job_id, document, change_id"
)


class PrintJobStatus(StrEnum):
    """Where a badge is: waiting here, with the spooler, out, given up on, or called off."""

    QUEUED = "queued"
    PRINTING = "printing"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        return self in (PrintJobStatus.DONE, PrintJobStatus.FAILED, PrintJobStatus.CANCELLED)


@dataclass(frozen=True)
class PrintJob:
    """One badge to print. ``document`` names it to the spooler and in a PDF folder; it holds
    no personal data. ``change_id`` is the badge.printed change, once the spooler took it."""

    id: int
    attendee_id: str
    layout: str
    printer: str
    status: PrintJobStatus
    attempts: int = 0
    last_error: str = ""
    reprint_reason: str = ""
    operator: str = ""
    created_at: str = ""
    updated_at: str = ""
    spooler_job_id: str = ""
    document: str = ""
    change_id: str = ""


def _job(row: tuple[Any, ...]) -> PrintJob:
    values = list(row)
    values[4] = PrintJobStatus(values[4])
    return PrintJob(*values)


def add_job(
    conn: sqlite3.Connection, attendee_id: str, layout: str, printer: str,
    reprint_reason: str = "", operator: str = "",
) -> PrintJob:
    """Queue a badge. The job's document name is unique across events and devices, so two
    event files printing to one CUPS-PDF folder never overwrite each other's badges."""
    with _atomic(conn):
        job_id = conn.execute(
            "INSERT INTO print_jobs (attendee_id, layout, printer, reprint_reason, operator, "
            f"created_at, updated_at) VALUES (?, ?, ?, ?, ?, {_NOW}, {_NOW}) RETURNING id",
            (attendee_id, layout, printer, reprint_reason, operator),
        ).fetchone()[0]
        conn.execute("UPDATE print_jobs SET document = ? WHERE id = ?",
                     (f"kiosk-badge-{job_id}-{secrets.token_hex(4)}", job_id))
    job = get_job(conn, job_id)
    assert job is not None
    return job


def get_job(conn: sqlite3.Connection, job_id: int) -> PrintJob | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM print_jobs WHERE id = ?", (job_id,)).fetchone()
    return _job(row) if row else None


def list_jobs(
    conn: sqlite3.Connection, statuses: Iterable[PrintJobStatus] | None = None,
    limit: int | None = None,
) -> list[PrintJob]:
    """Jobs, oldest first (all of them, or those in ``statuses``)."""
    sql, params = f"SELECT {_COLUMNS} FROM print_jobs", []
    if statuses is not None:
        wanted = [s.value for s in statuses]
        sql += f" WHERE status IN ({', '.join('?' * len(wanted))})"
        params += wanted
    sql += " ORDER BY id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_job(row) for row in conn.execute(sql, params)]


def jobs_of(conn: sqlite3.Connection, attendee_id: str) -> list[PrintJob]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM print_jobs WHERE attendee_id = ? ORDER BY id",
                        (attendee_id,))
    return [_job(row) for row in rows]


def has_badge_sql(attendee: str) -> str:
    """The one reprint rule, as SQL on an attendee id expression (``?`` or a column): a
    badge for this person exists or is on its way — printed at any desk (the log says so),
    or queued or printing here. Another print is then a reprint, and needs a reason."""
    return (f"(EXISTS (SELECT 1 FROM prints p WHERE p.attendee_id = {attendee}) "
            f"OR EXISTS (SELECT 1 FROM print_jobs j WHERE j.attendee_id = {attendee} "
            "AND (j.status IN ('queued', 'printing', 'done') OR j.change_id != '')))")


def has_badge(conn: sqlite3.Connection, attendee_id: str) -> bool:
    """Whether a badge for this person exists or is on its way (:func:`has_badge_sql`)."""
    return conn.execute(f"SELECT {has_badge_sql(':id')}",
                        {"id": attendee_id}).fetchone()[0] == 1


def next_queued(conn: sqlite3.Connection, skip_printers: Collection[str] = ()) -> PrintJob | None:
    """The oldest queued job for a printer that is not being waited on."""
    skip = list(skip_printers)
    sql = f"SELECT {_COLUMNS} FROM print_jobs WHERE status = 'queued'"
    if skip:
        sql += f" AND printer NOT IN ({', '.join('?' * len(skip))})"
    row = conn.execute(sql + " ORDER BY id LIMIT 1", skip).fetchone()
    return _job(row) if row else None


def stale_sends(conn: sqlite3.Connection, seconds: float) -> list[PrintJob]:
    """Jobs claimed for sending ``seconds`` ago or more that never reached the spooler: the
    worker sending them stopped (a send takes seconds at most)."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM print_jobs WHERE status = 'printing' AND spooler_job_id = '' "
        "AND updated_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) ORDER BY id",
        (f"-{float(seconds)} seconds",),
    )
    return [_job(row) for row in rows]


def _update(conn: sqlite3.Connection, job_id: int, where: str, **values: Any) -> bool:
    assignments = ", ".join(f"{name} = ?" for name in values)
    cursor = conn.execute(
        f"UPDATE print_jobs SET {assignments}, updated_at = {_NOW} WHERE id = ? AND ({where})",
        (*values.values(), job_id),
    )
    return cursor.rowcount == 1


def claim(conn: sqlite3.Connection, job_id: int) -> bool:
    """Take a queued job for sending: it shows as printing from now on."""
    return _update(conn, job_id, "status = 'queued'", status=PrintJobStatus.PRINTING.value)


def hold(conn: sqlite3.Connection, job_id: int, reason: str) -> bool:
    """Put a claimed job back in the queue: its printer cannot take it yet (paused, the
    spooler down). ``reason`` is what the desk shows meanwhile."""
    return _update(conn, job_id, "status = 'printing' AND spooler_job_id = ''",
                   status=PrintJobStatus.QUEUED.value, last_error=reason)


def fail(conn: sqlite3.Connection, job_id: int, reason: str, attempted: bool = True) -> bool:
    """Give up on a job until someone retries it; ``reason`` says what to do."""
    return conn.execute(
        f"UPDATE print_jobs SET status = 'failed', last_error = ?, attempts = attempts + ?, "
        f"updated_at = {_NOW} WHERE id = ? AND status IN ('queued', 'printing')",
        (reason, int(attempted), job_id),
    ).rowcount == 1


def note(conn: sqlite3.Connection, job_id: int, message: str) -> bool:
    """Change what the desk shows for a job without changing its status."""
    return conn.execute(
        f"UPDATE print_jobs SET last_error = ?, updated_at = {_NOW} "
        "WHERE id = ? AND last_error != ?", (message, job_id, message),
    ).rowcount == 1


def finish(
    conn: sqlite3.Connection, job_id: int, status: PrintJobStatus, message: str = "",
) -> bool:
    """The spooler has finished with a job it took: done, failed or cancelled there."""
    return _update(conn, job_id, "status = 'printing'", status=status.value, last_error=message)


def mark_spooled(
    store: EventStore, job_id: int, spooler_job_id: str, done: bool,
    printed: NewChange | dict[str, Any],
) -> PrintJob | None:
    """The spooler accepted the job: note its id there and log ``badge.printed`` — once per
    job, whatever retries follow — in one transaction (the caller's write)."""
    with store.transaction():
        job = get_job(store.conn, job_id)
        if job is None or job.status is not PrintJobStatus.PRINTING:
            return None
        change_id = job.change_id
        if not change_id:
            change_id = (store.record(printed) if isinstance(printed, NewChange)
                         else store.record(ChangeKind.BADGE_PRINTED, printed)).change_id
        store.conn.execute(
            "UPDATE print_jobs SET status = ?, spooler_job_id = ?, change_id = ?, "
            f"attempts = attempts + 1, last_error = '', updated_at = {_NOW} WHERE id = ?",
            ((PrintJobStatus.DONE if done else PrintJobStatus.PRINTING).value, spooler_job_id,
             change_id, job_id),
        )
        return get_job(store.conn, job_id)


def requeue(conn: sqlite3.Connection, job_id: int, printer: str | None = None) -> bool:
    """Retry a failed job, or send a failed or waiting job to another printer."""
    values: dict[str, Any] = {"status": PrintJobStatus.QUEUED.value, "last_error": "",
                              "spooler_job_id": ""}
    if printer:
        values["printer"] = printer
    return _update(conn, job_id, "status IN ('failed', 'queued')", **values)


def cancel(conn: sqlite3.Connection, job_id: int) -> bool:
    """Call a job off (the caller withdraws it from the spooler first if it was there)."""
    return _update(conn, job_id, "status IN ('queued', 'printing', 'failed')",
                   status=PrintJobStatus.CANCELLED.value, last_error="")


@contextmanager
def _atomic(conn: sqlite3.Connection) -> Iterator[None]:
    """One transaction (joining the caller's, if there is one): one durable write, not two."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def sent_badges(conn: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    """Per printer, every badge handed to it: (spooler job id, document name)."""
    sent: dict[str, list[tuple[str, str]]] = {}
    for printer, job_id, document in conn.execute(
            "SELECT printer, spooler_job_id, document FROM print_jobs "
            "WHERE spooler_job_id != '' OR status IN ('done', 'printing')"):
        sent.setdefault(printer, []).append((job_id, document))
    return sent
