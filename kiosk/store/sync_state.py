"""The desk's side of sync in its event file: what to push, acknowledgements, cursor, hub link."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.core.changes import Change, LeftOut
from kiosk.store.event_store import (
    CHANGE_COLUMNS,
    LEGACY_UNTIL,
    EventReader,
    EventStore,
    change_from_row,
)
from kiosk.store.event_store import SIGNING_KEY as SIGNING_KEY
from kiosk.store.incarnations import incarnations

DEVICE_KEY = "sync_device_key"  # the bearer key the hub gave this desk (secrets table)

_CHANGE_COLUMNS = CHANGE_COLUMNS


@dataclass(frozen=True)
class HubLink:
    """Where this desk's hub is and the certificate it pinned when it enrolled."""

    url: str
    fingerprint: str
    certificate: str
    hub_id: str
    desk_name: str
    hub_key: str = ""  # the hub's Ed25519 public key (hex): wipe orders are signed with it
    device_id: str = ""  # the id this desk enrolled under (wipe orders name it)


@dataclass(frozen=True)
class WipeRecord:
    """A wipe the hub ordered this desk to carry out, and how far it got."""

    ordered_ms: int
    received_at: str
    unsent: int  # changes that could not be sent first
    wiped_at: str | None
    confirmed_at: str | None


@dataclass(frozen=True)
class KnownDevice:
    """A device whose changes this file takes in: from the hub's signed registry, or trusted
    by hand for a bundle."""

    device_id: str
    name: str
    public_key: str
    revoked: bool
    owner: str = ""  # the enrolled device it is an incarnation of
    clock_off_ms: int = 0  # how far its clock was off, by the hub's measure


def unacknowledged(store: EventReader, limit: int) -> list[Change]:
    """Changes the hub has not acknowledged yet, oldest first (each device's in its order)."""
    rows = store.conn.execute(
        f"SELECT {_CHANGE_COLUMNS} FROM changes WHERE hub_seq IS NULL AND change_id NOT IN "
        "(SELECT change_id FROM sync_refused) ORDER BY hlc, device_id, device_seq LIMIT ?",
        (limit,),
    )
    return [change_from_row(row) for row in rows]


def record_refused(store: EventStore, refused: Iterable[tuple[str, str]]) -> None:
    """Changes the hub refused one by one (change id, why): kept here, not sent again until
    the hub's list of devices changes."""
    with store.transaction():
        store.conn.executemany(
            "INSERT OR REPLACE INTO sync_refused (change_id, reason, at) "
            "VALUES (?, ?, datetime('now'))", list(refused))


def retry_refused(store: EventStore) -> None:
    store.conn.execute("DELETE FROM sync_refused")


def own_incarnations(store: EventReader) -> list[str]:
    """Every device id this file has recorded under (after restores and copies)."""
    found = incarnations(store.conn)
    return found if store.device_id in found else [*found, store.device_id]


def pending_count(store: EventReader) -> int:
    return store.conn.execute("SELECT count(*) FROM changes WHERE hub_seq IS NULL").fetchone()[0]


def acknowledge(store: EventStore, acks: Iterable[tuple[str, int]]) -> None:
    """Record the hub's numbers for changes it now holds (one transaction)."""
    with store.transaction():
        store.conn.executemany(
            "UPDATE changes SET hub_seq = ? WHERE change_id = ? AND hub_seq IS NULL",
            [(hub_seq, change_id) for change_id, hub_seq in acks],
        )


def cursor(store: EventReader) -> int:
    row = store.conn.execute("SELECT hub_seq FROM sync_cursor WHERE id = 1").fetchone()
    return int(row[0]) if row else 0


def receive_page(store: EventStore, changes: Sequence[Change], next_cursor: int,
                 left_out: Sequence[LeftOut] = ()) -> list[Change]:
    """Apply a pulled page and move the cursor past it, all or nothing (noting the changes
    the page held that could not be taken in)."""
    with store.transaction():
        fresh = store.receive(changes, check_authors=True)
        store.note_left_out(left_out)
        store.conn.execute(
            "INSERT INTO sync_cursor (id, hub_seq) VALUES (1, ?) "
            "ON CONFLICT (id) DO UPDATE SET hub_seq = max(hub_seq, excluded.hub_seq)",
            (next_cursor,),
        )
    return fresh


def refused_changes(store: EventReader) -> list[tuple[str, str]]:
    return list(store.conn.execute("SELECT change_id, reason FROM sync_refused"))


def own_changes(store: EventReader, after_seq: int = 0) -> list[Change]:
    """This device's own changes after ``after_seq``, in the order it made them."""
    rows = store.conn.execute(
        f"SELECT {_CHANGE_COLUMNS} FROM changes WHERE device_id = ? AND device_seq > ? "
        "ORDER BY device_seq",
        (store.device_id, after_seq),
    )
    return [change_from_row(row) for row in rows]


