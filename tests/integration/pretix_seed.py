"""Seeds a fresh pretix database for the connector tests; run by pretix's own Python.

Usage (with pretix's settings in the environment): ``python pretix_seed.py [--bench N]``.
Prints one JSON object: the organizer and event slugs, the check-in lists, the API tokens
(one with the connector's permissions, one for the tests' own changes in pretix) and the
products. Everything is made through pretix's ORM, as its back office would.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from decimal import Decimal

import django
from django.db import transaction

django.setup()

from django.utils.timezone import now  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402
from pretix.base.models import (  # noqa: E402
    CheckinList,
    Event,
    Item,
    ItemAddOn,
    ItemCategory,
    Order,
    OrderPosition,
    Organizer,
    Question,
    QuestionAnswer,
    QuestionOption,
    Quota,
    Team,
)

CONNECTOR_PERMISSIONS = {"event.orders:read": True, "event.orders:checkin": True}


def make_event(organizer: Organizer, slug: str, name: str, signed: bool) -> dict:
    event = Event.objects.create(
        organizer=organizer, slug=slug, name={"en": name}, currency="GBP",
        date_from=now() + timedelta(hours=2), live=True, plugins="pretix.plugins.banktransfer",
    )
    event.settings.timezone = "Europe/London"
    event.settings.locale = "en"
    if signed:
        event.settings.ticket_secret_generator = "pretix_sig1"
    tickets = ItemCategory.objects.create(event=event, name={"en": "Tickets"}, position=0)
    workshops = ItemCategory.objects.create(event=event, name={"en": "Workshops"}, position=1,
                                            is_addon=True)
    delegate = Item.objects.create(event=event, name={"en": "Delegate"}, category=tickets,
                                   default_price=Decimal("25.00"), admission=True)
    survivor = Item.objects.create(event=event, name={"en": "FREE - SURVIVOR LEADERS & VOLUNTEERS"},
                                   category=tickets, default_price=Decimal("0.00"), admission=True)
    speaker = Item.objects.create(event=event, name={"en": "Speaker"}, category=tickets,
                                  default_price=Decimal("0.00"), admission=True)
    trainer = Item.objects.create(event=event, name={"en": "Train the Trainer Taster"},
                                  category=workshops, default_price=Decimal("0.00"),
                                  admission=False)
    business = Item.objects.create(event=event, name={"en": "Engaging With Businesses"},
                                   category=workshops, default_price=Decimal("0.00"),
                                   admission=False)
    for item in (delegate, survivor, speaker):
        ItemAddOn.objects.create(base_item=item, addon_category=workshops, max_count=2)
    places = Quota.objects.create(event=event, name="Places", size=None)
    places.items.add(delegate, survivor, speaker, trainer, business)
    pronouns = Question.objects.create(event=event, question={"en": "Pronouns"}, type="S",
                                       required=False, identifier="PRONOUNS")
    needs = Question.objects.create(event=event, question={"en": "Access needs"}, type="T",
                                    required=False, identifier="ACCESS")
    phone = Question.objects.create(event=event, question={"en": "Mobile phone for the day"},
                                    type="S", required=False, identifier="PHONE")
    afternoon = Question.objects.create(event=event, question={"en": "Afternoon workshop"},
                                        type="C", required=False, identifier="AFTERNOON")
    for question in (pronouns, needs, phone, afternoon):
        question.items.add(delegate, survivor, speaker)
    community = QuestionOption.objects.create(
        question=afternoon, answer={"en": "What Does Community Action Look Like?"},
        identifier="COMMUNITY")
    offenders = QuestionOption.objects.create(
        question=afternoon, answer={"en": "Managing Offenders Involved in Trafficking"},
        identifier="OFFENDERS")
    entrance = CheckinList.objects.create(event=event, name="Main entrance", all_products=True,
                                          include_pending=False)
    return {
        "event": event, "slug": slug, "list": entrance.pk,
        "items": {"delegate": delegate, "survivor": survivor, "speaker": speaker,
                  "trainer": trainer, "business": business},
        "questions": {"pronouns": pronouns, "needs": needs, "phone": phone,
                      "afternoon": afternoon},
        "options": {"community": community, "offenders": offenders},
    }


def place_order(made: dict, status: str, email: str, people: list[dict]) -> Order:
    # As pretix's own code does: the order and its ledger of transactions in one go.
    with transaction.atomic():
        order = _place_order(made, status, email, people)
        order.create_transactions(is_new=True)
    return order


def _place_order(made: dict, status: str, email: str, people: list[dict]) -> Order:
    event: Event = made["event"]
    order = Order.objects.create(
        event=event, status=status, email=email, locale="en",
        total=sum(made["items"][p.get("item", "delegate")].default_price for p in people),
        sales_channel=event.organizer.sales_channels.get(identifier="web"),
        expires=now() + timedelta(days=10),
    )
    number = 0
    for person in people:
        number += 1
        item = made["items"][person.get("item", "delegate")]
        position = OrderPosition.objects.create(
            order=order, item=item, variation=None, price=item.default_price,
            attendee_name_parts={"_scheme": "given_family", "given_name": person["given"],
                                 "family_name": person["family"]},
            attendee_email=person.get("email"), company=person.get("company"),
            positionid=number,
        )
        questions = made["questions"]
        for key in ("pronouns", "needs", "phone"):
            if person.get(key):
                QuestionAnswer.objects.create(orderposition=position, question=questions[key],
                                              answer=person[key])
        if person.get("afternoon"):
            option = made["options"][person["afternoon"]]
            answer = QuestionAnswer.objects.create(orderposition=position,
                                                   question=questions["afternoon"],
                                                   answer=option.answer["en"])
            answer.options.add(option)
        for workshop in person.get("workshops", ()):
            number += 1
            addon = made["items"][workshop]
            OrderPosition.objects.create(order=order, item=addon, variation=None,
                                         price=addon.default_price, addon_to=position,
                                         positionid=number)
    return order


PEOPLE = [
    ("p", "amara@example.org", [{"given": "Amara", "family": "Okonkwo", "company": "Unseen UK",
                                 "pronouns": "she/her", "workshops": ["trainer"],
                                 "afternoon": "community", "phone": "07700 900123"}]),
    ("p", "malgorzata@example.org", [{"given": "Małgorzata", "family": "Wiśniewska",
                                      "item": "survivor", "needs": "Step-free access"}]),
    ("p", "dung@example.org", [{"given": "Nguyễn Văn", "family": "Dũng", "item": "speaker",
                                "workshops": ["business"]}]),
    ("p", "group@example.org", [{"given": "José", "family": "Álvarez",
                                 "email": "jose@example.org"},
                                {"given": "Zoë", "family": "Brontë",
                                 "email": "zoe@example.org", "afternoon": "offenders"}]),
    ("n", "pending@example.org", [{"given": "Pending", "family": "Payer"}]),
    ("c", "cancelled@example.org", [{"given": "Cancelled", "family": "Before"}]),
    ("p", "siobhan@example.org", [{"given": "Siobhán", "family": "Ní Bhriain",
                                   "company": "Anti-Slavery Partnership"}]),
]


def bench_people(count: int) -> list[tuple[str, str, list[dict]]]:
    return [("p", f"bench{n}@example.org",
             [{"given": f"Bench{n}", "family": "Person", "item": "delegate"}])
            for n in range(count)]


def main(argv: list[str]) -> None:
    bench = int(argv[argv.index("--bench") + 1]) if "--bench" in argv else 0
    copies = int(argv[argv.index("--events") + 1]) if "--events" in argv else 1
    with scopes_disabled():
        organizer = Organizer.objects.create(name="Kiosk test organisers", slug="kiosk")
        # One conference per test: the server is shared, each test's orders its own.
        made = [make_event(organizer, f"conference-{n}", "Together Against Trafficking",
                           False) for n in range(1, copies + 1)]
        made.append(make_event(organizer, "signed", "Signed tickets day", True))
        for event in made:
            for person in PEOPLE:
                place_order(event, *person)
        if bench:
            made.append(make_event(organizer, "bench", "Bench conference", False))
            for person in bench_people(bench):
                place_order(made[-1], *person)
        connector = Team.objects.create(organizer=organizer, name="Registration desk",
                                        all_events=True,
                                        limit_event_permissions=CONNECTOR_PERMISSIONS)
        admin = Team.objects.create(organizer=organizer, name="Tests", all_events=True,
                                    all_event_permissions=True,
                                    all_organizer_permissions=True)
        read_only = Team.objects.create(organizer=organizer, name="Read only", all_events=True,
                                        limit_event_permissions={"event.orders:read": True})
        tokens = {
            "connector": connector.tokens.create(name="kiosk").token,
            "admin": admin.tokens.create(name="tests").token,
            "read_only": read_only.tokens.create(name="read only").token,
        }
        events = {}
        for event in made:
            events[event["slug"]] = {
                "list": event["list"],
                "items": {key: item.pk for key, item in event["items"].items()},
                "questions": {key: q.pk for key, q in event["questions"].items()},
            }
    teams = {"connector": connector.pk, "admin": admin.pk, "read_only": read_only.pk}
    print(json.dumps({"organizer": organizer.slug, "tokens": tokens, "teams": teams,
                      "events": events}))


if __name__ == "__main__":
    main(sys.argv)
