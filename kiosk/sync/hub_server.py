"""Running a hub: its identity and certificate, and uvicorn (in the foreground or a thread)."""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from kiosk.store.hub_records import HUB_ID, PUBLIC_URL, TLS_CERT, TLS_KEY
from kiosk.store.outputs import new_private_file
from kiosk.sync.hub_app import create_app
from kiosk.sync.hub_storage import HubLog
from kiosk.sync.rate_limits import PushLimits
from kiosk.sync.tls import fingerprint, self_signed


@dataclass(frozen=True)
class HubAddress:
    """Where desks reach the hub and which certificate they must see there."""

    url: str
    fingerprint: str  # '' when the hub speaks plain HTTP


@dataclass(frozen=True)
class Certificate:
    cert_pem: str
    key_pem: str


def hub_certificate(hub: HubLog, host: str, cert_file: str | None = None,
                    key_file: str | None = None) -> Certificate:
    """The given certificate, or the hub's own self-signed one (made on first start)."""
    if cert_file and key_file:
        return Certificate(Path(cert_file).read_text(), Path(key_file).read_text())
    cert, key = hub.setting(TLS_CERT), hub.setting(TLS_KEY)
    if cert is None or key is None:
        cert, key = self_signed(host)
        hub.set_setting(TLS_CERT, cert)
        hub.set_setting(TLS_KEY, key)
    return Certificate(cert, key)


def ensure_identity(hub: HubLog) -> str:
    hub_id = hub.setting(HUB_ID)
    if hub_id is None:
        hub_id = secrets.token_hex(6)
        hub.set_setting(HUB_ID, hub_id)
    return hub_id


def publish_address(hub: HubLog, address: HubAddress) -> None:
    """Remember where the hub listens, so `kiosk hub-enrol` can put it in tokens."""
    hub.set_setting(PUBLIC_URL, f"{address.url} {address.fingerprint}".strip())


def published_address(hub: HubLog) -> HubAddress | None:
    value = hub.setting(PUBLIC_URL)
    if not value:
        return None
    url, _, fp = value.partition(" ")
    return HubAddress(url, fp)


def _config(hub: HubLog, host: str, port: int, certificate: Certificate | None,
            folder: Path, access_log: bool, limits: PushLimits | None = None
            ) -> uvicorn.Config:
    ssl: dict[str, Any] = {}
    if certificate is not None:
        cert_path, key_path = folder / "hub-cert.pem", folder / "hub-key.pem"
        cert_path.write_text(certificate.cert_pem)
        new_private_file(key_path)  # the hub's private key: this user only, from the start
        key_path.write_text(certificate.key_pem)
        ssl = {"ssl_certfile": str(cert_path), "ssl_keyfile": str(key_path)}
    # The access log shows method, path and status only: never bodies, so never names.
    return uvicorn.Config(create_app(hub, limits=limits), host=host, port=port,
                          access_log=access_log,
                          log_level="info" if access_log else "warning", timeout_keep_alive=75,
                          timeout_graceful_shutdown=2,
                          # The app has no start-up or shut-down hooks; without lifespan
                          # events a forced stop prints no traceback.
                          lifespan="off",
                          **ssl)


def serve(hub: HubLog, host: str, port: int, certificate: Certificate | None,
          public_url: str | None = None) -> None:
    """Run the hub in the foreground until interrupted."""
    ensure_identity(hub)
    scheme = "https" if certificate else "http"
    address = HubAddress(public_url or f"{scheme}://{host}:{port}",
                         fingerprint(certificate.cert_pem) if certificate else "")
    publish_address(hub, address)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with tempfile.TemporaryDirectory(prefix="kiosk-hub-") as folder:
        os.chmod(folder, 0o700)
        uvicorn.Server(_config(hub, host, port, certificate, Path(folder), True)).run()


class HubThread:
    """A hub serving on loopback in a background thread (tests, benchmarks, the console)."""

    def __init__(self, hub: HubLog, port: int = 0, tls: bool = True, host: str = "127.0.0.1",
                 public_host: str | None = None, limits: PushLimits | None = None) -> None:
        """``host`` to listen on (0.0.0.0: the console's hub on the venue network), and
        ``public_host``, the address desks are given, when that is not ``host``."""
        import socket

        self.hub = hub
        ensure_identity(hub)
        if port == 0:
            with socket.socket() as probe:
                probe.bind((host, 0))
                port = probe.getsockname()[1]
        shown = public_host or host
        certificate = hub_certificate(hub, shown) if tls else None
        self._folder = tempfile.TemporaryDirectory(prefix="kiosk-hub-")
        config = _config(hub, host, port, certificate, Path(self._folder.name), False, limits)
        self.server = uvicorn.Server(config)
        self.address = HubAddress(f"{'https' if tls else 'http'}://{shown}:{port}",
                                  fingerprint(certificate.cert_pem) if certificate else "")
        publish_address(hub, self.address)
        self._thread = threading.Thread(target=self.server.run, name="kiosk-hub", daemon=True)

    def __enter__(self) -> HubThread:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the hub did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.server.force_exit = True  # desks' idle keep-alive connections need no goodbye
        self._thread.join(10)
        self._folder.cleanup()
