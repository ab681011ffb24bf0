"""Opening a registration file: what kind it is, and refusing what is not a spreadsheet."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from kiosk.importing.csv_table import decode, read_csv
from kiosk.importing.records import ImportRefused
from kiosk.importing.table import Table
from kiosk.importing.xlsx_table import SheetRanker, read_xlsx

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_SAVE_AS = "Open it in Excel or LibreOffice, save it as .xlsx or CSV, and import that."


def read_table(path: Path, sheet: str | None, rank: SheetRanker) -> Table:
    """The rows of a CSV file or of the attendees' sheet of an .xlsx workbook."""
    source = f"“{path.name}”"
    return table_from_bytes(_read_bytes(path, source), source, sheet, rank)


def table_from_bytes(data: bytes, source: str, sheet: str | None, rank: SheetRanker) -> Table:
    """The rows of a CSV or .xlsx file already read (a published sheet fetched over HTTPS);
    ``source`` names it in messages."""
    if not data.strip():
        raise ImportRefused(f"{source} is empty. Check that the sheet is still published.")
    if data.startswith(b"PK\x03\x04"):
        return _read_zip(data, sheet, rank, source)
    _refuse_binary(data, source)
    return _read_text(data, source)


def _read_bytes(path: Path, source: str) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportRefused(
            f"There is no file {source} in {path.parent}. Check the name and the folder."
        ) from None
    except IsADirectoryError:
        raise ImportRefused(f"{source} is a folder; choose the file inside it.") from None
    except PermissionError:
        raise ImportRefused(
            f"{source} cannot be read: this computer's user is not allowed to open it. "
            "Copy it somewhere you can open it (such as your Documents folder)."
        ) from None
    except OSError as problem:
        raise ImportRefused(f"{source} cannot be read: {problem.strerror}.") from None
    if not data.strip():
        raise ImportRefused(
            f"{source} is empty. Export the attendee list again and check that the "
            "download finished."
        )
    return data


def _read_zip(data: bytes, sheet: str | None, rank: SheetRanker, source: str) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except Exception:  # a damaged archive fails in many ways; each means the same here
        raise ImportRefused(
            f"{source} looks like an Excel workbook but is damaged or only partly "
            "downloaded. Download or export it again."
        ) from None
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return read_xlsx(data, sheet, rank, source)
    if "content.xml" in names:
        raise ImportRefused(f"{source} is an OpenDocument spreadsheet (.ods). {_SAVE_AS}")
    if any(n.startswith("word/") for n in names):
        raise ImportRefused(
            f"{source} is a Word document, not a spreadsheet. Export the attendee list "
            "as CSV or .xlsx from where the registrations were collected."
        )
    csv_members = [n for n in names if n.casefold().endswith((".csv", ".tsv", ".txt"))]
    if len(csv_members) == 1:
        # Google Forms' "Download responses (.csv)" gives a zip holding one CSV.
        try:
            inner = archive.read(csv_members[0])
        except Exception:
            raise ImportRefused(f"{source} is a damaged zip file. Download it again.") from None
        member = f"“{csv_members[0]}” in {source}"
        if not inner.strip():
            raise ImportRefused(f"{member} is empty.")
        _refuse_binary(inner, member)
        return _read_text(inner, member)
    raise ImportRefused(
        f"{source} is a zip file without a spreadsheet we can read in it. Unzip it and "
        "import the CSV or .xlsx file inside."
    )


def _refuse_binary(data: bytes, source: str) -> None:
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        raise ImportRefused(
            f"{source} is a PDF, which holds a printed page rather than a table. Export "
            "the attendee list as CSV or Excel (.xlsx) instead."
        )
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise ImportRefused(
                f"{source} is protected with a password. Open it in Excel, remove the "
                "password (File > Info > Protect Workbook), save it as .xlsx, and import that."
            )
        raise ImportRefused(f"{source} is an old Excel file (.xls). {_SAVE_AS}")
    lowered = head[:200].lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table")):
        raise ImportRefused(f"{source} is a web page, not a spreadsheet. {_SAVE_AS}")
    if lowered.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in (
        data[:4096].lower()
    ):
        raise ImportRefused(f"{source} is an Excel 2003 XML spreadsheet. {_SAVE_AS}")


def _read_text(data: bytes, source: str) -> Table:
    text = decode(data)
    sample = text[:8192]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f")
    if "\x00" in sample or controls > max(4, len(sample) // 50):
        raise ImportRefused(
            f"{source} does not look like a CSV or Excel file (it holds binary data). "
            "Export the attendee list as CSV or .xlsx and import that."
        )
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.strip():
        raise ImportRefused(f"{source} is empty. Export the attendee list again.")
    return read_csv(text, source)
