"""Opening a registration file: what kind it is, and refusing what is not a spreadsheet."""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import replace
from pathlib import Path

from kiosk.importing import limits
from kiosk.importing.csv_table import decode, read_csv
from kiosk.importing.records import ImportRefused
from kiosk.importing.table import Table
from kiosk.importing.xlsx_limits import check_workbook
from kiosk.importing.xlsx_table import SheetRanker, read_xlsx

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
# PNG, JPEG, GIF, WebP/other RIFF, TIFF (both byte orders), HEIC/AVIF: how pictures begin.
_PICTURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF", b"II*\x00", b"MM\x00*",
             b"\x00\x00\x00\x18ftyp", b"\x00\x00\x00\x1cftyp", b"\x00\x00\x00 ftyp")
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
    text = decode(data)
    del data  # up to 100 MB that the rows no longer need
    return _read_text(text, source)


def _read_bytes(path: Path, source: str) -> bytes:
    """The file's bytes; refused before reading when it is not a plain file or is bigger than
    a registration file can be (a device such as /dev/zero never ends)."""
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(status.st_mode):
            raise ImportRefused(f"{source} is not a file but a device or a pipe. Choose the "
                                "exported attendee list.")
        if status.st_size > limits.MAX_FILE_BYTES:
            raise limits.file_too_big(source, status.st_size)
        with path.open("rb") as handle:
            data = handle.read(status.st_size + 1)
            if len(data) > status.st_size:  # it grows as it is read: no further than the limit
                data += handle.read(limits.MAX_FILE_BYTES + 1 - len(data))
        if len(data) > limits.MAX_FILE_BYTES:
            raise limits.file_too_big(source, len(data))
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
    # Each part the zip lists costs memory when it is opened: count them first (every entry
    # of its directory starts with this signature).
    parts = data.count(b"PK\x01\x02")
    if parts > limits.MAX_PARTS:
        raise limits.too_many_parts(source, parts)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except Exception:  # a damaged archive fails in many ways; each means the same here
        raise ImportRefused(
            f"{source} looks like an Excel workbook but is damaged or only partly "
            "downloaded. Download or export it again."
        ) from None
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        warnings = check_workbook(archive, source)
        table = read_xlsx(data, sheet, rank, source)
        return replace(table, warnings=[*table.warnings, *warnings])
    if "content.xml" in names:
        raise ImportRefused(f"{source} is an OpenDocument spreadsheet (.ods). {_SAVE_AS}")
    if any(n.startswith("word/") for n in names):
        raise ImportRefused(
            f"{source} is a Word document, not a spreadsheet. Export the attendee list "
            "as CSV or .xlsx from where the registrations were collected."
        )
    csv_members = [n for n in names if n.casefold().endswith((".csv", ".tsv", ".txt"))]
    if len(csv_members) == 1:
        # Google Forms' "Download responses (.csv)" gives a zip holding one CSV. The zip
        # reads no more than the size it declares, so that size is checked first.
        declared = archive.getinfo(csv_members[0]).file_size
        if declared > limits.MAX_FILE_BYTES:
            raise limits.file_too_big(f"“{csv_members[0]}” in {source}", declared)
        try:
            inner = archive.read(csv_members[0])
        except Exception:
            raise ImportRefused(f"{source} is a damaged zip file. Download it again.") from None
        member = f"“{csv_members[0]}” in {source}"
        if not inner.strip():
            raise ImportRefused(f"{member} is empty.")
        _refuse_binary(inner, member)
        text = decode(inner)
        del inner
        return _read_text(text, member)
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
    if data.startswith(_PICTURES):
        raise ImportRefused(
            f"{source} is a picture (a photo or a screenshot), not a table. Export the "
            "attendee list as CSV or Excel (.xlsx) and import that.")
    if data.startswith(b"SQLite format 3\x00"):
        raise ImportRefused(
            f"{source} is a database file (perhaps a kiosk event file), not a registration "
            "export. Export the attendee list as CSV or Excel (.xlsx) and import that.")
    lowered = head[:200].lower().removeprefix(b"\xef\xbb\xbf").lstrip()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<head", b"<body")):
        raise ImportRefused(f"{source} is a web page, not a spreadsheet. {_SAVE_AS}")
    if lowered.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in (
        data[:4096].lower()
    ):
        raise ImportRefused(f"{source} is an Excel 2003 XML spreadsheet. {_SAVE_AS}")


def _read_text(text: str, source: str) -> Table:
    sample = text[:8192]
    # Zero bytes (NUL) are left by a damaged export or copy: removed row by row, with a
    # warning, by read_csv. Any other control character in numbers means binary data.
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f\x00")
    if controls > max(4, len(sample) // 50):
        raise ImportRefused(
            f"{source} does not look like a CSV or Excel file (it holds binary data). "
            "Export the attendee list as CSV or .xlsx and import that."
        )
    if not text.strip("\x00 \t\r\n\f"):
        raise ImportRefused(
            f"{source} holds nothing but blank space and zero bytes: it is empty or damaged "
            "(a download or copy that did not finish). Export the attendee list again."
            if "\x00" in text else f"{source} is empty. Export the attendee list again.")
    return read_csv(text, source)
