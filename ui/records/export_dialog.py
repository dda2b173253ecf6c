"""导出台账: a date range, whether phones and ID numbers are exported in full, the file; the export runs
in the background with 取消."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit, QFileDialog, QMessageBox, QWidget

from app import clock
from app.records import export
from app.session import Session
from ui.form_dialog import FormDialog
from ui.operations import BackgroundOperation, run_in_background


def _date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day))
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    edit.setMaximumWidth(160)
    return edit


class ExportDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("导出台账", ok_text="导出…", parent=parent)
        self.session = session
        self.operation: BackgroundOperation | None = None
        today = clock.now().date()
        self.start = _date_edit(date(today.year, 1, 1))
        self.end = _date_edit(today)
        self.form.addRow("接待日期自", self.start)
        self.form.addRow("至", self.end)
        self.fields.update(start=self.start, end=self.end)
        self.full = QCheckBox("导出完整的电话和身份证号")
        self.form.addRow("", self.full)
        self.finish_layout(
            "导出您有权查看的全部案件（含调查核实、处理意见、金额和回访），每件一行，可用 Excel 或 WPS 打开。"
            "默认遮蔽电话和身份证号；导出的文件不再加密，请妥善保管。每次导出都记入审计日志。"
        )

    def submit(self) -> None:
        start, end = self.start.date().toPython(), self.end.date().toPython()
        suggestion = Path.home() / f"投诉台账-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        chosen, _ = QFileDialog.getSaveFileName(self, "导出台账", str(suggestion), "Excel 工作簿 (*.xlsx)")
        if chosen:
            self.export_to(Path(chosen))

    def export_to(self, path: Path) -> BackgroundOperation:
        start, end = self.start.date().toPython(), self.end.date().toPython()
        full = self.full.isChecked()
        self.operation = run_in_background(
            self,
            lambda progress: export.export_ledger(
                self.session, start, end, path, full_identifiers=full, progress=progress
            ),
            title="导出台账",
            label="正在导出……",
            cancellable=True,
            focus=self.focus_field,
            on_done=self._done,
        )
        return self.operation

    def _done(self, result: export.ExportResult) -> None:
        QMessageBox.information(self, "导出台账", "\n".join(result.lines()))
        self.accept()
