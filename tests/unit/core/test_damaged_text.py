"""Damaged names told apart from real ones: "?" and "�" for lost letters, garbled UTF-8."""

from __future__ import annotations

import pytest

from kiosk.core.damaged_text import Damage, damage_in, damaged_names

# Real names (and organisations) in many scripts and spellings: none is damage.
REAL_NAMES = [
    # Polish, upper and lower case: Ł, ó, ś, ż, ź, ą, ę, ć, ń
    "Łukasz Wróblewski", "Małgorzata Wiśniewska", "Zięba", "Źdźbło", "Żaneta", "ŻÓŁKIEWSKA",
    "GÓŁKOWSKI", "ĆWIKŁA", "Fundacja Wolność",
    # Vietnamese
    "Nguyễn Thị Hồng Nhung", "Đặng Quốc Bảo", "Trần Thị Ngọc Ánh", "Lê Văn Thưởng",
    "Phạm Thị Huyền Trâm",
    # Arabic and Persian
    "محمد الأحمد", "فاطمة الزهراء", "کاوه احمدی",
    # Chinese
    "王小明", "周晓明", "陳美玲",
    # Amharic and Tigrinya
    "ሀይለ ማርያም", "ኃይሌ ገብረሥላሴ", "ሕይወት ተስፋማርያም",
    # Cyrillic, Greek, Hebrew, Devanagari, Hangul
    "Олена Ковальчук", "Юрій Ґудзь", "Μαρία Παπαδοπούλου", "שרה לוי", "राजेश कुमार", "김민준",
    # Latin letters that sit near the garbling patterns of Windows-1252
    "Kríž", "KRÍŽ", "Šimon Žák", "ÚŠTĚK", "DÉŠA", "Renée", "François", "Zoë", "José María",
    "Ñúñez-Ibáñez", "Þórunn", "Øystein", "Ægir", "Åse Ærø", "ÅSTRÖM", "ÄÄNISMAA", "Straße",
    "SCHÖßLER", "Mădălina Șerban", "Çağrı Öztürk", "Jiří Čapek", "ÉVA", "Ōsaka", "Ðorđe",
    "Drita Përmeti", "O'Brien", "Jean-Luc", "João", "JOÃO", "Dvořák", "Hồ Chí Minh",
    # Capitals that end a word, as a letter cut short by a lost byte would
    "OBRAS SOCIAIS IRMÃ DULCE", "KYLÄ RY", "ÅSA Å", "Associação «Olá»", "SÃO PAULO",
]


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_names_in_any_script_are_never_flagged(name: str) -> None:
    assert damage_in(name) is None
    assert damaged_names({"first_name": name, "last_name": name, "badge_name": name,
                          "organisation": name}) == []


@pytest.mark.parametrize(("damaged", "shown"), [
    ("Zbigniew ?ukasiewicz", "?"),  # Ł lost to a spreadsheet's re-save
    ("Nguy?n", "?"),
    ("??", "?"),  # a Chinese given name, every letter lost
    ("Pawe?", "?"),  # the lost letter ends the name
    ("Wi\ufffdniewska", "�"),
])
def test_a_lost_letter_is_flagged(damaged: str, shown: str) -> None:
    found = damage_in(damaged)
    assert found is not None and found.damage is Damage.LOST_LETTER
    assert f"“{shown}”" in found.problem and found.suggestion == ""


@pytest.mark.parametrize(("garbled", "meant"), [
    ("ZoÃ«", "Zoë"),
    ("CrÃ¨me", "Crème"),
    ("Ãºrsula", "úrsula"),
    ("WiÅ›niewska", "Wiśniewska"),
    ("MaÅ‚gorzata", "Małgorzata"),
    ("Å»aneta", "Żaneta"),
    ("ÄŒapek", "Čapek"),
    ("KrÃ\u00adÅ¾", "Kríž"),
    ("Nguyá»…n", "Nguyễn"),
    ("Ù…Ø\u00adÙ…Ø¯", "محمد"),
    ("çŽ‹", "王"),
    ("áˆ€á‹\u00adáˆˆ", "ሀይለ"),
    ("Ð˜Ð²Ð°Ð½", "Иван"),
    ("Ã…â€šukasz", "łukasz"),  # written out wrongly twice
    ("Å\u0082ukasz", "łukasz"),  # read as Latin-1: a control character in the middle
])
def test_garbled_letters_are_flagged_with_what_they_probably_were(garbled: str,
                                                                   meant: str) -> None:
    found = damage_in(garbled)
    assert found is not None and found.damage is Damage.GARBLED
    assert found.suggestion == meant
    assert "probably" in found.problem


def test_an_organisation_may_end_in_a_question_but_a_name_may_not() -> None:
    assert damaged_names({"organisation": "What Next?"}) == []
    assert [field for field, _ in damaged_names({"organisation": "Fundacja Wolno??",
                                                 "last_name": "Who?"})] == [
        "last_name", "organisation"]
    assert damaged_names({"organisation": "Dom Nadziei ?ód?"})[0][0] == "organisation"


def test_only_name_fields_are_looked_at() -> None:
    assert damaged_names({"email": "a?b@example.org", "desk_note": "Arrives late?",
                          "first_name": "Ana"}) == []


def test_none_of_thousands_of_names_from_many_cultures_is_flagged() -> None:
    from kiosk.services.demo_people import demo_records

    people = demo_records(5_000, seed=3)
    scripts = {ord(ch) >> 8 for person in people for ch in person.fields.get("last_name", "")}
    assert len(scripts) > 8  # Latin, Vietnamese, Arabic, Cyrillic, CJK, Ethiopic…
    assert [p.fields for p in people if damaged_names(p.fields)] == []
