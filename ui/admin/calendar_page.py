"""管理 → 节假日: the year view, importing the 国务院办公厅 notice with confirmation, editing one day."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.deadlines import calendar, notice
from app.deadlines.calendar import SOURCE_LABELS, CalendarDay, CalendarReport, DayKind, DaySource, YearView
from app.deadlines.notice import ParsedNotice
from app.session import Session
from ui import operations
from ui.admin.calendar_grid import WEEKDAYS, YearGrid, legend
from ui.common import PageHeader, make_primary
from ui.form_dialog import FormDialog
from ui.operations import Change, Kind

PAGE_KEY = "calendar"
MENU_TEXT = "节假日"
MENU_TIP = "法定节假日和调休上班日；导入国务院办公厅每年的放假通知"


def _dates(days: tuple[date, ...]) -> str:
    """1月1日至1月3日（3天）、1月9日: consecutive days as one range."""
    runs: list[list[date]] = []
    for d in sorted(days):
        if runs and (d - runs[-1][-1]).days == 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = [
        f"{r[0].month}月{r[0].day}日"
        + (f"至{r[-1].month}月{r[-1].day}日（{len(r)}天）" if len(r) > 1 else "")
        for r in runs
    ]
    return "、".join(parts) or "—"


class _FitScroll(QScrollArea):
    """Tells the year grid its visible width, so the months wrap instead of scrolling sideways."""

    def __init__(self, grid: YearGrid) -> None:
        super().__init__()
        self.year_grid = grid
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }")
        self.setWidget(grid)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.year_grid.fit(self.viewport().width())
        super().resizeEvent(event)


class DayDialog(FormDialog):
    """Set one day to 放假 or 上班 with a note, or drop the admin's setting for it."""

    def __init__(self, session: Session, day: CalendarDay, parent: QWidget | None = None) -> None:
        super().__init__(f"修改 {day.day:%Y-%m-%d}", parent=parent)
        self.session = session
        self.day = day
        self.change = Change(Kind.CALENDAR)
        self.report: CalendarReport | None = None
        current = QLabel(
            f"星期{WEEKDAYS[day.day.weekday()]}，目前为{calendar.KIND_LABELS[day.kind]}"
            + (f"（{day.note}）" if day.note else "")
            + f"；来源：{SOURCE_LABELS[day.source]}"
        )
        current.setWordWrap(True)
        self.form.addRow("当前", current)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem("放假", DayKind.HOLIDAY)
        self.kind_combo.addItem("上班", DayKind.WORKDAY)
        if day.source == DaySource.OVERRIDE:
            self.kind_combo.addItem("取消管理员的设置", None)
        working = day.kind in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY)
        self.kind_combo.setCurrentIndex(1 if working else 0)
        self.form.addRow("设为", self.kind_combo)
        self.fields["kind"] = self.kind_combo
        self.note_edit = self.line_edit(
            "note", "说明", day.note if day.source == DaySource.OVERRIDE else "", 60
        )
        self.note_edit.setPlaceholderText("例如：本市调休、国务院补充通知")
        self.finish_layout("修改后，按暂定日期计算的期限会重新计算，并在相关案件的时间线中注明。")
        self.note_edit.setFocus()

    def save(self) -> None:
        kind = self.kind_combo.currentData()
        self.report = calendar.edit_day(self.session, self.day.day, kind, self.note_edit.text())


class ImportPanel(QFrame):
    """Paste box (or a .txt file), the parsed result and 确认保存, beside the calendar."""

    def __init__(self, page: CalendarPage) -> None:
        super().__init__()
        self.page = page
        self.setObjectName("card")
        self.setMinimumWidth(300)
        self.setMaximumWidth(340)
        title = QLabel("导入国务院办公厅通知")
        title.setObjectName("cardTitle")
        hint = QLabel(
            "粘贴《国务院办公厅关于××年部分节假日安排的通知》全文（含标题），或打开保存好的 .txt 文件。"
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText("一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n二、春节：……")
        self.text_edit.textChanged.connect(self._text_changed)
        self.open_button = QPushButton("打开文本文件…")
        self.open_button.clicked.connect(self.open_file)
        self.parse_button = make_primary(QPushButton("解析"))
        self.parse_button.clicked.connect(self.parse)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addStretch(1)
        row.addWidget(self.parse_button)
        self.result = QPlainTextEdit()
        self.result.setReadOnly(True)
        self.result.setPlaceholderText("解析结果显示在这里；左侧日历同时显示保存后的样子。")
        self.save_button = make_primary(QPushButton("确认保存"))
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(page.close_import)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.text_edit, 3)
        layout.addLayout(row)
        layout.addWidget(self.result, 2)
        layout.addLayout(buttons)
        self.parsed: ParsedNotice | None = None

    def _text_changed(self) -> None:
        if self.parsed is not None:
            self.parsed = None
            self.save_button.setEnabled(False)
            self.result.setPlainText("通知内容已修改，请重新解析。")
            self.page.show_preview(None)

    def open_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "打开通知文本", "", "文本文件 (*.txt);;所有文件 (*)"
        )
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> None:
        outcome = operations.run(self, lambda: notice.read_notice_file(path))
        if outcome:
            self.text_edit.setPlainText(outcome.value or "")

    def parse(self) -> None:
        text, year = self.text_edit.toPlainText(), self.page.year
        outcome = operations.run(
            self,
            lambda: calendar.preview_import(self.page.session, text, year),
            focus=lambda _field: self.text_edit.setFocus(),
        )
        if not outcome:
            self.result.setPlainText("未能解析，请按提示修改后重新解析。")
            return
        parsed, report, view = outcome.value.notice, outcome.value.report, outcome.value.year
        self.parsed = parsed
        lines = [f"{parsed.year}年：放假 {len(parsed.holidays)} 天，调休上班 {len(parsed.workdays)} 天", ""]
        for item in parsed.items:
            lines.append(f"{item.name}（第{item.line}行）")
            lines.append(f"  放假：{_dates(item.holidays)}")
            if item.workdays:
                lines.append(f"  上班：{_dates(item.workdays)}")
        lines += ["", *report.lines()[1:]]
        self.result.setPlainText("\n".join(lines))
        self.save_button.setEnabled(True)
        self.page.show_preview(view)

    def save(self) -> None:
        parsed = self.parsed
        if parsed is None:
            return
        outcome = operations.run(
            self, lambda: calendar.import_notice(self.page.session, parsed), changed=Change(Kind.CALENDAR)
        )
        if outcome and outcome.value is not None:
            self.page.close_import()
            self.page.show_notice("\n".join(outcome.value.lines()[:2]))


