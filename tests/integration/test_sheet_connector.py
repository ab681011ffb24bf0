"""A published sheet over real HTTPS on loopback: conditional requests, changes, the same import."""

from __future__ import annotations

import hashlib
import ssl
import threading
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from kiosk.connectors import ConnectorProblem
from kiosk.core.checkin_rules import Outcome
from kiosk.services import registration_system as source
from kiosk.services.desk import Desk
from kiosk.store import queries
from kiosk.store.event_file import EventFile
from kiosk.sync.tls import self_signed
from tests.integration.pretix_steps import organisers_file

SHEET = ("Timestamp,First name,Surname,Email address,Organisation,Which workshop?,"
         "Phone number,Status\n"
         "2026-11-01 10:00,Amara,Okonkwo,amara@example.org,Unseen UK,"
         "Train the Trainer Taster,07700 900123,\n"
         "2026-11-02 11:30,Małgorzata,Wiśniewska,gosia@example.org,,"
         "Engaging With Businesses,,\n")


class PublishedSheet(ThreadingHTTPServer):
    """A sheet as a publishing server serves it: ETag, Last-Modified, 304 when unchanged."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SheetHandler)
        self.sheet = SHEET.encode()
        self.modified = formatdate(usegmt=True)
        self.requests = 0
        self.not_modified = 0

    def publish(self, text: str) -> None:
        self.sheet = text.encode()
        self.modified = formatdate(usegmt=True)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.sheet).hexdigest()[:16] + '"'


class _SheetHandler(BaseHTTPRequestHandler):
    server: PublishedSheet

    def do_GET(self) -> None:
        self.server.requests += 1
        if self.path != "/pub?output=csv":
            self.send_response(404)
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == self.server.etag:
            self.server.not_modified += 1
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.send_header("ETag", self.server.etag)
        self.send_header("Last-Modified", self.server.modified)
        self.send_header("Content-Length", str(len(self.server.sheet)))
        self.end_headers()
        self.wfile.write(self.server.sheet)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def published(tmp_path: Path) -> Iterator[tuple[PublishedSheet, httpx.HTTPTransport]]:
    cert, key = self_signed("127.0.0.1")
    (tmp_path / "cert.pem").write_text(cert)
    (tmp_path / "key.pem").write_text(key)
    server = PublishedSheet()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # the connector trusts this server's own certificate, as a browser trusts a real one
    trusted = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    yield server, httpx.HTTPTransport(verify=trusted)
    server.shutdown()
    server.server_close()


def test_a_published_sheet_is_pulled_when_it_changes_through_the_same_import(
        published, tmp_path: Path) -> None:
    server, transport = published
    url = f"https://127.0.0.1:{server.server_address[1]}/pub?output=csv"
    with EventFile.open(organisers_file(tmp_path)) as organiser:
        source.configure_sheet(organiser, url, transport)
        connector = source.open_connector(organiser, transport)
        first = source.pull(organiser, connector)
        assert (first.read, first.created) == (2, 2)
        fates = {c.heading: c.fate.value for c in first.columns}
        assert fates["Phone number"] == "dropped" and fates["Which workshop?"] == "mapped"
        # unchanged: the server answers 304 and nothing is read
        asked = server.not_modified
        again = source.pull(organiser, connector)
        assert (again.read, again.created) == (0, 0) and server.not_modified == asked + 1
        # a late registration and a cancellation are added to the sheet during the event
        server.publish(SHEET.replace("Unseen UK,Train the Trainer Taster,07700 900123,",
                                     "Unseen UK,Train the Trainer Taster,07700 900123,cancelled")
                       + "2026-12-08 09:05,Tomás,Ó Briain,tomas@example.org,,,,\n")
        late = source.pull(organiser, connector)
        assert (late.read, late.created, late.updated, late.unchanged, late.cancelled) == \
            (3, 1, 1, 1, 1)
        store = organiser.store
        people = {a.first_name: a for a in queries.list_attendees(store.conn, status="all")}
        assert people["Amara"].status.value == "cancelled"
        assert Desk(store, "Desk 1").check_in(people["Tomás"].id).outcome is Outcome.OK
        # a whole sheet is a complete list: who left it is reported missing, never deleted
        server.publish(SHEET.split("2026-11-02")[0])
        gone = source.pull(organiser, connector)
        assert gone.missing == 2 and len(queries.list_attendees(store.conn, status="all")) == 3
        connector.close()
        state = organiser.read(source.source_state)
        assert state.system == "sheet" and state.errors == []
        assert state.last_pull.brought["read"] == 1


def test_a_sheet_that_is_gone_or_not_a_sheet_is_said_plainly(published, tmp_path: Path
                                                               ) -> None:
    server, transport = published
    base = f"https://127.0.0.1:{server.server_address[1]}"
    with EventFile.open(organisers_file(tmp_path)) as organiser:
        with pytest.raises(source.SourceRefused, match="still published"):
            source.configure_sheet(organiser, base + "/gone", transport)
        with pytest.raises(source.SourceRefused, match="not a web address"):
            source.configure_sheet(organiser, "docs.google.com/pub", transport)
        source.configure_sheet(organiser, base + "/pub?output=csv", transport)
        server.publish("<html><body>Sign in</body></html>")
        connector = source.open_connector(organiser, transport)
        with pytest.raises(Exception, match="web page"):
            source.pull(organiser, connector)
        assert "web page" in organiser.read(source.source_state).errors[0]
        connector.close()
    server.shutdown()
    server.server_close()  # the server is gone: nothing listens there any more
    with EventFile.open(tmp_path / "conference.db") as organiser:
        connector = source.open_connector(organiser, transport)
        with pytest.raises(ConnectorProblem, match="cannot be reached"):
            source.pull(organiser, connector)
        connector.close()
