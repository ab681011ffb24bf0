"""The hub's log and device registry in PostgreSQL, for large or multi-venue deployments.

``hub_seq`` must be handed out in commit order, or a puller that has seen 8 could miss a
7 that commits after it. A sequence does not give that; here every append first locks a
single counter row, so appends (and their numbers) commit one after another.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from psycopg_pool import ConnectionPool

from kiosk.core.changes import Change, ChangeKind, as_received
from kiosk.store.appliers import payload_json
from kiosk.store.hub_records import (
    LEGACY_UNTIL,
    AuthorTaken,
    DeviceRole,
    EnrolGrant,
    HubAuthor,
    HubDevice,
    Numbers,
    WipeNotAllowed,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS hub_changes (
    hub_seq BIGINT PRIMARY KEY,
    change_id TEXT NOT NULL UNIQUE,
    device_id TEXT NOT NULL,
    device_seq BIGINT NOT NULL,
    hlc TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    pushed_by TEXT NOT NULL,
    UNIQUE (device_id, device_seq)
);
CREATE TABLE IF NOT EXISTS hub_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT NOT NULL
);
INSERT INTO hub_counter (id, last_seq) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
CREATE TABLE IF NOT EXISTS hub_devices (
    device_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    public_key TEXT NOT NULL,
    enrolled_ms BIGINT NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE IF NOT EXISTS hub_tokens (
    token_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    expires_ms BIGINT NOT NULL,
    used BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE IF NOT EXISTS hub_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- A lost desk told to wipe itself (added later: existing hubs gain the columns at start).
ALTER TABLE hub_devices ADD COLUMN IF NOT EXISTS wipe_ordered_ms BIGINT;
ALTER TABLE hub_devices ADD COLUMN IF NOT EXISTS wiped_ms BIGINT;
ALTER TABLE hub_devices ADD COLUMN IF NOT EXISTS wipe_unsent BIGINT NOT NULL DEFAULT 0;
-- Signed changes (added later): what the hub held before has no signatures; the legacy mark
-- says up to where. Every device id it takes changes from, with its key; clocks.
INSERT INTO hub_settings (key, value) SELECT '""" + LEGACY_UNTIL + """', last_seq::text
    FROM hub_counter WHERE id = 1 ON CONFLICT (key) DO NOTHING;
ALTER TABLE hub_changes ADD COLUMN IF NOT EXISTS signature TEXT NOT NULL DEFAULT '';
CREATE TABLE IF NOT EXISTS hub_authors (
    author_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    device_id TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    registered_ms BIGINT NOT NULL DEFAULT 0
);
INSERT INTO hub_authors (author_id, public_key, device_id, name, registered_ms)
    SELECT device_id, public_key, device_id, name, enrolled_ms FROM hub_devices
    ON CONFLICT (author_id) DO NOTHING;
ALTER TABLE hub_devices ADD COLUMN IF NOT EXISTS clock_offset_ms BIGINT;
ALTER TABLE hub_devices ADD COLUMN IF NOT EXISTS clock_checked_ms BIGINT;
"""

_DEVICE_COLUMNS = ("device_id, name, role, public_key, enrolled_ms, revoked, wipe_ordered_ms, "
                   "wiped_ms, wipe_unsent, clock_offset_ms, clock_checked_ms")
_CHANGE_COLUMNS = "change_id, device_id, device_seq, hlc, kind, payload, hub_seq, signature"


def _device(row: Sequence[Any]) -> HubDevice:
    return HubDevice(row[0], row[1], DeviceRole(row[2]), row[3], int(row[4]), bool(row[5]),
                     None if row[6] is None else int(row[6]),
                     None if row[7] is None else int(row[7]), int(row[8]),
                     None if row[9] is None else int(row[9]),
                     None if row[10] is None else int(row[10]))


def _change(r: Sequence[Any]) -> Change:
    return Change(r[0], r[1], r[2], r[3], ChangeKind(r[4]), json.loads(r[5]), r[6], r[7])


