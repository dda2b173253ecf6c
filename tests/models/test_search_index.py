"""The character index's text: one token per character, every kind of whitespace left out."""

from __future__ import annotations

import sys

from models.search_index import char_row, spaced


def test_spaced_is_one_token_per_non_space_character() -> None:
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    assert spaced(every) == " ".join(ch for ch in every if not ch.isspace())
    assert spaced("　患者\u3000家属\n称：\t医生\x1c态度 \u2028差") == "患 者 家 属 称 ： 医 生 态 度 差"
    assert spaced("") == spaced(" \n\u3000") == ""


def test_char_row_spaces_every_column_but_the_case_number() -> None:
    row = (7, "YH-2026-000007", "张三 李四", "门诊\n收费", "心内科", "服务态度")
    assert char_row(row) == (7, "张 三 李 四", "门 诊 收 费", "心 内 科", "服 务 态 度")
