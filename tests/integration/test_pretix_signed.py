"""pretix's signed secrets (pretix_sig1) checked offline at a desk, with pretix's revocations."""

from __future__ import annotations

from pathlib import Path

from kiosk.core import pretix_codes
from kiosk.core.checkin_rules import Outcome
from kiosk.services import registration_system as source
from kiosk.services.desk import Desk
from kiosk.services.ticket_issuing import make_desk_package
from kiosk.store import external_codes, queries
from kiosk.store.event_file import EventFile
from kiosk.store.event_store import EventStore
from tests.integration.pretix_server import PretixServer
from tests.integration.pretix_steps import (
    connect,
    orders,
    organisers_file,
    place_order,
    secrets_by_name,
)


def _tampered(secret: str) -> str:
    """The same secret with one character of its signed payload changed."""
    text = secret[::-1]
    at = 12
    swapped = "B" if text[at] != "B" else "C"
    return (text[:at] + swapped + text[at + 1:])[::-1]


def test_a_pretix_signed_secret_verifies_offline_at_a_desk(
        pretix: PretixServer, tmp_path: Path) -> None:
    slug = "signed"
    path = organisers_file(tmp_path)
    with EventFile.open(path) as organiser:
        connect(organiser, pretix, slug)
        connector = source.open_connector(organiser)
        source.pull(organiser, connector)
        store = organiser.store
        keys = external_codes.pretix_keys(store.conn)
        assert len(keys) == 1
        code = secrets_by_name(pretix, slug)
        amara = code["Amara Okonkwo"]
        assert pretix_codes.read_signed_secret(amara, keys).verdict is \
            pretix_codes.SecretVerdict.VALID
        make_desk_package(store, tmp_path / "desk.db")
        desk_store = EventStore.open(tmp_path / "desk.db")
        desk = Desk(desk_store, "Desk 1")
        # bought after the desk's copy was made: genuine, though the desk has no name for it
        late = place_order(pretix, slug, "Kwame", "Mensah")["positions"][0]["secret"]
        unseen = desk.scan(late)
        assert unseen.outcome is Outcome.UNKNOWN and "genuine ticket" in unseen.message
        assert desk.scan(_tampered(late)).outcome is Outcome.FORGED
        assert desk.scan(amara).outcome is Outcome.OK
        desk_store.close()
        # pretix re-issues Amara's ticket: the old code goes on its revocation list
        position = next(p["id"] for o in orders(pretix, slug) for p in o["positions"]
                        if p["secret"] == amara)
        with pretix.api() as api:
            answer = api.post(f"events/{slug}/orderpositions/{position}/regenerate_secrets/")
        assert answer.status_code == 200, answer.text
        renewed = answer.json()["secret"]
        source.pull(organiser, connector)
        assert amara in queries.event_fields(store.conn)["revoked_codes"]
        make_desk_package(store, tmp_path / "desk2.db")
        connector.close()
    desk_store = EventStore.open(tmp_path / "desk2.db")
    desk = Desk(desk_store, "Desk 2")
    assert desk.scan(amara).outcome is Outcome.REVOKED
    assert desk.scan(renewed).outcome is Outcome.OK
    desk_store.close()
