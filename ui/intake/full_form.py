"""The full intake form (登记): 来源, 投诉人, 患者 and 投诉内容, with the duplicate panel and 附件.

Which fields show and which are required follows the channel (app.validation): 转办单位/编号 only for
上级转办, 转来科室 only for 院内转来, 邮箱 and 网络账号 for the channels that use them. A field that
holds text never hides, so switching channel loses nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QBoxLayout,
    QComboBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.cases.category_tree import CategoryLeaf
from app.cases.documents import unprintable
from app.cases.intake import CONTENT_MAX, IntakeForm
from app.departments import DepartmentInfo
from app.policy import Decision
from app.validation import (
    CHANNELS,
    RELATIONS,
    TRANSFER_SOURCES,
    required_fields_for_channel,
    validate_id_number,
    validate_phone,
)
from ui.intake.attachments_panel import AttachmentsPanel
from ui.intake.category_picker import CategoryPicker
from ui.intake.date_field import OptionalDateEdit
from ui.intake.department_combo import DepartmentCombo
from ui.intake.duplicate_panel import DuplicatePanel
from ui.intake.form_parts import (
    FieldRegistry,
    FormSection,
    check_inline,
    counted_text,
    severity_choice,
    warn_unprintable,
)
from ui.intake.issues_editor import ExtraIssues
from ui.intake.received_time import ReceivedTime
from ui.intake.segmented import SegmentedChoice

DUPLICATE_DELAY_MS = 400
# Optional fields shown only for the channels that use them (required ones always show).
SHOWN_FOR: Mapping[str, frozenset[str]] = {
    "transfer_source": frozenset({"transfer"}),
    "transfer_reference": frozenset({"transfer"}),
    "source_department": frozenset({"internal"}),
    "complainant_email": frozenset({"email", "online", "other"}),
    "complainant_online_account": frozenset({"online", "other"}),
}
CONTACT_NOTE = "网络及其他渠道：电话、邮箱、地址或网络账号至少填写一项。"


def _line(placeholder: str = "", max_length: int = 40) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(max_length)
    return edit


class FullIntakeForm(QWidget):
    """Signals: `identifiers_changed(phone, id_number, record_no)` 400 ms after typing stops in one
    of them (the page looks for earlier cases) and `channel_changed(channel)`."""

    identifiers_changed = Signal(str, str, str)
    channel_changed = Signal(str)

    def __init__(
        self,
        departments: Sequence[DepartmentInfo],
        leaves: Sequence[CategoryLeaf],
        merge_allowed: Decision,
        attachment_max_mb: int,
        channel: str = "visit",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.fields = FieldRegistry()
        self._department_names = {d.code: d.name for d in departments}
        self._building = True

        self.source = self._source_section(departments)
        self.complainant = self._complainant_section()
        self.patient = self._patient_section(departments)
        self.content = self._content_section(leaves)
        self.duplicates = DuplicatePanel(merge_allowed)
        self.attachments = AttachmentsPanel(attachment_max_mb)

        left = QVBoxLayout()
        left.setSpacing(8)
        for widget in (self.source, self.complainant, self.patient, self.duplicates, self.attachments):
            left.addWidget(widget)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.content, 1)  # the narrative takes whatever height the left column leaves
        self._left = left
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.columns.setContentsMargins(0, 0, 0, 0)
        self.columns.setSpacing(14)
        self.columns.addLayout(left, 1)
        self.columns.addLayout(right, 1)

        self._duplicate_timer = QTimer(self)
        self._duplicate_timer.setSingleShot(True)
        self._duplicate_timer.setInterval(DUPLICATE_DELAY_MS)
        self._duplicate_timer.timeout.connect(self._emit_identifiers)
        for edit in (self.phone, self.id_number, self.record_no):
            edit.textChanged.connect(lambda _text: self._duplicate_timer.start())

        for edit in self.findChildren(QLineEdit):
            if not isinstance(edit.parent(), QAbstractSpinBox):
                edit.returnPressed.connect(self.focusNextChild)  # Enter moves on; it never submits
        self._set_tab_order()
        self._building = False
        self.channel.set_value(channel)
        self._apply_channel(self.channel.value())

    # -- sections --------------------------------------------------------------------------------

    def _source_section(self, departments: Sequence[DepartmentInfo]) -> FormSection:
        section = FormSection("来源", self.fields)
        self.channel = SegmentedChoice(CHANNELS, "visit")
        self.channel.changed.connect(self._apply_channel)
        section.add_field("channel", "投诉渠道", self.channel, row=0, span=True, required=True)
        self.received_time = ReceivedTime()
        self.received = self.received_time.edit
        holder = self.received_holder = self.received_time
        section.add_field("received_at", "接待时间", holder, row=1)
        self.transfer_source = QComboBox()
        self.transfer_source.addItem("请选择转办单位", "")
        for key, label in TRANSFER_SOURCES.items():
            self.transfer_source.addItem(label, key)
        section.add_field("transfer_source", "转办单位", self.transfer_source, row=2)
        self.transfer_reference = _line("转办单上的编号", 64)
        section.add_field("transfer_reference", "转办编号", self.transfer_reference, row=2, column=1)
        self.source_department = DepartmentCombo(departments)
        section.add_field("source_department", "转来科室", self.source_department, row=3)
        return section

    def _complainant_section(self) -> FormSection:
        section = FormSection("投诉人", self.fields)
        self.complainant_name = _line("姓名", 40)
        name_cell = section.add_field("complainant_name", "姓名", self.complainant_name, row=0)
        warn_unprintable(name_cell, unprintable)
        self.relation = QComboBox()
        for key, label in RELATIONS.items():
            self.relation.addItem(label, key)
        section.add_field("relation", "与患者关系", self.relation, row=0, column=1)
        self.phone = _line("手机或固定电话", 40)
        phone_cell = section.add_field("complainant_phone", "联系电话", self.phone, row=1)
        check_inline(phone_cell, validate_phone, live_from=11)
        self.id_number = _line("18 位身份证号码，可不填", 40)
        id_cell = section.add_field("complainant_id_number", "身份证号", self.id_number, row=1, column=1)
        check_inline(id_cell, validate_id_number, live_from=18)
        self.address = _line("回复信件的邮寄地址", 200)
        section.add_field("complainant_address", "联系地址", self.address, row=2, span=True)
        self.email = _line("name@example.com", 254)
        section.add_field("complainant_email", "电子邮箱", self.email, row=3)
        self.online_account = _line("平台及账号，如 微信 zhang_gl", 100)
        section.add_field("complainant_online_account", "网络账号", self.online_account, row=3, column=1)
        self.contact_note = QLabel(CONTACT_NOTE)
        self.contact_note.setObjectName("hint")
        self.contact_note.setWordWrap(True)
        section.grid.addWidget(self.contact_note, 4, 1, 1, 3)
        return section

    def _patient_section(self, departments: Sequence[DepartmentInfo]) -> FormSection:
        section = FormSection("患者", self.fields)
        self.patient_name = _line("本人投诉可不填", 40)
        name_cell = section.add_field("patient_name", "患者姓名", self.patient_name, row=0)
        warn_unprintable(name_cell, unprintable)
        self.record_no = _line("门诊号或住院号", 32)
        section.add_field("patient_record_no", "门诊/住院号", self.record_no, row=0, column=1)
        self.visit_department = DepartmentCombo(departments)
        section.add_field("visit_department", "就诊科室", self.visit_department, row=1)
        self.visit_date = OptionalDateEdit("visit_date", "就诊日期")
        section.add_field("visit_date", "就诊日期", self.visit_date, row=1, column=1)
        return section

    def _content_section(self, leaves: Sequence[CategoryLeaf]) -> FormSection:
        section = FormSection("投诉内容", self.fields)
        self.category = CategoryPicker(leaves, self._department_names)
        self.category.chosen.connect(self._category_chosen)
        self.category.left_unmatched.connect(
            lambda text: self.fields.cells["category"].hint.show_error(
                f"投诉类别：没有与“{text}”相符的类别，请从列表中选择到最末一级（可输入名称或拼音首字母）"
            )
        )
        section.add_field("category", "投诉类别", self.category, row=0, span=True)
        self.extra_issues = ExtraIssues(leaves, self._department_names)
        self.extra_issues.changed.connect(self._set_tab_order)
        section.add_field("issues", "投诉事项", self.extra_issues, row=1, span=True)
        self.severity = severity_choice(lambda: self.fields.cells["severity"].hint)
        section.add_field("severity", "严重程度", self.severity, row=2, span=True)
        self.narrative, counter = counted_text(CONTENT_MAX, "经过：时间、地点、涉及的人员，发生了什么", 150)
        section.add_field("content", "投诉内容", self.narrative, counter, row=3, span=True, required=True)
        self.demands, demands_counter = counted_text(2000, "投诉人希望医院怎样处理，如道歉、解释、退费", 64)
        self.demands.setMaximumHeight(90)
        section.add_field("demands", "诉求", self.demands, demands_counter, row=4, span=True)
        section.grid.setRowStretch(3, 1)
        return section

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [
            self.channel,
            self.received_holder,
            self.transfer_source,
            self.transfer_reference,
            self.source_department,
            self.complainant_name,
            self.relation,
            self.phone,
            self.id_number,
            self.address,
            self.email,
            self.online_account,
            self.patient_name,
            self.record_no,
            self.visit_department,
            self.visit_date,
            self.category,
            *self.extra_issues.focus_widgets(),
            self.severity,
            self.narrative,
            self.demands,
            self.duplicates.view,
            self.duplicates.link_button,
            self.duplicates.repeat_button,
            self.duplicates.merge_button,
            self.duplicates.open_button,
            self.attachments.add_button,
            self.attachments.view,
            self.attachments.remove_button,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # -- behaviour -------------------------------------------------------------------------------

    def _apply_channel(self, channel: str) -> None:
        """Mark the channel's required fields and show only the groups it uses."""
        if self._building:
            return
        required = required_fields_for_channel(channel)
        for key in self.fields.cells:
            if key not in ("channel", "severity"):
                self.fields.set_required(key, key in required)
        for key, channels in SHOWN_FOR.items():
            section = (
                self.source
                if key in ("transfer_source", "transfer_reference", "source_department")
                else self.complainant
            )
            section.set_field_visible(key, channel in channels or key in required or self._has_text(key))
        self.contact_note.setVisible("contact" in required)
        self.fields.clear_errors()
        self.channel_changed.emit(channel)

    def _has_text(self, key: str) -> bool:
        editor = self.fields.cells[key].editor
        if isinstance(editor, QComboBox):
            return editor.currentIndex() > 0 or (editor.isEditable() and bool(editor.currentText().strip()))
        return isinstance(editor, QLineEdit) and bool(editor.text().strip())

    def _category_chosen(self, leaf: CategoryLeaf | None) -> None:
        hint = self.fields.cells["category"].hint
        if leaf is None:
            hint.clear()
            return
        department = self._department_names.get(leaf.default_department_code, "")
        hint.show_info(f"默认责任科室：{department}（受理时可改派）" if department else "")

    def _emit_identifiers(self) -> None:
        self.identifiers_changed.emit(self.phone.text(), self.id_number.text(), self.record_no.text())

    def fit_width(self, width: int) -> bool:
        """Side by side when `width` holds both columns, else 投诉内容 below the rest (1024 px): the
        form then scrolls down instead of being cut at the right. True when the layout changed."""
        both = self._left.minimumSize().width() + self.content.minimumSizeHint().width()
        side_by_side = width >= both + self.columns.spacing()
        direction = QBoxLayout.Direction.LeftToRight if side_by_side else QBoxLayout.Direction.TopToBottom
        if self.columns.direction() == direction:
            return False
        self.columns.setDirection(direction)
        self.columns.activate()
        return True

    def reset_received(self) -> None:
        self.received_time.reset()

    # -- values ----------------------------------------------------------------------------------

    def to_form(self) -> IntakeForm:
        """The IntakeForm as typed; ValidationError for a date or category the form cannot read."""
        received = self.received_time.value()
        relation = str(self.relation.currentData())
        patient_name = self.patient_name.text()
        if relation == "self" and not patient_name.strip():
            patient_name = self.complainant_name.text()
        return IntakeForm(
            channel=self.channel.value(),
            content=self.narrative.toPlainText(),
            received_at=received,
            complainant_name=self.complainant_name.text(),
            relation=relation,
            complainant_phone=self.phone.text(),
            complainant_id_number=self.id_number.text(),
            complainant_address=self.address.text(),
            complainant_email=self.email.text(),
            complainant_online_account=self.online_account.text(),
            transfer_source=str(self.transfer_source.currentData() or ""),
            transfer_reference=self.transfer_reference.text(),
            source_department=self.source_department.code(),
            patient_name=patient_name,
            patient_record_no=self.record_no.text(),
            visit_department=self.visit_department.code(),
            visit_date=self.visit_date.value(),
            category=self.category.code(),
            issues=self.extra_issues.issues(self.category.code()),
            severity=self.severity.value(),
            demands=self.demands.toPlainText(),
            link_to=self.duplicates.linked_ids(),
            repeat_of=self.duplicates.repeat_ids(),
        )

    def _line_edits(self) -> list[QLineEdit]:
        return [
            self.transfer_reference,
            self.complainant_name,
            self.phone,
            self.id_number,
            self.address,
            self.email,
            self.online_account,
            self.patient_name,
            self.record_no,
            self.visit_date.edit,
            self.category.edit,
            *self.extra_issues.line_edits(),
        ]

    def is_blank(self) -> bool:
        """Nothing typed, chosen or attached (the channel, time and defaults do not count)."""
        return (
            not any(edit.text().strip() for edit in self._line_edits())
            and not any(box.toPlainText().strip() for box in (self.narrative, self.demands))
            and not any(d.currentText().strip() for d in (self.source_department, self.visit_department))
            and self.transfer_source.currentIndex() == 0
            and not self.attachments.attachments()
        )

    def reset(self) -> None:
        """Empty every field for the next complainant; the channel stays."""
        for edit in self._line_edits():
            edit.clear()
        for box in (self.narrative, self.demands):
            box.clear()
        for combo in (self.transfer_source, self.relation):
            combo.setCurrentIndex(0)
        for department in (self.source_department, self.visit_department):
            department.set_code("")
        self.category.clear()
        self.extra_issues.clear()
        self.severity.set_value("minor")
        self.reset_received()
        self._duplicate_timer.stop()
        self.duplicates.clear()
        self.attachments.clear()
        for cell in self.fields.cells.values():
            cell.hint.clear()
        self._apply_channel(self.channel.value())

    def first_field(self) -> QWidget:
        """Where typing starts for the current channel."""
        channel = self.channel.value()
        if channel == "transfer":
            return self.transfer_source
        if channel == "internal":
            return self.source_department
        if channel == "email":
            return self.email
        return self.complainant_name
