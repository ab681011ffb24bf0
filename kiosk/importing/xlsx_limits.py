"""An .xlsx checked against the import limits before openpyxl reads it: the sizes its zip
declares, and each sheet streamed once, stopping as soon as a limit is passed.

A zip reads no more of a part than the size its directory declares, so those sizes bound
what unpacking can cost. Inside the sheets, openpyxl builds each row whole and each cell's
text whole: a row of ten million cells, or one cell of 500 MB, would use up the memory
before a row could be counted. The scan looks at the raw XML a megabyte at a time, with
byte counts done in C, and refuses before openpyxl sees the file.
"""

from __future__ import annotations

import re
import zipfile

from kiosk.importing import limits

_CHUNK = 1 << 20
# Parts openpyxl does not open in read-only mode: pictures, pivot caches, embedded files.
_NOT_READ = ("xl/media/", "xl/pivotCache/", "xl/embeddings/", "xl/printerSettings/")
_SHEETS = re.compile(r"xl/worksheets/[^/]+\.xml")
_STRINGS = "xl/sharedStrings.xml"
_NS = rb"(?:[A-Za-z_][\w.-]*:)?"  # any namespace prefix: some programs write <x:row>
_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?(?:sheetData|sst)[\s>/]")
_DIMENSION = re.compile(rb"<" + _NS + rb"dimension\s+ref=\"[A-Z]*\$?\d*:?\$?[A-Z]*\$?(\d+)\"")
# A formula whose result was never saved (the file was made by a program, not saved by a
# spreadsheet): openpyxl reads such a cell as empty.
_UNSAVED_FORMULA = re.compile(
    rb"(?:</" + _NS + rb"f>|<" + _NS + rb"f\b[^>]*/>)\s*(?:<" + _NS + rb"v\s*/>|<" + _NS
    + rb"v>\s*</" + _NS + rb"v>)?\s*</" + _NS + rb"c>")
# The longest stretch of XML without a tag: a cell's text (or an attribute) is inside one.
# Bytes, not characters: a character takes up to 4 bytes in UTF-8 and more as an escape
# ("&amp;"); the cell's length in characters is checked again as openpyxl reads it. The
# search starts only at a "<" (or the start), so each byte is looked at once or twice.
_LONGEST_RUN = 8 * limits.MAX_CELL_CHARS
_LONG_RUN = re.compile(rb"(?:\A|<)[^<]{%d}" % _LONGEST_RUN)
# A cell takes at least 4 bytes ("<c/>"): a row shorter than this cannot hold too many.
_SHORT_ROW = 4 * limits.MAX_CELLS_PER_ROW


def check_workbook(archive: zipfile.ZipFile, source: str) -> list[str]:
    """Refuse a workbook that passes a limit, before any of it is parsed; what the import
    should warn of (formulas without results) otherwise."""
    parts = archive.infolist()
    total = sum(part.file_size for part in parts)
    if total > limits.MAX_UNPACKED_BYTES:
        raise limits.unpacks_too_big(source, total)
    unsaved = 0
    for part in parts:
        name = part.filename
        if _SHEETS.fullmatch(name):
            unsaved += _scan(archive, part, source, sheet=True)
        elif name == _STRINGS:
            _scan(archive, part, source, sheet=False)
        elif part.file_size > limits.MAX_PART_BYTES and not name.startswith(_NOT_READ):
            raise limits.part_too_big(source, name, part.file_size)
    if not unsaved:
        return []
    return [f"{source} has {unsaved:,} cells with formulas whose results were never saved "
            "(it was made by a program rather than saved by a spreadsheet), so they read as "
            "empty. Open it in Excel or LibreOffice, save it, and import it again."]


def _scan(archive: zipfile.ZipFile, part: zipfile.ZipInfo, source: str, sheet: bool) -> int:
    """Stream one sheet (or the shared strings): rows, cells in a row, cells in all, and the
    longest text, each refused the moment it passes its limit. Returns how many formulas
    have no saved result. Counting is done by bytes.count and one regex pass a chunk: the
    scan adds a fraction of what openpyxl then takes to read a real sheet."""
    tally = _Tally(source)
    carry = b""
    try:
        stream = archive.open(part)
    except Exception:  # a damaged part: openpyxl says so in its own refusal
        return 0
    with stream:
        while True:
            try:
                chunk = stream.read(_CHUNK)
            except Exception:  # damaged data: left to openpyxl's refusal
                return 0
            ended = not chunk
            data = carry + chunk
            # Tags are cut at the last "<" so that none is split between two chunks.
            cut = len(data) if ended else data.rfind(b"<")
            if cut <= 0:
                if len(data) > _LONGEST_RUN:
                    raise limits.cell_too_long(source, tally.rows or None, workbook=True)
                carry = data
            else:
                body, carry = data[:cut], data[cut:]
                if _LONG_RUN.search(body):
                    raise limits.cell_too_long(source, tally.rows or None, workbook=True)
                if sheet:
                    tally.sheet(body)
                else:
                    tally.strings(body)
            if ended:
                return tally.unsaved


class _Tally:
    """What one part's scan has counted so far."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.prefix: bytes | None = None
        self.rows = self.cells = self.in_row = self.unsaved = 0
        self.row_tag = re.compile(rb"<row[\s>/]")

    def _tags(self, body: bytes) -> bytes:
        if self.prefix is None:
            found = _PREFIX.search(body)
            self.prefix = (found.group(1) or b"") if found else b""
            self.row_tag = re.compile(rb"<" + re.escape(self.prefix) + rb"row[\s>/]")
        return b"<" + self.prefix

    def sheet(self, body: bytes) -> None:
        opening = self._tags(body)
        if not self.rows and (size := _DIMENSION.search(body)) and (
                int(size.group(1)) > limits.MAX_ROWS):
            raise limits.too_many_rows(self.source, int(size.group(1)))
        cell = opening + b"c"
        self.cells += sum(body.count(cell + end) for end in (b" ", b">", b"/"))
        if self.cells > limits.MAX_CELLS:
            raise limits.too_many_cells(self.source)
        pieces = self.row_tag.split(body)
        for index, piece in enumerate(pieces):
            if index:
                self._row_ends()
            if len(piece) > _SHORT_ROW or self.in_row or index == len(pieces) - 1:
                self.in_row += sum(piece.count(cell + end) for end in (b" ", b">", b"/"))
                if self.in_row > limits.MAX_CELLS_PER_ROW:
                    raise limits.too_many_cells_in_row(self.source, self.rows, self.in_row)
        if self.rows > limits.MAX_ROWS:
            raise limits.too_many_rows(self.source)
        if opening + b"f" in body:
            self.unsaved += len(_UNSAVED_FORMULA.findall(body))

    def _row_ends(self) -> None:
        self.rows += 1
        self.in_row = 0

    def strings(self, body: bytes) -> None:
        item = self._tags(body) + b"si"
        self.cells += body.count(item + b">") + body.count(item + b" ")
        if self.cells > limits.MAX_CELLS:
            raise limits.too_many_cells(self.source)
