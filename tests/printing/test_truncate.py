"""fit_lines: the receipt summary is cut to a few lines, cleanly."""

from __future__ import annotations

import pytest

from printing import register_fonts
from printing.styles import get_styles
from printing.truncate import ELLIPSIS, fit_lines, line_count

WIDTH = 300.0


@pytest.fixture(scope="module")
def style():
    return get_styles(register_fonts()).cell


def test_short_text_unchanged(style) -> None:
    assert fit_lines("候诊时间过长。", style, WIDTH, 3) == "候诊时间过长。"


def test_line_breaks_are_joined(style) -> None:
    assert fit_lines("候诊时间过长。\n医生态度生硬。\r\nCT report\nready", style, WIDTH, 3) == (
        "候诊时间过长。医生态度生硬。CT report ready"
    )


@pytest.mark.parametrize("max_lines", [1, 2, 3, 4])
def test_long_text_fits_and_ends_with_ellipsis(style, max_lines: int) -> None:
    text = "患者候诊近三个小时，期间多次询问护士站均被告知按顺序等待。" * 20
    cut = fit_lines(text, style, WIDTH, max_lines)
    assert cut.endswith(ELLIPSIS)
    assert line_count(cut, style, WIDTH) <= max_lines
    assert text.startswith(cut.removesuffix(ELLIPSIS))
    assert len(cut) > max_lines * 10  # uses the room it has


def test_prefers_sentence_end(style) -> None:
    text = "候诊近三个小时。" * 6 + "期间多次询问护士站均被告知按顺序等待，" * 20
    body = fit_lines(text, style, WIDTH, 2).removesuffix(ELLIPSIS)
    assert text.startswith(body + "。")


def test_trailing_comma_dropped(style) -> None:
    text = "期间多次询问护士站，" * 40
    body = fit_lines(text, style, WIDTH, 2).removesuffix(ELLIPSIS)
    assert not body.endswith(("，", "。"))


def test_does_not_cut_inside_a_latin_word(style) -> None:
    text = "患者候诊近三个小时，" * 4 + " ".join(["checkup"] * 60)
    body = fit_lines(text, style, WIDTH, 2).removesuffix(ELLIPSIS)
    assert text.startswith(body)
    assert not (body[-1].isalnum() and text[len(body)].isalnum())


def test_empty(style) -> None:
    assert fit_lines(None, style, WIDTH, 3) == ""
