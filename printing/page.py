"""Paper sizes, the per-document header text, and the canvas that numbers pages 第 X 页 共 Y 页."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas

FooterPainter = Callable[[Canvas, int, int], None]
"""Draws the footer of page X (first int) of Y (second int)."""


@dataclass(frozen=True)
class PageSpec:
    """Paper size, margins and type scale."""

    name: str
    size: tuple[float, float]
    margin: float
    top: float
    bottom: float
    scale: float


PAGE_SPECS: dict[str, PageSpec] = {
    "A4": PageSpec("A4", A4, margin=22 * mm, top=12 * mm, bottom=22 * mm, scale=1.0),
    "A5": PageSpec("A5", A5, margin=13 * mm, top=9 * mm, bottom=16 * mm, scale=0.82),
}


@dataclass(frozen=True)
class PageHeader:
    """Per-document text of the page header and footer."""

    title: str
    meta_left: str
    meta_right: str
    footer_left: str = ""
    footer_right: str = ""  # 文书号 of an issued original, or the preview mark


# Documents are dated in China Standard Time (UTC+8, no daylight saving): the issue time the office
# records is local time without a zone.
CHINA_TIME = timezone(timedelta(hours=8))


def fix_creation_time(canvas: Canvas, when: datetime) -> None:
    """Date the PDF (CreationDate, ModDate and the file ID's seed) `when` instead of the clock, so
    that the same document data gives the same bytes every time it is rendered: a stored document
    can be rebuilt from its data (app/cases/document_store.py)."""
    stamp = TimeStamp(invariant=True)
    local = when.replace(tzinfo=CHINA_TIME) if when.tzinfo is None else when.astimezone(CHINA_TIME)
    stamp.t = local.timestamp()
    stamp.lt = tuple(local.timetuple())
    stamp.YMDhms = stamp.lt[:6]
    stamp.dhh, stamp.dmm, stamp.tzname = 8, 0, "CST"
    document = canvas._doc  # noqa: SLF001 - ReportLab keeps its PDF document there
    document._timeStamp = stamp  # noqa: SLF001
    # ReportLab seeds the file ID's digest with the clock; seeded again with the fixed time instead.
    document.signature = hashlib.md5(usedforsecurity=False)
    document.signature.update(b"a reportlab document")
    document.signature.update(ascii(stamp.t).encode("ascii"))


class NumberedCanvas(Canvas):
    """Keeps every page until the end so each footer can say how many pages there are."""

    def __init__(
        self, *args: Any, draw_footer: FooterPainter, created_at: datetime | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if created_at is not None:
            fix_creation_time(self, created_at)
        self._draw_footer = draw_footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_footer(self, number, total)
            super().showPage()
        super().save()
