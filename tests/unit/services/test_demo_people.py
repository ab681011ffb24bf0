"""Tests for the fictional demo event: determinism, names in many scripts, bookings, quirks."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict

import pytest

from kiosk.core.models import ATTENDEE_FIELDS, DEFAULT_CATEGORIES
from kiosk.core.text import clean, email_key, name_key
from kiosk.importing.records import SourceRecord
from kiosk.services.demo_people import (
    PARTNER_ORGANISATIONS,
    WORKSHOPS,
    demo_records,
    workshops_for,
)

RESERVED_EMAIL = re.compile(r"[a-z0-9.-]+@(example\.(com|org|net)|[a-z0-9-]+\.example)")


@pytest.fixture(scope="module")
def records() -> list[SourceRecord]:
    return demo_records()


@pytest.fixture(scope="module")
def big() -> list[SourceRecord]:
    return demo_records(100_000, seed=7)


def _names(records: list[SourceRecord]) -> list[str]:
    return [f"{r.fields['first_name']} {r.fields['last_name']}" for r in records]


def _has(records: list[SourceRecord], low: int, high: int) -> bool:
    return any(low <= ord(ch) <= high for name in _names(records) for ch in name)


def _booked(records: list[SourceRecord]) -> Counter[str]:
    return Counter(name for r in records for name in r.sessions)


def test_the_same_seed_gives_the_same_list_and_another_seed_another() -> None:
    assert demo_records(300, seed=1) == demo_records(300, seed=1)
    assert demo_records(300, seed=2) != demo_records(300, seed=1)


def test_the_list_does_not_depend_on_string_hashing() -> None:
    code = (
        "import hashlib; from kiosk.services.demo_people import demo_records; "
        "print(hashlib.sha256(repr(demo_records(500, 3)).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        for hash_seed in ("0", "1")
    }
    assert digests == {hashlib.sha256(repr(demo_records(500, 3)).encode()).hexdigest()}


@pytest.mark.parametrize("count", [0, 1, 2, 9, 10, 11, 37, 300, 1234])
def test_count_rows_and_refs(count: int) -> None:
    people = demo_records(count, seed=5)
    assert len(people) == count
    assert [r.row for r in people] == list(range(2, count + 2))
    assert [r.fields["external_ref"] for r in people] == [
        f"DEMO-{i:06d}" for i in range(1, count + 1)
    ]


def test_the_four_workshops_in_two_parallel_slots() -> None:
    assert [w.name for w in WORKSHOPS] == [
        "Train the Trainer Taster",
        "Engaging With Businesses",
        "What Does Community Action Look Like?",
        "Managing Offenders Involved in Trafficking",
    ]
    slots = Counter((w.starts, w.ends) for w in WORKSHOPS)
    assert sorted(slots.values()) == [2, 2]
    assert len({w.room for w in WORKSHOPS}) == 4
    assert all(30 <= w.capacity <= 80 for w in WORKSHOPS)
    assert all(re.fullmatch(r"\d\d:\d\d", t) for w in WORKSHOPS for t in (w.starts, w.ends))
    assert all(w.starts < w.ends for w in WORKSHOPS)


def test_workshops_scale_up_for_bigger_events_only() -> None:
    assert workshops_for(300) == WORKSHOPS
    assert workshops_for(40) == WORKSHOPS
    scaled = workshops_for(3000)
    assert [w.capacity for w in scaled] == [w.capacity * 10 for w in WORKSHOPS]
    assert [w.name for w in scaled] == [w.name for w in WORKSHOPS]


def test_eighteen_distinct_fictional_partners() -> None:
    assert len(set(PARTNER_ORGANISATIONS)) == 18
    real = {"hope for justice", "unseen", "stop the traffik", "anti-slavery international",
            "the salvation army", "justice and care", "medaille trust", "city hearts"}
    assert not real & {org.casefold() for org in PARTNER_ORGANISATIONS}


def test_fields_are_attendee_fields_with_clean_values(records: list[SourceRecord]) -> None:
    for record in records:
        assert set(record.fields) <= set(ATTENDEE_FIELDS) - {"sessions"}
        assert all(value == clean(value) for value in record.fields.values())
        assert record.fields["category"] in DEFAULT_CATEGORIES
        assert record.fields["status"] in {"active", "cancelled"}
        assert record.fields["photo_consent"] in {"yes", "no"}
        assert re.fullmatch(r"(\d{12})?", record.fields["external_barcode"])


def test_emails_are_ascii_at_reserved_example_domains(records: list[SourceRecord]) -> None:
    for record in records:
        assert RESERVED_EMAIL.fullmatch(record.fields["email"]), record.fields["email"]


def test_names_come_in_many_scripts(records: list[SourceRecord]) -> None:
    assert _has(records, 0x0600, 0x06FF)  # Arabic and Farsi
    assert _has(records, 0x0400, 0x04FF)  # Cyrillic
    assert _has(records, 0x1200, 0x137F)  # Ethiopic (Tigrinya)
    assert _has(records, 0x4E00, 0x9FFF)  # CJK ideographs
    assert _has(records, 0xAC00, 0xD7AF)  # Hangul
    assert _has(records, 0x0590, 0x05FF)  # Hebrew
    assert _has(records, 0x0370, 0x03FF)  # Greek
    stacked = re.compile(r"WITH (CIRCUMFLEX|BREVE|HORN) AND")  # Vietnamese, as in "Nguyễn"
    assert any(
        stacked.search(unicodedata.name(ch, "")) for name in _names(records) for ch in name
    )


def test_about_sixty_percent_of_names_are_latin(records: list[SourceRecord]) -> None:
    def latin(name: str) -> bool:
        return all(unicodedata.name(ch).startswith("LATIN") for ch in name if ch.isalpha())

    share = sum(map(latin, _names(records))) / len(records)
    assert 0.5 <= share <= 0.7


def test_the_mix_of_people(records: list[SourceRecord]) -> None:
    categories = Counter(r.fields["category"] for r in records)
    assert set(categories) == set(DEFAULT_CATEGORIES)
    assert categories["delegate"] > len(records) / 2
    cancelled = sum(r.fields["status"] == "cancelled" for r in records)
    assert 1 <= cancelled <= 0.06 * len(records)
    with_barcode = sum(bool(r.fields["external_barcode"]) for r in records)
    assert 0.4 <= with_barcode / len(records) <= 0.6
    with_pronouns = sum(bool(r.fields["pronouns"]) for r in records)
    assert 0.2 <= with_pronouns / len(records) <= 0.4
    assert any(r.fields["badge_name"] for r in records)
    assert any(r.fields["access_needs"] for r in records)
    assert any(r.fields["desk_note"] for r in records)
    assert any(r.kept.get("Dietary") for r in records)
    assert {r.fields["organisation"] for r in records} & set(PARTNER_ORGANISATIONS)


def _assert_bookings_fit(people: list[SourceRecord]) -> None:
    workshops = workshops_for(len(people))
    starts = {w.name: w.starts for w in workshops}
    booked = _booked(people)
    for workshop in workshops:
        assert booked[workshop.name] <= workshop.capacity
    for record in people:
        assert len({starts[name] for name in record.sessions}) == len(record.sessions)
        if record.fields["status"] == "cancelled":
            assert record.sessions == ()


@pytest.mark.parametrize("count", [5, 60, 300, 3000])
def test_bookings_fit_capacity_one_workshop_per_slot(count: int) -> None:
    _assert_bookings_fit(demo_records(count, seed=1))


def test_workshops_are_80_to_100_percent_full(records: list[SourceRecord]) -> None:
    booked = _booked(records)
    for workshop in WORKSHOPS:
        assert 0.8 * workshop.capacity <= booked[workshop.name] <= workshop.capacity


def test_one_double_registration_and_one_group_booking(records: list[SourceRecord]) -> None:
    by_email: defaultdict[str, list[SourceRecord]] = defaultdict(list)
    for record in records:
        by_email[email_key(record.fields["email"])].append(record)
    shared = sorted((group for group in by_email.values() if len(group) > 1), key=len)
    assert [len(group) for group in shared] == [2, 3]
    pair, trio = shared

    def key(r: SourceRecord) -> str:
        return name_key(r.fields["first_name"], r.fields["last_name"])

    assert key(pair[0]) == key(pair[1])
    assert pair[0].fields["external_ref"] != pair[1].fields["external_ref"]
    assert len({key(r) for r in trio}) == 3
    assert [r.row for r in trio] == list(range(trio[0].row, trio[0].row + 3))


def test_odd_names_for_badge_fitting(records: list[SourceRecord]) -> None:
    first_only = [r for r in records if not r.fields["last_name"]]
    assert [r.fields["first_name"] for r in first_only] == ["Suryani"]
    assert max(len(name) for name in _names(records)) >= 50


def test_a_hundred_thousand_people(big: list[SourceRecord]) -> None:
    assert len(big) == 100_000
    assert len({r.fields["external_ref"] for r in big}) == 100_000
    barcodes = [r.fields["external_barcode"] for r in big if r.fields["external_barcode"]]
    assert len(barcodes) == len(set(barcodes))
    emails = Counter(r.fields["email"] for r in big)
    assert sorted(n for n in emails.values() if n > 1) == [2, 3]
    _assert_bookings_fit(big)
    assert sum(map(len, (r.sessions for r in big))) > 0.8 * sum(
        w.capacity for w in workshops_for(100_000)
    )
    for record in big[::997]:
        assert RESERVED_EMAIL.fullmatch(record.fields["email"])
        assert record.fields["first_name"]
        assert record.row == int(record.fields["external_ref"][5:]) + 1
