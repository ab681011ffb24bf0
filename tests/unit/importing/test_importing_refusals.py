"""Files that cannot be read at all are refused with what to do; bad rows are reported alone."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from importing_helpers import WriteBytes, WriteCsv

from kiosk.importing import ImportRefused, read_registrations


def refusal(path: Path) -> str:
    with pytest.raises(ImportRefused) as refused:
        read_registrations(path)
    return str(refused.value)


def test_missing_file(tmp_path: Path) -> None:
    message = refusal(tmp_path / "delegates.csv")
    assert "There is no file “delegates.csv”" in message
    assert str(tmp_path) in message


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    assert "is a folder" in refusal(tmp_path)


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf"])
def test_empty_file(write_bytes: WriteBytes, data: bytes) -> None:
    assert "is empty" in refusal(write_bytes(data, "delegates.csv"))


def test_pdf(write_bytes: WriteBytes) -> None:
    message = refusal(write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "attendees.pdf"))
    assert "“attendees.pdf” is a PDF" in message
    assert "CSV or Excel (.xlsx)" in message


def test_old_excel_xls(write_bytes: WriteBytes) -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"Workbook".ljust(64, b"\x00")
    message = refusal(write_bytes(data, "attendees.xls"))
    assert "old Excel file (.xls)" in message
    assert "save it as .xlsx or CSV" in message


def test_password_protected_workbook(write_bytes: WriteBytes) -> None:
    data = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptedPackage".encode("utf-16-le")
    )
    assert "protected with a password" in refusal(write_bytes(data, "attendees.xlsx"))


def test_corrupt_xlsx(write_bytes: WriteBytes) -> None:
    message = refusal(write_bytes(b"PK\x03\x04" + b"\x17garbage" * 40, "attendees.xlsx"))
    assert "damaged or only partly downloaded" in message


def test_opendocument_spreadsheet(write_bytes: WriteBytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    message = refusal(write_bytes(buffer.getvalue(), "attendees.ods"))
    assert "OpenDocument spreadsheet (.ods)" in message
    assert "save it as .xlsx or CSV" in message


def test_web_page_saved_as_xls(write_bytes: WriteBytes) -> None:
    data = b"<html><body><table><tr><td>First Name</td></tr></table></body></html>"
    assert "is a web page" in refusal(write_bytes(data, "attendees.xls"))


def test_binary_junk(write_bytes: WriteBytes) -> None:
    data = bytes(range(256)) * 8
    assert "does not look like a CSV or Excel file" in refusal(write_bytes(data, "photo.jpg"))


def test_google_forms_zip_holding_one_csv(write_bytes: WriteBytes, imports: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(imports / "google_forms_responses.csv", "Registration (Responses).csv")
    result = read_registrations(write_bytes(buffer.getvalue(), "Registration.csv.zip"))
    assert result.preset == "google_forms"
    assert len(result.records) == 8


def test_row_errors_leave_the_rest_importing(write_csv: WriteCsv) -> None:
    path = write_csv(
        [
            ["First name", "Last name", "Email", "Organisation"],
            ["Ana", "Popescu", "ana@example.ro", "Salvați Copiii"],
            ["", "", "ghost@example.org", "Nowhere"],
            ["Ion", "Rusu", "ion.rusu.example.md", "Moldova CTC"],
            ["Olena", "Kovalchuk", "olena@example.ua", "Kharkiv Women's Aid", "oops", "more"],
            ["Drita", "Përmeti", "", "Tirana Safe House", "", ""],
            ["Arta", "", "mailto:arta@example.al", ""],
        ]
    )
    result = read_registrations(path)
    assert [(r.row, r.fields["first_name"]) for r in result.records] == [
        (2, "Ana"),
        (6, "Drita"),
        (7, "Arta"),
    ]
    assert result.records[2].fields["email"] == "arta@example.al"
    assert "email" not in result.records[1].fields
    messages = {e.row: e.message for e in result.errors}
    assert sorted(messages) == [3, 4, 5]
    assert messages[3] == "Row 3: no name — fill in “First name” or “Last name”."
    assert messages[4] == (
        "Row 4: the email address “ion.rusu.example.md” has no @ in it — correct it in the "
        "“Email” column, or leave it empty."
    )
    assert messages[5].startswith("Row 5 has 6 cells but there are only 4 column headings")
    assert "quotation marks" in messages[5]


@pytest.mark.parametrize("blank_rows", [[], [["", "", ""]], [[" ", "", " "]] * 3])
def test_a_file_of_headings_only_is_refused(write_csv: WriteCsv, blank_rows) -> None:
    """Read as "nobody", it would report everyone already imported as missing from it."""
    message = refusal(write_csv([["First name", "Last name", "Email"], *blank_rows]))
    assert message.startswith("There are no registrations in this file")
    assert "no one was changed or cancelled" in message
