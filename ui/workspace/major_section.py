"""重大投诉事项: the checklist of a major case under 《医疗纠纷预防和处理条例》 — each item with its
legal basis, who ticked it and when; the report to the 卫生主管部门 with its deadline."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton, QRadioButton, QVBoxLayout, QWidget

from app.cases.major import ChecklistItem, ItemState, MajorChecklist
from app.policy import Decision
from ui.common import format_datetime
from ui.workspace.dialogs import ActionDialog
from ui.workspace.widgets import chip, heading, hint, scroll_page, set_tone

TONES = {"done": "green", "not_applicable": "state", "": "amber"}


class MajorSection(QWidget):
    """Emits `tick_requested(item_key)` from an item's 记录… button."""

    tick_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report_line = QLabel()
        self.report_line.setObjectName("noticeLabel")
        self.report_line.setWordWrap(True)
        self.status_chips: dict[str, QLabel] = {}
        self.detail_labels: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        from app.cases.major import ITEMS

        for row, item in enumerate(ITEMS):
            title = QLabel(item.label)
            title.setObjectName("fieldLabel")
            basis = hint(item.basis)
            status = chip("未完成", "amber")
            detail = hint("")
            button = QPushButton("记录…")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, k=item.key: self.tick_requested.emit(k))
            self.status_chips[item.key], self.detail_labels[item.key], self.buttons[item.key] = (
                status,
                detail,
                button,
            )
            text = QVBoxLayout()
            text.setSpacing(2)
            text.addWidget(title)
            text.addWidget(basis)
            text.addWidget(detail)
            grid.addLayout(text, row * 2, 0)
            grid.addWidget(status, row * 2, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(button, row * 2, 2, Qt.AlignmentFlag.AlignTop)
            grid.setRowMinimumHeight(row * 2 + 1, 10)
        grid.setColumnStretch(0, 1)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(18, 14, 18, 14)
        column.setSpacing(10)
        column.addWidget(heading("重大投诉事项（《医疗纠纷预防和处理条例》）"))
        column.addWidget(self.report_line)
        column.addLayout(grid)
        column.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll_page(page))

    def set_checklist(self, checklist: MajorChecklist, decision: Decision) -> None:
        self.checklist = checklist
        for state in checklist.items:
            key = state.item.key
            self.status_chips[key].setText(state.status_label)
            set_tone(self.status_chips[key], TONES[state.status])
            self.detail_labels[key].setText(_detail(state))
            self.detail_labels[key].setVisible(bool(state.status))
            button = self.buttons[key]
            button.setText("重新记录…" if state.status else "记录…")
            button.setEnabled(bool(decision))
            button.setToolTip("" if decision else decision.reason)
        self.report_line.setText(_report_text(checklist))
        self.report_line.setVisible(bool(self.report_line.text()))

    def state(self, key: str) -> ItemState:
        return next(s for s in self.checklist.items if s.item.key == key)


def _detail(state: ItemState) -> str:
    parts = [f"{state.by} {format_datetime(state.at)}"]
    if state.value and state.item.value_label:
        parts.append(f"{state.item.value_label} {state.value} 人")
    if state.note:
        parts.append(state.note)
    return "　".join(parts)


def _report_text(checklist: MajorChecklist) -> str:
    if checklist.report_due is None:
        return ""
    due = format_datetime(checklist.report_due)
    if checklist.report_status is None:
        return f"向卫生主管部门报告：已报告（时限 {due}）"
    return f"向卫生主管部门报告时限：{due} 前（{checklist.report_status.text}）"


class MajorTickDialog(ActionDialog):
    """Record one checklist item: done (with a value or note where it needs one) or not applicable."""

    def __init__(self, item: ChecklistItem, parent: QWidget | None = None) -> None:
        super().__init__(f"重大投诉事项：{item.label}", "记录", parent)
        self.item = item
        self.add_info("依据", item.basis)
        self.done_radio = QRadioButton(item.label)
        self.done_radio.setChecked(True)
        self.na_radio = QRadioButton(item.not_applicable)
        if item.not_applicable:
            self.form.addRow("情况", self.done_radio)
            self.form.addRow("", self.na_radio)
        self.value_edit = QLineEdit()
        self.value_edit.setMaximumWidth(120)
        if item.value_label:
            self.form.addRow(item.value_label, self.value_edit)
            self.fields["value"] = self.value_edit
        placeholder = "协议签署日期、编号或要点" if item.note_required else "可不填"
        self.note_edit = self.add_text("note", "说明", placeholder, rows=3)
        self.finish_layout()

    def status(self) -> str:
        return "not_applicable" if self.item.not_applicable and self.na_radio.isChecked() else "done"

    def value(self) -> str:
        return self.value_edit.text()

    def note(self) -> str:
        return self.note_edit.toPlainText()
