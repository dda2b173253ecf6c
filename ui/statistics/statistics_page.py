"""统计分析: pick a period, read the headline tiles, charts and tables, click any number for its
cases, see the 考核 scorecard, and draft a report. Figures are computed on a worker thread while the
page stays usable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import clock, files
from app.rectification import figures as rectification
from app.rectification.figures import RectificationFigures
from app.reports import service as reports
from app.session import Session
from app.statistics import config, periods, scorecard, service
from app.statistics.analysis_text import change, pct
from app.statistics.conditions import Measure
from app.statistics.definitions import definition
from app.statistics.indicators import Figures
from app.statistics.periods import Period
from app.statistics.scorecard import DepartmentScore
from ui.common import PageHeader
from ui.operations import Change, Kind, run, run_in_background
from ui.rectification.figures_tab import RectificationFiguresTab
from ui.statistics import charts, tables
from ui.statistics.drill_dialog import DrillDialog
from ui.statistics.rebuild import start_pending_rebuild
from ui.statistics.report_dialog import ReportDialog

KINDS = (("month", "月度"), ("quarter", "季度"), ("year", "年度"), ("custom", "自定义"))


@dataclass(frozen=True)
class Computed:
    figures: Figures
    scores: list[DepartmentScore]
    rectification: RectificationFigures | None = None
    recount_needed: bool = False  # an upgrade's recount has not run yet (cancelled): figures are off
    rebuild_pending: bool = False  # ... and this user (the manager) may run it


class Tile(QPushButton):
    """A headline figure: name, value, comparison; click lists its cases."""

    def __init__(self, name: str, key: str) -> None:
        super().__init__()
        self.setObjectName("statTile")
        self.name = name
        self.setToolTip(definition(key))
        self.setMinimumHeight(76)
        self.measure: tuple[Measure, str] | None = None

    def show_value(self, value: str, note: str, measure: Measure | None) -> None:
        self.setText(f"{self.name}\n{value}\n{note}")
        self.measure = (measure, self.name) if measure else None


class StatisticsPage(QWidget):
    open_case_requested = Signal(int)
    rectification_requested = Signal(str)  # a department's 整改 items (by its name)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.session = session
        self.computed: Computed | None = None
        self._request = 0
        self.operation = None
        today = clock.now().date()

        self.header = PageHeader(
            "统计分析", "选择统计期间；点击任何数字可查看对应的案件，鼠标停留可看指标口径。"
        )
        self.kind = QComboBox()
        for key, label in KINDS:
            self.kind.addItem(label, key)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.year.setSuffix(" 年")
        self.part = QComboBox()
        self.start = QDateEdit(QDate(today.year, today.month, 1))
        self.end = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.refresh_button = QPushButton("统计")
        self.report_button = QPushButton("生成报告…")
        self.rebuild_button = QPushButton("重建统计数据")
        self.rebuild_button.setToolTip("按全部案件重新统计（在后台进行，可取消）")
        self.rebuild_button.clicked.connect(self.rebuild)
        self.rebuild_button.hide()
        self.status = QLabel()
        self.status.setObjectName("countLabel")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.report_button.clicked.connect(self.open_report)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("统计期间："))
        self.range_label = QLabel("至")
        for widget in (self.kind, self.year, self.part, self.start, self.range_label, self.end):
            bar.addWidget(widget)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.rebuild_button)
        bar.addWidget(self.report_button)

        self.tiles = {
            "received": Tile("收到投诉", "received"),
            "upheld": Tile("成立率", "finding_case"),
            "completion": Tile("按时办结率", "completion"),
            "satisfaction": Tile("满意率", "satisfaction"),
            "repeat": Tile("重复投诉", "repeat"),
            "backlog": Tile("期末未结", "backlog"),
        }
        tile_row = QHBoxLayout()
        for tile in self.tiles.values():
            tile.clicked.connect(lambda _=False, t=tile: t.measure and self.drill(*t.measure))
            tile_row.addWidget(tile)

        self.tabs = QTabWidget()
        self.chart_area = QWidget()
        self.chart_grid = QGridLayout(self.chart_area)
        self.chart_grid.setContentsMargins(0, 6, 0, 0)
        self.figures_table = tables.figures_table()
        tables.connect_drill(self.figures_table, self.drill)
        self.score_table = tables.scorecard_table()
        tables.connect_drill(self.score_table, self.drill)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.chart_area)
        self.tabs.addTab(scroll, "图表")
        self.tabs.addTab(self.figures_table, "统计表")
        self.tabs.addTab(self._score_tab(), "科室考核")
        self.rectification_tab = RectificationFiguresTab()
        self.rectification_tab.department_requested.connect(self.rectification_requested.emit)
        self.tabs.addTab(self.rectification_tab, "整改")
        self.score_table.itemActivated.connect(
            lambda item: item.column() == 0 and self.rectification_requested.emit(item.text())
        )
        self._charts_for: Figures | None = None
        self.tabs.currentChanged.connect(self._tab_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.addWidget(self.header)
        layout.addLayout(bar)
        layout.addLayout(tile_row)
        layout.addWidget(self.tabs, 1)
        self.kind.setCurrentIndex(0)
        self._kind_changed()
        self.part.setCurrentIndex(today.month - 1)
        self.refresh()

    def _score_tab(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 6, 0, 0)
        weights = config.load().weights
        note = QLabel(
            "扣分 = Σ 件数 × 分值（分值由系统管理员设置："
            + "、".join(f"{name} {weights[key]:g}" for key, name in config.SCORE_ITEMS.items())
            + "）。双击数字查看该项对应的案件。"
        )
        note.setWordWrap(True)
        note.setObjectName("pageSubtitle")
        self.export_button = QPushButton("导出考核表（Excel）…")
        self.export_button.clicked.connect(self.export_scorecard)
        row = QHBoxLayout()
        row.addWidget(note, 1)
        row.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        layout.addWidget(self.score_table, 1)
        return box

    # -- the period ------------------------------------------------------------------------------

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.part.clear()
        if kind == "month":
            self.part.addItems([f"{m} 月" for m in range(1, 13)])
        elif kind == "quarter":
            self.part.addItems([f"第{periods.QUARTER_NAMES[q]}季度" for q in range(4)])
        custom = kind == "custom"
        self.year.setVisible(not custom)
        self.part.setVisible(kind in ("month", "quarter"))
        for widget in (self.start, self.end, self.range_label):
            widget.setVisible(custom)

    def period(self) -> Period:
        kind, year = self.kind.currentData(), self.year.value()
        if kind == "month":
            return periods.month(year, self.part.currentIndex() + 1)
        if kind == "quarter":
            return periods.quarter(year, self.part.currentIndex() + 1)
        if kind == "year":
            return periods.year(year)
        return periods.custom(self.start.date().toPython(), self.end.date().toPython())

    def set_period(self, period: Period) -> None:
        """Select a period in the picker (and compute it)."""
        self.kind.setCurrentIndex([k for k, _ in KINDS].index(period.kind))
        if period.kind == "custom":
            self.start.setDate(QDate(period.start))
            self.end.setDate(QDate(period.end))
        else:
            self.year.setValue(period.start.year)
            if period.kind == "month":
                self.part.setCurrentIndex(period.start.month - 1)
            elif period.kind == "quarter":
                self.part.setCurrentIndex((period.start.month - 1) // 3)
        self.refresh()

    # -- computing -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Compute the selected period on a worker thread; a newer request supersedes an older one."""
        outcome = run(self, self.period, focus=lambda _f: self.start.setFocus())
        if not outcome:
            return
        period = outcome.value
        self._request += 1
        request = self._request
        self.status.setText(f"正在统计{period.label}……")
        session = self.session

        def task(progress: Callable) -> Computed:
            figures = service.figures(session, period)
            scores = scorecard.compute(period, figures.as_of.toordinal(), config.load())
            return Computed(
                figures,
                scores,
                rectification.compute(period.start, period.end, figures.as_of),
                service.recount_needed(session),
                service.rebuild_pending(session),
            )

        self.operation = run_in_background(
            self, task, title="统计分析", quiet=True, on_done=lambda result: self._show(request, result)
        )

    def _show(self, request: int, computed: Computed) -> None:
        if request != self._request:  # the user asked for another period meanwhile
            return
        self.computed = computed
        f = computed.figures
        h, p = f.headline, f.previous
        self.status.setText(
            f"{f.period.label}，统计至 {min(f.period.end, f.as_of):%Y-%m-%d}"
            + (
                "；数据库升级后统计数据尚未重建，部分数字（如期末未结）不准确"
                + ("" if computed.rebuild_pending else "，请主任登录后重建")
                if computed.recount_needed
                else ""
            )
        )
        self.rebuild_button.setVisible(computed.rebuild_pending)
        self.tiles["received"].show_value(
            f"{h.received} 件", f"环比{change(h.received, p.received)}", Measure("received")
        )
        self.tiles["upheld"].show_value(
            pct(h.upheld_rate), f"上期 {pct(p.upheld_rate)}", Measure("finding_case", "upheld")
        )
        self.tiles["completion"].show_value(
            pct(h.completion_rate), f"逾期 {f.completion.late.count} 件", Measure("completion", "late")
        )
        dissatisfied = next((t for t in f.satisfaction if t.measure.value == "dissatisfied"), None)
        self.tiles["satisfaction"].show_value(
            pct(h.satisfaction_rate),
            f"不满意 {dissatisfied.count if dissatisfied else 0} 件",
            Measure("satisfaction", "dissatisfied"),
        )
        self.tiles["repeat"].show_value(f"{f.repeats.count} 件", "一年内再次投诉", Measure("repeat"))
        self.tiles["backlog"].show_value(
            f"{f.backlog.count} 件", f"其中逾期 {f.overdue.count} 件", Measure("backlog")
        )
        self._charts_for = None
        if self.tabs.currentIndex() == 0:  # charts are drawn when their tab is shown
            self._charts(f)
        tables.fill_figures(self.figures_table, f)
        tables.fill_scorecard(self.score_table, computed.scores)
        if computed.rectification is not None:
            self.rectification_tab.show_figures(computed.rectification)

    def _tab_changed(self, index: int) -> None:
        if index == 0 and self.computed is not None and self._charts_for is not self.computed.figures:
            self._charts(self.computed.figures)

    def _charts(self, f: Figures) -> None:
        self._charts_for = f
        while self.chart_grid.count():
            widget = self.chart_grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        views = [
            charts.view(charts.trend(f.trend)),
            charts.view(charts.pie("按渠道", f.channels, self.drill)),
            charts.view(charts.bars("按一级类别", f.categories1, self.drill)),
            charts.view(charts.bars("按责任科室", f.departments, self.drill)),
        ]
        for index, widget in enumerate(views):
            self.chart_grid.addWidget(widget, index // 2, index % 2)
        for column in (0, 1):  # two equal columns: the pie's legend gets half the width
            self.chart_grid.setColumnStretch(column, 1)
        stack = charts.view(
            charts.stacks([("调查结论", f.findings_case), ("回访满意度", f.satisfaction)], self.drill)
        )
        stack.setMinimumHeight(210)  # the legend beside the bars shows every part
        self.chart_grid.addWidget(stack, 2, 0, 1, 2)

    def rebuild(self) -> None:
        """The recount an upgrade asked for, when it was cancelled at login; figures read again after."""
        running = start_pending_rebuild(self, self.session)
        if running is not None:
            self.rebuild_button.setEnabled(False)
            running.finished.connect(lambda _outcome: (self.rebuild_button.setEnabled(True), self.refresh()))

    # -- drilling, reports, export -----------------------------------------------------------------

    def drill(self, measure: Measure, title: str) -> DrillDialog | None:
        if self.computed is None:
            return None
        dialog = DrillDialog(
            self.session, self.computed.figures.period, measure, title, self.open_case_requested.emit, self
        )
        dialog.open()
        return dialog

    def open_report(self) -> ReportDialog | None:
        outcome = run(self, lambda: reports.prepare(self.session, self.period()))
        if not outcome:
            return None
        dialog = ReportDialog(self.session, outcome.value, self)
        dialog.open()
        return dialog

    def export_scorecard(self, target: str | None = None) -> None:
        outcome = run(self, lambda: reports.scorecard_workbook(self.session, self.period()))
        if not outcome:
            return
        name, data = outcome.value
        if target is None:
            target, _ = QFileDialog.getSaveFileName(self, "导出科室考核", name, "Excel 工作簿 (*.xlsx)")
            if not target:
                return
        if run(self, lambda: files.write_private(Path(target), data), changed=Change(Kind.DOCUMENTS)):
            self.status.setText(f"已导出：{Path(target).name}")


def table_rows(table: QTableWidget) -> list[list[str]]:
    """The text of a table (tests and screenshots)."""
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]
