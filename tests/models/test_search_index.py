"""The character index's text: every token character and every pair of neighbouring ones, never a
pair across whitespace or punctuation; and the token characters agree with FTS5's unicode61."""

from __future__ import annotations

import sys
import unicodedata

from sqlcipher3 import dbapi2 as sqlcipher

from models.search_index import char_row, char_tokens, is_token_char


def test_char_tokens_are_characters_and_pairs_within_a_run() -> None:
    assert char_tokens("停车场") == "停 车 场 停车 车场"
    assert char_tokens("　患者\u3000家属\n称：\t医生\x1c态度 \u2028差") == (
        "患 者 患者 家 属 家属 称 医 生 医生 态 度 态度 差"
    )
    assert char_tokens("停，车场") == "停 车 场 车场"  # no "停车" across the comma
    assert char_tokens("CT室320元") == "C T 室 3 2 0 元 CT T室 室3 32 20 0元"
    assert char_tokens("") == char_tokens(" \n\u3000，。") == ""


def test_char_tokens_keep_exactly_the_token_characters() -> None:
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    kept = [ch for ch in every if unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Co"]
    assert [ch for ch in every if is_token_char(ch)] == kept
    assert char_tokens(" ".join(kept)) == " ".join(kept)  # alone, each is its own token


def test_char_row_gives_every_column_but_the_case_number() -> None:
    row = (7, "YH-2026-000007", "张三 李四", "门诊\n收费", "心内科", "服务态度")
    assert char_row(row) == (
        7,
        "张 三 张三 李 四 李四",
        "门 诊 门诊 收 费 收费",
        "心 内 科 心内 内科",
        "服 务 态 度 服务 务态 态度",
    )


def test_unicode61_keeps_every_token_and_folds_the_case_of_pairs() -> None:
    """What the table stores is what the writer meant: each written token is one unicode61 token
    (none split, none dropped), folded to lower case; punctuation adds no token."""
    conn = sqlcipher.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(a, detail = none, tokenize = 'unicode61 remove_diacritics 0')"
    )
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
    text = "CT室Ⅻ号，X光片（Ab）123…ǅ"
    conn.execute("INSERT INTO t (a) VALUES (?)", (char_tokens(text),))
    terms = {row[0] for row in conn.execute("SELECT term FROM v")}
    written = set(char_tokens(text).split())
    assert terms == {token.lower() for token in written}
    assert "ab" in terms and "x光" in terms and "片a" not in terms and "）1" not in terms
    assert {row[0] for row in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", ('"cT"',))} == {1}
    assert list(conn.execute("SELECT rowid FROM t WHERE t MATCH ?", ('"光（"',))) == [(1,)]  # = "光"
    conn.close()
