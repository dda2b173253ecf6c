"""Small text helpers: Chinese dates, empty-field dashes and escaping of user text for Paragraph."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from xml.sax.saxutils import escape

DASH = "—"
MISSING_GLYPH = "□"
"""Printed instead of a character the document font cannot draw (it would otherwise be blank)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_missing: ContextVar[Callable[[str], str] | None] = ContextVar("missing_glyphs", default=None)


@contextmanager
def visible_characters(missing: Callable[[str], str]) -> Iterator[None]:
    """While rendering: `clean()` replaces the characters `missing(text)` names with MISSING_GLYPH."""
    token = _missing.set(missing)
    try:
        yield
    finally:
        _missing.reset(token)


def cn_date(value: date | datetime | None) -> str:
    """2026年11月23日 (no leading zeros), or "" for None."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: datetime | None) -> str:
    """2026年11月23日 09:05, or "" for None."""
    if value is None:
        return ""
    return f"{cn_date(value)} {value:%H:%M}"


def is_blank(text: str | None) -> bool:
    """True for None, "" and whitespace-only text."""
    return text is None or not text.strip()


def clean(text: str | None) -> str:
    """Normalise user text: strip, unify line breaks, tabs and no-break spaces to spaces, drop
    control characters, and (while rendering) show a character the font cannot draw as □.
    (ReportLab squeezes no-break spaces on lines with hanging punctuation.)"""
    if text is None:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").replace("\xa0", " ")
    text = _CONTROL.sub("", text).strip()
    missing = _missing.get()
    if missing is not None:
        for char in missing(text):
            text = text.replace(char, MISSING_GLYPH)
    return text


def esc(text: str | None) -> str:
    """User text as Paragraph markup: escaped (&, <, >) and line breaks kept as <br/>."""
    return escape(clean(text)).replace("\n", "<br/>")


def esc_or_dash(text: str | None) -> str:
    """Like esc(), but "—" for empty values so no table cell looks forgotten."""
    return DASH if is_blank(text) else esc(text)


def split_paragraphs(text: str | None) -> list[str]:
    """User text split at line breaks into non-empty paragraphs (not yet escaped)."""
    return [line.strip() for line in clean(text).split("\n") if line.strip()]


_NUMERALS = "一二三四五六七八九十"


def ordinal(number: int) -> str:
    """Chinese heading numeral 1 → 一 … 10 → 十 (enough for letter sections)."""
    return _NUMERALS[number - 1]