class CalendarPage(QWidget):
    """The year selector, the twelve months with their legend, and the import panel."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.session = session
        today = clock.now().date()
        self.year = calendar.default_year(today)
        self.view: YearView | None = None
        self.preview: YearView | None = None

        self.year_spin = QSpinBox()
        self.year_spin.setRange(2004, 2100)
        self.year_spin.setValue(self.year)
        self.year_spin.setSuffix(" 年")
        self.year_spin.setAccessibleName("年份")
        self.year_spin.valueChanged.connect(self.set_year)
        self.status = QLabel()
        self.status.setObjectName("calendarStatus")
        self.import_button = make_primary(QPushButton("导入国务院通知…"))
        self.import_button.clicked.connect(self.open_import)
        self.edit_button = QPushButton("修改所选日期…")
        self.edit_button.setEnabled(False)
        self.edit_button.clicked.connect(self.edit_selected)
        toolbar = QHBoxLayout()
        toolbar.setSpacing(8)
        toolbar.addWidget(QLabel("年份"))
        toolbar.addWidget(self.year_spin)
        toolbar.addSpacing(10)
        toolbar.addWidget(self.status, 1)
        toolbar.addWidget(self.edit_button)
        toolbar.addWidget(self.import_button)

        self.notice = QLabel()
        self.notice.setObjectName("noticeLabel")
        self.notice.setWordWrap(True)
        self.notice.hide()

        self.grid = YearGrid()
        self.grid.day_selected.connect(self._selected)
        self.grid.day_activated.connect(lambda _day: self.edit_selected())
        scroll = _FitScroll(self.grid)
        self.panel = ImportPanel(self)
        self.panel.hide()
        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(scroll, 1)
        body.addWidget(self.panel)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(10)
        layout.addWidget(
            PageHeader(
                "节假日",
                "期限按工作日计算：法定节假日不计，调休上班日计入。把鼠标停在某一天上可查看其名称和数据来源；"
                "双击某一天可修改。",
            )
        )
        layout.addLayout(toolbar)
        layout.addWidget(legend())
        layout.addWidget(self.notice)
        layout.addLayout(body, 1)
        operations.bus().data_changed.connect(self._data_changed)

    # -- data ------------------------------------------------------------------------------------

    def reload(self) -> None:
        year = self.year
        outcome = operations.run(self, lambda: calendar.year_view(self.session, year))
        if outcome and outcome.value is not None:
            self.view = outcome.value
        self._show()

    def _show(self) -> None:
        shown = self.preview if self.preview is not None and self.preview.year == self.year else self.view
        if shown is None or shown.year != self.year:
            return
        self.grid.set_days(shown.days, clock.now().date())
        if shown is self.preview:
            self.status.setText(f"预览：{self.year}年导入后的安排（尚未保存）")
            self.status.setStyleSheet("color: #8E1B23; font-weight: 600;")
        else:
            self.status.setText(shown.status)
            self.status.setStyleSheet("" if shown.official else "color: #8A5A00; font-weight: 600;")
        self._selected(self.grid.selected_day)

    def set_year(self, year: int) -> None:
        if year != self.year:
            self.year = year
            self.year_spin.setValue(year)
            self.reload()

    def show_preview(self, view: YearView | None) -> None:
        """Show the year as the parsed notice would make it (None: back to the saved data)."""
        self.preview = view
        if view is not None and view.year != self.year:
            self.set_year(view.year)
        self._show()

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # -- actions ---------------------------------------------------------------------------------

    def open_import(self) -> None:
        self.panel.show()
        self.panel.text_edit.setFocus()

    def close_import(self) -> None:
        self.panel.hide()
        self.panel.parsed = None
        self.panel.save_button.setEnabled(False)
        self.preview = None
        self._show()

    def _selected(self, day: CalendarDay | None) -> None:
        official = self.view is not None and self.view.official and self.preview is None
        self.edit_button.setEnabled(day is not None and official)
        self.edit_button.setToolTip(
            "" if official else "本年尚未录入国务院办公厅通知：请先导入通知，再修改单日"
        )

    def edit_selected(self) -> None:
        day = self.grid.selected_day
        if day is None or not self.edit_button.isEnabled():
            return
        dialog = DayDialog(self.session, day, self)
        if dialog.exec() and dialog.report is not None:
            self.show_notice("；".join(dialog.report.lines()[:2]))

    def _data_changed(self, kind: str, _case_id: object) -> None:
        if kind == Kind.CALENDAR and self.isVisible():
            self.reload()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.reload()
