"""Joining a hub: the hub issues single-use tokens; a desk spends one and pins the hub."""

from __future__ import annotations

import time
from urllib.parse import urlparse

from kiosk.core.refusal import Refusal
from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.store.hub_records import EnrolGrant
from kiosk.sync.bundles import public_key_hex
from kiosk.sync.client import HubClient, HubRefused, HubUnreachable
from kiosk.sync.credentials import EnrolToken, new_token_secret, secret_hash
from kiosk.sync.hub_server import HubAddress, published_address
from kiosk.sync.hub_storage import HubLog
from kiosk.sync.tls import fetch_certificate, fingerprint

TOKEN_LIFETIME_S = 15 * 60


class EnrolmentRefused(Refusal):
    """The desk could not join the hub; the message says why and what to do."""


def issue_token(hub: HubLog, grant: EnrolGrant, address: HubAddress | None = None,
                lifetime_s: int = TOKEN_LIFETIME_S) -> EnrolToken:
    """A token that lets one device join, once, within ``lifetime_s`` seconds."""
    address = address or published_address(hub)
    if address is None:
        raise EnrolmentRefused("Start the hub once (`kiosk hub`) so it knows its address, "
                               "or give --url.")
    secret = new_token_secret()
    hub.add_token(secret_hash(secret), grant,
                  time.time_ns() // 1_000_000 + lifetime_s * 1000)
    return EnrolToken(address.url, address.fingerprint, secret)


def signing_key(store: EventStore) -> bytes:
    """This device's Ed25519 key (its changes and bundles are signed with it), made on first
    use."""
    store.signer()
    key = store.secret(sync_state.SIGNING_KEY)
    assert key is not None
    return key


def pinned_certificate(token: EnrolToken) -> str | None:
    """The hub's certificate, checked against the token's fingerprint (None for plain HTTP)."""
    parts = urlparse(token.url)
    if parts.scheme == "http":
        return None
    if parts.scheme != "https" or not parts.hostname:
        raise EnrolmentRefused(f"The token's hub address {token.url} is not usable.")
    try:
        cert = fetch_certificate(parts.hostname, parts.port or 443)
    except OSError as exc:
        raise EnrolmentRefused(f"The hub at {token.url} cannot be reached ({exc}). Check the "
                               "network and that the hub is running.") from exc
    if fingerprint(cert) != token.fingerprint:
        raise EnrolmentRefused(
            f"The machine at {token.url} is not the hub this token was made for (its "
            "certificate differs). Do not connect; ask the organisers.")
    return cert


def _hub_key(client: HubClient) -> str:
    """The key the hub signs wipe orders with, over the same pinned channel; '' from a hub
    too old to sign them, or if asking fails (the token is spent: the enrolment must still
    be saved; over pinned TLS the desk can learn the key with an order)."""
    try:
        key = client.health().get("hub_key", "")
    except (HubUnreachable, HubRefused, ValueError):
        return ""
    return key if isinstance(key, str) else ""


def connect_desk(store: EventStore, token_text: str) -> sync_state.HubLink:
    """Spend an enrolment token: get a device key, pin the hub's certificate, save both."""
    device_id, public = enrolment_identity(store)
    link, device_key = enrol_with_hub(token_text, device_id, public)
    sync_state.save_hub_link(store, link, device_key)
    return link


def enrolment_identity(store: EventStore) -> tuple[str, str]:
    """This device's id and the public half of its signing key (made now if need be)."""
    return store.device_id, public_key_hex(signing_key(store))


def enrol_with_hub(
    token_text: str, device_id: str, public: str,
) -> tuple[sync_state.HubLink, bytes]:
    """The network half of enrolling (no event file here): the hub's link and device key."""
    token = EnrolToken.parse(token_text)
    cert = pinned_certificate(token)
    with HubClient(token.url, None, cert) as client:
        reply = client.enrol(token.secret, device_id, public)
        hub_key = _hub_key(client)
    link = sync_state.HubLink(token.url, token.fingerprint, cert or "", reply.hub_id, reply.name,
                              hub_key)
    return link, reply.device_key.encode()