def hub_link(store: EventReader) -> HubLink | None:
    """The hub this desk is enrolled with, or None (never enrolled, or a copy without its key)."""
    row = store.conn.execute(
        "SELECT url, fingerprint, certificate, hub_id, desk_name, hub_key, device_id "
        "FROM sync_hub WHERE id = 1").fetchone()
    if row is None or store.secret(DEVICE_KEY) is None:
        return None
    return HubLink(*row)


def save_hub_link(store: EventStore, link: HubLink, device_key: bytes) -> None:
    with store.transaction():
        store.conn.execute(
            "INSERT OR REPLACE INTO sync_hub "
            "(id, url, fingerprint, certificate, hub_id, desk_name, enrolled_at, hub_key, "
            "device_id) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
            (link.url, link.fingerprint, link.certificate, link.hub_id, link.desk_name,
             _now(), link.hub_key, link.device_id or store.device_id),
        )
        # Enrolling again (a new key) starts afresh: an old order no longer applies.
        store.conn.execute("DELETE FROM sync_wipe")
        store.set_secret(DEVICE_KEY, device_key)
        store.set_setting("desk_name", link.desk_name)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def wipe_record(store: EventReader) -> WipeRecord | None:
    """The wipe ordered for this device, if any (a copy made elsewhere has another id)."""
    row = store.conn.execute(
        "SELECT ordered_ms, received_at, unsent, wiped_at, confirmed_at FROM sync_wipe "
        "WHERE id = 1 AND device_id = ?", (store.device_id,)).fetchone()
    return WipeRecord(*row) if row else None


def record_wipe_order(store: EventStore, ordered_ms: int, unsent: int) -> None:
    """Note a verified order before wiping, so a desk stopped half-way finishes on restart."""
    store.conn.execute(
        "INSERT INTO sync_wipe (id, device_id, ordered_ms, received_at, unsent) "
        "VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET device_id = excluded.device_id,"
        " ordered_ms = excluded.ordered_ms, unsent = excluded.unsent",
        (store.device_id, ordered_ms, _now(), unsent))


def record_wiped(store: EventStore) -> None:
    """The wipe is done here. The pull cursor goes too: what it counted is gone, so a desk
    found and enrolled again takes the whole event afresh."""
    with store.transaction():
        store.conn.execute("UPDATE sync_wipe SET wiped_at = coalesce(wiped_at, ?) "
                           "WHERE id = 1", (_now(),))
        store.conn.execute("DELETE FROM sync_cursor")


def record_wipe_confirmed(store: EventStore) -> None:
    """The hub knows the desk wiped (and revoked its key): forget the key."""
    with store.transaction():
        store.conn.execute("UPDATE sync_wipe SET confirmed_at = coalesce(confirmed_at, ?) "
                           "WHERE id = 1", (_now(),))
        store.conn.execute("DELETE FROM secrets WHERE key = ?", (DEVICE_KEY,))


def forget_device_key(store: EventStore) -> None:
    store.conn.execute("DELETE FROM secrets WHERE key = ?", (DEVICE_KEY,))


def known_devices(store: EventReader) -> dict[str, KnownDevice]:
    return {
        row[0]: KnownDevice(row[0], row[1], row[2], bool(row[3]), row[4], int(row[5]))
        for row in store.conn.execute(
            "SELECT device_id, name, public_key, revoked, owner, clock_off_ms FROM sync_devices")
    }


def save_known_devices(store: EventStore, devices: Iterable[KnownDevice],
                       legacy_until: int | None = None) -> bool:
    """Take in the devices the hub vouches for (and, once, up to which hub number it holds
    changes from before signatures); held changes from them are applied. True when the list
    changed (changes the hub refused are then sent again)."""
    listed = list(devices)
    with store.transaction():
        before = known_devices(store)
        store.conn.executemany(
            "INSERT INTO sync_devices (device_id, name, public_key, revoked, owner, "
            "clock_off_ms) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (device_id) DO UPDATE SET name = excluded.name, "
            "public_key = excluded.public_key, revoked = max(revoked, excluded.revoked), "
            "owner = excluded.owner, clock_off_ms = excluded.clock_off_ms",
            [(d.device_id, d.name, d.public_key, int(d.revoked), d.owner, d.clock_off_ms)
             for d in listed],
        )
        if legacy_until is not None:
            store.set_setting(LEGACY_UNTIL, str(legacy_until))
        changed = {d.device_id: (d.public_key, d.revoked) for d in listed} != {
            k: (d.public_key, d.revoked) for k, d in before.items() if k in
            {x.device_id for x in listed}} or len(before) < len(listed)
        if changed:
            retry_refused(store)
            store.release_held()
    return changed


def event_updates(store: EventReader) -> list[Change]:
    """The event's own changes (name, keys…): what bundle keys are derived from."""
    rows = store.conn.execute(
        f"SELECT {_CHANGE_COLUMNS} FROM changes WHERE kind = 'event.update' ORDER BY hlc")
    return [change_from_row(row) for row in rows]
