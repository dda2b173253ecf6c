"""The 投诉分析报告 as an editable Word document (python-docx): letterhead lines, the (edited)
analysis, headline figures, the PDF's charts as pictures, every table and the 口径 appendix.
Offices edit it before sending."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from reportlab.lib.units import cm

from printing.data import Letterhead
from printing.fonts import register_fonts
from printing.reports.charts import report_charts
from printing.reports.data import AnalysisReportData, ReportTable
from printing.reports.raster import drawing_png

FONT = "宋体"
HEADING_FONT = "黑体"
TEXT_WIDTH_CM = 16.0  # A4 less Word's default margins
CHART_HEIGHT_CM = 6.2  # as in the PDF


def _font(run, name: str = FONT, size: float | None = None, bold: bool = False) -> None:
    run.font.name = name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)  # Chinese text uses the East Asian font
    if size:
        run.font.size = Pt(size)
    run.bold = bold


def _paragraph(document, text: str, *, size: float = 12, bold: bool = False, centre: bool = False,
               indent: bool = False, font: str = FONT):  # fmt: skip
    paragraph = document.add_paragraph()
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _table(document, table: ReportTable) -> None:
    _paragraph(document, table.title, size=12, bold=True, font=HEADING_FONT)
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), FONT, 10.5, bold=True)
    for row in table.rows or (("本期无数据",) + ("",) * (len(table.columns) - 1),):
        cells = grid.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), FONT, 10.5)
    if table.note:
        _paragraph(document, table.note, size=9)


def _charts(document, data: AnalysisReportData, font_path: str | None) -> None:
    """The PDF's charts, drawn by the same code and placed as pictures: two per row, then the stacks."""
    charts = report_charts(data, register_fonts(font_path).regular, TEXT_WIDTH_CM * cm, CHART_HEIGHT_CM * cm)
    _paragraph(document, "图表", size=14, bold=True, font=HEADING_FONT)
    grid = document.add_table(rows=len(charts.pairs), cols=2)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row, pair in zip(grid.rows, charts.pairs, strict=True):
        for cell, drawing in zip(row.cells, pair, strict=True):
            picture = io.BytesIO(drawing_png(drawing))
            cell.paragraphs[0].add_run().add_picture(picture, width=Cm(TEXT_WIDTH_CM / 2 - 0.1))
    document.add_paragraph().add_run().add_picture(
        io.BytesIO(drawing_png(charts.stacks)), width=Cm(TEXT_WIDTH_CM)
    )


def render_docx(data: AnalysisReportData, letterhead: Letterhead, font_path: str | None = None) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    document.core_properties.title = data.title
    document.core_properties.author = letterhead.hospital_name or "ComplaintDesk"
    if letterhead.hospital_name:
        _paragraph(document, letterhead.hospital_name, size=16, bold=True, centre=True, font=HEADING_FONT)
    _paragraph(document, data.title, size=18, bold=True, centre=True, font=HEADING_FONT)
    _paragraph(
        document,
        f"统计期间：{data.period_label}　　{letterhead.department_name}　{data.issued_at:%Y年%m月%d日}",
        size=10.5,
        centre=True,
    )
    _paragraph(
        document, "　".join(f"{name} {value}（{delta}）" for name, value, delta in data.tiles), size=10.5
    )
    for block in [b.strip() for b in data.analysis.split("\n\n") if b.strip()]:
        first, _, rest = block.partition("\n")
        if rest and len(first) <= 20:
            _paragraph(document, first, size=14, bold=True, font=HEADING_FONT)
            lines = rest.splitlines()
        else:
            lines = block.splitlines()
        for line in lines:
            if line.strip():
                _paragraph(document, line.strip(), indent=True)
    document.add_page_break()
    _charts(document, data, font_path)
    document.add_page_break()
    _paragraph(document, "统计表", size=14, bold=True, font=HEADING_FONT)
    for table in data.tables:
        _table(document, table)
    if data.definitions:
        document.add_page_break()
        _paragraph(document, "附录：指标口径", size=14, bold=True, font=HEADING_FONT)
        for name, text in data.definitions:
            _paragraph(document, f"{name}：{text}", size=10.5)
    _paragraph(
        document, f"{letterhead.hospital_name}　{letterhead.department_name}", size=12
    ).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
