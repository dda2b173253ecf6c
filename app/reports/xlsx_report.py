"""Every table of the report, and the 考核 sheet for the 绩效 office, as Excel workbooks (openpyxl).
Numbers are written as numbers so the office can sum and sort them."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.statistics.config import SCORE_ITEMS
from app.statistics.scorecard import DepartmentScore
from printing.reports.data import AnalysisReportData, ReportTable

HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
_NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?$")
_BAD_TITLE = re.compile(r"[\\/*?:\[\]]")


def _value(text: str) -> str | int | float:
    """A number stays a number (1,234.50 → 1234.5); anything else stays text."""
    if _NUMBER.match(text):
        plain = text.replace(",", "")
        return float(plain) if "." in plain else int(plain)
    return text


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _BAD_TITLE.sub("", title)[:28] or "表"
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:26]}{n}", n + 1
    taken.add(name)
    return name


def _write(sheet, heading: str, columns: tuple[str, ...], rows: list[tuple], note: str = "") -> None:
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(columns))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(list(row))
    if note:
        sheet.append([])
        sheet.append([note])
    for index, column in enumerate(columns, start=1):
        longest = max([len(str(column)), *(len(str(r[index - 1])) for r in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(48, 4 + 2 * longest)
    sheet.freeze_panes = "A3"


def render_xlsx(data: AnalysisReportData) -> bytes:
    """One sheet per table, after a first sheet with the analysis text."""
    book = Workbook()
    first = book.active
    first.title = "分析"
    first.append([data.title])
    first["A1"].font = Font(bold=True, size=14)
    first.append([f"统计期间：{data.period_label}"])
    for block in [b for b in data.analysis.split("\n\n") if b.strip()]:
        first.append([])
        for line in block.strip().splitlines():
            first.append([line])
    first.column_dimensions["A"].width = 120
    taken = {"分析"}
    for table in data.tables:
        _table_sheet(book, table, taken)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table_sheet(book: Workbook, table: ReportTable, taken: set[str]) -> None:
    sheet = book.create_sheet(_sheet_title(table.title, taken))
    rows = [tuple(_value(v) for v in row) for row in table.rows]
    _write(sheet, table.title, table.columns, rows, table.note)


def render_scorecard_xlsx(title: str, scores: list[DepartmentScore], weights: dict[str, float]) -> bytes:
    """科室考核 for the 绩效 office: per department the counts, the points, and the weights used."""
    book = Workbook()
    sheet = book.active
    sheet.title = "科室考核"
    columns = ("科室", *SCORE_ITEMS.values(), "扣分")
    rows = [(s.department, *(i.count for i in s.items), s.score) for s in scores]
    _write(
        sheet,
        title,
        columns,
        rows,
        "扣分 = Σ 件数 × 分值；成立、部分成立按事项计，签收、反馈逾期按转办次数计。",
    )
    weight_sheet = book.create_sheet("分值")
    _write(
        weight_sheet, "考核分值（每件）", ("项目", "分值"), [(SCORE_ITEMS[k], w) for k, w in weights.items()]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
