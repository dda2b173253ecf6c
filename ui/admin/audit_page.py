"""管理 → 审计日志 (admin and manager): filter by user, case number, action and time range; 校验完整性
checks the whole hash chain; 导出 writes the filtered rows to Excel (audited). Newest first, 200 rows
at a time (加载更多)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import audit_log, clock
from app.audit_log import AuditFilter, AuditRow
from app.policy import Action, can
from app.session import Session
from ui.common import PageHeader, make_primary
from ui.operations import BackgroundOperation, run, run_in_background
from ui.table_model import Column, RowTableModel

PAGE_KEY = "audit"
MENU_TEXT = "审计日志"
MENU_TIP = "谁在何时做了什么：按用户、案件编号、操作和时间查找，校验完整性，导出"
RANGES = (
    ("all", "全部时间"),
    ("today", "今天"),
    ("week", "最近 7 天"),
    ("month", "最近 30 天"),
    ("custom", "自定义"),
)


def audit_model(parent: QWidget | None = None) -> RowTableModel[AuditRow]:
    return RowTableModel(
        [
            Column("序号", lambda r: str(r.seq)),
            Column("时间", lambda r: r.at),
            Column("用户", lambda r: f"{r.actor_name}（{r.actor}）" if r.actor_name else r.actor),
            Column("操作", lambda r: r.action_label, tooltip=lambda r: r.action),
            Column("对象", lambda r: r.target),
            Column("详情", lambda r: r.detail, tooltip=lambda r: r.detail),
        ],
        parent,
    )


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class AuditPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.session = session
        self.filter = AuditFilter()
        self.rows: list[AuditRow] = []
        self.more = False

        self.user_combo = QComboBox()
        self.user_combo.setMinimumWidth(170)
        self.case_edit = QLineEdit()
        self.case_edit.setPlaceholderText("如 YH-2026-000123")
        self.case_edit.setClearButtonEnabled(True)
        self.case_edit.returnPressed.connect(self.search)
        self.action_combo = QComboBox()
        self.action_combo.setMinimumWidth(170)
        self.range_combo = QComboBox()
        for key, label in RANGES:
            self.range_combo.addItem(label, key)
        self.range_combo.currentIndexChanged.connect(self._range_changed)
        today = clock.now().date()
        self.start_edit = QDateEdit(_qdate(today - timedelta(days=7)))
        self.end_edit = QDateEdit(_qdate(today))
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.search_button = make_primary(QPushButton("查询"))
        self.search_button.clicked.connect(self.search)
        self.reset_button = QPushButton("清除条件")
        self.reset_button.clicked.connect(self.reset)

        filters = QGridLayout()
        filters.setHorizontalSpacing(8)
        filters.setVerticalSpacing(8)
        dates = QHBoxLayout()
        dates.setSpacing(6)
        dates.addWidget(self.range_combo)
        dates.addWidget(self.start_edit)
        dates.addWidget(QLabel("至"))
        dates.addWidget(self.end_edit)
        for column, (label, widget) in enumerate(
            (("用户", self.user_combo), ("案件编号", self.case_edit), ("操作", self.action_combo))
        ):
            filters.addWidget(QLabel(label), 0, column * 2, Qt.AlignmentFlag.AlignRight)
            filters.addWidget(widget, 0, column * 2 + 1)
        filters.addWidget(QLabel("时间"), 1, 0, Qt.AlignmentFlag.AlignRight)
        filters.addLayout(dates, 1, 1, 1, 3)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.search_button)
        filters.addLayout(buttons, 1, 4, 1, 2)
        filters.setColumnStretch(1, 1)
        filters.setColumnStretch(3, 1)
        filters.setColumnStretch(5, 1)

        self.verify_button = QPushButton("校验完整性")
        self.verify_button.setToolTip("重新计算整条哈希链，发现被修改、删除或调换的记录")
        self.verify_button.clicked.connect(self.verify)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.setToolTip("把符合当前条件的全部记录导出为 Excel（导出本身记入审计日志）")
        self.export_button.clicked.connect(self.export)
        self.export_button.setVisible(bool(can(session.user, Action.EXPORT_AUDIT)))
        self.verify_button.setVisible(bool(can(session.user, Action.VERIFY_AUDIT)))
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.hide()
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(self.verify_button)
        actions.addWidget(self.export_button)

        self.model = audit_model(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(30)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in enumerate((64, 150, 150, 130, 140)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.view.setColumnWidth(column, width)
        self.more_button = QPushButton("加载更早的记录")
        self.more_button.clicked.connect(self.load_more)

        hint = (
            "系统管理员只能看到案件编号，看不到案件内容；需要查看详情请由主任查询。"
            if not audit_log.reads_case_detail(session)
            else "记录只增不改，每条都带有前一条的哈希值。"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(10)
        layout.addWidget(PageHeader("审计日志", f"登录、查看、修改、打印和导出都会记录。{hint}"))
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.verdict)
        layout.addWidget(self.view, 1)
        more_row = QHBoxLayout()
        more_row.addStretch(1)
        more_row.addWidget(self.more_button)
        layout.addLayout(more_row)
        self._range_changed()
        self.load_choices()
        self.search()

    # -- filters ---------------------------------------------------------------------------------

    def load_choices(self) -> None:
        outcome = run(self, lambda: audit_log.choices(self.session))
        if not outcome or outcome.value is None:
            return
        for combo, first, items in (
            (self.user_combo, "全部用户", outcome.value.users),
            (self.action_combo, "全部操作", outcome.value.actions),
        ):
            current = combo.currentData()
            combo.clear()
            combo.addItem(first, "")
            for key, label in items:
                combo.addItem(label, key)
            combo.setCurrentIndex(max(0, combo.findData(current)))

    def _range_changed(self) -> None:
        custom = self.range_combo.currentData() == "custom"
        self.start_edit.setEnabled(custom)
        self.end_edit.setEnabled(custom)

    def current_filter(self) -> AuditFilter:
        today = clock.now().date()
        kind = self.range_combo.currentData()
        start = end = None
        if kind == "today":
            start = end = today
        elif kind in ("week", "month"):
            start, end = today - timedelta(days=6 if kind == "week" else 29), today
        elif kind == "custom":
            start, end = self.start_edit.date().toPython(), self.end_edit.date().toPython()
        return AuditFilter(
            user=self.user_combo.currentData() or "",
            case_no=self.case_edit.text().strip(),
            action=self.action_combo.currentData() or "",
            start=start,
            end=end,
        )

    def reset(self) -> None:
        self.user_combo.setCurrentIndex(0)
        self.action_combo.setCurrentIndex(0)
        self.range_combo.setCurrentIndex(0)
        self.case_edit.clear()
        self.search()

    # -- rows ------------------------------------------------------------------------------------

    def search(self) -> None:
        flt = self.current_filter()
        outcome = run(self, lambda: audit_log.entries(self.session, flt))
        if not outcome or outcome.value is None:
            return
        self.filter = flt
        self.rows = list(outcome.value.rows)
        self.more = outcome.value.more
        self._show_rows()

    def load_more(self) -> None:
        if not self.rows:
            return
        before = self.rows[-1].seq
        outcome = run(self, lambda: audit_log.entries(self.session, self.filter, before_seq=before))
        if not outcome or outcome.value is None:
            return
        self.rows += outcome.value.rows
        self.more = outcome.value.more
        self._show_rows()

    def _show_rows(self) -> None:
        self.model.set_rows(self.rows)
        count = len(self.rows)
        if not count:
            self.status.setText("没有符合条件的记录。")
        else:
            self.status.setText(f"已显示 {count:,} 条" + ("，还有更早的记录" if self.more else "（全部）"))
        self.more_button.setEnabled(self.more)

    # -- verify and export -----------------------------------------------------------------------

    def verify(self) -> None:
        outcome = run(self, lambda: audit_log.verify(self.session))
        if not outcome or outcome.value is None:
            return
        report = outcome.value
        colour = "#1B6E3A" if report.ok else "#B3261E"
        self.verdict.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.verdict.setText(("✓ " if report.ok else "✗ ") + report.message)
        self.verdict.show()

    def export(self) -> None:
        name = f"审计日志-{clock.now():%Y%m%d-%H%M}.xlsx"
        path, _filter = QFileDialog.getSaveFileName(self, "导出审计日志", name, "Excel 工作簿 (*.xlsx)")
        if path:
            self.export_to(Path(path if path.endswith(".xlsx") else f"{path}.xlsx"))

    def export_to(self, path: Path) -> BackgroundOperation:
        flt = self.current_filter()

        def done(count: int) -> None:
            self.status.setText(f"已导出 {count:,} 条记录到“{path.name}”。")

        return run_in_background(
            self,
            lambda progress: audit_log.export(self.session, flt, path, progress),
            title="导出审计日志",
            label="正在导出……",
            cancellable=True,
            on_done=done,
        )
