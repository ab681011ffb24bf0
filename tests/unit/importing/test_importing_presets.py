"""Each system's real export layout is recognised and read into the right attendee fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.importing import ReadResult, SourceRecord, preset_names, read_registrations
from kiosk.importing.presets import detect_preset

T, E, C, M = (
    "Train the Trainer Taster",
    "Engaging With Businesses",
    "What Does Community Action Look Like?",
    "Managing Offenders Involved in Trafficking",
)


def by_row(result: ReadResult) -> dict[int, SourceRecord]:
    return {record.row: record for record in result.records}


def test_preset_names_lists_every_system() -> None:
    assert preset_names() == [
        "eventbrite",
        "tickettailor",
        "pretix",
        "tito",
        "hievents",
        "google_forms",
        "microsoft_forms",
        "generic",
    ]


@pytest.mark.parametrize(
    ("filename", "preset"),
    [
        ("eventbrite_attendee_summary.csv", "eventbrite"),
        ("tickettailor_issued_tickets.csv", "tickettailor"),
        ("pretix_order_positions.csv", "pretix"),
        ("tito_tickets.csv", "tito"),
        ("hievents_attendees.csv", "hievents"),
        ("google_forms_responses.csv", "google_forms"),
        ("microsoft_forms_responses.csv", "microsoft_forms"),
        ("generic_delegates.csv", "generic"),
    ],
)
def test_each_export_is_recognised(imports: Path, filename: str, preset: str) -> None:
    result = read_registrations(imports / filename)
    assert result.preset == preset
    assert result.sheet is None
    # Naming the preset gives the same reading as recognising it.
    assert read_registrations(imports / filename, preset=preset) == result


def test_detection_ignores_case_and_spacing() -> None:
    assert (
        detect_preset(["  TICKET   first name", "ticket LAST name ", "VOID STATUS"]).name == "tito"
    )
    assert detect_preset(["first_name", "last_name", "email"]).name == "generic"


def test_eventbrite(imports: Path) -> None:
    result = read_registrations(imports / "eventbrite_attendee_summary.csv")
    people = by_row(result)
    assert sorted(people) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert result.errors == []
    first = people[2]
    assert first.fields == {
        "external_ref": "13377201",
        "external_barcode": "133772015561001",
        "first_name": "Hồng Nhung",
        "last_name": "Nguyễn",
        "pronouns": "she/her",
        "organisation": "Saigon Rescue Network",
        "email": "hong.nhung@saigonrescue.example",
        "category": "delegate",
        "status": "active",
    }
    assert first.sessions == (T, E)
    # The order number, fees and buyer are dropped: never in fields, kept only when asked.
    assert first.kept == {}
    assert result.columns["Total Paid"] == result.columns["Buyer First Name"] == "ignore"
    assert people[4].fields["organisation"] == "Casa Speranței, Iași"
    assert people[4].fields["access_needs"] == "Vegetarian, no mushrooms please"
    # A quoted answer over two lines is one row; the next person is still row 6.
    assert people[5].fields["access_needs"] == (
        "Step-free access and a seat near the door. I use a wheelchair."
    )
    assert people[6].fields["first_name"] == "Ëndrit"
    # The group of three shares the booker's email.
    group = [people[5], people[6], people[7]]
    assert {p.fields["email"] for p in group} == {"bookings@drita-shelter.example"}
    assert people[7].fields["status"] == "cancelled"  # Not Attending
    assert people[10].fields["status"] == "cancelled"  # Refunded
    assert people[4].fields["status"] == "active"  # Checked In
    assert people[10].fields["first_name"] == "ሳባ"
    assert people[9].fields["last_name"] == "حداد"
    assert people[11].sessions == (T, E, M)
    assert people[8].fields["category"] == "partner NGO"
    assert result.columns["Barcode #"] == "external_barcode"
    assert result.columns["Which workshops will you attend?"] == "sessions"
    assert result.columns["Job Title"] == "ignore"


def test_tickettailor(imports: Path) -> None:
    result = read_registrations(imports / "tickettailor_issued_tickets.csv")
    people = by_row(result)
    assert len(people) == 8 and result.errors == []
    bao = people[2]
    assert bao.fields["external_ref"] == "it_7735102"
    assert bao.fields["external_barcode"] == "TTK3J9Q2W7"
    assert (bao.fields["first_name"], bao.fields["last_name"]) == ("Đặng Quốc", "Bảo")
    assert bao.sessions == (E, M)  # one per line in the cell
    assert bao.kept == {} and result.columns["Mobile number"] == "ignore"
    assert people[3].fields["organisation"] == "La Strada Polska, Warszawa"
    assert people[4].fields["status"] == "cancelled"  # voided, order cancelled
    assert people[5].fields["email"] == people[6].fields["email"] == "yurii@lviv-hope.example"
    assert people[6].fields["pronouns"] == "вона/її"
    assert people[7].fields["first_name"] == "پریسا"
    assert people[9].fields["category"] == "staff"
    assert people[9].sessions == ()


def test_pretix(imports: Path) -> None:
    result = read_registrations(imports / "pretix_order_positions.csv")
    people = by_row(result)
    assert len(people) == 8 and result.errors == []
    anh = people[2]
    assert anh.fields["external_ref"] == "QX7RT-1"
    assert anh.fields["external_barcode"] == "p8ak2mhq7rdwzrxkg9ykdrk5kbs3fbt4"
    # The name parts win over splitting the full attendee name.
    assert (anh.fields["first_name"], anh.fields["last_name"]) == ("Trần Thị Ngọc", "Ánh")
    assert anh.sessions == (T, E)  # from the Yes/No column per workshop
    assert anh.fields["photo_consent"] == "yes"
    # Three positions of one order: refs differ, the booker's email fills in the blanks.
    group = [people[3], people[4], people[5]]
    assert [p.fields["external_ref"] for p in group] == ["LM3ZA-1", "LM3ZA-2", "LM3ZA-3"]
    assert [p.fields["email"] for p in group] == [
        "ioana@romanian-network.example",
        "office@romanian-network.example",
        "office@romanian-network.example",
    ]
    assert people[3].fields["desk_note"] == "Needs an invoice for the whole group"
    assert people[4].fields["last_name"] == "Brzęczyszczykiewicz"
    assert people[4].fields["photo_consent"] == "no"
    assert people[5].sessions == ()
    assert "photo_consent" not in people[5].fields
    assert people[6].fields["status"] == "cancelled"  # Canceled order
    assert people[7].fields["status"] == "active"  # Pending
    assert people[9].fields["status"] == "cancelled"  # canceled position in a paid order
    assert people[8].fields["first_name"] == "美玲" and people[8].fields["last_name"] == "陈"
    assert people[3].fields["category"] == "partner NGO"
    assert result.columns["Invoice address name"] == "ignore" and people[2].kept == {}


def test_tito(imports: Path) -> None:
    result = read_registrations(imports / "tito_tickets.csv")
    people = by_row(result)
    assert sorted(people) == [2, 3, 4, 5, 7, 8, 9]
    # The ticket nobody has been assigned to yet has no name.
    assert [(e.row, e.message) for e in result.errors] == [
        (6, "Row 6: no name — fill in “Ticket First Name” or “Ticket Last Name”.")
    ]
    le = people[2]
    assert le.fields["external_ref"] == "LEVA-1"
    assert (le.fields["first_name"], le.fields["last_name"]) == ("Lê Văn", "Thưởng")
    assert le.fields["organisation"] == "Hanoi Hope"
    assert le.sessions == (T, C)
    # The personal "manage your ticket" link, the buyer's IP and payment are dropped.
    assert le.kept == {}
    assert {result.columns[c] for c in ("Unique Ticket URL", "Order IP", "Payment Reference")} \
        == {"ignore"}
    # A ticket without its own email takes the booker's.
    assert people[4].fields["email"] == "team@amal.example"
    assert people[5].fields["email"] == "mariam@amal.example"
    assert people[5].fields["first_name"] == "مريم"
    assert people[7].fields["status"] == "cancelled"  # Void Status
    assert people[2].fields["status"] == "active"
    assert people[3].fields["access_needs"] == "Hearing loop, please"
    assert people[9].fields["last_name"] == "Ngọc Ẩn"
    assert people[9].sessions == (T, E, M)


def test_hievents(imports: Path) -> None:
    result = read_registrations(imports / "hievents_attendees.csv")
    people = by_row(result)
    assert len(people) == 8 and result.errors == []
    tram = people[2]
    assert tram.fields["external_ref"] == "1001"
    assert tram.fields["external_barcode"] == "A-K3G6T2Q9"
    assert tram.fields["category"] == "delegate"
    assert tram.fields["access_needs"] == "Vegan"
    assert tram.sessions == (T, E)
    assert result.columns["Short ID"] == "ignore" and tram.kept == {}
    assert people[3].fields["desk_note"] == "Speaker on the afternoon panel, bring slides on USB"
    assert "access_needs" not in people[3].fields  # "None" is no need
    assert people[4].fields["status"] == "cancelled"
    assert people[5].fields["status"] == "active"  # AWAITING_PAYMENT
    assert people[7].fields["organisation"] == "Chinese Community Advice Centre, Glasgow"
    assert people[8].sessions == ()


def test_google_forms(imports: Path) -> None:
    result = read_registrations(imports / "google_forms_responses.csv")
    people = by_row(result)
    assert sorted(people) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert [(e.row, e.message) for e in result.errors] == [
        (
            10,
            "Row 10: the email address “not-an-email” has no @ in it — correct it in the "
            "“Email address” column, or leave it empty.",
        )
    ]
    nhung = people[2]
    # "Full name" is split: the last word is the last name.
    assert (nhung.fields["first_name"], nhung.fields["last_name"]) == ("Đỗ Thị Hồng", "Nhung")
    # Sessions come from both workshop-slot questions; checkbox answers split at ", ".
    assert nhung.sessions == (T, C, M)
    assert nhung.fields["photo_consent"] == "yes"
    assert nhung.kept == {} and result.columns["Timestamp"] == "ignore"
    assert people[4].sessions == (T, E, M)
    assert people[4].fields["pronouns"] == "вона"
    assert people[5].fields["access_needs"] == "I am deaf — a BSL interpreter please"
    assert people[7].fields == {
        "first_name": "刘欣",  # one word stays a first name
        "pronouns": "she/her",
        "organisation": "Lianhe Community Centre",
        "email": "x.liu@example.cn",
        "photo_consent": "yes",
        "status": "active",
    }
    assert people[8].fields["photo_consent"] == "no"
    assert "photo_consent" not in people[9].fields
    assert result.columns["Are you happy to be photographed at the event?"] == "photo_consent"


def test_microsoft_forms(imports: Path) -> None:
    result = read_registrations(imports / "microsoft_forms_responses.csv")
    people = by_row(result)
    assert sorted(people) == [2, 3, 4, 5, 6, 7, 8]
    assert [e.row for e in result.errors] == [9]
    hang = people[2]
    assert hang.fields["external_ref"] == "1"
    assert (hang.fields["first_name"], hang.fields["last_name"]) == ("Hoàng Thị", "Thu Hằng")
    # The question's email wins over the account, which is "anonymous".
    assert hang.fields["email"] == "hang.hoang@example.vn"
    assert hang.sessions == (T, C)  # "A;B;" with the trailing semicolon
    assert hang.fields["category"] == "delegate"  # "I am attending as"
    # A colleague signed in: the account's name and email are all there is.
    jo = people[5]
    assert (jo.fields["first_name"], jo.fields["last_name"]) == ("Jo", "Smith")
    assert jo.fields["email"] == "j.smith@freedom-conf.example"
    assert jo.fields["category"] == "staff"
    assert "email" not in people[8].fields  # "anonymous" is no address
    assert people[4].fields["access_needs"] == "Step-free access"


def test_generic(imports: Path) -> None:
    result = read_registrations(imports / "generic_delegates.csv")
    people = by_row(result)
    # Row 4 is a blank line, row 7 a row of empty cells, and the file ends in blank lines.
    assert sorted(people) == [2, 3, 5, 6, 8]
    assert result.errors == []
    ha = people[2]
    assert ha.fields == {
        "external_barcode": "GEN-0001",
        "first_name": "Hà",
        "last_name": "Nguyễn",
        "badge_name": "Hà Nguyễn",
        "pronouns": "she/her",
        "organisation": "Mekong Safe Homes",
        "email": "ha@example.vn",
        "category": "delegate",
        "status": "active",
    }
    assert ha.sessions == (T, E)
    assert ha.kept == {}
    # A first name alone is a name; SPEAKER is a default category, "Day pass" is not.
    assert people[5].fields["category"] == "speaker"
    assert "last_name" not in people[5].fields
    assert people[5].fields["desk_note"] == "Arrives at 11:00, collect badge from the speaker desk"
    assert people[6].fields["category"] == "Day pass"
    assert result.columns == {
        "First name": "first_name",
        "Surname": "last_name",
        "Badge name": "badge_name",
        "Pronouns": "pronouns",
        "Organisation": "organisation",
        "Email": "email",
        "Category": "category",
        "Workshops": "sessions",
        "Barcode": "external_barcode",
        "Notes": "desk_note",
    }
