"""How much each device may push: a bucket of changes and one of bytes, refilled steadily.

A desk checking people in sends a few changes a minute, and a few thousand after hours
offline; a burst far beyond that is a faulty or hostile device, and is slowed down (429)
before it fills the hub and every desk. The organisers' devices and forwarding hubs load
whole events, so they get far more.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from kiosk.store.hub_records import DeviceRole


@dataclass(frozen=True)
class PushLimits:
    changes: int = 20_000  # a desk's burst, refilled over ``window_s``
    bytes: int = 32 * 1024 * 1024
    window_s: float = 600.0
    organiser_factor: int = 50  # organisers' devices and hubs load whole events


class PushAllowance:
    """Per-device token buckets (in memory: a restarted hub starts them full)."""

    def __init__(self, limits: PushLimits) -> None:
        self.limits = limits
        self._buckets: dict[str, tuple[float, float, float]] = {}
        self._lock = threading.Lock()

    def take(self, device_id: str, role: DeviceRole, changes: int, size: int,
             now_s: float) -> float | None:
        """Take this push from the device's allowance: None, or seconds to wait first."""
        factor = 1 if role is DeviceRole.DESK else self.limits.organiser_factor
        most_changes = self.limits.changes * factor
        most_bytes = self.limits.bytes * factor
        with self._lock:
            left_changes, left_bytes, then = self._buckets.get(
                device_id, (most_changes, most_bytes, now_s))
            share = max(now_s - then, 0) / self.limits.window_s
            left_changes = min(most_changes, left_changes + share * most_changes)
            left_bytes = min(most_bytes, left_bytes + share * most_bytes)
            if changes > left_changes or size > left_bytes:
                short = max((changes - left_changes) / most_changes,
                            (size - left_bytes) / most_bytes)
                self._buckets[device_id] = (left_changes, left_bytes, now_s)
                return max(1.0, short * self.limits.window_s)
            self._buckets[device_id] = (left_changes - changes, left_bytes - size, now_s)
            return None
