"""CSV text into a table: encodings, the delimiter, quoted cells that span lines."""

from __future__ import annotations

import codecs
import csv
import re

from kiosk.importing import limits
from kiosk.importing.records import ImportRefused, RowError
from kiosk.importing.table import Table

DELIMITERS = (",", ";", "\t")
_LINE_END = re.compile(r"\r\n|\r|\n")
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


class _BoundedLines:
    """The lines of a CSV text for csv.reader, refusing a row whose raw text runs past
    ``MAX_ROW_CHARS`` before csv.reader splits it (a line of a million commas would be a
    million cells at once). ``since_row`` is reset by the caller after each row.

    Lines end as in a spreadsheet program: at CR LF, LF or CR. Sliced from the text one at a
    time (an io.StringIO would hold a second copy of the text, four bytes a character).
    """

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.at = 0
        self.source = source
        self.since_row = 0
        self.rows = 0

    def __iter__(self) -> _BoundedLines:
        return self

    def __next__(self) -> str:
        start = self.at
        if start >= len(self.text):
            raise StopIteration
        stop = start + limits.MAX_ROW_CHARS + 1
        found = _LINE_END.search(self.text, start, stop)
        end = found.end() if found else min(stop, len(self.text))
        self.at = end
        self.since_row += end - start
        if self.since_row > limits.MAX_ROW_CHARS:
            raise limits.row_too_long(self.source, self.rows + 1)
        return self.text[start:end]


def read_csv(text: str, source: str) -> Table:
    """The rows of a CSV text, numbered as a spreadsheet program shows them.

    Blank lines are skipped but still counted (a spreadsheet shows them as empty rows);
    a quoted cell with line breaks is one row. Excel's "sep=;" first line is honoured and,
    as in Excel, not counted. Zero bytes (NUL) are removed, and the rows that held them
    named in a warning. Refused past the limits of ``kiosk.importing.limits``, as soon as
    the row that passes one is read.
    """
    first_line, _, rest = text.partition("\n")
    hint = first_line.rstrip("\r")
    if hint[:4].casefold() == "sep=" and len(hint) == 5 and hint[4] in (*DELIMITERS, "|"):
        delimiter = hint[4]
        text = rest
    else:
        delimiter = detect_delimiter(text)
    rows: list[tuple[int, list[str]]] = []
    nul_rows: list[int] = []
    has_nul = "\x00" in text
    lines = _BoundedLines(text, source)
    cells_read = 0
    try:
        reader = csv.reader(lines, delimiter=delimiter)
        for cells in reader:
            lines.since_row = 0
            lines.rows += 1
            number = lines.rows
            if number > limits.MAX_ROWS:
                raise limits.too_many_rows(source)
            if len(cells) > limits.MAX_CELLS_PER_ROW:
                raise limits.too_many_cells_in_row(source, number, len(cells))
            cells_read += len(cells)
            if cells_read > limits.MAX_CELLS:
                raise limits.too_many_cells(source)
            if cells and max(map(len, cells)) > limits.MAX_CELL_CHARS:
                raise limits.cell_too_long(source, number)
            if has_nul and any("\x00" in cell for cell in cells):
                cells = [cell.replace("\x00", "") for cell in cells]
                nul_rows.append(number)
            if any(cells):
                rows.append((number, cells))
    except csv.Error as problem:
        row = lines.rows + 1
        if "field limit" in str(problem):
            raise limits.cell_too_long(source, row) from None
        raise ImportRefused(
            f"{source} could not be read as CSV near row {row} ({problem}). Open it in a "
            "spreadsheet program, save it again as CSV or .xlsx, and import that."
        ) from None
    errors = _unclosed_quote(text, delimiter, rows, source)
    return Table(rows=rows, errors=errors, strict_width=True,
                 warnings=[nul_warning(nul_rows)] if nul_rows else [])


def nul_warning(rows: list[int]) -> str:
    """What an organiser is told about the zero bytes removed from ``rows``."""
    shown = ", ".join(f"{row:,}" for row in rows[:20])
    more = f" and {len(rows) - 20:,} more" if len(rows) > 20 else ""
    which = f"Row {shown}" if len(rows) == 1 else f"Rows {shown}{more}"
    return (f"{which} held zero bytes (NUL: invisible characters a damaged export or copy "
            "leaves behind). They were removed and the rest of each row imported; check the "
            "names in those rows.")


def _unclosed_quote(
    text: str, delimiter: str, rows: list[tuple[int, list[str]]], source: str
) -> list[RowError]:
    """A row whose opening quotation mark never closes swallows the rest of the file."""
    if not rows or text.count('"') % 2 == 0:
        return []
    number, cells = rows[-1]
    lines = _BoundedLines(text, source)
    try:
        for _ in csv.reader(lines, delimiter=delimiter, strict=True):
            lines.since_row = 0
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
