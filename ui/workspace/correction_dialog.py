"""更正登记信息: the registration as stored, every field editable, and the reason. Only the fields the
user changed are sent (app.cases.corrections.correct); the timeline then shows each before → after."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.cases.category_tree import CategoryLeaf
from app.cases.corrections import FIELD_LABELS, Registration
from app.departments import DepartmentInfo
from app.validation import CHANNELS, RELATIONS, SEVERITIES, TRANSFER_SOURCES
from ui.intake.category_picker import CategoryPicker
from ui.intake.date_field import OptionalDateEdit
from ui.intake.department_combo import DepartmentCombo
from ui.workspace.dialogs import ActionDialog, choice_combo
from ui.workspace.widgets import text_box

HIDDEN_IDENTIFIER = "已隐藏；如需更正请输入完整号码"
LIMITS = {"complainant_address": 200, "complainant_email": 254, "complainant_online_account": 100}
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("来源", ("channel", "transfer_source", "transfer_reference", "source_department", "received_at")),
    (
        "投诉人",
        (
            "complainant_name",
            "relation",
            "complainant_phone",
            "complainant_id_number",
            "complainant_address",
            "complainant_email",
            "complainant_online_account",
        ),
    ),
    ("患者", ("patient_name", "patient_record_no", "visit_department", "visit_date")),
    ("投诉内容", ("category", "severity", "content", "demands")),
)


class CorrectionDialog(ActionDialog):
    """`changes()` are the edited fields only; `reason()` the required 更正原因."""

    def __init__(
        self,
        current: Registration,
        leaves: Sequence[CategoryLeaf],
        departments: Sequence[DepartmentInfo],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("更正登记信息", "保存更正", parent)
        self.current = current
        self._leaves = list(leaves)
        self._departments = list(departments)
        self.editors: dict[str, QWidget] = {}
        page = QWidget()
        columns = QHBoxLayout(page)
        columns.setContentsMargins(0, 0, 8, 0)
        columns.setSpacing(14)
        left, right = QVBoxLayout(), QVBoxLayout()
        for title, keys in GROUPS:
            (right if title == "投诉内容" else left).addWidget(self._group(title, keys))
        left.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(page)
        self.body.insertWidget(0, area, 1)
        self.reason_edit = self.add_text("note", "更正原因", "如：夜间登记时未分类；电话号码记错一位", rows=2)
        self.reason_edit.setMaximumHeight(self.reason_edit.minimumHeight() + 8)
        self.finish_layout(
            "只保存改动过的项目；时间线逐项记录更正前后的内容，原登记记录保持不变。"
            + ("您看不到完整的电话和身份证号：留空表示不更正。" if current.identifiers_masked else "")
        )
        self.setMinimumWidth(900)
        self.resize(980, 700)

    # -- building ------------------------------------------------------------------------------------

    def _group(self, title: str, keys: Sequence[str]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(8)
        for key in keys:
            editor = self._editor(key, self.current.values[key])
            self.editors[key] = editor
            self.fields[key] = (
                editor.edit if isinstance(editor, CategoryPicker | OptionalDateEdit) else editor
            )
            form.addRow(FIELD_LABELS[key], editor)
        return box

    def _editor(self, key: str, value: Any) -> QWidget:
        if key in ("channel", "relation", "severity", "transfer_source"):
            choices = {"channel": CHANNELS, "relation": RELATIONS, "severity": SEVERITIES}.get(
                key, TRANSFER_SOURCES
            )
            return choice_combo(choices, value, placeholder=key == "transfer_source")
        if key == "received_at":
            edit = QDateTimeEdit(QDateTime(value.date(), value.time()))
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
            return edit
        if key in ("visit_department", "source_department"):
            combo = DepartmentCombo(self._departments)
            combo.set_code(value)
            return combo
        if key == "visit_date":
            dated = OptionalDateEdit(key, FIELD_LABELS[key])
            dated.set_value(value)
            return dated
        if key == "category":
            picker = CategoryPicker(self._leaves, {d.code: d.name for d in self._departments})
            picker.set_leaf(next((leaf for leaf in self._leaves if leaf.code == value), None))
            return picker
        if key in ("content", "demands"):
            return text_box("", 6 if key == "content" else 2, value)
        edit = QLineEdit(value)
        edit.setMaxLength(LIMITS.get(key, 64))
        if key in ("complainant_phone", "complainant_id_number") and self.current.identifiers_masked:
            edit.setPlaceholderText(HIDDEN_IDENTIFIER)
        return edit

    # -- values ----------------------------------------------------------------------------------------

    def _value(self, key: str) -> Any:
        editor = self.editors[key]
        if isinstance(editor, QDateTimeEdit):
            return editor.dateTime().toPython().replace(second=0, microsecond=0)
        if isinstance(editor, DepartmentCombo):
            return editor.code()
        if isinstance(editor, QComboBox):
            return str(editor.currentData() or "")
        if isinstance(editor, OptionalDateEdit):
            return editor.value()
        if isinstance(editor, CategoryPicker):
            return editor.code()
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        assert isinstance(editor, QLineEdit)
        return editor.text()

    def changes(self) -> dict[str, Any]:
        """Fields whose value differs from the stored one (ValidationError for an unreadable one)."""
        out: dict[str, Any] = {}
        for key in self.editors:
            value, stored = self._value(key), self.current.values[key]
            if key in ("complainant_phone", "complainant_id_number") and self.current.identifiers_masked:
                if str(value).strip():
                    out[key] = value
                continue
            if isinstance(stored, datetime):
                stored = stored.replace(second=0, microsecond=0)
            if isinstance(value, str):
                if value.strip() != str(stored or "").strip():
                    out[key] = value
            elif value != stored:
                out[key] = value
        return out

    def reason(self) -> str:
        return self.reason_edit.toPlainText()
