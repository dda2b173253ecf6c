"""Shorten text to a number of wrapped lines, ending cleanly with "……"."""

from __future__ import annotations

import re

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from printing.formatting import clean, esc

ELLIPSIS = "……"
_SENTENCE_END = "。！？；!?;"
_TRAILING = "，、；：。,;: "
_WORD = re.compile(r"[A-Za-z0-9]")
_PREFER_SENTENCE = 0.6  # cut at a sentence end if that keeps at least this share of what fits


def line_count(text: str, style: ParagraphStyle, width: float) -> int:
    """How many lines `text` (plain, unescaped) takes when wrapped at `width`."""
    paragraph = Paragraph(esc(text), style)
    paragraph.wrap(width, 1e9)
    return len(paragraph.blPara.lines)


def fit_lines(text: str | None, style: ParagraphStyle, width: float, max_lines: int) -> str:
    """`text` on one paragraph, cut so it wraps to at most `max_lines` lines with "……" at the end.

    The cut falls after a sentence when one ends late enough, else between characters, avoiding
    the inside of a Latin word or number; trailing commas and the like are dropped before "……".
    """
    flat = _join_lines(clean(text))
    # No glyph is narrower than a quarter em, so a longer prefix cannot fit: this keeps the work
    # small when a whole narrative is passed in.
    limit = int(max_lines * width / (style.fontSize * 0.25)) + 1
    if len(flat) <= limit and line_count(flat, style, width) <= max_lines:
        return flat
    low, high = 0, min(len(flat), limit)
    while low < high:  # longest prefix that still fits together with the ellipsis
        middle = (low + high + 1) // 2
        if line_count(_ended(flat[:middle]), style, width) <= max_lines:
            low = middle
        else:
            high = middle - 1
    return _ended(flat[: _cut_point(flat, low)])


def _cut_point(text: str, limit: int) -> int:
    """Best place to cut at or before `limit`: a sentence end, else a character boundary."""
    for index in range(limit, int(limit * _PREFER_SENTENCE), -1):
        if text[index - 1] in _SENTENCE_END:
            return index
    cut = limit
    while 0 < cut < len(text) and _WORD.match(text[cut - 1]) and _WORD.match(text[cut]):
        cut -= 1
    return cut if cut > limit * _PREFER_SENTENCE else limit


def _ended(prefix: str) -> str:
    """The prefix with trailing punctuation removed and the ellipsis appended."""
    return prefix.rstrip(_TRAILING) + ELLIPSIS


def _join_lines(text: str) -> str:
    """Text on one line: Chinese lines join directly, Latin ones with a space."""
    out = ""
    for line in text.split():
        if out and (ord(out[-1]) < 0x2E80 and ord(line[0]) < 0x2E80):
            out += " "
        out += line
    return out
