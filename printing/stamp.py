"""The 补打 marks, and stamping them onto the stored bytes of an issued original.

A reprint reproduces the original exactly as it was issued (its date, its promised reply date, its
文书号) and only adds a red boxed 补打 in the top-right corner and 补打于 <time> above the footer.
"""

from __future__ import annotations

import io
from datetime import datetime

from pypdf import PdfReader, PdfWriter
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.drawing import draw_text
from printing.fonts import FontSet, register_fonts
from printing.formatting import cn_datetime
from printing.page import PAGE_SPECS, PageSpec
from printing.styles import ACCENT


def draw_reprint_box(canvas: Canvas, fonts: FontSet, spec: PageSpec) -> None:
    """A red boxed 补打 in the top-right corner of the page."""
    size = 14 * spec.scale
    box_width, box_height = 19 * mm * spec.scale, 9 * mm * spec.scale
    right = spec.size[0] - spec.margin
    bottom = spec.size[1] - spec.top - 2 * mm * spec.scale - box_height
    canvas.saveState()
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.4)
    canvas.roundRect(right - box_width, bottom, box_width, box_height, 1.5 * mm * spec.scale)
    canvas.restoreState()
    draw_text(
        canvas,
        "补打",
        right - box_width / 2,
        bottom + box_height / 2 - size * 0.36,
        fonts.bold,
        size,
        align="center",
        stroke_bold=not fonts.has_bold_face,
        color=ACCENT,
        char_space=size * 0.3,
    )


def draw_reprint_footer(canvas: Canvas, fonts: FontSet, spec: PageSpec, reprinted_at: datetime) -> None:
    """补打于 <time>, right-aligned just above the footer rule (the footer itself stays as issued)."""
    baseline = 16.5 * mm * spec.scale
    right = spec.size[0] - spec.margin
    draw_text(
        canvas,
        f"补打于 {cn_datetime(reprinted_at)}",
        right,
        baseline,
        fonts.regular,
        8.5 * spec.scale,
        align="right",
        color=ACCENT,
    )


def _spec_for(width: float, height: float) -> PageSpec:
    """The page spec whose paper size matches (within a point); A4 otherwise."""
    for spec in PAGE_SPECS.values():
        if abs(spec.size[0] - width) < 1 and abs(spec.size[1] - height) < 1:
            return spec
    return PAGE_SPECS["A4"]


def stamp_reprint(pdf: bytes, reprinted_at: datetime, font_path: str | None = None) -> bytes:
    """The stored original `pdf` with the 补打 marks on every page; nothing else of it changes."""
    fonts = register_fonts(font_path)
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    for page in writer.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        spec = _spec_for(width, height)
        overlay = io.BytesIO()
        canvas = Canvas(overlay, pagesize=(width, height), initialFontName=fonts.regular)
        draw_reprint_box(canvas, fonts, spec)
        draw_reprint_footer(canvas, fonts, spec, reprinted_at)
        canvas.showPage()
        canvas.save()
        page.merge_page(PdfReader(io.BytesIO(overlay.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
