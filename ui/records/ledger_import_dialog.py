"""导入台账: choose the file (and sheet, and the year of dates written without one) → confirm the
column mapping → say what the unknown departments and categories are → the dry run's verdict per
row (save the report) → 导入, all or nothing, in the background with 取消."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.records import ledger_import as li
from app.records.ledger_import.matching import Matcher
from app.records.ledger_import.values import text as cell_text
from app.session import Session
from ui.common import make_primary
from ui.operations import BackgroundOperation, Change, Kind, run, run_in_background

STATUS_COLOURS = {li.Status.IMPORTED: "#E3F4E6", li.Status.FLAGGED: "#FFF4D6", li.Status.REFUSED: "#FDECEA"}
LEAVE_EMPTY = "（不设）"


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    return table


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


class LedgerImportDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("导入台账")
        self.ledger: li.LedgerFile | None = None
        self.table: li.SheetTable | None = None
        self.plan: li.Preview | None = None
        self.operation: BackgroundOperation | None = None
        self.mapping_boxes: list[QComboBox] = []
        self.choice_boxes: dict[tuple[str, str], QComboBox] = {}
        self.pages = QStackedWidget()
        self.pages.addWidget(self._file_page())
        self.pages.addWidget(self._mapping_page())
        self.pages.addWidget(self._unknown_page())
        self.pages.addWidget(self._result_page())
        self.back_button = QPushButton("上一步")
        self.back_button.clicked.connect(self.back)
        self.next_button = make_primary(QPushButton("下一步"))
        self.next_button.clicked.connect(self.forward)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(close)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self.resize(980, 640)
        self._update_buttons()

    # -- pages ------------------------------------------------------------------------------------

    def _file_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<h3>第 1 步：选择台账文件</h3>"))
        layout.addWidget(
            _hint(
                "选择科室原来用的 Excel 投诉台账（.xlsx）。标题行、空行、合计行和说明工作表会自动跳过；"
                "导入前先试导入，逐行列出导入、需核对和不导入的原因，确认后才写入数据库。"
            )
        )
        form = QFormLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        choose = QPushButton("选择文件…")
        choose.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(choose)
        self.sheet_box = QComboBox()
        self.sheet_box.currentTextChanged.connect(self._sheet_chosen)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setMaximumWidth(120)
        self.year_note = _hint("")
        form.addRow("台账文件", row)
        form.addRow("工作表", self.sheet_box)
        form.addRow("只写月日的日期属于", self.year_spin)
        form.addRow("", self.year_note)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<h3>第 2 步：核对列对应</h3>"))
        self.mapping_note = _hint("")
        layout.addWidget(self.mapping_note)
        self.mapping_table = _table(["台账列", "示例", "导入为"])
        layout.addWidget(self.mapping_table, 1)
        return page

    def _unknown_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<h3>第 3 步：未能识别的科室和类别</h3>"))
        layout.addWidget(
            _hint(
                "以下写法在本系统的科室和类别中找不到。请为每一种写法选择对应的科室或类别；选择“（不设）”则导入时留空并标为需核对。下次导入同样格式的台账时会沿用这些选择。"
            )
        )
        self.unknown_table = _table(["台账中的写法", "行数", "对应为"])
        layout.addWidget(self.unknown_table, 1)
        return page

    def _result_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<h3>第 4 步：试导入结果</h3>"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.result_table = _table(["台账行号", "结果", "投诉内容", "原因"])
        layout.addWidget(self.result_table, 1)
        save = QPushButton("保存逐行报告…")
        save.clicked.connect(self.save_report)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(save)
        layout.addLayout(row)
        return page

    # -- steps ------------------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        index = self.pages.currentIndex()
        self.back_button.setEnabled(index > 0)
        if index == 3 and self.plan is not None:
            self.next_button.setText(f"导入 {len(self.plan.to_import)} 件")
            self.next_button.setEnabled(bool(self.plan.to_import))
        else:
            self.next_button.setText("试导入" if index in (1, 2) else "下一步")
            self.next_button.setEnabled(self.table is not None)

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "选择台账文件", str(Path.home()), "Excel 工作簿 (*.xlsx)"
        )
        if chosen:
            self.load(Path(chosen))

    def load(self, path: Path) -> bool:
        outcome = run(self, lambda: li.open_ledger(path))
        if not outcome:
            return False
        self.ledger = outcome.value
        self.path_edit.setText(str(path))
        self.sheet_box.blockSignals(True)
        self.sheet_box.clear()
        self.sheet_box.addItems(["（自动选择有表头的工作表）", *self.ledger.sheets])
        self.sheet_box.blockSignals(False)
        return self._sheet_chosen()

    def _sheet_chosen(self, _text: str = "") -> bool:
        if self.ledger is None:
            return False
        sheet = self.sheet_box.currentText() if self.sheet_box.currentIndex() > 0 else None
        outcome = run(self, lambda: li.read_sheet(self.ledger, sheet))
        self.table = outcome.value if outcome else None
        if self.table is not None:
            year = self.table.year_hint
            self.year_spin.setValue(year or self.year_spin.value() or 2025)
            self.year_note.setText(
                f"工作表“{self.table.sheet}”，表头在第 {self.table.header_row} 行，共 {len(self.table.rows)} 行；"
                + (f"标题中的年份为 {year} 年。" if year else "标题中没有年份，请确认上面的年份。")
            )
            self._fill_mapping()
        self._update_buttons()
        return self.table is not None

    def _fill_mapping(self) -> None:
        assert self.table is not None
        memory = li.remembered(self.table.signature)
        mapping = li.propose_mapping(
            self.table.headers, {int(k): v for k, v in memory.get("mapping", {}).items()}
        )
        self.mapping_note.setText(
            ("已沿用上次确认的列对应。" if memory else "已按表头自动对应，请逐列核对。")
            + "“投诉日期”和“投诉内容”必须对应；不需要的列选“不导入”。"
        )
        self.mapping_table.setRowCount(len(self.table.headers))
        self.mapping_boxes = []
        for column, header in enumerate(self.table.headers):
            samples = [
                cell_text(values[column]) for _n, values in self.table.rows if cell_text(values[column])
            ][:2]
            self.mapping_table.setItem(column, 0, QTableWidgetItem(header or f"（第 {column + 1} 列）"))
            self.mapping_table.setItem(
                column, 1, QTableWidgetItem(" ｜ ".join(s.replace("\n", " ")[:30] for s in samples))
            )
            box = QComboBox()
            box.addItem("不导入", "")
            for item in li.FIELDS:
                box.addItem(item.label, item.key)
            box.setCurrentIndex(max(0, box.findData(mapping.get(column, ""))))
            self.mapping_table.setCellWidget(column, 2, box)
            self.mapping_boxes.append(box)
        self.mapping_table.resizeColumnsToContents()
        self.mapping_table.setColumnWidth(1, min(self.mapping_table.columnWidth(1), 520))
        self.choices = (dict(memory.get("departments", {})), dict(memory.get("categories", {})))

    def options(self) -> li.ImportOptions:
        mapping = {
            column: box.currentData() for column, box in enumerate(self.mapping_boxes) if box.currentData()
        }
        departments, categories = self.choices
        for (kind, written), box in self.choice_boxes.items():
            (departments if kind == "department" else categories)[written] = box.currentData() or ""
        return li.ImportOptions(mapping, self.year_spin.value(), departments, categories)

    def dry_run(self) -> bool:
        assert self.ledger is not None and self.table is not None
        options = self.options()
        outcome = run(self, lambda: li.preview(self.session, self.ledger, self.table, options))
        if not outcome:
            return False
        self.plan = outcome.value
        return True

    def forward(self) -> None:
        index = self.pages.currentIndex()
        if index == 0:
            self.pages.setCurrentIndex(1)
        elif index in (1, 2):
            if self.dry_run():
                self._after_dry_run(index)
        elif index == 3:
            self.start_import()
        self._update_buttons()

    def back(self) -> None:
        index = self.pages.currentIndex()
        if index == 3 and not self.choice_boxes:
            index = 2
        self.pages.setCurrentIndex(max(0, index - 1))
        self._update_buttons()

    def _after_dry_run(self, index: int) -> None:
        assert self.plan is not None
        if index == 1 and (self.plan.unknown_departments or self.plan.unknown_categories):
            self._fill_unknown()
            self.pages.setCurrentIndex(2)
            return
        self._fill_result()
        self.pages.setCurrentIndex(3)

    def _fill_unknown(self) -> None:
        assert self.plan is not None
        matcher = Matcher()
        entries = [("department", k, n) for k, n in self.plan.unknown_departments.items()]
        entries += [("category", k, n) for k, n in self.plan.unknown_categories.items()]
        self.unknown_table.setRowCount(len(entries))
        self.choice_boxes = {}
        for row, (kind, written, count) in enumerate(entries):
            label = "科室" if kind == "department" else "类别"
            self.unknown_table.setItem(row, 0, QTableWidgetItem(f"{label}：{written}"))
            self.unknown_table.setItem(row, 1, QTableWidgetItem(str(count)))
            box = QComboBox()
            box.addItem(LEAVE_EMPTY, "")
            names = matcher.department_names() if kind == "department" else matcher.category_names()
            for code, name in names:
                box.addItem(name, code)
            self.unknown_table.setCellWidget(row, 2, box)
            self.choice_boxes[(kind, written)] = box
        self.unknown_table.resizeColumnsToContents()
        self.unknown_table.setColumnWidth(0, max(self.unknown_table.columnWidth(0), 220))

    def _fill_result(self) -> None:
        assert self.plan is not None
        self.summary.setText("<br>".join(self.plan.lines()))
        self.result_table.setRowCount(len(self.plan.rows))
        for row, item in enumerate(self.plan.rows):
            cells = (
                str(item.row_number),
                li.STATUS_LABELS[item.status],
                item.source.get("content", "")[:40].replace("\n", " "),
                item.reason_text,
            )
            for column, value in enumerate(cells):
                widget = QTableWidgetItem(value)
                if column == 1:
                    widget.setBackground(QColor(STATUS_COLOURS[item.status]))
                if column == 3:
                    widget.setToolTip(value)
                self.result_table.setItem(row, column, widget)
        self.result_table.resizeColumnsToContents()
        self.result_table.setColumnWidth(2, min(self.result_table.columnWidth(2), 300))
        self.result_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def save_report(self, path: Path | None = None) -> None:
        if self.plan is None:
            return
        if path is None:
            suggestion = Path.home() / f"{Path(self.plan.ledger.name).stem}-试导入结果.xlsx"
            chosen, _ = QFileDialog.getSaveFileName(
                self, "保存逐行报告", str(suggestion), "Excel 工作簿 (*.xlsx)"
            )
            if not chosen:
                return
            path = Path(chosen)
        run(self, lambda: li.write_report(self.plan, path))

    def start_import(self) -> None:
        assert self.plan is not None
        plan = self.plan
        self.operation = run_in_background(
            self,
            lambda progress: li.import_ledger(self.session, plan, progress),
            title="导入台账",
            label="正在导入……",
            cancellable=True,
            changed=Change(Kind.CASES),
            on_done=self._imported,
        )

    def _imported(self, result: li.ImportResult) -> None:
        QMessageBox.information(self, "导入台账", "\n".join(result.lines()))
        self.accept()
