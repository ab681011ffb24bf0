"""CSV as people really save it: encodings, BOMs, delimiters, quoted line breaks, blank lines."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from importing_helpers import WriteBytes, WriteCsv, csv_text

from kiosk.importing import ImportRefused, read_registrations
from kiosk.importing.csv_table import decode, detect_delimiter

HEADER = ["First name", "Surname", "Organisation", "Email", "Workshops"]
PEOPLE = [
    ["Thưởng", "Lê Văn", "Casa Speranței, Iași", "thuong@example.vn", "Engaging With Businesses"],
    ["Łukasz", "Żółtowski", "Fundacja Wolność", "lukasz@example.pl", "Train the Trainer Taster"],
    ["Олена", "Ковальчук", "Kharkiv Women's Aid", "olena@example.ua", ""],
    ["ሳባ", "ተስፋይ", "Eritrea Link UK", "saba@example.org", ""],
    ["芳", "王", "Lianhe", "fang@example.cn", ""],
    ["فاطمة", "الزهراء", "Amal", "fatima@example.org", ""],
]
# Names Windows-1252 can hold, including its curly apostrophe (0x92), which Latin-1 cannot.
WESTERN = [
    ["Siobhán", "O’Brien", "Ruhama", "siobhan@example.ie", ""],
    ["Søren", "Ødegård", "Kirkens Bymisjon", "soren@example.no", ""],
    ["José", "Núñez", "Fundación Esperanza, Madrid", "jose@example.es", ""],
    ["Renée", "Müller-Šimák", "Œuvre d’Orient", "renee@example.fr", ""],
]


def names(path: Path) -> list[tuple[str, str]]:
    result = read_registrations(path)
    assert result.errors == []
    return [(r.fields["first_name"], r.fields["last_name"]) for r in result.records]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_unicode_encodings(write_csv: WriteCsv, encoding: str) -> None:
    # "utf-16" writes a BOM; the -le/-be codecs do not, as some exporters forget it.
    path = write_csv([HEADER, *PEOPLE], encoding=encoding)
    assert names(path) == [(p[0], p[1]) for p in PEOPLE]


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_utf16_with_explicit_bom_and_tabs(write_bytes: WriteBytes, bom: bytes) -> None:
    # Excel's "Unicode text": UTF-16 with a BOM, tab-separated.
    encoding = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    data = bom + csv_text([HEADER, *PEOPLE], delimiter="\t").encode(encoding)
    result = read_registrations(write_bytes(data))
    assert result.records[0].fields["organisation"] == "Casa Speranței, Iași"
    assert len(result.records) == len(PEOPLE)


def test_windows_1252(write_csv: WriteCsv) -> None:
    path = write_csv([HEADER, *WESTERN], encoding="cp1252", delimiter=";")
    result = read_registrations(path)
    assert [(r.fields["first_name"], r.fields["last_name"]) for r in result.records] == [
        (p[0], p[1]) for p in WESTERN
    ]
    assert result.records[3].fields["organisation"] == "Œuvre d’Orient"


def test_bom_does_not_stick_to_the_first_heading(write_csv: WriteCsv) -> None:
    path = write_csv([HEADER, *PEOPLE], encoding="utf-8-sig")
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    result = read_registrations(path)
    assert result.columns["First name"] == "first_name"
    assert result.records[0].fields["first_name"] == "Thưởng"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(write_csv: WriteCsv, delimiter: str) -> None:
    path = write_csv([HEADER, *PEOPLE], delimiter=delimiter)
    result = read_registrations(path)
    assert result.errors == []
    assert result.records[0].fields["organisation"] == "Casa Speranței, Iași"
    assert result.records[0].sessions == ("Engaging With Businesses",)
    assert len(result.records) == len(PEOPLE)


def test_delimiter_counts_the_heading_line_outside_quotes() -> None:
    assert detect_delimiter('"Name, as on badge";Email;Company\r\nA;b@c;"D, E"\r\n') == ";"
    assert detect_delimiter("Name\tEmail\tCompany, Ltd\n") == "\t"
    assert detect_delimiter("Name\nAna\n") == ","


def test_excel_sep_line(write_bytes: WriteBytes) -> None:
    text = "sep=;\r\n" + csv_text([HEADER, *PEOPLE[:2]], delimiter=";")
    result = read_registrations(write_bytes(text.encode("utf-8")))
    # Excel does not show the "sep=" line, so the heading is row 1.
    assert [r.row for r in result.records] == [2, 3]


def test_quoted_line_breaks_keep_row_numbers(write_bytes: WriteBytes) -> None:
    text = (
        "First name,Surname,Notes,Email\r\n"
        'Ana,Popescu,"Arrives late\r\nfrom Iași, by train",ana@example.ro\r\n'
        '"Blerina\nJo",Hoxha,"Line one\nline two\nline three",blerina@example.al\r\n'
        ",,,nobody@example.org\r\n"
        "Drita,Përmeti,,drita@example.al\r\n"
    )
    result = read_registrations(write_bytes(text.encode("utf-8")))
    assert [r.row for r in result.records] == [2, 3, 5]
    assert result.records[0].fields["desk_note"] == "Arrives late from Iași, by train"
    assert result.records[1].fields["first_name"] == "Blerina Jo"
    assert [e.row for e in result.errors] == [4]
    assert result.errors[0].message.startswith("Row 4: no name")


def test_blank_lines_are_skipped_but_counted(write_bytes: WriteBytes) -> None:
    text = "\r\nFirst name,Surname\r\nAna,Pop\r\n\r\n\r\n   \r\n,,\r\nIon,Rusu\r\n\r\n\r\n\r\n"
    result = read_registrations(write_bytes(text.encode("utf-8")))
    # A leading blank line pushes the heading to row 2, as in a spreadsheet; rows of
    # spaces or of empty cells are blank too.
    assert [(r.row, r.fields["first_name"]) for r in result.records] == [(3, "Ana"), (8, "Ion")]
    assert result.errors == []


def test_bare_newlines_and_old_mac_line_ends(write_bytes: WriteBytes) -> None:
    for newline in ("\n", "\r"):
        text = csv_text([HEADER, *PEOPLE[:3]], newline=newline)
        result = read_registrations(write_bytes(text.encode("utf-8")))
        assert [r.row for r in result.records] == [2, 3, 4]


def test_title_rows_above_the_headings(write_bytes: WriteBytes) -> None:
    text = (
        "Freedom From Exploitation 2025 — delegate list,,\r\n"
        "Exported 3 March 2025,,\r\n"
        ",,\r\n"
        "First name,Last name,Email\r\n"
        "Ana,Popescu,ana@example.ro\r\n"
    )
    result = read_registrations(write_bytes(text.encode("utf-8")))
    assert [(r.row, r.fields["last_name"]) for r in result.records] == [(5, "Popescu")]


def test_undecodable_bytes_fall_back_to_windows_1252() -> None:
    assert decode("Zoë ’".encode("cp1252")) == "Zoë ’"
    assert decode(b"\x81abc") == "\x81abc"  # a byte no code page has: Latin-1, not a refusal
    assert decode(codecs.BOM_UTF8 + "Ștefan".encode()) == "Ștefan"


def test_stray_quote_is_reported_on_its_row(write_bytes: WriteBytes) -> None:
    text = (
        "First name,Surname,Organisation\r\n"
        "Ana,Popescu,Salvați Copiii\r\n"
        'Ion,Rusu,"La Strada\r\n'
        "Olena,Kovalchuk,Kharkiv Women's Aid\r\n"
    )
    result = read_registrations(write_bytes(text.encode("utf-8")))
    assert [r.fields["first_name"] for r in result.records] == ["Ana"]
    assert [e.row for e in result.errors] == [3]
    assert "quotation mark" in result.errors[0].message


def test_an_inch_mark_is_not_a_stray_quote(write_bytes: WriteBytes) -> None:
    text = (
        "First name,Surname,Notes\r\n"
        'Ana,Popescu,Brings a 12" banner\r\n'
        'Ion,Rusu,"Arrives late,\r\nby train"\r\n'
    )
    result = read_registrations(write_bytes(text.encode("utf-8")))
    assert [r.fields["desk_note"] for r in result.records] == [
        'Brings a 12" banner',
        "Arrives late, by train",
    ]
    assert result.errors == []


def test_many_rows_read_in_one_go(write_csv: WriteCsv) -> None:
    rows = [HEADER] + [
        [
            f"Person{i}",
            f"Family{i}",
            "Org, Ltd" if i % 7 == 0 else "Org",
            f"p{i}@example.org",
            "Train the Trainer Taster; Engaging With Businesses" if i % 2 else "",
        ]
        for i in range(5000)
    ]
    result = read_registrations(write_csv(rows))
    assert len(result.records) == 5000
    assert result.records[-1].row == 5001
    assert result.records[1].sessions == ("Train the Trainer Taster", "Engaging With Businesses")
    assert result.records[7].fields["organisation"] == "Org, Ltd"


def test_a_quote_that_swallows_a_long_file_is_refused_with_its_row(
    write_bytes: WriteBytes,
) -> None:
    people = "".join(f"Person{i},Family{i},Organisation {i}\r\n" for i in range(5000))
    text = 'First name,Surname,Organisation\r\nAna,Popescu,"Salvați Copiii\r\n' + people
    with pytest.raises(ImportRefused) as refused:
        read_registrations(write_bytes(text.encode("utf-8")))
    assert "near row 2" in str(refused.value)
    assert "quotation mark" in str(refused.value)
