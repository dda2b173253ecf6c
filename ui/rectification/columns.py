"""The columns of a list of 整改 items (the 整改 page and a case's 整改 tab)."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QTableView

from app.rectification.queries import ItemRow
from app.rectification.states import RECURRED_LABEL
from ui.table_model import MUTED, WARNING, Column, RowTableModel
from ui.workspace.widgets import table_view


def _state(row: ItemRow) -> str:
    return row.state_label + (f" · {RECURRED_LABEL}" if row.recurred else "")


def _due(row: ItemRow) -> str:
    return f"{row.due:%Y-%m-%d}" + ("（暂定）" if row.due_provisional else "")


ITEM_COLUMNS: list[Column[ItemRow]] = [
    Column("编号", lambda r: r.number),
    Column("状态", _state, colour=lambda r: WARNING if r.overdue or r.recurred else None),
    Column("责任科室", lambda r: r.department),
    Column("整改要求", lambda r: r.measure.replace("\n", " "), tooltip=lambda r: r.measure),
    Column("期限", _due, colour=lambda r: WARNING if r.overdue else None),
    Column("涉及案件", lambda r: r.case_nos, tooltip=lambda r: r.case_nos),
    Column("来源", lambda r: r.source, colour=lambda r: MUTED),
]
WIDTHS = (118, 150, 100, 300, 100, 170, 100)
MEASURE_COLUMN = 3


def item_table(model: RowTableModel[ItemRow]) -> QTableView:
    view = table_view(model, WIDTHS)
    view.horizontalHeader().setStretchLastSection(False)
    view.horizontalHeader().setSectionResizeMode(MEASURE_COLUMN, QHeaderView.ResizeMode.Stretch)
    view.setAccessibleName("整改项列表")
    return view
