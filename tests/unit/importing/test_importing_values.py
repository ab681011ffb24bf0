"""Cell values into field values: statuses, consent, categories, names, workshop choices."""

from __future__ import annotations

import pytest
from importing_helpers import WORKSHOPS, WriteCsv

from kiosk.core.text import clean
from kiosk.importing import read_registrations
from kiosk.importing.sessions import known_choices, option_name, split_choices
from kiosk.importing.values import category_of, consent_of, split_name, status_of, tidy


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Attending", "active"),
        ("Checked In", "active"),
        ("Not Attending", "cancelled"),
        ("Deleted", "cancelled"),
        ("Refunded", "cancelled"),
        ("Refunded/Canceled", "cancelled"),
        ("Partially Refunded", "active"),
        ("cancelled", "cancelled"),
        ("CANCELED", "cancelled"),
        ("Void", "cancelled"),
        ("voided", "cancelled"),
        ("valid", "active"),
        ("p", "active"),
        ("n", "active"),
        ("c", "cancelled"),
        ("e", "cancelled"),
        ("Paid", "active"),
        ("Pending", "active"),
        ("Expired", "cancelled"),
        ("ACTIVE", "active"),
        ("AWAITING_PAYMENT", "active"),
        ("Order cancelled by organiser", "cancelled"),
        ("Maybe", None),
        ("VIP", None),
    ],
)
def test_status_of(text: str, status: str | None) -> None:
    assert status_of(text) == status


def test_unknown_status_is_active(write_csv: WriteCsv) -> None:
    path = write_csv([["Name", "Status"], ["Ana Popescu", "Maybe"], ["Ion Rusu", "Refunded"]])
    ana, ion = read_registrations(path).records
    assert ana.fields["status"] == "active"
    assert ion.fields["status"] == "cancelled"
    assert ana.kept == ion.kept == {}  # read for the status, never kept


@pytest.mark.parametrize(
    ("answer", "consent"),
    [
        ("Yes", "yes"),
        ("TRUE", "yes"),
        ("✓", "yes"),
        ("Yes, I'm happy to be photographed", "yes"),
        ("I consent to being photographed", "yes"),
        ("No", "no"),
        ("FALSE", "no"),
        ("No, please don't photograph me", "no"),
        ("Only group photos", None),
    ],
)
def test_consent_of(answer: str, consent: str | None) -> None:
    assert consent_of(answer) == consent


@pytest.mark.parametrize(
    ("ticket_type", "category"),
    [
        ("Delegate", "delegate"),
        ("PARTNER ngo", "partner NGO"),
        ("Press", "press"),
        ("Early Bird Delegate", "Early Bird Delegate"),
        ("General Admission", "General Admission"),
    ],
)
def test_category_of(ticket_type: str, category: str) -> None:
    assert category_of(ticket_type) == category


@pytest.mark.parametrize(
    ("full_name", "parts"),
    [
        ("Ana Maria Popescu", ("Ana Maria", "Popescu")),
        ("Nguyễn Thị Minh Khai", ("Nguyễn Thị Minh", "Khai")),
        ("王芳", ("王芳", "")),
        ("Madonna", ("Madonna", "")),
        ("Popescu, Ana", ("Ana", "Popescu")),
        ("Ludwig van Beethoven", ("Ludwig", "van Beethoven")),
        ("ሳባ ተስፋይ", ("ሳባ", "ተስፋይ")),
        ("Олена Ковальчук", ("Олена", "Ковальчук")),
        ("", ("", "")),
    ],
)
def test_split_name(full_name: str, parts: tuple[str, str]) -> None:
    assert split_name(full_name) == parts


@pytest.mark.parametrize(
    "raw",
    [
        "plain",
        "  padded  ",
        "two  spaces",
        "line\nbreak",
        "tab\there",
        "Nguye\u0302\u0303n",
        "no\u00a0break",
        "\u200bzero width",
        "",
        "Đặng Quốc Bảo",
    ],
)
def test_tidy_is_clean(raw: str) -> None:
    assert tidy(raw) == clean(raw)


