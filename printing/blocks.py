"""Building blocks shared by the documents: key-value grids, titled sections, headings, lists,
signature lines and the sealed issuer block. Values passed in are markup: escape user text first
(printing.formatting.esc)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from printing.data import Letterhead
from printing.flowables import Choices, IssuerBlock, LineText, SignatureLine, WritingBox
from printing.formatting import DASH, clean, cn_date, esc, split_paragraphs
from printing.styles import LABEL_FILL, RULE, SECTION_FILL, Styles, table_font

Value = str | Flowable
Pair = tuple[str, Value]
Row = Sequence[Pair] | str
WRITE_IN = "&nbsp;"
"""Value of a cell left blank for handwriting (an empty value would print "—")."""
GRID_WIDTH = 0.5
PADDING = 4.0
HANG = 4.0
"""Extra right padding: room inside the cell for punctuation hanging at a line end."""
MIN_SPLIT = 42.0
"""A row split across pages leaves at least this much (points, ~2 lines) on either side; smaller
pieces would be empty bars at the foot of a page."""


def _one_pair_per_row(rows: Sequence[Row]) -> list[Row]:
    """Rows with two pairs split into two rows; section bars kept."""
    out: list[Row] = []
    for row in rows:
        if isinstance(row, str):
            out.append(row)
        else:
            out.extend([pair] for pair in row)
    return out


class Kit:
    """Flowable factory for one document: knows the styles and the text width."""

    def __init__(self, styles: Styles, width: float) -> None:
        self.styles = styles
        self.width = width
        self.label_width = styles.size(28 * mm)

    @property
    def wide_value_width(self) -> float:
        """Text width inside a full-width value cell of kv_table()."""
        return self.width - self.label_width - 2 * (PADDING + 1) - HANG

    def para(self, markup: str, style_name: str = "body") -> Paragraph:
        """A paragraph of markup (already escaped) in one of the named styles."""
        return Paragraph(markup, getattr(self.styles, style_name))

    def paragraphs(self, text: str | None, style_name: str = "body") -> list[Flowable]:
        """User text, escaped, one paragraph per line; a dash when empty."""
        parts = split_paragraphs(text)
        style = style_name if parts else "plain"
        return [self.para(esc(part), style) for part in parts] or [self.para(DASH, style)]

    def optional_paragraphs(self, text: str | None, style_name: str = "body") -> list[Flowable]:
        """Like paragraphs(), but nothing at all for empty text (the section is then left out)."""
        return self.paragraphs(text, style_name) if split_paragraphs(text) else []

    def space(self, points: float) -> Spacer:
        """Vertical space, scaled for the page size."""
        return Spacer(1, self.styles.size(points))

    def heading(self, text: str) -> Flowable:
        """A section heading of a letter (一、…), bold or stroked."""
        fonts = self.styles.fonts
        return LineText(
            text,
            fonts.bold,
            self.styles.heading.fontSize,
            stroke_bold=not fonts.has_bold_face,
            space_before=self.styles.heading.spaceBefore,
        )

    def numbered(
        self, items: Sequence[str], style_name: str = "plain", *, hanging: bool = True
    ) -> list[Flowable]:
        """Numbered user texts (1. 2. …); blank items are skipped. `hanging` aligns wrapped lines
        with the text (forms); otherwise they return to the margin as in letters."""
        base = getattr(self.styles, style_name)
        style = base
        if hanging:
            indent = base.fontSize * 1.6
            style = base.clone(
                f"{base.name}-numbered", leftIndent=indent, firstLineIndent=-indent, alignment=TA_LEFT
            )
        clean_items = [item for item in items if item and item.strip()]
        return [Paragraph(f"{n}. {esc(item)}", style) for n, item in enumerate(clean_items, start=1)]

    def choices(self, options: tuple[str, ...], selected: str) -> Choices:
        """A row of check boxes with `selected` ticked."""
        return Choices(options, selected, self.styles.fonts.regular, self.styles.cell.fontSize)

    def kv_table(self, rows: Sequence[Row], *, narrow: bool = False) -> Table:
        """Grid of label/value cells. A row with one pair spans the full width, a plain string is
        a grey section bar. `narrow` puts every pair on its own row (small paper)."""
        if narrow:
            rows = _one_pair_per_row(rows)
        four = any(not isinstance(row, str) and len(row) == 2 for row in rows)
        label = self.label_width
        if four:
            value_width = (self.width - 2 * label) / 2
            widths = [label, value_width, label, value_width]
        else:
            widths = [label, self.width - label]
        data: list[list[Value]] = []
        commands: list[tuple] = []
        for index, row in enumerate(rows):
            if isinstance(row, str):
                data.append([self.para(row, "section")] + [""] * (len(widths) - 1))
                commands += [
                    ("SPAN", (0, index), (-1, index)),
                    ("BACKGROUND", (0, index), (-1, index), SECTION_FILL),
                ]
                continue
            cells: list[Value] = []
            for column, (row_label, value) in enumerate(row):
                cells += [self.para(row_label, "label"), self._cell(value)]
                commands.append(("BACKGROUND", (2 * column, index), (2 * column, index), LABEL_FILL))
            if four and len(row) == 1:
                cells += ["", ""]
                commands.append(("SPAN", (1, index), (3, index)))
            data.append(cells)
        return self._table(data, widths, commands)

    def section(self, title: str, body: Sequence[Flowable]) -> Table:
        """A full-width box with a grey title bar; the body may run over several pages."""
        data: list[list[Value]] = [[self.para(title, "section")]] + [[flowable] for flowable in body]
        commands = [
            ("BACKGROUND", (0, 0), (0, 0), SECTION_FILL),
            ("LINEBELOW", (0, 0), (0, 0), GRID_WIDTH, RULE),
            ("BOX", (0, 0), (-1, -1), GRID_WIDTH, RULE),
            ("TOPPADDING", (0, 1), (0, -1), 1),
            ("BOTTOMPADDING", (0, 1), (0, -1), 1),
            ("TOPPADDING", (0, 1), (0, 1), PADDING + 1),
            ("BOTTOMPADDING", (0, -1), (0, -1), PADDING + 1),
        ]
        return self._table(data, [self.width], commands, grid=False, repeat_rows=1)

    def signature_row(self, items: Sequence[tuple[str, date | datetime | None]]) -> SignatureLine:
        """Signature fields on one line: (label, None) is a rule to sign on, (label, date) prints
        the date, and a label starting with 日期 and no date prints the blank 年 月 日."""
        fields = [(label, cn_date(value) if value is not None else None) for label, value in items]
        return SignatureLine(fields, self.styles.fonts.regular, self.styles.plain.fontSize)

    def writing_box(self, title: str, signature: Sequence[tuple[str, date | datetime | None]]) -> WritingBox:
        """Ruled space for a handwritten reply that fills the rest of the page (at least 5 cm)."""
        return WritingBox(
            self.para(title, "section"),
            self.signature_row(signature),
            min_height=self.styles.size(50 * mm),
            max_height=self.styles.size(150 * mm),
            line_spacing=self.styles.size(8.5 * mm),
            title_fill=SECTION_FILL,
            padding=PADDING + 1,
        )

    def issuer(self, letterhead: Letterhead, issued: date | datetime, *, seal: bool = True) -> IssuerBlock:
        """落款 of a letter: hospital, office and date, with the seal image when configured."""
        lines = [clean(letterhead.hospital_name), clean(letterhead.department_name), cn_date(issued)]
        style = self.styles.plain
        return IssuerBlock(
            [line for line in lines if line],
            self.styles.fonts.regular,
            style.fontSize,
            style.leading,
            letterhead.seal_png if seal else None,
        )

    def list_table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Value]],
        widths: Sequence[float],
        commands: Sequence[tuple] = (),
    ) -> Table:
        """Rows under a shaded header row that repeats on every page; plain strings are escaped."""
        data: list[list[Value]] = [[self.para(esc(h), "label") for h in header]]
        data += [[self._cell(esc(cell)) if isinstance(cell, str) else cell for cell in row] for row in rows]
        return self._table(
            data, list(widths), [("BACKGROUND", (0, 0), (-1, 0), LABEL_FILL), *commands], repeat_rows=1
        )

    def _cell(self, value: Value) -> Flowable:
        """A value cell: markup becomes a paragraph, empty markup a dash."""
        if isinstance(value, Flowable):
            return value
        return self.para(value if value.strip() else DASH, "cell")

    def _table(
        self,
        data: list[list[Value]],
        widths: list[float],
        commands: list[tuple],
        *,
        grid: bool = True,
        repeat_rows: int = 0,
    ) -> Table:
        """A table with the house style: thin grid, even padding, long rows may run onto the next page."""
        base = [
            table_font(self.styles),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), PADDING + 1),
            ("RIGHTPADDING", (0, 0), (-1, -1), PADDING + 1 + HANG),
            ("TOPPADDING", (0, 0), (-1, -1), PADDING),
            ("BOTTOMPADDING", (0, 0), (-1, -1), PADDING),
            ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), GRID_WIDTH, RULE),
        ]
        if grid:
            base.append(("GRID", (0, 0), (-1, -1), GRID_WIDTH, RULE))
        return Table(
            data,
            colWidths=widths,
            style=TableStyle(base + commands),
            splitInRow=round(self.styles.size(MIN_SPLIT)),
            repeatRows=repeat_rows,
            hAlign="LEFT",
        )
