"""An explicit column mapping overrides the preset, and a mapping that does not fit is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from importing_helpers import WriteCsv

from kiosk.importing import ImportRefused, read_registrations

ODD_HEADINGS = [
    ["Given", "Family", "Org", "Sessions chosen", "Delegate", "Dietary", "Seat"],
    [
        "Ana",
        "Popescu",
        "Salvați Copiii",
        "Train the Trainer Taster|Engaging With Businesses",
        "",
        "Vegan",
        "A12",
    ],
    ["", "", "Kyiv Aid", "", "Гліб Левченко", "", "A13"],
]


def test_mapping_names_the_columns_of_a_home_made_sheet(write_csv: WriteCsv) -> None:
    path = write_csv(ODD_HEADINGS)
    result = read_registrations(
        path,
        mapping={
            "Given": "first_name",
            "family": "last_name",  # headings match whatever their case
            "Org": "organisation",
            "Delegate": "name",
            "Seat": "ignore",
        },
    )
    assert result.preset == "generic"
    assert result.columns == {
        "Given": "first_name",
        "Family": "last_name",
        "Org": "organisation",
        "Sessions chosen": "sessions",
        "Delegate": "name",
        "Dietary": "access_needs",
        "Seat": "ignore",
    }
    ana, hlib = result.records
    assert ana.fields == {
        "first_name": "Ana",
        "last_name": "Popescu",
        "organisation": "Salvați Copiii",
        "access_needs": "Vegan",
        "status": "active",
    }
    assert ana.sessions == ("Train the Trainer Taster", "Engaging With Businesses")
    assert ana.kept == {}  # the ignored seat is not kept
    assert (hlib.fields["first_name"], hlib.fields["last_name"]) == ("Гліб", "Левченко")


def test_mapping_overrides_the_preset_for_its_columns(imports: Path) -> None:
    path = imports / "eventbrite_attendee_summary.csv"
    result = read_registrations(
        path,
        mapping={
            "Job Title": "organisation",
            "Buyer Email": "extra",  # the older word for keep
            "Which workshops will you attend?": "desk_note",
        },
    )
    assert result.preset == "eventbrite"
    assert result.columns["Job Title"] == "organisation"
    assert result.columns["Buyer Email"] == "keep"
    assert result.columns["Company"] == "ignore"  # the preset's organisation column steps aside
    assert result.columns["Which workshops will you attend?"] == "desk_note"
    first = result.records[0]
    assert first.fields["organisation"] == "Caseworker"
    assert first.kept == {"Buyer Email": "hong.nhung@saigonrescue.example"}
    assert first.fields["desk_note"] == "Train the Trainer Taster | Engaging With Businesses"
    assert first.sessions == ()
    assert first.fields["first_name"] == "Hồng Nhung"  # the rest of the preset still applies


def test_mapping_can_supply_the_only_name_column(write_csv: WriteCsv) -> None:
    path = write_csv([["Participant", "Mail"], ["Zofia Żółtowska", "zofia@example.pl"]])
    result = read_registrations(path, mapping={"Participant": "name", "Mail": "email"})
    assert result.records[0].fields == {
        "first_name": "Zofia",
        "last_name": "Żółtowska",
        "email": "zofia@example.pl",
        "status": "active",
    }


def test_mapping_with_a_heading_the_file_lacks(write_csv: WriteCsv) -> None:
    path = write_csv(ODD_HEADINGS)
    with pytest.raises(ImportRefused) as refused:
        read_registrations(path, mapping={"Surname": "last_name"})
    message = str(refused.value)
    assert "has no column called “Surname”" in message
    assert "“Given”, “Family”, “Org”, “Sessions chosen”, “Delegate”, “Dietary”, “Seat”" in message


def test_mapping_to_a_field_that_does_not_exist(write_csv: WriteCsv) -> None:
    path = write_csv(ODD_HEADINGS)
    with pytest.raises(ImportRefused) as refused:
        read_registrations(path, mapping={"Given": "forename"})
    message = str(refused.value)
    assert "“forename”" in message and "not a field we know" in message
    for field in ("first_name", "last_name", "organisation", "sessions", "name", "ignore"):
        assert field in message


def test_no_name_column_is_refused_with_the_headings(write_csv: WriteCsv) -> None:
    path = write_csv([["Colour", "Size"], ["Red", "M"]], name="tshirts.csv")
    with pytest.raises(ImportRefused) as refused:
        read_registrations(path)
    message = str(refused.value)
    assert "could not find a name column in “tshirts.csv”" in message
    assert "“Colour”, “Size”" in message
    assert "--map" in message


def test_unknown_preset(write_csv: WriteCsv) -> None:
    path = write_csv(ODD_HEADINGS)
    with pytest.raises(ImportRefused) as refused:
        read_registrations(path, preset="eventbrit")
    assert "no preset called “eventbrit”" in str(refused.value)
    assert "eventbrite, tickettailor, pretix" in str(refused.value)


def test_mapping_finds_its_headings_below_a_title(write_csv: WriteCsv) -> None:
    path = write_csv(
        [
            ["Delegates, Freedom From Exploitation 2025", "", ""],
            ["Given", "Family", "Seat"],
            ["Ana", "Popescu", "A12"],
        ]
    )
    result = read_registrations(path, mapping={"Given": "first_name", "Family": "last_name",
                                               "Seat": "keep"})
    assert [(r.row, r.fields["first_name"], r.kept) for r in result.records] == [
        (3, "Ana", {"Seat": "A12"})
    ]
