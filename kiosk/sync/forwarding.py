"""A hub pushing its log to another hub (venue → head office), with the desks' protocol.

The venue hub enrols with the central hub like a desk does (a single-use token, a device
key kept only by the venue hub, the central hub's certificate pinned), then pushes every
change it holds, in ``hub_seq`` order, after a cursor it advances only on the central
hub's acknowledgement: a push cut off half-way is sent again, and the central hub stores
each change once.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from kiosk.core.refusal import Refusal
from kiosk.sync.bundles import new_signing_key, public_key_hex
from kiosk.sync.client import HubClient
from kiosk.sync.credentials import EnrolToken
from kiosk.sync.enrolment import pinned_certificate
from kiosk.sync.hub_intake import served_event
from kiosk.sync.hub_server import ensure_identity
from kiosk.sync.hub_storage import HubLog

log = logging.getLogger("kiosk.forwarding")

UPSTREAM_URL = "forward.url"
UPSTREAM_CERT = "forward.certificate"
UPSTREAM_KEY = "forward.device_key"
FORWARDED = "forward.cursor"  # the last hub_seq of ours the upstream hub acknowledged
BATCH = 2_000


class NotForwarding(Refusal):
    """This hub has no upstream hub yet."""


def connect_upstream(hub: HubLog, token_text: str) -> str:
    """Spend a token issued by the central hub; returns the central hub's id."""
    token = EnrolToken.parse(token_text)
    certificate = pinned_certificate(token)
    device_id = f"hub-{ensure_identity(hub)}"
    with HubClient(token.url, None, certificate) as client:
        reply = client.enrol(token.secret, device_id, public_key_hex(new_signing_key()))
    hub.set_setting(UPSTREAM_URL, token.url)
    hub.set_setting(UPSTREAM_CERT, certificate or "")
    hub.set_setting(UPSTREAM_KEY, reply.device_key)
    hub.set_setting(FORWARDED, "0")
    return reply.hub_id


def forward(hub: HubLog, batch: int = BATCH) -> int:
    """Push what the upstream hub has not acknowledged yet; returns how many changes went."""
    url, key = hub.setting(UPSTREAM_URL), hub.setting(UPSTREAM_KEY)
    if not url or not key:
        raise NotForwarding("This hub does not forward to another hub. Connect it with "
                            "`kiosk hub-forward --db HUB --connect TOKEN`.")
    sent = 0
    with HubClient(url, key, hub.setting(UPSTREAM_CERT) or None) as client:
        while True:
            after = int(hub.setting(FORWARDED) or 0)
            changes = hub.read(after, batch)
            if not changes:
                return sent
            # The central hub checks each change's author as any hub does: this hub vouches
            # for the keys of the devices it registered.
            authors = [{"author_id": a.author_id, "public_key": a.public_key, "name": a.name}
                       for a in hub.authors() if a.author_id in {c.device_id for c in changes}]
            result = client.push([replace(c, hub_seq=None) for c in changes],
                                 time.time_ns() // 1_000_000, authors, served_event(hub))
            if result.refused:
                log.warning("the upstream hub refused %d change(s)", len(result.refused))
            hub.set_setting(FORWARDED, str(max(c.hub_seq or after for c in changes)))
            sent += len(changes)