@pytest.mark.parametrize(
    ("cell", "choices"),
    [
        ("Train the Trainer Taster; Engaging With Businesses", [WORKSHOPS[0], WORKSHOPS[1]]),
        ("Train the Trainer Taster;Engaging With Businesses;", [WORKSHOPS[0], WORKSHOPS[1]]),
        (
            "Engaging With Businesses | What Does Community Action Look Like?",
            [WORKSHOPS[1], WORKSHOPS[2]],
        ),
        (
            "• Train the Trainer Taster\n• Managing Offenders Involved in Trafficking",
            [WORKSHOPS[0], WORKSHOPS[3]],
        ),
        ("Train the Trainer Taster, Engaging With Businesses", [WORKSHOPS[0], WORKSHOPS[1]]),
        # A comma is not a separator when the others are there, or inside brackets,
        # or before a lower-case continuation.
        (
            "Trafficking, Labour and Supply Chains; Engaging With Businesses",
            ["Trafficking, Labour and Supply Chains", WORKSHOPS[1]],
        ),
        (
            "Train the Trainer Taster (10:00–11:30, Room 2), Engaging With Businesses",
            ["Train the Trainer Taster (10:00–11:30, Room 2)", WORKSHOPS[1]],
        ),
        (
            "Trafficking, labour and supply chains, Engaging With Businesses",
            ["Trafficking, labour and supply chains", WORKSHOPS[1]],
        ),
        ("None", []),
        ("N/A", []),
        ("Engaging With Businesses; Engaging With Businesses", [WORKSHOPS[1]]),
    ],
)
def test_split_choices(cell: str, choices: list[str]) -> None:
    assert split_choices(cell) == choices


def test_known_titles_with_commas_stay_whole() -> None:
    known = known_choices(["Trafficking, Labour and Supply Chains", *WORKSHOPS])
    cell = "Engaging With Businesses, Trafficking, Labour and Supply Chains"
    assert split_choices(cell, known) == [WORKSHOPS[1], "Trafficking, Labour and Supply Chains"]
    assert split_choices("Trafficking, Labour and Supply Chains", known) == [
        "Trafficking, Labour and Supply Chains"
    ]
    assert split_choices(cell) == [WORKSHOPS[1], "Trafficking", "Labour and Supply Chains"]


def test_workshops_argument_and_titles_seen_in_two_columns(write_csv: WriteCsv) -> None:
    title = "Trafficking, Labour and Supply Chains"
    rows = [
        ["Full name", "Morning workshop", "Afternoon workshop"],
        ["Ana Popescu", title, "Engaging With Businesses"],
        ["Ion Rusu", "Train the Trainer Taster", title],
    ]
    ana, ion = read_registrations(write_csv(rows)).records
    # The same whole answer in two workshop columns is a title, not two choices.
    assert ana.sessions == (title, "Engaging With Businesses")
    assert ion.sessions == ("Train the Trainer Taster", title)

    single = write_csv([["Full name", "Workshops"], ["Ana Popescu", f"{title}, {WORKSHOPS[1]}"]])
    assert read_registrations(single).records[0].sessions == (
        "Trafficking",
        "Labour and Supply Chains",
        WORKSHOPS[1],
    )
    assert read_registrations(single, workshops=[title, *WORKSHOPS]).records[0].sessions == (
        title,
        WORKSHOPS[1],
    )


def test_option_name() -> None:
    assert option_name("Workshops – Engaging With Businesses") == "Engaging With Businesses"
    assert option_name("Workshops [Managing Offenders Involved in Trafficking]") == WORKSHOPS[3]
    assert option_name("Which workshops will you attend?") is None


def test_yes_no_workshop_columns(write_csv: WriteCsv) -> None:
    rows = [
        ["Name", *(f"Workshops – {w}" for w in WORKSHOPS), "Workshop"],
        ["Ana Popescu", "Yes", "No", "TRUE", "", "yes"],
    ]
    ana = read_registrations(write_csv(rows)).records[0]
    assert ana.sessions == (WORKSHOPS[0], WORKSHOPS[2])
    # A bare "yes" under a heading that names no workshop is not made a workshop.
    assert ana.kept == {}
