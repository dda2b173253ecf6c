"""Custom flowables: a one-line heading, the sealed issuer block, signature lines, check boxes,
the ruled writing box and the QR code."""

from __future__ import annotations

from itertools import groupby

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from printing.drawing import draw_png, draw_text, fit_size, text_width
from printing.styles import INK, RULE

SignatureField = tuple[str, str | None]
"""(label, printed value); value None leaves a line to sign, or a blank date if the label starts with 日期."""


class LineText(Flowable):
    """A single line (headings); drawn stroked when the font has no bold face."""

    def __init__(self, text: str, font: str, size: float, *, stroke_bold: bool, space_before: float = 0.0):
        super().__init__()
        self.text, self.font, self.size = text, font, size
        self.stroke_bold = stroke_bold
        self.space_before = space_before

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.size = fit_size(self.text, self.font, self.size, available_width)
        self.height = self.size * 1.7
        return available_width, self.height

    def getSpaceBefore(self) -> float:  # noqa: N802 - ReportLab's name
        return self.space_before

    def draw(self) -> None:
        draw_text(
            self.canv, self.text, 0, self.size * 0.45, self.font, self.size, stroke_bold=self.stroke_bold
        )


class IssuerBlock(Flowable):
    """落款: issuer lines centred on a column at the right, the seal image stamped over them."""

    def __init__(self, lines: list[str], font: str, size: float, leading: float, seal_png: bytes | None):
        super().__init__()
        self.lines, self.font, self.size, self.leading = lines, font, size, leading
        self.seal_png = seal_png
        self.seal_size = 40 * mm * size / 11.5  # a 4 cm seal at body size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = self.leading * len(self.lines) + self.leading * 0.5
        return available_width, self.height

    def draw(self) -> None:
        column = max(text_width(line, self.font, self.size) for line in self.lines)
        column = min(column, self.width)
        centre = self.width - column / 2 - min(self.size * 2, self.width - column)
        for row, line in enumerate(self.lines):
            baseline = self.height - self.leading * (row + 1)
            size = fit_size(line, self.font, self.size, self.width)
            draw_text(self.canv, line, centre, baseline, self.font, size, align="center")
        if self.seal_png:
            middle = self.height - self.leading * len(self.lines) / 2 - self.leading * 0.2
            half = self.seal_size / 2
            draw_png(self.canv, self.seal_png, centre - half, middle - half, self.seal_size, self.seal_size)


class SignatureLine(Flowable):
    """Fields filled in by hand, side by side on one line: 签名 over a rule, 日期 as 年 月 日."""

    def __init__(self, fields: list[SignatureField], font: str, size: float):
        super().__init__()
        self.fields, self.font, self.size = fields, font, size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = self.size * 2.2
        return available_width, self.height

    def draw(self) -> None:
        share = self.width / len(self.fields)
        baseline = self.size * 0.6
        for column, (label, value) in enumerate(self.fields):
            left = column * share
            draw_text(self.canv, label, left, baseline, self.font, self.size)
            start = left + text_width(label, self.font, self.size) + self.size * 0.3
            if value is not None:
                draw_text(self.canv, value, start, baseline, self.font, self.size)
            elif label.startswith("日期"):
                self._draw_blank_date(start + self.size * 3, baseline)
            else:
                self.canv.saveState()
                self.canv.setStrokeColor(RULE)
                self.canv.setLineWidth(0.5)
                end = left + share - self.size * (1.5 if column < len(self.fields) - 1 else 0)
                self.canv.line(start, baseline - self.size * 0.3, end, baseline - self.size * 0.3)
                self.canv.restoreState()

    def _draw_blank_date(self, x: float, baseline: float) -> None:
        """年 月 日 with room for handwriting in front of each."""
        for unit in "年月日":
            draw_text(self.canv, unit, x, baseline, self.font, self.size)
            x += self.size * 3


class Choices(Flowable):
    """Check boxes as on a paper form: every option with a box, the chosen one ticked (√)."""

    def __init__(self, options: tuple[str, ...], selected: str, font: str, size: float):
        super().__init__()
        self.options, self.selected, self.font, self.size = options, selected, font, size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = self.size * 1.3
        return available_width, self.height

    def draw(self) -> None:
        box = self.size * 0.9
        baseline = self.size * 0.2
        x = 0.0
        for option in self.options:
            self.canv.saveState()
            self.canv.setStrokeColor(INK)
            self.canv.setLineWidth(0.6)
            self.canv.rect(x, baseline - self.size * 0.08, box, box)
            self.canv.restoreState()
            if option == self.selected:
                draw_text(self.canv, "√", x + box / 2, baseline, self.font, self.size, align="center")
            x += box + self.size * 0.4
            draw_text(self.canv, option, x, baseline, self.font, self.size)
            x += text_width(option, self.font, self.size) + self.size * 1.6


class WritingBox(Flowable):
    """A titled box of ruled lines for a handwritten reply, signature line at the bottom.
    It takes the rest of the page (between `min_height` and `max_height`)."""

    def __init__(
        self,
        title: Paragraph,
        footer: Flowable,
        *,
        min_height: float,
        max_height: float,
        line_spacing: float,
        title_fill: Color,
        padding: float,
    ):
        super().__init__()
        self.title, self.footer = title, footer
        self.min_height, self.max_height = min_height, max_height
        self.line_spacing, self.title_fill, self.padding = line_spacing, title_fill, padding

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = max(self.min_height, min(available_height, self.max_height))
        return available_width, self.height

    def draw(self) -> None:
        canvas, pad = self.canv, self.padding
        _, title_height = self.title.wrap(self.width - 2 * pad, self.height)
        bar = title_height + 2 * pad
        _, footer_height = self.footer.wrap(self.width - 2 * pad, self.height)
        canvas.saveState()
        canvas.setFillColor(self.title_fill)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.rect(0, self.height - bar, self.width, bar, stroke=0, fill=1)
        canvas.rect(0, 0, self.width, self.height)
        canvas.line(0, self.height - bar, self.width, self.height - bar)
        canvas.setLineWidth(0.3)
        canvas.setDash(1, 2)
        y = self.height - bar - self.line_spacing
        while y > footer_height + 2 * pad + self.line_spacing * 0.5:
            canvas.line(pad, y, self.width - pad, y)
            y -= self.line_spacing
        canvas.restoreState()
        self.title.drawOn(canvas, pad, self.height - pad - title_height)
        self.footer.drawOn(canvas, pad, pad)


class QrCode(Flowable):
    """A square QR code of `size` points with a 2-module quiet zone, drawn as one filled path."""

    def __init__(self, value: str, size: float, border: int = 2):
        super().__init__()
        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(value)
        code.make()
        self.value = value
        self.modules: list[list[bool]] = [[bool(cell) for cell in row] for row in code.modules]
        self.size, self.border = size, border

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        unit = self.size / (len(self.modules) + 2 * self.border)
        runs: list[str] = []
        for row_index, row in enumerate(self.modules):
            column = 0
            for dark, run in groupby(row):
                length = len(list(run))
                if dark:
                    runs.append(f"{column + self.border} {-(row_index + self.border + 1)} {length} 1 re")
                column += length
        self.canv.saveState()
        self.canv.setFillColor(INK)
        self.canv.translate(0, self.size)
        self.canv.scale(unit, unit)
        self.canv.addLiteral("\n".join(runs) + "\nf")
        self.canv.restoreState()
