"""Attendees whose names and organisations are hard to print, for the badge tests."""

from __future__ import annotations

from kiosk.core.models import Attendee, Event
from kiosk.core.tickets import sign_ticket

EVENT = Event(
    name="Freedom Network Conference 2025 — Stop Human Trafficking",
    date="2025-10-18",
    venue="Friends House, London",
)

# (first name, last name, organisation, pronouns, category, badge name, first name only)
HARD_PEOPLE: tuple[tuple[str, str, str, str, str, str, bool], ...] = (
    ("Sam", "Okafor", "Unseen UK", "they/them", "delegate", "", False),
    ("Maximiliane-Alexandra", "Wolfeschlegelsteinhausen-Bergerdorff",
     "International Organisation for Migration — Regional Office for Europe and Central Asia",
     "she/her", "speaker", "", False),
    ("Nguyễn", "Thị Ấu Ngọc Quỳnh", "Hội Liên hiệp Phụ nữ Việt Nam", "", "volunteer", "", False),
    ("علی", "رضایی", "سازمان حمایت از کودکان کار", "", "delegate", "", False),
    ("محمد", "Al-Hassan (Mo)", "مؤسسة الحقوق ٢٠٢٤", "he/him", "press", "", False),
    ("ڕێزان", "ئەحمەد", "ڕێکخراوی ئاسۆ", "", "partner NGO", "", False),
    ("שרה", "כֹּהֵן", "ארגון מגן", "", "delegate", "", False),
    ("ለምለም", "ገብረመድህን", "ማሕበር ሰብኣዊ መሰል ትግራይ", "", "volunteer", "", False),
    ("आदित्य", "क्षत्रिय श्रीवास्तव", "राष्ट्रीय महिला आयोग", "", "speaker", "", False),
    ("王", "小明", "中国反拐卖妇女儿童协会", "", "delegate", "", False),
    ("山田", "花子", "ジャパン・ライツ・ネットワーク", "", "press", "", False),
    ("김", "민준", "한국인권재단", "", "staff", "", False),
    ("Zoë", "O'Brien 🎉", "Λέσχη Ελευθερίας · Свобода", "ze/zir 🏳️‍🌈", "delegate", "", False),
    ("Ana", "Secret-Surname", "Hidden Org Ltd", "", "volunteer", "", True),
    ("Kimberly", "Legal-Name", "Named Org", "she/they", "staff", "Kim 👩‍💻 Sơn", False),
    ("Ö̲lga", "Ğ̃ürsoy", "Combining Marks Ş.A.", "", "partner NGO", "", False),
)

SIGNING_KEY = bytes(range(32))


def hard_attendees() -> list[tuple[Attendee, str]]:
    """Each hard attendee with a real signed ticket code for their QR."""
    people = []
    for index, (first, last, organisation, pronouns, category, badge_name, first_only) in (
        enumerate(HARD_PEOPLE)
    ):
        attendee_id = f"{index:012d}".replace("0", "A")
        people.append(
            (
                Attendee(
                    id=attendee_id,
                    first_name=first,
                    last_name=last,
                    organisation=organisation,
                    pronouns=pronouns,
                    category=category,
                    badge_name=badge_name,
                    first_name_only=first_only,
                ),
                sign_ticket(SIGNING_KEY, attendee_id, index),
            )
        )
    return people


__all__ = ["EVENT", "HARD_PEOPLE", "hard_attendees"]
