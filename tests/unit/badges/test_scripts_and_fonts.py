"""Every script: font fallback per character, bidi order, shaping, and no empty boxes."""

from __future__ import annotations

import uharfbuzz as hb
from badge_people import HARD_PEOPLE

from kiosk.badges.bidi_levels import base_level, embedding_levels, visual_order
from kiosk.badges.font_runs import printable, runs
from kiosk.badges.fonts import Weight, all_faces, font_files
from kiosk.badges.resources import FONTS_DIR
from kiosk.badges.shaping import shape
from kiosk.badges.text_lines import shape_line

SAMPLES = {
    "Vietnamese": "Nguyễn Thị Ấu Ngọc Quỳnh",
    "Greek": "Αλέξανδρος Παπαδόπουλος",
    "Cyrillic": "Пётр Ильич Чайковский",
    "Arabic": "محمد عبد الله",
    "Farsi": "علی رضایی",
    "Kurdish": "ڕێزان ئەحمەد",
    "Hebrew": "שרה כֹּהֵן",
    "Tigrinya": "ለምለም ገብረመድህን",
    "Amharic": "አበበ ቢቂላ",
    "Devanagari": "आदित्य क्षत्रिय",
    "Chinese": "王小明 張偉",
    "Japanese": "山田 はなこ カタカナ",
    "Korean": "김민준 이서연",
}


def visual(text: str) -> str:
    level = base_level(text)
    return "".join(visual_order(list(text), embedding_levels(text, level)))


def test_right_to_left_text_is_reversed_and_numbers_and_latin_are_not() -> None:
    assert visual("שרה כהן") == "ןהכ הרש"
    assert visual("Ali علی") == "Ali یلع"
    assert visual("علی Ali") == "Ali یلع"
    assert visual("سارا 2024") == "2024 اراس"
    # Brackets take the direction around them (rule N0): here left to right, unmoved.
    assert visual("abc (שרה) def") == "abc (הרש) def"
    # Inside right-to-left text they are reversed too; HarfBuzz then mirrors their glyphs.
    assert visual("שרה (כהן)") == ")ןהכ( הרש"
    assert visual("محمد Al-Hassan (Mo)") == "Al-Hassan (Mo) دمحم"


def test_each_script_gets_a_face_that_has_every_character() -> None:
    for script, text in SAMPLES.items():
        for weight in Weight:
            kept = printable(text, weight)
            assert kept == text, script
            for run in runs(kept, weight, base_level(kept)):
                for char in run.text:
                    if char not in "\u200c\u200d":
                        assert run.face.covers(char), (script, char, run.face.name)


def test_mixed_scripts_split_into_runs_by_face_and_direction() -> None:
    text = "Zoë 김민준 علی"
    found = [(run.text, run.face.name, run.level) for run in runs(text, Weight.REGULAR, 0)]
    assert found == [
        ("Zoë ", "kiosk-NotoSans-Regular", 0),
        ("김민준 ", "kiosk-NanumSquareR", 0),
        ("علی", "kiosk-NotoSansArabic-Regular", 1),
    ]


def test_characters_no_font_has_are_dropped_not_boxed() -> None:
    assert printable("Sam 🎉 Okafor 👩‍💻", Weight.BOLD) == "Sam Okafor"
    assert printable("ze/zir 🏳️‍🌈", Weight.REGULAR) == "ze/zir"
    assert printable("\u0001Tab\there\u202e", Weight.REGULAR) == "Tab here"
    assert printable("🎉", Weight.REGULAR) == ""


def test_decomposed_marks_are_composed_or_kept_with_their_letter() -> None:
    assert printable("Nguye\u0302\u0303n", Weight.REGULAR) == "Nguyễn"
    assert printable("O\u0308\u0332lga", Weight.REGULAR) == "Ö\u0332lga"


def test_shaping_joins_arabic_and_forms_devanagari_conjuncts() -> None:
    def glyphs(text: str) -> int:
        return sum(len(shape(run).glyphs) for run in runs(text, Weight.REGULAR, base_level(text)))

    # Isolated Arabic letters would have one glyph each; joined forms are other glyphs.
    joined = shape(runs("محمد", Weight.REGULAR, 1)[0])
    isolated = [shape(runs(letter, Weight.REGULAR, 1)[0]).glyphs[0].char for letter in "محمد"]
    assert [glyph.char for glyph in joined.glyphs] != isolated[::-1]
    # क्ष is three characters and one conjunct glyph.
    assert glyphs("क्ष") == 1
    # Right-to-left runs come out in visual order: the last letter is drawn first.
    assert joined.glyphs[0].x < joined.glyphs[-1].x


def test_every_printed_character_of_the_hard_names_has_a_real_glyph() -> None:
    # Shaping each run with its face directly: glyph 0 (.notdef) is the empty box.
    for person in HARD_PEOPLE:
        for text in (*person[:4], person[5]):
            for weight in Weight:
                kept = printable(text, weight)
                for run in runs(kept, weight, base_level(kept)):
                    buffer = hb.Buffer()
                    buffer.add_str(run.text)
                    buffer.guess_segment_properties()
                    buffer.flags = hb.BufferFlags.REMOVE_DEFAULT_IGNORABLES
                    hb.shape(run.face.hb_font, buffer)
                    assert all(info.codepoint != 0 for info in buffer.glyph_infos), run.text
                    assert shape(run).glyphs, run.text


def test_every_glyph_drawn_has_a_character_reportlab_can_embed() -> None:
    for text in SAMPLES.values():
        line = shape_line(text, Weight.BOLD, base_level(text))
        for _, run in line.runs:
            reportlab_face = run.face.reportlab_font.face
            for glyph in run.glyphs:
                assert ord(glyph.char) <= 0xFFFF
                assert ord(glyph.char) in reportlab_face.charToGlyph


def test_the_fonts_ship_with_their_licences_within_the_size_budget() -> None:
    files = font_files()
    assert all(path.is_file() for path in files)
    assert sum(path.stat().st_size for path in files) < 25 * 1024 * 1024
    licences = {path.name for path in FONTS_DIR.glob("LICENSE-*")}
    assert licences == {"LICENSE-OFL-Noto.txt", "LICENSE-OFL-Nanum.txt", "LICENSE-Apache-2.0.txt"}
    assert len(all_faces()) == 14
