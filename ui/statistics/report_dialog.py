"""Drafting a report: the analysis drafted from the figures, editable; the format; 生成 saves the
file and stores the issued report with the edited text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app import files
from app.reports import service
from app.reports.build import ReportInput
from app.session import Session
from ui.operations import Change, Kind, run, run_in_background

FILTERS = {"pdf": "PDF 文件 (*.pdf)", "docx": "Word 文档 (*.docx)", "xlsx": "Excel 工作簿 (*.xlsx)"}


class ReportDialog(QDialog):
    def __init__(self, session: Session, source: ReportInput, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.source = session, source
        self.setWindowTitle(source.figures.period.report_title)
        self.resize(820, 640)
        intro = QLabel(
            f"以下分析由系统根据{source.figures.period.label}的统计数字按固定模板起草，可直接修改；"
            "生成时按修改后的文字出具，并连同文件及其 SHA-256 一起留存。"
        )
        intro.setWordWrap(True)
        self.editor = QPlainTextEdit(source.draft)
        self.editor.setObjectName("analysisEditor")
        self.formats = QButtonGroup(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("格式："))
        for fmt, label in service.FORMATS.items():
            button = QRadioButton(label)
            button.setProperty("format", fmt)
            button.setChecked(fmt == "pdf")
            self.formats.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        buttons = QDialogButtonBox()
        self.issue_button = buttons.addButton("生成并保存…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button = buttons.addButton("恢复系统起草稿", QDialogButtonBox.ButtonRole.ResetRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.issue_button.clicked.connect(self.issue)
        self.restore_button.clicked.connect(lambda: self.editor.setPlainText(source.draft))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.editor, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.saved: Path | None = None

    @property
    def fmt(self) -> str:
        return self.formats.checkedButton().property("format")

    def issue(self, target: Path | None = None) -> None:
        """Ask where to save (unless given), then render and store in the background."""
        fmt, text = self.fmt, self.editor.toPlainText()
        if target is None:
            suggested = f"{self.source.figures.period.report_title}{service.SUFFIX[fmt]}"
            chosen, _ = QFileDialog.getSaveFileName(self, "保存报告", suggested, FILTERS[fmt])
            if not chosen:
                return
            target = Path(chosen)
        if not run(self, lambda: files.check_writable(target)):
            return

        def done(issued: service.Issued) -> None:
            if run(self, lambda: files.write_private(target, issued.data)):
                self.saved = target
                self.accept()

        run_in_background(
            self,
            lambda progress: service.issue(self.session, self.source, text, fmt),
            title="生成报告",
            label="正在生成报告……",
            changed=Change(Kind.DOCUMENTS),
            on_done=done,
            focus=lambda field: self.editor.setFocus(),
        )
