"""The 统计表 and 科室考核 tabs: every breakdown as rows (section, item, count, share), each row
drilling into its cases; the scorecard with the points of each figure."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from app.statistics.analysis_text import pct
from app.statistics.config import SCORE_ITEMS
from app.statistics.definitions import definition
from app.statistics.indicators import Figures, Tally
from app.statistics.scorecard import DepartmentScore

MeasureRole = Qt.ItemDataRole.UserRole + 1
SECTION_FILL = QBrush(QColor("#E8EEF4"))


def _table(columns: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(columns)):
        table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table


def figures_table() -> QTableWidget:
    table = _table(("项目", "件数", "占比"))
    table.setObjectName("figuresTable")
    return table


def _sections(f: Figures) -> list[tuple[str, str, list[Tally], int]]:
    """(title, 口径 key, rows, denominator of the share)."""
    total = f.received
    return [
        ("受理情况", "outcome", f.outcomes, total),
        ("按渠道", "channel", f.channels, total),
        ("按一级类别", "category1", f.categories1, total),
        ("按二级类别", "category2", f.categories2, total),
        ("按责任科室", "department", f.departments, total),
        ("按严重程度", "severity", f.severities, total),
        ("按经办人", "handler", f.handlers, total),
        ("调查结论（按件）", "finding_case", f.findings_case, sum(t.count for t in f.findings_case)),
        ("调查结论（按事项）", "finding_issue", f.findings_issue, sum(t.count for t in f.findings_issue)),
        ("回访满意度", "satisfaction", f.satisfaction, sum(t.count for t in f.satisfaction)),
        ("外部途径", "external", f.external, total),
        ("赔偿与退费（金额分段）", "compensation", f.compensation_bands, f.compensation.count),
        ("赔偿与退费（按科室）", "compensation", f.compensation_departments, f.compensation.count),
        ("其他", "repeat", [f.reopened, f.repeats, f.major, f.backlog, f.overdue], total),
    ]


def fill_figures(table: QTableWidget, f: Figures) -> None:
    table.setRowCount(0)
    bold = QFont(table.font())
    bold.setBold(True)
    for title, key, tallies, denominator in _sections(f):
        _section_row(table, title, definition(key), bold)
        for t in tallies:
            share = f"{t.count / denominator * 100:.1f}%" if denominator else "—"
            amount = f"（{t.amount_fen / 100:,.2f} 元）" if t.amount_fen else ""
            _row(table, [f"　{t.label}{amount}", str(t.count), share], t, f"{title} · {t.label}")
    _section_row(table, "各环节及时情况（按时 / 逾期）", definition("timeliness_reply"), bold)
    for rate in [*f.stages, f.completion]:
        _row(table, [f"　{rate.label}：按时", str(rate.on_time.count), pct(rate.rate)], rate.on_time,
             f"{rate.label} · 按时")  # fmt: skip
        _row(table, [f"　{rate.label}：逾期", str(rate.late.count), ""], rate.late, f"{rate.label} · 逾期")


def _section_row(table: QTableWidget, title: str, tip: str, bold: QFont) -> None:
    index = table.rowCount()
    table.insertRow(index)
    item = QTableWidgetItem(title)
    item.setFont(bold)
    item.setToolTip(tip)
    item.setBackground(SECTION_FILL)
    table.setItem(index, 0, item)
    for column in (1, 2):
        filler = QTableWidgetItem("")
        filler.setBackground(SECTION_FILL)
        table.setItem(index, column, filler)


def _row(table: QTableWidget, values: list[str], tally: Tally, heading: str) -> None:
    """A figure's row; `heading` names it in the drill-down (按渠道 · 来电)."""
    index = table.rowCount()
    table.insertRow(index)
    for column, text in enumerate(values):
        item = QTableWidgetItem(text)
        item.setData(MeasureRole, (tally.measure, heading))
        if column:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setToolTip("双击查看这些案件")
        table.setItem(index, column, item)


def scorecard_table() -> QTableWidget:
    table = _table(("科室", *SCORE_ITEMS.values(), "扣分"))
    table.setObjectName("scorecardTable")
    return table


def fill_scorecard(table: QTableWidget, scores: list[DepartmentScore]) -> None:
    table.setRowCount(0)
    for score in scores:
        index = table.rowCount()
        table.insertRow(index)
        table.setItem(index, 0, QTableWidgetItem(score.department))
        for column, item in enumerate(score.items, start=1):
            cell = QTableWidgetItem(str(item.count) if item.count else "")
            cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            cell.setToolTip(
                f"{item.label} {item.count} × {item.weight:g} 分 = {item.points:g} 分；双击查看这些案件"
            )
            cell.setData(MeasureRole, (item.measure, f"{score.department} · {item.label}"))
            table.setItem(index, column, cell)
        total = QTableWidgetItem(f"{score.score:g}")
        total.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        table.setItem(index, len(score.items) + 1, total)


def connect_drill(table: QTableWidget, drill: Callable) -> None:
    def activated(item: QTableWidgetItem) -> None:
        data = item.data(MeasureRole)
        if data:
            drill(*data)

    table.itemActivated.connect(activated)
