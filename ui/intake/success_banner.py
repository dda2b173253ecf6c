"""登记成功 banner: the case number and query code in large type, easy to read out to a caller."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.cases.intake import Registered
from ui.intake.form_parts import format_day


def _label(name: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


class SuccessBanner(QFrame):
    """Shown after a save until the next one or 关闭; `open_requested(case_id)` asks to open the case."""

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("successBanner")
        self._result: Registered | None = None
        self.title = _label("successTitle", "登记成功")
        self.case_no = _label("successValue")
        self.query_code = _label("successValue")
        self.query_code.setToolTip("投诉人凭案件编号和查询码查询办理进度")
        self.details = _label("successDetail")
        self.details.setWordWrap(True)
        self.warnings = _label("successWarning")
        self.warnings.setWordWrap(True)
        for label in (self.case_no, self.query_code):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        values = QGridLayout()
        values.setHorizontalSpacing(14)
        values.setVerticalSpacing(0)
        values.addWidget(_label("successCaption", "案件编号"), 0, 0)
        values.addWidget(_label("successCaption", "查询码"), 0, 1)
        values.addWidget(self.case_no, 1, 0)
        values.addWidget(self.query_code, 1, 1)
        values.setColumnMinimumWidth(0, 300)

        self.open_button = QPushButton("打开案件")
        self.open_button.clicked.connect(self._open)
        self.copy_button = QPushButton("复制编号和查询码")
        self.copy_button.clicked.connect(self.copy)
        self.close_button = QPushButton("关闭")
        self.close_button.clicked.connect(self.hide)
        buttons = QVBoxLayout()
        buttons.setSpacing(6)
        for button in (self.open_button, self.copy_button, self.close_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)

        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.title)
        text.addLayout(values)
        text.addWidget(self.details)
        text.addWidget(self.warnings)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(20, 12, 16, 12)
        layout.setSpacing(16)
        layout.addLayout(text, 1)
        layout.addLayout(buttons)
        self.hide()

    def show_result(
        self, result: Registered, notes: Sequence[str] = (), warnings: Sequence[str] = ()
    ) -> None:
        """Show a registration; `notes` add to the details line, `warnings` (in red) say what failed."""
        self._result = result
        self.case_no.setText(result.case_no)
        self.query_code.setText(result.query_code)
        details = [f"受理期限 {format_day(result.accept_due)}"]
        if result.night_intake:
            details.append("总值班夜间登记，办公室将于下一个工作日上午接手")
        self.details.setText("　·　".join([*details, *notes]))
        self.warnings.setText("\n".join(warnings))
        self.warnings.setVisible(bool(warnings))
        self.copy_button.setText("复制编号和查询码")
        self.show()

    def result(self) -> Registered | None:
        return self._result if self.isVisible() else None

    def copy(self) -> None:
        if self._result is not None:
            QGuiApplication.clipboard().setText(
                f"案件编号 {self._result.case_no}  查询码 {self._result.query_code}"
            )
            self.copy_button.setText("已复制")

    def _open(self) -> None:
        if self._result is not None:
            self.open_requested.emit(self._result.case_id)
