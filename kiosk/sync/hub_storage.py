"""What the hub needs from its storage, and opening SQLite or PostgreSQL by location."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from kiosk.core.changes import Change
from kiosk.store.hub_records import EnrolGrant, HubDevice


class HubLog(Protocol):
    """The hub's append-only log (numbered in commit order), settings and devices."""

    location: str

    def append(self, changes: Sequence[Change], pushed_by: str) -> list[int]: ...
    def read(self, after: int, limit: int) -> list[Change]: ...
    def high_water(self) -> int: ...
    def event_updates(self) -> list[Change]: ...
    def setting(self, key: str) -> str | None: ...
    def set_setting(self, key: str, value: str) -> None: ...
    def add_token(self, token_hash: str, grant: EnrolGrant, expires_ms: int) -> None: ...
    def enrol(self, token_hash: str, now_ms: int, device: HubDevice, key_hash: str
              ) -> HubDevice | None: ...
    def device_by_key_hash(self, key_hash: str) -> HubDevice | None: ...
    def device(self, device_id: str) -> HubDevice | None: ...
    def devices(self) -> list[HubDevice]: ...
    def revoke(self, device_id: str) -> bool: ...
    def close(self) -> None: ...


def is_postgres(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


def open_hub_log(location: str) -> HubLog:
    """The hub's storage: a PostgreSQL URL, or else the path of a SQLite file."""
    if is_postgres(location):
        from kiosk.sync.hub_postgres import PostgresHubLog

        return PostgresHubLog(location)
    from kiosk.store.hub_log import SqliteHubLog

    return SqliteHubLog(location)
