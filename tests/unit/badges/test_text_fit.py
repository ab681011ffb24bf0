"""Fitting text into a box: shrink to the minimum size, then wrap, then ellipsise; never out."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.badges.font_runs import printable
from kiosk.badges.fonts import Weight
from kiosk.badges.text_fit import Align, Fit, FittedText, TextStyle, VAlign, fit_text
from kiosk.badges.text_lines import ELLIPSIS

WIDTH, HEIGHT = 200.0, 60.0  # points
SHRINK = TextStyle(weight=Weight.BOLD, size=40, min_size=14)
WRAP = TextStyle(weight=Weight.BOLD, size=40, min_size=14, fit=Fit.WRAP, max_lines=2)
LONG = "Maximiliane-Alexandra Wolfeschlegelsteinhausen-Bergerdorff"


def fitted(text: str, style: TextStyle, width: float = WIDTH, height: float = HEIGHT) -> FittedText:
    result = fit_text(printable(text, style.weight), style, width, height)
    assert result is not None
    return result


def inside(result: FittedText, width: float = WIDTH, height: float = HEIGHT) -> bool:
    ink = result.ink
    slack = 1e-6
    return ink is None or (
        ink.left >= -slack and ink.bottom >= -slack
        and ink.right <= width + slack and ink.top <= height + slack
    )


def test_a_short_name_is_set_at_full_size_on_one_line() -> None:
    result = fitted("Sam", SHRINK)
    assert result.size == 40
    assert result.lines == ("Sam",)
    assert not result.ellipsised
    assert inside(result)


def test_a_longer_name_shrinks_but_not_below_the_minimum() -> None:
    result = fitted("Maximiliane Okafor", SHRINK)
    assert 14 <= result.size < 40
    assert result.lines == ("Maximiliane Okafor",)
    assert inside(result)


def test_a_name_too_long_for_one_line_wraps_before_going_below_the_minimum() -> None:
    result = fitted(LONG, WRAP, width=300, height=90)
    assert len(result.lines) == 2
    assert result.size >= 14
    assert "".join(result.lines).replace(" ", "") == LONG.replace(" ", "")
    assert not result.ellipsised
    assert inside(result, width=300, height=90)


def test_text_that_fits_nowhere_is_ellipsised_at_the_minimum_size() -> None:
    result = fitted(LONG + " " + LONG, SHRINK)
    assert result.ellipsised
    assert result.lines[0].endswith(ELLIPSIS)
    assert result.size == 14
    assert inside(result)
    wrapped = fitted(LONG * 3, WRAP, height=90)
    assert len(wrapped.lines) == 2
    assert wrapped.lines[-1].endswith(ELLIPSIS)
    assert inside(wrapped, height=90)


def test_a_box_too_low_for_the_minimum_size_gets_smaller_text_not_overflow() -> None:
    result = fitted("Sam", SHRINK, height=10)
    assert result.size < 14
    assert inside(result, height=10)


def test_chinese_and_japanese_wrap_between_characters() -> None:
    result = fitted("中国反拐卖妇女儿童协会国际联合会", WRAP, width=120, height=90)
    assert len(result.lines) == 2
    assert "".join(result.lines) == "中国反拐卖妇女儿童协会国际联合会"
    assert inside(result, width=120, height=90)


def test_start_alignment_follows_the_text_direction() -> None:
    style = TextStyle(size=12, min_size=12, align=Align.START)
    latin = fitted("Sam", style)
    arabic = fitted("علی", style)
    assert latin.ink is not None and arabic.ink is not None
    assert latin.ink.left < 5
    assert arabic.ink.right > WIDTH - 5


def test_vertical_alignment_puts_the_text_at_the_top_middle_or_bottom() -> None:
    def middle_of_ink(valign: VAlign) -> float:
        result = fitted("Sam", TextStyle(size=12, min_size=12, valign=valign))
        assert result.ink is not None
        return (result.ink.top + result.ink.bottom) / 2

    top, middle, bottom = (middle_of_ink(v) for v in (VAlign.TOP, VAlign.MIDDLE, VAlign.BOTTOM))
    assert top > middle > bottom
    assert abs(middle - HEIGHT / 2) < 3


_SCRIPTS = st.sampled_from([
    "Ngụy Thị Ấu", "Wolfeschlegelsteinhausen", "محمد عبد الله", "ڕێزان", "שרה כֹּהֵן",
    "ለምለም", "क्षत्रिय श्रीवास्तव", "王小明", "はなこ", "김민준", "Ωμέγα", "Пётр", "🎉",
    "(Mo)", "-", " ", "Ö\u0332", "2024",
])


@settings(max_examples=60, deadline=None)
@given(
    pieces=st.lists(_SCRIPTS, min_size=1, max_size=8),
    width=st.floats(min_value=40, max_value=300),
    height=st.floats(min_value=8, max_value=120),
    wrap=st.booleans(),
    weight=st.sampled_from(list(Weight)),
)
def test_no_text_ever_leaves_its_box(
    pieces: list[str], width: float, height: float, wrap: bool, weight: Weight
) -> None:
    style = TextStyle(weight=weight, size=36, min_size=10, fit=Fit.WRAP if wrap else Fit.SHRINK,
                      max_lines=3 if wrap else 1)
    text = printable(" ".join(pieces), weight)
    result = fit_text(text, style, width, height)
    if not text:
        assert result is None
        return
    assert result is not None
    assert inside(result, width, height)
    assert len(result.lines) <= style.max_lines
