"""Steps the pretix connector tests share: an organisers' file linked to a pretix event, and
what pretix's own API says afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.services import registration_system as source
from kiosk.services.event_setup import NewEvent, create_event
from kiosk.store.event_file import EventFile
from tests.integration.pretix_server import PretixServer


def organisers_file(folder: Path, name: str = "conference.db") -> Path:
    path = folder / name
    create_event(path, NewEvent("Together Against Trafficking", "2026-12-08", "Leeds")).close()
    return path


def connect(event: EventFile, pretix: PretixServer, slug: str, token: str = "connector"
            ) -> source.SourceConfig:
    return source.configure_pretix(event, pretix.url, pretix.organizer, slug,
                                   pretix.tokens[token], pretix.events[slug]["list"])


def orders(pretix: PretixServer, slug: str) -> list[dict[str, Any]]:
    """Every order of the event, as pretix's API shows it (admin token)."""
    found: list[dict[str, Any]] = []
    with pretix.api() as api:
        url: str | None = f"events/{slug}/orders/?include_canceled_positions=true"
        while url:
            page = api.get(url).json()
            found += page["results"]
            url = page["next"]
    return found


def secrets_by_name(pretix: PretixServer, slug: str) -> dict[str, str]:
    """Each attendee's ticket secret, by their name as given."""
    return {p["attendee_name"]: p["secret"] for o in orders(pretix, slug)
            for p in o["positions"] if p["attendee_name"]}


def checkins_by_secret(pretix: PretixServer, slug: str) -> dict[str, list[dict[str, Any]]]:
    """Each position's successful check-ins on the event's list, by its secret."""
    wanted = pretix.events[slug]["list"]
    return {p["secret"]: [c for c in p["checkins"] if c["list"] == wanted]
            for o in orders(pretix, slug) for p in o["positions"]}


def place_order(pretix: PretixServer, slug: str, given: str, family: str,
                product: str = "delegate", email: str = "late@example.org") -> dict[str, Any]:
    """A new paid order made in pretix, as its back office would (admin token)."""
    items = pretix.events[slug]["items"]
    with pretix.api() as api:
        answer = api.post(f"events/{slug}/orders/", json={
            "email": email, "locale": "en", "sales_channel": "web", "status": "p",
            "send_email": False, "payment_provider": "manual", "positions": [{
                "item": items[product], "attendee_name_parts": {
                    "_scheme": "given_family", "given_name": given, "family_name": family}}]})
    assert answer.status_code == 201, answer.text
    return answer.json()


def cancel_order(pretix: PretixServer, slug: str, code: str) -> None:
    with pretix.api() as api:
        answer = api.post(f"events/{slug}/orders/{code}/mark_canceled/",
                          json={"send_email": False})
    assert answer.status_code == 200, answer.text
