"""The one way changes come into a hub: pushes, bundles, `kiosk hub-import`, the hub in the
organisers' app, and a venue hub forwarding to a central one all go through :func:`take_in`.

It checks, in this order: that the changes are of the event this hub serves (one event per
hub database); that each is well-formed; and, change by change, that it is its author's —
signed with the key registered for the device it names, whoever relays it. A change that
fails is refused on its own, with its reason; the rest are stored. Nothing a device sends
can make another device's later pushes fail.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kiosk.core.change_signatures import UNKNOWN_AUTHOR, signature_problem
from kiosk.core.changes import KEY_SWAP, Change, ChangeKind, key_set_by, payload_problem
from kiosk.core.ids import belongs_to, claims_another_keys_id
from kiosk.core.refusal import Refusal
from kiosk.store.hub_records import EVENT_IDENTITY, DeviceRole, HubAuthor, HubDevice
from kiosk.sync.bundles import BundleRefused, event_key
from kiosk.sync.hub_storage import HubLog

CLASH = ("another change from the same device already has its number at the hub (the device "
         "may run a copy of an event file that was not restored properly)")
REMOVED = "it comes from a device the organisers removed"


class OtherEvent(Refusal):
    """The changes belong to another event than the one this hub serves."""


class IllFormed(Refusal):
    """A change that cannot be read: nothing of the batch is stored."""


@dataclass(frozen=True)
class Intake:
    """What the hub did with a batch: each change's number, or why it was refused."""

    acks: list[tuple[str, int]]
    refused: list[tuple[str, str]]  # (change id, why), in plain words
    new: int  # changes it did not hold before


def event_identity(updates: Iterable[Change]) -> str | None:
    """An event's identity: its tag and the id of the change that created it (None when
    these changes hold no event)."""
    try:
        key = event_key(updates)
    except BundleRefused:
        return None
    return f"{key.event_tag} {key.creation_id}"


def served_event(hub: HubLog) -> str | None:
    """The event this hub serves, if it holds one."""
    held = hub.setting(EVENT_IDENTITY)
    if held:
        return held
    found = event_identity(hub.event_updates())
    if found is not None:
        hub.set_setting(EVENT_IDENTITY, found)
    return found


def check_event(hub: HubLog, identity: str | None, event_name: str = "") -> None:
    """Refuse, in plain words, changes of another event than the one this hub serves."""
    if identity is None:
        return
    held = served_event(hub)
    if held is None:
        hub.set_setting(EVENT_IDENTITY, identity)
        return
    if held != identity:
        named = f" (“{event_name}”)" if event_name else ""
        raise OtherEvent(
            f"The hub database {hub.location} holds another event than this one{named}. A "
            "hub serves one event: use a new hub database for this one (a new file name "
            "makes a new hub), and connect its desks with tokens from that hub.")


def ill_formed(changes: Sequence[Change], hub: HubLog) -> str | None:
    """Why the hub will not take these changes at all, or None: each must be well-formed,
    and none may swap the event's ticket key (passing on the organisers' own change, as
    every desk copy does, is fine)."""
    current: str | None = None
    for change in changes:
        problem = payload_problem(change.kind, change.payload)
        if problem is not None:
            return f"A change from this device could not be read ({change.kind}: {problem})."
        key = key_set_by(change.kind, change.payload)
        if key is not None:
            if current is None:
                try:
                    current = event_key(hub.event_updates()).public_key
                except BundleRefused:  # no event loaded yet: nothing to protect
                    current = key
            if key != current:
                return f"A change from this device was refused: {KEY_SWAP}."
    return None


def introduce(hub: HubLog, authors: Iterable[HubAuthor], by: HubDevice | None) -> None:
    """Register device ids the sender vouches for.

    A device may register only ids that are provably its own incarnations: made from its
    own registered key (kiosk.core.ids; a restored or copied file). The organisers'
    devices, a forwarding hub and the hub machine itself (``by`` None) may also vouch for
    another device's key (their own event file, an offline desk copy whose bundle they
    took in). Nobody may register an id made from another key than the one given, so
    whoever comes first can never take a device's id away from it."""
    now = time.time_ns() // 1_000_000
    for author in authors:
        if claims_another_keys_id(author.author_id, author.public_key):
            continue
        if by is not None and author.public_key == by.public_key \
                and belongs_to(author.author_id, by.public_key):
            hub.add_author(HubAuthor(author.author_id, author.public_key, by.device_id,
                                     by.name), now)
        elif by is None or by.role in (DeviceRole.ORGANISER, DeviceRole.HUB):
            hub.add_author(HubAuthor(author.author_id, author.public_key, "",
                                     author.name), now)


def take_in(hub: HubLog, changes: Sequence[Change], pushed_by: str, *,
            by: HubDevice | None = None, authors: Iterable[HubAuthor] = (),
            event: str | None = None) -> Intake:
    """Check and store a batch of changes (``by`` is the device that sent them; None for the
    hub machine's own ways in). Raises OtherEvent or IllFormed, storing nothing."""
    check_event(hub, event)
    updates = [c for c in changes if c.kind is ChangeKind.EVENT_UPDATE]
    carried = None
    if all(payload_problem(c.kind, c.payload) is None for c in updates):
        carried = event_identity(updates)
        serving = served_event(hub)
        if carried and serving and carried.split(" ")[0] not in ("", serving.split(" ")[0]):
            # Another event's creation (its own tag) is refused as such before the other
            # checks, which would take it for a change of this event's ticket key.
            check_event(hub, carried)
    problem = ill_formed(changes, hub)
    if problem is not None:
        raise IllFormed(problem)
    check_event(hub, carried)
    introduce(hub, authors, by)
    held = hub.known([c.change_id for c in changes])
    keys: dict[str, HubAuthor | None] = {}
    removed: dict[str, bool] = {}
    refused: list[tuple[str, str]] = []
    accepted: list[Change] = []
    for change in changes:
        if change.change_id in held:
            continue
        if change.device_id not in keys:
            keys[change.device_id] = hub.author(change.device_id)
        author = keys[change.device_id]
        why = signature_problem(change, author.public_key if author else None)
        if why is None and author is not None and author.device_id:
            if author.device_id not in removed:
                owner = hub.device(author.device_id)
                removed[author.device_id] = owner is not None and owner.revoked \
                    and owner.wiped_ms is None
            why = REMOVED if removed[author.device_id] else None
        if why is not None:
            refused.append((change.change_id, why if author or why != UNKNOWN_AUTHOR
                            else f"{why} (device {change.device_id})"))
        else:
            accepted.append(change)
    numbers = hub.append(accepted, pushed_by) if accepted else []
    acks = [(c, n) for c, n in held.items()]
    new = 0
    for change, number in zip(accepted, numbers, strict=True):
        if number is None:
            refused.append((change.change_id, CLASH))
        else:
            acks.append((change.change_id, number))
            new += 1
    order = {c.change_id: i for i, c in enumerate(changes)}
    acks.sort(key=lambda ack: order.get(ack[0], 0))
    return Intake(acks, refused, new)
