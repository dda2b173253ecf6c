"""可能重复的既往投诉: earlier cases with the same phone, ID number or 门诊号/住院号, shown while the
complaint is typed, with 关联 (link on saving), 重复投诉 (link on saving as a repeat of the earlier case:
counted, and both timelines say so), 作为重复并入 (save, then merge) and 打开. The line under the list
names the selected earlier case's state (a repeat of a closed case means the answer did not satisfy)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.cases.intake import DuplicateCandidate
from app.cases.states import FINAL_STATES, STATE_LABELS
from app.policy import Decision
from ui.table_model import Column, RowTableModel

LINKED_COLOUR = QColor("#1E5E3A")
RELATED, REPEAT = "related", "repeat"
LINK_TEXTS = {RELATED: "已关联", REPEAT: "重复投诉"}
VISIBLE_ROWS = 4


def state_line(candidate: DuplicateCandidate) -> str:
    """What the office needs to know of the earlier case before linking a repeat to it."""
    label = STATE_LABELS.get(candidate.state, candidate.state)
    line = f"所选前案 {candidate.case_no} 于 {candidate.received_at:%Y-%m-%d} 接待，当前状态：{label}"
    if candidate.state == "closed":
        return line + "。已办结的事项再次投诉，请标为重复投诉。"
    if candidate.state in FINAL_STATES:
        return line + "。"
    return line + "，仍在办理中。"


class DuplicatePanel(QFrame):
    """Hidden until `set_candidates` gets some. `linked_ids()` are the cases to link on saving.

    Signals: `merge_requested(case_id)` (the caller confirms, saves and merges) and
    `open_requested(case_id)`.
    """

    merge_requested = Signal(int)
    open_requested = Signal(int)

    def __init__(self, merge_allowed: Decision, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicatePanel")
        self._linked: dict[int, str] = {}  # case id → "related" or "repeat"
        self._merge_allowed = merge_allowed
        self.title = QLabel()
        self.title.setObjectName("duplicateTitle")
        explain = QLabel(
            "同一投诉人或同一患者近 180 天内的投诉。相关的可“关联”；同一件事重复投诉的可“作为重复并入”。"
        )
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        self.model: RowTableModel[DuplicateCandidate] = RowTableModel(
            [
                Column(
                    "关联",
                    lambda c: LINK_TEXTS.get(self._linked.get(c.case_id, ""), ""),
                    lambda _c: LINKED_COLOUR,
                ),
                Column("案件编号", lambda c: c.case_no),
                Column("接待时间", lambda c: c.received_at.strftime("%Y-%m-%d %H:%M")),
                Column("状态", lambda c: STATE_LABELS.get(c.state, c.state)),
                Column("相同的", lambda c: c.matched_on),
                Column("投诉摘要", lambda c: " ".join(c.summary.split()), tooltip=lambda c: c.summary),
            ],
            self,
        )
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.view.setAccessibleName("可能重复的既往投诉")
        self.view.doubleClicked.connect(lambda _index: self._emit_open())
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())

        self.link_button = QPushButton("关联")
        self.link_button.setToolTip("登记时把本投诉与选中的既往案件关联（不合并）")
        self.link_button.clicked.connect(lambda: self.toggle_link(RELATED))
        self.repeat_button = QPushButton("标为重复投诉")
        self.repeat_button.setToolTip(
            "登记时把本投诉标为选中案件的重复投诉（同一事项再次投诉）：两案件时间线都会记录，并计入统计"
        )
        self.repeat_button.clicked.connect(lambda: self.toggle_link(REPEAT))
        self.state_line = QLabel()
        self.state_line.setObjectName("hint")
        self.state_line.setWordWrap(True)
        self.merge_button = QPushButton("作为重复并入…")
        self.merge_button.clicked.connect(self._emit_merge)
        self.open_button = QPushButton("打开")
        self.open_button.setToolTip("查看选中的既往案件")
        self.open_button.clicked.connect(self._emit_open)
        for button in (self.link_button, self.repeat_button, self.merge_button, self.open_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.link_button)
        buttons.addWidget(self.repeat_button)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(explain)
        layout.addWidget(self.view)
        layout.addWidget(self.state_line)
        layout.addLayout(buttons)
        self.hide()

    # -- rows ------------------------------------------------------------------------------------

    def set_candidates(self, candidates: Sequence[DuplicateCandidate]) -> None:
        """Show these candidates (hide when none); links to cases no longer listed are dropped."""
        selected = self.current()
        listed = {c.case_id for c in candidates}
        self._linked = {k: v for k, v in self._linked.items() if k in listed}
        self.model.set_rows(candidates)
        self.title.setText(f"发现 {len(candidates)} 件可能重复的既往投诉")
        rows = self.model.rows()
        keep = next((i for i, c in enumerate(rows) if selected and c.case_id == selected.case_id), 0)
        if rows:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(keep, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        row_height = self.view.verticalHeader().defaultSectionSize()
        self.view.setFixedHeight(
            self.view.horizontalHeader().sizeHint().height()
            + row_height * min(max(len(rows), 1), VISIBLE_ROWS)
            + 4
        )
        self.setVisible(bool(rows))
        self._update_buttons()

    def clear(self) -> None:
        self._linked.clear()
        self.set_candidates([])

    def current(self) -> DuplicateCandidate | None:
        row = self.view.currentIndex().row()
        return self.model.row(row) if 0 <= row < self.model.rowCount() else None

    def select_case(self, case_id: int) -> None:
        for row, candidate in enumerate(self.model.rows()):
            if candidate.case_id == case_id:
                self.view.selectRow(row)

    def linked_ids(self) -> list[int]:
        """Earlier cases to link as related on saving."""
        return sorted(k for k, v in self._linked.items() if v == RELATED)

    def repeat_ids(self) -> list[int]:
        """Earlier cases this complaint repeats (linked as 重复投诉 on saving)."""
        return sorted(k for k, v in self._linked.items() if v == REPEAT)

    # -- actions ---------------------------------------------------------------------------------

    def toggle_link(self, kind: str = RELATED) -> None:
        """关联 or 标为重复投诉 the selected case; the same button again undoes it."""
        candidate = self.current()
        if candidate is None:
            return
        if self._linked.get(candidate.case_id) == kind:
            del self._linked[candidate.case_id]
        else:
            self._linked[candidate.case_id] = kind
        row = self.view.currentIndex().row()
        self.model.dataChanged.emit(self.model.index(row, 0), self.model.index(row, 0))
        self._update_buttons()

    def _emit_merge(self) -> None:
        candidate = self.current()
        if candidate is not None:
            self.merge_requested.emit(candidate.case_id)

    def _emit_open(self) -> None:
        candidate = self.current()
        if candidate is not None:
            self.open_requested.emit(candidate.case_id)

    def _update_buttons(self) -> None:
        candidate = self.current()
        self.link_button.setEnabled(candidate is not None)
        self.repeat_button.setEnabled(candidate is not None)
        self.open_button.setEnabled(candidate is not None)
        kind = self._linked.get(candidate.case_id, "") if candidate is not None else ""
        self.link_button.setText("取消关联" if kind == RELATED else "关联")
        self.repeat_button.setText("取消重复投诉" if kind == REPEAT else "标为重复投诉")
        self.state_line.setText(state_line(candidate) if candidate is not None else "")
        if not self._merge_allowed:
            self.merge_button.setEnabled(False)
            self.merge_button.setToolTip(self._merge_allowed.reason)
        elif candidate is not None and candidate.state in FINAL_STATES:
            self.merge_button.setEnabled(False)
            label = STATE_LABELS.get(candidate.state, candidate.state)
            self.merge_button.setToolTip(f"{candidate.case_no} 已结束（{label}），不能并入")
        else:
            self.merge_button.setEnabled(candidate is not None)
            self.merge_button.setToolTip("先登记本投诉，再把它作为重复投诉并入选中的案件")
