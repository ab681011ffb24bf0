"""Excel workbooks: the attendees' sheet is found; numbers and dates read as people typed them."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kiosk.importing import ImportRefused, read_registrations
from kiosk.importing.xlsx_table import cell_text

EVENTBRITE_HEADINGS = [
    "Order #",
    "Order Date",
    "First Name",
    "Last Name",
    "Email",
    "Quantity",
    "Ticket Type",
    "Attendee #",
    "Barcode #",
    "Attendee Status",
    "Company",
    "Which workshops will you attend?",
]


def eventbrite_workbook(path: Path) -> Path:
    """A cover sheet with a title and notes first, the attendee report on the second sheet."""
    workbook = openpyxl.Workbook()
    cover = workbook.active
    cover.title = "Cover"
    cover.append(["Freedom From Exploitation 2025"])
    cover.append(["Attendee summary, exported 3 March 2025"])
    cover.append([])
    cover.append(["Prepared by", "Events team"])
    sheet = workbook.create_sheet("Attendees")
    sheet.append(EVENTBRITE_HEADINGS)
    sheet.append(
        [
            7301188421,
            dt.datetime(2025, 1, 14, 9, 12),
            "Hồng Nhung",
            "Nguyễn",
            "hong.nhung@example.vn",
            1,
            "Delegate",
            13377201.0,
            133772015561001,
            "Attending",
            "Saigon Rescue Network",
            "Train the Trainer Taster | Engaging With Businesses",
        ]
    )
    sheet.append([])
    sheet.append(
        [
            7301190057,
            dt.date(2025, 1, 15),
            "Łukasz",
            "Wróblewski",
            "lukasz@example.pl",
            1,
            "Partner NGO",
            13377342,
            "133773425561001",
            "Refunded",
            "Fundacja Wolność, Kraków",
            "What Does Community Action Look Like?",
        ]
    )
    sheet.append(
        [
            7301190058,
            dt.date(2025, 1, 16),
            None,
            None,
            "nobody@example.org",
            1,
            "Delegate",
            13377343,
            133773435561001,
            "Attending",
            None,
            None,
        ]
    )
    workbook.create_sheet("Notes").append(["Remember to print lanyards"])
    workbook.save(path)
    return path


def test_attendees_on_the_second_sheet(tmp_path: Path) -> None:
    result = read_registrations(eventbrite_workbook(tmp_path / "report.xlsx"), mapping={
        "Order #": "keep", "Order Date": "keep", "Quantity": "keep"})
    assert result.sheet == "Attendees"
    assert result.preset == "eventbrite"
    first, second = result.records
    assert first.row == 2 and second.row == 4  # the empty row 3 still counts
    assert first.fields["external_ref"] == "13377201"  # 13377201.0 in the cell
    assert first.fields["external_barcode"] == "133772015561001"
    assert first.kept["Order #"] == "7301188421"
    assert first.kept["Order Date"] == "2025-01-14 09:12"
    assert first.kept["Quantity"] == "1"
    assert first.sessions == ("Train the Trainer Taster", "Engaging With Businesses")
    assert second.kept["Order Date"] == "2025-01-15"
    assert second.fields["status"] == "cancelled"
    assert second.fields["organisation"] == "Fundacja Wolność, Kraków"
    assert second.fields["category"] == "partner NGO"
    assert [(e.row, e.message) for e in result.errors] == [
        (5, "Row 5: no name — fill in “First Name” or “Last Name”.")
    ]


def test_named_sheet(tmp_path: Path) -> None:
    path = eventbrite_workbook(tmp_path / "report.xlsx")
    assert read_registrations(path, sheet="Attendees").sheet == "Attendees"
    assert read_registrations(path, sheet="  attendees ").sheet == "Attendees"
    with pytest.raises(ImportRefused) as refused:
        read_registrations(path, sheet="Delegates")
    message = str(refused.value)
    assert "no sheet called “Delegates”" in message
    assert "“Cover”, “Attendees”, “Notes”" in message


def test_pretix_workbook_picks_order_positions(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    orders = workbook.active
    orders.title = "Orders"
    orders.append(
        [
            "Event slug",
            "Order code",
            "Order total",
            "Status",
            "Email",
            "Phone number",
            "Order date",
            "Company",
            "Invoice address name",
            "Payment providers",
        ]
    )
    orders.append(
        [
            "freedom2025",
            "LM3ZA",
            0,
            "Paid",
            "office@example.ro",
            "",
            "2025-01-11",
            "Romanian Anti-Trafficking Network",
            "Office",
            "",
        ]
    )
    positions = workbook.create_sheet("Order positions")
    positions.append(
        [
            "Event slug",
            "Order code",
            "Position ID",
            "Status",
            "Email",
            "Product",
            "Attendee name",
            "Attendee email",
            "Ticket secret",
        ]
    )
    positions.append(
        [
            "freedom2025",
            "LM3ZA",
            1,
            "Paid",
            "office@example.ro",
            "Partner NGO",
            "Ioana Bălănescu",
            "ioana@example.ro",
            "7d2kxyqbv6zjw1nc",
        ]
    )
    positions.append(
        [
            "freedom2025",
            "LM3ZA",
            2,
            "Paid",
            "office@example.ro",
            "Partner NGO",
            "Євген Шевчишин",
            "",
            "m4wq9zx2c7ehk5rb",
        ]
    )
    workbook.create_sheet("Order fees").append(["Event slug", "Order code", "Fee type"])
    path = tmp_path / "freedom2025_orders.xlsx"
    workbook.save(path)

    result = read_registrations(path)
    assert (result.sheet, result.preset) == ("Order positions", "pretix")
    assert [r.fields["external_ref"] for r in result.records] == ["LM3ZA-1", "LM3ZA-2"]
    assert result.records[1].fields["first_name"] == "Євген"
    assert result.records[1].fields["email"] == "office@example.ro"


def test_heading_row_below_a_title(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "Delegates — Freedom From Exploitation 2025"
    sheet.append([])
    sheet.append(["First name", "Surname", "Category", "Photo consent"])
    sheet.append(["Ana", "Popescu", "SPEAKER", True])
    sheet.append(["Ion", "Rusu", "Delegate", False])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    result = read_registrations(path)
    assert [(r.row, r.fields["category"], r.fields["photo_consent"]) for r in result.records] == [
        (4, "speaker", "yes"),
        (5, "delegate", "no"),
    ]


def test_data_beyond_the_headings_can_be_kept(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["First name", "Surname"])
    sheet.append(["Ana", "Popescu", "wheelchair user"])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    result = read_registrations(path)
    assert result.columns["Column C"] == "ignore" and result.records[0].kept == {}
    result = read_registrations(path, mapping={"Column C": "keep"})
    assert result.records[0].kept == {"Column C": "wheelchair user"}
    assert result.errors == []


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (12345.0, "12345"),
        (133772015561001, "133772015561001"),
        (0.5, "0.5"),
        (True, "TRUE"),
        (dt.datetime(2025, 3, 14, 0, 0), "2025-03-14"),
        (dt.datetime(2025, 3, 14, 9, 30), "2025-03-14 09:30"),
        (dt.datetime(2025, 3, 14, 9, 30, 15), "2025-03-14 09:30:15"),
        (dt.date(2025, 3, 14), "2025-03-14"),
        (dt.time(13, 5), "13:05"),
        ("  as typed ", "  as typed "),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_damaged_workbook_is_refused(tmp_path: Path) -> None:
    good = eventbrite_workbook(tmp_path / "report.xlsx")
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[:3000])
    with pytest.raises(ImportRefused, match="damaged or only partly downloaded"):
        read_registrations(truncated)

    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook>this is not a workbook")
    with pytest.raises(ImportRefused, match="could not be opened as an Excel workbook"):
        read_registrations(broken)
