"""Paragraph styles, built once per font set and scale (A5 uses smaller type)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib import textsplit as _textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import paragraph as _paragraph

from printing.fonts import FontSet

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#444444")
LABEL_FILL = colors.HexColor("#eeeeee")
SECTION_FILL = colors.HexColor("#dcdcdc")
ACCENT = colors.HexColor("#b0201a")

# Chinese punctuation must not start a line; ReportLab's list only covers 、。）and Japanese marks,
# so commas and closing quotes would otherwise begin lines. Such a mark now hangs in the margin.
# Both line breakers (single-font and mixed-font paragraphs) read their module's copy.
_NO_LINE_START = "，；：！？”’》〉」』】〕…—·％"
for _module in (_textsplit, _paragraph):
    if _NO_LINE_START[0] not in _module.ALL_CANNOT_START:
        _module.ALL_CANNOT_START += _NO_LINE_START


@dataclass(frozen=True)
class Styles:
    """The styles every document draws from."""

    fonts: FontSet
    scale: float
    body: ParagraphStyle
    text: ParagraphStyle
    plain: ParagraphStyle
    heading: ParagraphStyle
    cell: ParagraphStyle
    label: ParagraphStyle
    section: ParagraphStyle
    note: ParagraphStyle
    caption: ParagraphStyle

    def size(self, points: float) -> float:
        """A type size or distance scaled for the page size."""
        return points * self.scale


def table_font(styles: Styles) -> tuple[str, tuple[int, int], tuple[int, int], str]:
    """The TableStyle command every table needs: a cell's own font otherwise defaults to Helvetica,
    which ReportLab sets (and the PDF then references, unembedded) even when the cell holds only
    paragraphs."""
    return ("FONTNAME", (0, 0), (-1, -1), styles.fonts.regular)


@lru_cache(maxsize=8)
def get_styles(fonts: FontSet, scale: float = 1.0) -> Styles:
    """Styles for `fonts` at `scale` (1.0 for A4), cached."""

    def style(name: str, size: float, leading: float, **extra: object) -> ParagraphStyle:
        base: dict[str, object] = {
            "fontName": fonts.regular,
            "textColor": INK,
            "wordWrap": "CJK",
            "alignment": TA_LEFT,
        }
        base.update(extra)
        return ParagraphStyle(name, fontSize=size * scale, leading=leading * scale, **base)

    body_size = 11.5
    return Styles(
        fonts=fonts,
        scale=scale,
        body=style("body", body_size, 20, firstLineIndent=2 * body_size * scale),
        text=style("text", 10.5, 17, firstLineIndent=2 * 10.5 * scale),
        plain=style("plain", body_size, 20),
        heading=style("heading", 12, 20, fontName=fonts.bold, spaceBefore=6 * scale, spaceAfter=2 * scale),
        cell=style("cell", 10, 15),
        label=style("label", 10, 15, fontName=fonts.bold, textColor=colors.HexColor("#333333")),
        section=style("section", 10.5, 15, fontName=fonts.bold),
        note=style("note", 9, 14, textColor=MUTED),
        caption=style("caption", 8, 11, alignment=TA_CENTER, textColor=MUTED),
    )