class PostgresHubLog:
    """A hub's storage in a PostgreSQL database, through a connection pool."""

    def __init__(self, url: str, max_connections: int = 20) -> None:
        self.location = url
        self._pool = ConnectionPool(url, min_size=1, max_size=max_connections, open=True,
                                    kwargs={"autocommit": False})
        with self._pool.connection() as conn:
            # Two hubs starting together must not both create the tables.
            conn.execute("SELECT pg_advisory_xact_lock(7346001)")
            conn.execute(_SCHEMA)

    def close(self) -> None:
        self._pool.close()

    # -- the log --------------------------------------------------------------------------

    def append(self, changes: Sequence[Change], pushed_by: str) -> Numbers:
        """Store the changes not held yet, numbered in commit order; each one's hub_seq (None
        for one that reuses another change's device and number: not stored)."""
        with self._pool.connection() as conn:
            # The row lock is held until commit: the next append waits, then reads our total.
            row = conn.execute(
                "SELECT last_seq FROM hub_counter WHERE id = 1 FOR UPDATE").fetchone()
            assert row is not None, "the hub's counter row is made with the schema"
            last = row[0]
            ids = [c.change_id for c in changes]
            known: dict[str, int] = dict(conn.execute(
                "SELECT change_id, hub_seq FROM hub_changes WHERE change_id = ANY(%s)",
                (ids,)).fetchall())
            # Appends are one at a time (the counter row's lock), so this look is not raced.
            taken = {(d, n) for d, n in conn.execute(
                "SELECT device_id, device_seq FROM hub_changes WHERE (device_id, device_seq) "
                "IN (SELECT * FROM unnest(%s::text[], %s::bigint[]))",
                ([c.device_id for c in changes], [c.device_seq for c in changes])).fetchall()}
            numbers: Numbers = []
            rows = []
            for change in changes:
                if change.change_id in known:
                    numbers.append(known[change.change_id])
                    continue
                if (change.device_id, change.device_seq) in taken:
                    numbers.append(None)  # its device and number are another change's
                    continue
                taken.add((change.device_id, change.device_seq))
                last += 1
                known[change.change_id] = last
                numbers.append(last)
                rows.append((last, change.change_id, change.device_id, change.device_seq,
                             change.hlc, change.kind.value,
                             payload_json(as_received(change).payload), pushed_by,
                             change.signature))
            if rows:
                with conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO hub_changes (hub_seq, change_id, device_id, device_seq,"
                        " hlc, kind, payload, pushed_by, signature) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)
                conn.execute("UPDATE hub_counter SET last_seq = %s WHERE id = 1", (last,))
        return numbers

    def read(self, after: int, limit: int) -> list[Change]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                f"SELECT {_CHANGE_COLUMNS} FROM hub_changes WHERE hub_seq > %s "
                "ORDER BY hub_seq LIMIT %s", (after, limit)).fetchall()
        return [_change(r) for r in rows]

    def known(self, change_ids: Sequence[str]) -> dict[str, int]:
        """The hub's number of each of these changes it holds already."""
        with self._pool.connection() as conn:
            return dict(conn.execute(
                "SELECT change_id, hub_seq FROM hub_changes WHERE change_id = ANY(%s)",
                (list(change_ids),)).fetchall())

    def event_updates(self) -> list[Change]:
        """The event's own changes (name, keys…): what bundle keys are derived from."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                f"SELECT {_CHANGE_COLUMNS} FROM hub_changes WHERE kind = %s ORDER BY hlc",
                (ChangeKind.EVENT_UPDATE.value,)).fetchall()
        return [_change(r) for r in rows]

    def high_water(self) -> int:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT last_seq FROM hub_counter WHERE id = 1").fetchone()
            return int(row[0]) if row else 0

    # -- settings -------------------------------------------------------------------------

    def setting(self, key: str) -> str | None:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT value FROM hub_settings WHERE key = %s",
                               (key,)).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO hub_settings (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    # -- enrolment and devices ------------------------------------------------------------

    def add_token(self, token_hash: str, grant: EnrolGrant, expires_ms: int) -> None:
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO hub_tokens (token_hash, name, role, expires_ms) "
                "VALUES (%s, %s, %s, %s)", (token_hash, grant.name, grant.role.value, expires_ms))

    def enrol(self, token_hash: str, now_ms: int, device: HubDevice, key_hash: str
              ) -> HubDevice | None:
        """Spend a token (once, before it expires) on a device; None when it cannot be used."""
        with self._pool.connection() as conn:
            row = conn.execute(
                "UPDATE hub_tokens SET used = TRUE WHERE token_hash = %s AND NOT used "
                "AND expires_ms > %s RETURNING name, role", (token_hash, now_ms)).fetchone()
            if row is None:
                return None
            taken = conn.execute("SELECT public_key FROM hub_authors WHERE author_id = %s",
                                 (device.device_id,)).fetchone()
            if taken is not None and taken[0] != device.public_key:
                conn.rollback()
                raise AuthorTaken("This device id is already registered with another key.")
            enrolled = HubDevice(device.device_id, row[0], DeviceRole(row[1]),
                                 device.public_key, now_ms)
            conn.execute(
                "INSERT INTO hub_devices (device_id, name, role, key_hash, public_key, "
                "enrolled_ms, revoked) VALUES (%s, %s, %s, %s, %s, %s, FALSE) "
                "ON CONFLICT (device_id) DO UPDATE SET name = excluded.name, "
                "role = excluded.role, key_hash = excluded.key_hash, "
                "public_key = excluded.public_key, enrolled_ms = excluded.enrolled_ms, "
                "revoked = FALSE, wipe_ordered_ms = NULL, wiped_ms = NULL, wipe_unsent = 0, "
                "clock_offset_ms = NULL, clock_checked_ms = NULL",
                (enrolled.device_id, enrolled.name, enrolled.role.value, key_hash,
                 enrolled.public_key, now_ms))
            conn.execute(
                "INSERT INTO hub_authors (author_id, public_key, device_id, name, "
                "registered_ms) VALUES (%s, %s, %s, %s, %s) ON CONFLICT (author_id) DO "
                "UPDATE SET device_id = excluded.device_id, name = excluded.name",
                (enrolled.device_id, enrolled.public_key, enrolled.device_id, enrolled.name,
                 now_ms))
        return enrolled

    def device_by_key_hash(self, key_hash: str) -> HubDevice | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                f"SELECT {_DEVICE_COLUMNS} FROM hub_devices WHERE key_hash = %s",
                (key_hash,)).fetchone()
        return _device(row) if row else None

    def device(self, device_id: str) -> HubDevice | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                f"SELECT {_DEVICE_COLUMNS} FROM hub_devices WHERE device_id = %s",
                (device_id,)).fetchone()
        return _device(row) if row else None

    def devices(self) -> list[HubDevice]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                f"SELECT {_DEVICE_COLUMNS} FROM hub_devices ORDER BY enrolled_ms").fetchall()
        return [_device(r) for r in rows]

    def authors(self) -> list[HubAuthor]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT author_id, public_key, device_id, name FROM hub_authors "
                "ORDER BY registered_ms, author_id").fetchall()
        return [HubAuthor(*row) for row in rows]

    def author(self, author_id: str) -> HubAuthor | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT author_id, public_key, device_id, name FROM hub_authors "
                "WHERE author_id = %s", (author_id,)).fetchone()
        return HubAuthor(*row) if row else None

    def add_author(self, author: HubAuthor, now_ms: int) -> bool:
        """Register a device id and its key; False when it is taken (with another key)."""
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO hub_authors (author_id, public_key, device_id, name, "
                "registered_ms) VALUES (%s, %s, %s, %s, %s) ON CONFLICT (author_id) DO NOTHING",
                (author.author_id, author.public_key, author.device_id, author.name, now_ms))
            row = conn.execute("SELECT public_key FROM hub_authors WHERE author_id = %s",
                               (author.author_id,)).fetchone()
        return row is not None and row[0] == author.public_key

    def note_clock(self, device_id: str, offset_ms: int, now_ms: int) -> None:
        with self._pool.connection() as conn:
            conn.execute("UPDATE hub_devices SET clock_offset_ms = %s, clock_checked_ms = %s "
                         "WHERE device_id = %s", (offset_ms, now_ms, device_id))

    def revoke(self, device_id: str) -> bool:
        with self._pool.connection() as conn:
            cursor = conn.execute("UPDATE hub_devices SET revoked = TRUE WHERE device_id = %s",
                                  (device_id,))
        return cursor.rowcount > 0

    def order_wipe(self, device_id: str, now_ms: int) -> HubDevice | None:
        """Tell a device to wipe its data next time it calls (kept if already ordered)."""
        with self._pool.connection() as conn:
            row = conn.execute("SELECT role FROM hub_devices WHERE device_id = %s",
                               (device_id,)).fetchone()
            if row is None:
                return None
            if row[0] == DeviceRole.HUB.value:
                raise WipeNotAllowed(device_id)
            conn.execute(
                "UPDATE hub_devices SET wipe_ordered_ms = coalesce(wipe_ordered_ms, %s) "
                "WHERE device_id = %s", (now_ms, device_id))
        return self.device(device_id)

    def confirm_wipe(self, device_id: str, ordered_ms: int, now_ms: int, unsent: int
                     ) -> HubDevice | None:
        """The device says it carried out this order: note when, and revoke its key."""
        with self._pool.connection() as conn:
            cursor = conn.execute(
                "UPDATE hub_devices SET wiped_ms = %s, wipe_unsent = %s, revoked = TRUE "
                "WHERE device_id = %s AND wipe_ordered_ms = %s AND wiped_ms IS NULL",
                (now_ms, unsent, device_id, ordered_ms))
            changed = cursor.rowcount
        return self.device(device_id) if changed else None
