"""Hostile registration files, made cheaply by the tests themselves: zip bombs, millions of
rows, a workshop cell of thousands of items, zero bytes, pictures and web pages in disguise."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from importing_helpers import csv_text

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/>{strings}</Types>')
_STRINGS_TYPE = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                 'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
         'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
             'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
             'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name='
             '"Attendees" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
                  'schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                  'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                  'relationships/worksheet" Target="worksheets/sheet1.xml"/>{strings}'
                  '</Relationships>')
_STRINGS_REL = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
_SHEET_START = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                'openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>')
_SHEET_END = "</sheetData></worksheet>"

Chunks = Callable[[], Iterable[bytes]]


def cell(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def row(*texts: str) -> bytes:
    return ("<row>" + "".join(cell(t) for t in texts) + "</row>").encode()


HEADINGS = row("First name", "Last name", "Email")


def workbook(path: Path, sheet_data: Iterable[bytes], *, dimension: str = "",
             strings: Iterable[bytes] | None = None,
             extra: dict[str, Iterable[bytes]] | None = None) -> Path:
    """An .xlsx whose sheet's rows (and shared strings, and other parts) are streamed into
    the zip: a part that unpacks to hundreds of MB costs a second and little memory."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        has_strings = strings is not None
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(
            strings=_STRINGS_TYPE if has_strings else ""))
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(
            strings=_STRINGS_REL if has_strings else ""))
        dimension_tag = f'<dimension ref="{dimension}"/>' if dimension else ""
        _stream(archive, "xl/worksheets/sheet1.xml", [
            _SHEET_START.format(dimension=dimension_tag).encode(), *sheet_data,
            _SHEET_END.encode()])
        if strings is not None:
            _stream(archive, "xl/sharedStrings.xml", [
                b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main">', *strings, b"</sst>"])
        for name, chunks in (extra or {}).items():
            _stream(archive, name, chunks)
    return path


def _stream(archive: zipfile.ZipFile, name: str, chunks: Iterable[bytes]) -> None:
    with archive.open(name, "w", force_zip64=True) as part:
        for chunk in chunks:
            part.write(chunk)


def repeated(piece: bytes, count: int, block: int = 20_000) -> Iterable[bytes]:
    """``piece`` ``count`` times, written a block at a time."""
    whole, rest = divmod(count, block)
    chunk = piece * block
    for _ in range(whole):
        yield chunk
    yield piece * rest


def zipped_csv(path: Path, member: str, chunks: Iterable[bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        _stream(archive, member, chunks)
    return path


def workshops_answer(count: int) -> str:
    """One form answer ticking ``count`` workshops, as Google Forms joins them."""
    return ", ".join(f"Workshop {number}" for number in range(count))


def form_responses(answers: list[str]) -> str:
    """A Google Forms export: one person per answer, the workshops question last."""
    rows = [["Timestamp", "First name", "Last name", "Email address",
             "Which workshops will you attend?"]]
    rows += [["2026/11/01 10:00", f"Person{i}", "Lee", f"p{i}@example.org", answer]
             for i, answer in enumerate(answers)]
    return csv_text(rows)


def picture(kind: str) -> bytes:
    """A real photo (JPEG) or screenshot (PNG), as a phone or a screen capture makes it."""
    from PIL import Image

    image = Image.new("RGB", (64, 48), (200, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()
