"""What every page carries, drawn on the canvas so it repeats on continuation pages: letterhead,
title, case number and date on top; page count and 文书号 (or 预览稿) at the foot; the 补打 marks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.data import Letterhead
from printing.drawing import (
    clip_to_width,
    draw_png,
    draw_text,
    fit_size,
    fitted_size,
    text_width,
    wrap_to_width,
)
from printing.formatting import clean, is_blank
from printing.page import PageHeader, PageSpec
from printing.stamp import draw_reprint_box, draw_reprint_footer
from printing.styles import ACCENT, INK, MUTED, RULE, Styles

MAX_CONTACT_LINES = 4


def contact_lines(letterhead: Letterhead) -> list[str]:
    """The contact parts of the letterhead (address; phones and free text), empty ones left out."""
    phones = [
        _labelled("投诉电话", letterhead.complaint_phone),
        _labelled("夜间总值班", letterhead.night_duty_phone),
        clean(letterhead.contact_line),
    ]
    lines = [_labelled("地址", letterhead.address), "　".join(part for part in phones if part)]
    return [line for line in lines if line]


def _labelled(label: str, value: str | None) -> str:
    """The value after its label ("地址：…"), or "" when the value is empty."""
    return "" if is_blank(value) else f"{label}：{clean(value)}"


class PageDecorator:
    """Draws header and footer; `frame_top` tells the document template where the text starts."""

    def __init__(
        self,
        letterhead: Letterhead,
        header: PageHeader,
        styles: Styles,
        spec: PageSpec,
        reprinted_at: datetime | None,
    ) -> None:
        self.letterhead = letterhead
        self.header = header
        self.styles = styles
        self.spec = spec
        self.reprinted_at = reprinted_at
        self.fonts = styles.fonts
        self.width, self.height = spec.size
        self.side = 28 * mm * spec.scale  # reserved on both sides for the logo and the 补打 box
        self.contacts = self._fit_contacts()
        self.rule_drop = spec.top + (18.5 + 4.2 * len(self.contacts)) * mm * spec.scale
        self.frame_top = self.rule_drop + 24 * mm * spec.scale

    def s(self, value: float) -> float:
        """Scale a distance or type size for the paper size."""
        return value * self.spec.scale

    def _fit_contacts(self) -> list[tuple[str, float]]:
        """Contact text as one line if it fits at a readable size, else one line per part, and
        a part too long even at the smallest size is wrapped (at most MAX_CONTACT_LINES lines)."""
        parts = contact_lines(self.letterhead)
        width = self.width - 2 * self.spec.margin
        font, size, minimum = self.fonts.regular, self.s(8.5), self.s(7.5)
        joined = "　".join(parts)
        if joined and fit_size(joined, font, size, width) >= self.s(8):
            return [(joined, fit_size(joined, font, size, width))]
        lines: list[tuple[str, float]] = []
        for part in parts:
            part_size = fit_size(part, font, size, width, minimum)
            lines += [(line, part_size) for line in wrap_to_width(part, font, part_size, width)]
        return lines[:MAX_CONTACT_LINES]

    def draw_header(self, canvas: Canvas, doc: Any) -> None:
        """onPage callback: letterhead, rule, title and the case-number line."""
        top = self.height - self.spec.top
        self._draw_letterhead(canvas, top)
        rule_y = self.height - self.rule_drop
        canvas.saveState()
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(1.6)
        canvas.line(self.spec.margin, rule_y, self.width - self.spec.margin, rule_y)
        canvas.setLineWidth(0.5)
        canvas.line(self.spec.margin, rule_y - 1.6, self.width - self.spec.margin, rule_y - 1.6)
        canvas.restoreState()
        title = self.header.title if doc.page == 1 else f"{self.header.title}（续）"
        self._draw_title(canvas, title, rule_y - self.s(11 * mm))
        meta_y = rule_y - self.s(18.5 * mm)
        for text, x, align in (
            (self.header.meta_left, self.spec.margin, "left"),
            (self.header.meta_right, self.width - self.spec.margin, "right"),
        ):
            draw_text(canvas, text, x, meta_y, self.fonts.regular, self.s(9.5), align=align)
        if self.reprinted_at is not None:
            draw_reprint_box(canvas, self.fonts, self.spec)

    def _draw_letterhead(self, canvas: Canvas, top: float) -> None:
        """Logo at the left, hospital and office names centred, contact lines below."""
        name_width = self.width - 2 * (self.spec.margin + self.side)
        name = clean(self.letterhead.hospital_name)
        self._centred(
            canvas, name, top - self.s(8 * mm), self.s(21), 0.12, name_width, bold=True, color=ACCENT
        )
        office = clean(self.letterhead.department_name)
        self._centred(canvas, office, top - self.s(14.5 * mm), self.s(12.5), 0.3, name_width)
        y = top - self.s(20 * mm)
        for text, size in self.contacts:
            draw_text(canvas, text, self.width / 2, y, self.fonts.regular, size, align="center", color=MUTED)
            y -= self.s(4.2 * mm)
        if self.letterhead.logo_png:
            box = self.s(16 * mm)
            width, height = fitted_size(self.letterhead.logo_png, self.side - self.s(2 * mm), box)
            top_left = top - self.s(1 * mm) - height
            draw_png(canvas, self.letterhead.logo_png, self.spec.margin, top_left, width, height)

    def _draw_title(self, canvas: Canvas, title: str, baseline: float) -> None:
        """The document title, spaced out like a printed form heading."""
        spacing = 0.35 if len(title) <= 6 else 0.12
        self._centred(
            canvas, title, baseline, self.s(18), spacing, self.width - 2 * self.spec.margin, bold=True
        )

    def _centred(
        self,
        canvas: Canvas,
        text: str,
        baseline: float,
        size: float,
        spacing: float,
        max_width: float,
        *,
        bold: bool = False,
        color: Color = INK,
    ) -> None:
        """One centred line letter-spaced by `spacing` em; if too wide, unspaced and shrunk."""
        font = self.fonts.bold if bold else self.fonts.regular
        char_space = size * spacing
        if text_width(text, font, size, char_space) > max_width:
            char_space, size = 0.0, fit_size(text, font, size, max_width)
        draw_text(
            canvas,
            text,
            self.width / 2,
            baseline,
            font,
            size,
            align="center",
            stroke_bold=bold and not self.fonts.has_bold_face,
            color=color,
            char_space=char_space,
        )

    def draw_footer(self, canvas: Canvas, page: int, pages: int) -> None:
        """Rule, hospital and title, 第 X 页 共 Y 页 and, for reprints, 补打于 …"""
        size = self.s(8.5)
        baseline = self.s(10 * mm)
        left, right = self.spec.margin, self.width - self.spec.margin
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        rule_y = baseline + self.s(4 * mm)
        canvas.line(left, rule_y, right, rule_y)
        canvas.restoreState()
        font = self.fonts.regular
        counter = f"第 {page} 页 共 {pages} 页"
        draw_text(canvas, counter, self.width / 2, baseline, font, size, align="center")
        side = self.width / 2 - left - text_width(counter, font, size) / 2 - self.s(3 * mm)
        footer, footer_size = clip_to_width(self.header.footer_left, font, size, side, self.s(6))
        draw_text(canvas, footer, left, baseline, font, footer_size, color=MUTED)
        mark = self.header.footer_right
        if mark:
            text, text_size = clip_to_width(mark, font, size, side, self.s(6))
            draw_text(canvas, text, right, baseline, font, text_size, align="right", color=MUTED)
        if self.reprinted_at is not None:
            draw_reprint_footer(canvas, self.fonts, self.spec, self.reprinted_at)
