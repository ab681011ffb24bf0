"""CSV text into a table: encodings, the delimiter, quoted cells that span lines."""

from __future__ import annotations

import codecs
import csv
import io

from kiosk.importing.records import ImportRefused, RowError
from kiosk.importing.table import Table

DELIMITERS = (",", ";", "\t")
_SAMPLE = 64 * 1024


def decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Excel's "CSV UTF-8" writes a BOM, "Unicode text" writes UTF-16 with a BOM, and plain
    "CSV" on Windows writes the ANSI code page; a byte no code page allows still decodes
    (as its Latin-1 character) rather than refusing the whole file.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text whose BOM was lost: every other byte of ASCII text is zero."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return None
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) // 2
    encoding = None
    if odd_zeros > 0.6 * half and even_zeros < 0.1 * half:
        encoding = "utf-16-le"
    elif even_zeros > 0.6 * half and odd_zeros < 0.1 * half:
        encoding = "utf-16-be"
    if encoding is None:
        return None
    return data.decode(encoding, errors="replace")


def detect_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one the heading line uses most, outside quotes.

    When two tie, csv.Sniffer looks at more lines; a file of one column reads as CSV.
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    started = False
    for char in text[:_SAMPLE]:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "\r\n":
            if started:
                break
        elif char in counts:
            counts[char] += 1
            started = True
        elif not char.isspace():
            started = True
    best = max(counts.values())
    if best == 0:
        return ","
    tied = [d for d in DELIMITERS if counts[d] == best]
    if len(tied) == 1:
        return tied[0]
    try:
        return csv.Sniffer().sniff(text[:_SAMPLE], delimiters="".join(tied)).delimiter
    except csv.Error:
        return tied[0]


def read_csv(text: str, source: str) -> Table:
    """The rows of a CSV text, numbered as a spreadsheet program shows them.

    Blank lines are skipped but still counted (a spreadsheet shows them as empty rows);
    a quoted cell with line breaks is one row. Excel's "sep=;" first line is honoured and,
    as in Excel, not counted.
    """
    first_line, _, rest = text.partition("\n")
    hint = first_line.rstrip("\r")
    if hint[:4].casefold() == "sep=" and len(hint) == 5 and hint[4] in (*DELIMITERS, "|"):
        delimiter = hint[4]
        text = rest
    else:
        delimiter = detect_delimiter(text)
    rows: list[tuple[int, list[str]]] = []
    number = 0
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, cells in enumerate(reader, start=1):
            if any(cells):
                rows.append((number, cells))
    except csv.Error as problem:
        row = number + 1
        if "field limit" in str(problem):
            raise ImportRefused(
                f"{source} has a cell near row {row} that runs on for more than 100,000 "
                'characters — almost always a quotation mark (") that opens and never '
                "closes. Find it in that row, remove it or close it, and import again."
            ) from None
        raise ImportRefused(
            f"{source} could not be read as CSV near row {row} ({problem}). Open it in a "
            "spreadsheet program, save it again as CSV or .xlsx, and import that."
        ) from None
    errors = _unclosed_quote(text, delimiter, rows)
    return Table(rows=rows, errors=errors, strict_width=True)


def _unclosed_quote(text: str, delimiter: str, rows: list[tuple[int, list[str]]]) -> list[RowError]:
    """A row whose opening quotation mark never closes swallows the rest of the file."""
    if not rows or text.count('"') % 2 == 0:
        return []
    number, cells = rows[-1]
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
        return []
    except csv.Error as problem:
        # Strict parsing also stops at a harmless 12" in a cell; then judge by the last row.
        if "unexpected end of data" not in str(problem) and not any(
            "\n" in cell or "\r" in cell for cell in cells
        ):
            return []
    rows.pop()
    return [
        RowError(
            number,
            f'Row {number}: a quotation mark (") opens in this row and never closes, so '
            "everything after it was read as one cell. Remove the stray quotation mark "
            "(or add the closing one) and import again.",
        )
    ]
