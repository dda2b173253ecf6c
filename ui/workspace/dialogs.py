"""The small dialogs behind the workspace's action buttons (one per kind of input).

Every dialog is an `ActionDialog`: the workspace sets `perform` (the service call, reading the
dialog's values) and `on_reload`. A refusal keeps the dialog open with what the user typed; a stale
save offers 重新载入 and still keeps it. Enter never submits (Ctrl+Enter does), and 取消/Esc ask
before throwing away typed text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from app import clock
from app.cases.follow_up import FOLLOWUP_OUTCOMES
from app.cases.states import FOLLOWUP_METHODS, REPLY_METHODS
from app.cases.views import AssignmentView, ExtensionView, ExternalRouteView
from app.dictionaries import ExternalRoute, RejectionReason
from app.validation import SATISFACTIONS
from ui.common import confirm, make_primary
from ui.form_dialog import FormDialog
from ui.workspace.models import ROUTE_STATUSES
from ui.workspace.pickers import CheckPicker
from ui.workspace.widgets import format_size, text_box, value_label

PLEASE_CHOOSE = "请选择…"


def choice_combo(choices: Mapping[str, str], current: str = "", placeholder: bool = True) -> QComboBox:
    """A combo box of (id → label); with `placeholder` the first entry is an empty 请选择…."""
    combo = QComboBox()
    if placeholder:
        combo.addItem(PLEASE_CHOOSE, "")
    for key, label in choices.items():
        combo.addItem(label, key)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    return combo


class RadioChoice(QWidget):
    """A row of radio buttons over (id → label)."""

    def __init__(self, choices: Mapping[str, str], current: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        self.buttons: dict[str, QRadioButton] = {}
        for key, label in choices.items():
            button = QRadioButton(label)
            button.setProperty("choice", key)
            self.group.addButton(button)
            self.buttons[key] = button
            layout.addWidget(button)
        layout.addStretch(1)
        if current in self.buttons:
            self.buttons[current].setChecked(True)

    def value(self) -> str:
        button = self.group.checkedButton()
        return button.property("choice") if button is not None else ""

    def set_value(self, key: str) -> None:
        self.buttons[key].setChecked(True)


class ActionDialog(FormDialog):
    """Base of the workspace dialogs: guarded submit, conflict reload, no accidental Enter/Esc."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(title, ok_text, parent)
        self.perform: Callable[[], object] = lambda: None
        self._initial: tuple[str, ...] = ()
        self.buttons.rejected.disconnect(self.reject)
        self.buttons.rejected.connect(self.cancel)
        for button in self.buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)
        make_primary(self.ok_button)
        self.ok_button.setToolTip("Ctrl+Enter")
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.submit)

    def finish_layout(self, note: str = "") -> None:
        super().finish_layout(note)
        self._initial = self._texts()

    def _texts(self) -> tuple[str, ...]:
        edits = [w.text() for w in self.findChildren(QLineEdit) if not w.isReadOnly()]
        edits += [w.toPlainText() for w in self.findChildren(QPlainTextEdit) if not w.isReadOnly()]
        return tuple(edits)

    def has_typed_text(self) -> bool:
        return self._texts() != self._initial

    def save(self) -> None:
        self.perform()

    def cancel(self) -> None:
        """取消 or Esc: ask first when the user has typed something."""
        if self.has_typed_text() and not confirm(
            self, "放弃填写", "已填写的内容尚未保存，确定放弃吗？", "放弃"
        ):
            return
        self.reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Esc asks before discarding; Enter only presses a focused button, never the default one."""
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            if isinstance(focused, QPushButton):
                focused.click()
            return
        super().keyPressEvent(event)

    def add_text(self, key: str, label: str, placeholder: str = "", rows: int = 4) -> QPlainTextEdit:
        edit = text_box(placeholder, rows)
        self.form.addRow(label, edit)
        self.fields[key] = edit
        return edit

    def add_info(self, label: str, text: str) -> QLabel:
        value = value_label(text)
        self.form.addRow(label, value)
        return value


class TextDialog(ActionDialog):
    """One multi-line text: 备注, 审批意见, 暂停原因, 上报说明, 当场解决的处理情况 …"""

    def __init__(
        self,
        title: str,
        label: str,
        ok_text: str,
        *,
        placeholder: str = "",
        note: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, ok_text, parent)
        self.text_edit = self.add_text("note", label, placeholder, rows=5)
        self.finish_layout(note)

    def text(self) -> str:
        return self.text_edit.toPlainText()


class RejectDialog(ActionDialog):
    def __init__(self, reasons: Sequence[RejectionReason], parent: QWidget | None = None) -> None:
        super().__init__("不予受理", "不予受理", parent)
        self.reason_combo = choice_combo({r.code: r.text for r in reasons})
        self.reason_combo.setMinimumWidth(360)
        self.form.addRow("不予受理理由", self.reason_combo)
        self.fields["reject_reason"] = self.reason_combo
        self.note_edit = self.add_text("note", "说明", "可写明已告知投诉人的其他途径", rows=4)
        self.finish_layout("提交后请在“文书”中打印不予受理告知书交投诉人。")

    def reason_code(self) -> str:
        return self.reason_combo.currentData() or ""

    def note(self) -> str:
        return self.note_edit.toPlainText()


class AssignDialog(ActionDialog):
    """转办: departments (several allowed) and the questions they must answer."""

    def __init__(self, departments: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__("转办科室", "转办", parent)
        self.picker = CheckPicker(departments, "输入科室名称或拼音首字母筛选")
        self.form.addRow("责任科室", self.picker)
        self.fields["departments"] = self.picker.filter_edit
        self.questions_edit = self.add_text("questions", "需科室答复的问题", "每行一个问题", rows=4)
        self.finish_layout("多个科室参与时，答复期限按多科室规则计算。转办后可在“文书”中打印转办单。")
        self.setMinimumWidth(540)

    def codes(self) -> list[str]:
        return self.picker.checked_keys()

    def questions(self) -> str:
        return self.questions_edit.toPlainText()


class AssignmentDialog(ActionDialog):
    """Base for the per-department dialogs: shows which department and what it was asked."""

    def __init__(self, title: str, ok_text: str, assignment: AssignmentView, parent: QWidget | None) -> None:
        super().__init__(title, ok_text, parent)
        self.assignment = assignment
        self.add_info("科室", assignment.department)
        if assignment.questions:
            self.add_info("需答复的问题", assignment.questions)


class AcknowledgeDialog(AssignmentDialog):
    def __init__(self, assignment: AssignmentView, parent: QWidget | None = None) -> None:
        super().__init__("登记签收", "登记签收", assignment, parent)
        self.by_edit = self.line_edit("acknowledged_by", "签收人", max_length=40)
        self.by_edit.setPlaceholderText("科室签收人姓名（可不填）")
        self.finish_layout()

    def by_name(self) -> str:
        return self.by_edit.text()


class RespondDialog(AssignmentDialog):
    def __init__(self, assignment: AssignmentView, parent: QWidget | None = None) -> None:
        super().__init__("登记科室反馈", "登记反馈", assignment, parent)
        self.response_edit = self.add_text("response", "反馈意见", "科室的调查核实情况和处理意见", rows=7)
        self.responder_edit = self.line_edit("responder", "反馈人", max_length=40)
        self.responder_edit.setPlaceholderText("如：科室主任 张某")
        self.finish_layout("全部科室反馈后，案件自动进入“拟定答复”。")
        self.setMinimumWidth(540)

    def response(self) -> str:
        return self.response_edit.toPlainText()

    def responder(self) -> str:
        return self.responder_edit.text()


class ReturnDialog(AssignmentDialog):
    """退回 (wrong department), optionally re-routing to other departments at once."""

    def __init__(
        self,
        assignment: AssignmentView,
        departments: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("退回改派", "退回", assignment, parent)
        self.reason_edit = self.add_text("return_reason", "退回原因", "如：不属于本科室职责", rows=3)
        self.picker = CheckPicker(departments, "改派至（可不选，稍后再转办）")
        self.form.addRow("改派科室", self.picker)
        self.fields["departments"] = self.picker.filter_edit
        self.finish_layout("同一案件退回改派超过 3 次会提请主任关注。")
        self.setMinimumWidth(540)

    def reason(self) -> str:
        return self.reason_edit.toPlainText()

    def codes(self) -> list[str]:
        return self.picker.checked_keys()


class ReplyDialog(ActionDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("登记答复", "登记答复", parent)
        self.method_combo = choice_combo(REPLY_METHODS)
        self.form.addRow("答复方式", self.method_combo)
        self.fields["reply_method"] = self.method_combo
        self.when_edit = QDateTimeEdit(QDateTime(clock.now().replace(second=0, microsecond=0)))
        self.when_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when_edit.setCalendarPopup(True)
        self.form.addRow("答复时间", self.when_edit)
        self.fields["replied_at"] = self.when_edit
        self.letter_box = QCheckBox("已送达处理结果告知书")
        self.form.addRow("", self.letter_box)
        self.note_edit = self.add_text("note", "备注", "答复要点、投诉人的意见", rows=4)
        self.finish_layout("书面答复或送达处理结果告知书，须先在“文书”中打印或另存该告知书（预览不算出具）。")

    def method(self) -> str:
        return self.method_combo.currentData() or ""

    def letter_delivered(self) -> bool:
        return self.letter_box.isChecked()

    def replied_at(self) -> datetime:
        return self.when_edit.dateTime().toPython()

    def note(self) -> str:
        return self.note_edit.toPlainText()


class FollowUpDialog(ActionDialog):
    """回访: 不满意 allows 重新处理 or an external dispute route."""

    def __init__(self, routes: Sequence[ExternalRoute], parent: QWidget | None = None) -> None:
        super().__init__("登记回访", "登记回访", parent)
        self.method_combo = choice_combo(FOLLOWUP_METHODS)
        self.form.addRow("回访方式", self.method_combo)
        self.fields["followup_method"] = self.method_combo
        self.satisfaction = RadioChoice(SATISFACTIONS)
        self.form.addRow("满意度", self.satisfaction)
        self.remarks_edit = self.add_text("note", "回访情况", "投诉人的反馈", rows=4)
        self.outcome = RadioChoice(FOLLOWUP_OUTCOMES, "sign_off")
        self.form.addRow("回访结论", self.outcome)
        self.route_combo = choice_combo({r.id: r.name for r in routes})
        self.form.addRow("外部途径", self.route_combo)
        self.fields["external_route"] = self.route_combo
        self.satisfaction.group.buttonToggled.connect(self._satisfaction_changed)
        self.outcome.group.buttonToggled.connect(self._update)
        self._update()
        self.finish_layout("投诉人不满意时，可重新处理（计入再处理次数），或记录其选择的外部途径。")

    def _satisfaction_changed(self, _button: object, checked: bool) -> None:
        """The conclusion follows the satisfaction: 不满意 moves it to 重新处理 (the user may still
        choose 报请销项 or an external route), any other answer back to 报请销项."""
        if not checked:
            return
        unhappy = self.satisfaction.value() == "dissatisfied"
        if unhappy and self.outcome.value() == "sign_off":
            self.outcome.set_value("reopen")
        elif not unhappy:
            self.outcome.set_value("sign_off")
        self._update()

    def _update(self, *_args: object) -> None:
        unhappy = self.satisfaction.value() == "dissatisfied"
        for key in ("reopen", "external"):
            self.outcome.buttons[key].setEnabled(unhappy)
        self.route_combo.setEnabled(self.outcome.value() == "external")

    def values(self) -> dict[str, str]:
        return {
            "method": self.method_combo.currentData() or "",
            "satisfaction": self.satisfaction.value(),
            "remarks": self.remarks_edit.toPlainText(),
            "outcome": self.outcome.value(),
            "external_route": (self.route_combo.currentData() or "") if self.route_combo.isEnabled() else "",
        }


class ExternalRouteDialog(ActionDialog):
    def __init__(self, routes: Sequence[ExternalRouteView], parent: QWidget | None = None) -> None:
        super().__init__("更新外部途径", "保存", parent)
        self.routes = list(routes)
        self.route_combo = QComboBox()
        for route in self.routes:
            self.route_combo.addItem(f"{route.name}（{route.started_at:%Y-%m-%d} 起）", route.id)
        self.form.addRow("外部途径", self.route_combo)
        self.fields["route"] = self.route_combo
        self.status = RadioChoice(ROUTE_STATUSES, "ongoing")
        self.form.addRow("状态", self.status)
        self.outcome_edit = self.add_text(
            "note", "进展或结果", "如：人民调解委员会已受理；调解达成协议", rows=4
        )
        self.route_combo.currentIndexChanged.connect(self._load)
        self._load()
        self.finish_layout("结束时请写明结果。已销项的案件也可更新，记入时间线。")

    def _load(self) -> None:
        route = self.routes[self.route_combo.currentIndex()] if self.routes else None
        if route is not None:
            self.status.set_value(route.status if route.status in ROUTE_STATUSES else "ongoing")
            self.outcome_edit.setPlainText(route.outcome)

    def route_id(self) -> int:
        return int(self.route_combo.currentData())

    def values(self) -> tuple[str, str]:
        return self.status.value(), self.outcome_edit.toPlainText()


class ExtensionRequestDialog(ActionDialog):
    def __init__(self, reply_due: str, parent: QWidget | None = None) -> None:
        super().__init__("申请延期", "提交申请", parent)
        if reply_due:
            self.add_info("当前答复期限", reply_due)
        self.days = QSpinBox()
        self.days.setRange(1, 30)
        self.days.setValue(5)
        self.days.setSuffix(" 个工作日")
        self.form.addRow("延期", self.days)
        self.fields["workdays"] = self.days
        self.reason_edit = self.add_text("note", "延期理由", "如：需等待医学鉴定结论", rows=4)
        self.finish_layout("延期申请由主任审批，批准后答复期限顺延。")

    def workdays(self) -> int:
        return self.days.value()

    def reason(self) -> str:
        return self.reason_edit.toPlainText()


class ExtensionDecisionDialog(ActionDialog):
    DECISIONS = {"approve": "同意延期", "refuse": "不同意"}

    def __init__(self, extension: ExtensionView, parent: QWidget | None = None) -> None:
        super().__init__("审批延期", "确定", parent)
        self.extension = extension
        self.add_info("申请人", f"{extension.requested_by}　{extension.requested_at:%Y-%m-%d %H:%M}")
        self.add_info("申请延期", f"{extension.workdays} 个工作日")
        self.add_info("理由", extension.reason or "（未填写）")
        self.decision = RadioChoice(self.DECISIONS, "approve")
        self.form.addRow("审批", self.decision)
        self.note_edit = self.add_text("note", "审批意见", "不同意时必须填写", rows=3)
        self.finish_layout()

    def approve(self) -> bool:
        return self.decision.value() == "approve"

    def note(self) -> str:
        return self.note_edit.toPlainText()


class RestrictDialog(ActionDialog):
    """保密: visible only to managers and the ticked officers."""

    def __init__(
        self,
        officers: Sequence[tuple[str, str]],
        named: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("保密设置", "保存", parent)
        self.restricted_box = QCheckBox("设为保密案件")
        self.restricted_box.setChecked(True)  # opened to restrict, or to change who may see it
        self.form.addRow("", self.restricted_box)
        checked = [username for username, name in officers if name in set(named)]
        self.picker = CheckPicker(officers, "输入姓名或拼音首字母筛选", checked)
        self.form.addRow("可查看的专员", self.picker)
        self.fields["named_users"] = self.picker.filter_edit
        self.restricted_box.toggled.connect(self.picker.setEnabled)
        self.picker.setEnabled(self.restricted_box.isChecked())
        self.finish_layout(
            "保密案件只有主任、分管院领导和勾选的专员能查看；其他人只看到“受限案件”。承办专员始终可以查看。"
        )
        self.setMinimumWidth(500)

    def restricted(self) -> bool:
        return self.restricted_box.isChecked()

    def usernames(self) -> list[str]:
        return self.picker.checked_keys() if self.restricted() else []


class CaseNumberDialog(ActionDialog):
    """合并重复投诉 / 关联案件: the other case by its number."""

    def __init__(
        self,
        title: str,
        ok_text: str,
        note: str,
        parent: QWidget | None = None,
        *,
        repeat_choice: bool = False,
    ) -> None:
        super().__init__(title, ok_text, parent)
        self.number_edit = self.line_edit("merge", "目标案件编号", max_length=32)
        self.number_edit.setPlaceholderText("例如 YH-2026-000123")
        self.repeat_box = QCheckBox("本案是该案件的重复投诉（同一投诉人就同一事项再次投诉）")
        self.repeat_box.setToolTip("两案件时间线都会记录；案件标题显示第几次投诉，统计计入重复投诉")
        if repeat_choice:
            self.form.addRow("", self.repeat_box)
        else:
            self.repeat_box.hide()
        self.note_edit = self.add_text("note", "说明", rows=3)
        self.finish_layout(note)

    def is_repeat(self) -> bool:
        return self.repeat_box.isChecked()

    def case_no(self) -> str:
        return self.number_edit.text()

    def note(self) -> str:
        return self.note_edit.toPlainText()


class AttachmentDialog(ActionDialog):
    def __init__(self, path: Path, size: int, parent: QWidget | None = None) -> None:
        super().__init__("添加附件", "添加", parent)
        self.path = path
        self.add_info("文件", path.name)
        self.add_info("大小", format_size(size))
        self.note_edit = self.add_text("note", "附件说明", "如：门诊病历复印件、现场照片", rows=3)
        self.finish_layout("附件保存在加密数据库中，不会另存到本机其他位置。")

    def note(self) -> str:
        return self.note_edit.toPlainText()
