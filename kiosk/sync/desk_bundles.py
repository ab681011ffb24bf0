"""Offline bundles at a desk: write this device's changes to a file; take in another's."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.sync.bundles import BundleRefused, event_key, public_key_hex, read_bundle, write_bundle
from kiosk.sync.enrolment import signing_key

# What a bundle file's name ends in (the command line and the console).
BUNDLE_SUFFIXES = (".bundle",)


@dataclass(frozen=True)
class BundleImport:
    device_id: str
    received: int
    new: int


def export_bundle(store: EventStore, after_seq: int = 0) -> tuple[bytes, int]:
    """(bundle bytes, number of changes): this device's changes after ``after_seq``."""
    key = event_key(sync_state.event_updates(store))
    changes = sync_state.own_changes(store, after_seq)
    return write_bundle(changes, store.device_id, signing_key(store), key), len(changes)


def import_bundle(store: EventStore, data: bytes, trust_new_device: bool = False
                  ) -> BundleImport:
    """Verify a bundle against the devices this desk knows, then take its changes in.

    Importing the same bundle twice changes nothing; the changes reach the hub with this
    desk's next push.
    """
    known = sync_state.known_devices(store)
    own_key = public_key_hex(signing_key(store))
    mine = set(sync_state.own_incarnations(store))
    newly_trusted: list[sync_state.KnownDevice] = []

    def trust(device_id: str, public_key: str) -> None:
        if device_id in mine and public_key == own_key:
            return
        device = known.get(device_id)
        if device is not None and device.revoked:
            raise BundleRefused("This bundle comes from a desk the organisers removed; "
                                "it was not imported.")
        if device is not None and device.public_key == public_key:
            return
        if device is None and trust_new_device:
            newly_trusted.append(sync_state.KnownDevice(device_id, "", public_key, False))
            return
        raise BundleRefused(
            f"This bundle comes from device {device_id}, which this desk does not know. Sync "
            "with the hub first, or, if you know where the bundle came from, import it with "
            "--trust-new-device.")

    device_id, changes = read_bundle(data, event_key(sync_state.event_updates(store)), trust)
    with store.transaction():
        if newly_trusted:
            sync_state.save_known_devices(store, newly_trusted)
        fresh = store.receive(changes, check_authors=True, bundled_by=device_id)
    return BundleImport(device_id, len(changes), len(fresh))
