"""总值班 short form: what night duty needs to log an after-hours complaint, and a notice that the
office takes the case over the next working morning (with the acceptance date)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.cases.documents import unprintable
from app.cases.intake import CONTENT_MAX, IntakeForm
from app.departments import DepartmentInfo
from app.validation import CHANNELS, required_fields_for_channel, validate_phone
from ui.intake.department_combo import DepartmentCombo
from ui.intake.form_parts import (
    FieldRegistry,
    FormSection,
    check_inline,
    counted_text,
    format_day,
    severity_choice,
    warn_unprintable,
)
from ui.intake.received_time import ReceivedTime
from ui.intake.segmented import SegmentedChoice

NIGHT_CHANNELS = {key: CHANNELS[key] for key in ("phone", "visit")}


class NightIntakeForm(QWidget):
    """`full_form_requested` asks the page for the complete form (for a rare letter or transfer)."""

    full_form_requested = Signal()

    def __init__(
        self,
        departments: Sequence[DepartmentInfo],
        accept_due: date,
        channel: str = "phone",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.fields = FieldRegistry()
        self.notice = QLabel()
        self.notice.setObjectName("nightNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.set_accept_due(accept_due)

        section = FormSection("夜间投诉登记", self.fields)
        self.channel = SegmentedChoice(NIGHT_CHANNELS, channel if channel in NIGHT_CHANNELS else "phone")
        section.add_field("channel", "投诉渠道", self.channel, row=0)
        self.received_time = ReceivedTime()  # 23:40 when the call came, not the moment of saving
        section.add_field("received_at", "接待时间", self.received_time, row=0, column=1)
        self.complainant_name = QLineEdit()
        self.complainant_name.setMaxLength(40)
        name_cell = section.add_field("complainant_name", "投诉人姓名", self.complainant_name, row=1)
        warn_unprintable(name_cell, unprintable)
        self.phone = QLineEdit()
        self.phone.setMaxLength(40)
        self.phone.setPlaceholderText("手机或固定电话")
        phone_cell = section.add_field("complainant_phone", "联系电话", self.phone, row=1, column=1)
        check_inline(phone_cell, validate_phone, live_from=11)
        self.patient_name = QLineEdit()
        self.patient_name.setMaxLength(40)
        self.patient_name.setPlaceholderText("与投诉人相同可不填")
        name_cell = section.add_field("patient_name", "患者姓名", self.patient_name, row=2)
        warn_unprintable(name_cell, unprintable)
        self.location = DepartmentCombo(departments, "发生地点的科室或病区")
        section.add_field("visit_department", "地点/科室", self.location, row=2, column=1)
        self.severity = severity_choice(lambda: self.fields.cells["severity"].hint)
        self.severity.setObjectName("nightSeverity")
        section.add_field("severity", "严重程度", self.severity, row=3, span=True)
        self.narrative, counter = counted_text(
            CONTENT_MAX, "发生了什么：时间、地点、涉及人员，投诉人的诉求", 170
        )
        section.add_field("content", "投诉内容", self.narrative, counter, row=4, span=True)
        required = required_fields_for_channel(self.channel.value())
        for key in self.fields.cells:
            self.fields.set_required(key, key in required)

        self.full_form_button = QPushButton("改用完整登记表")
        self.full_form_button.setProperty("link", True)
        self.full_form_button.setAutoDefault(False)
        self.full_form_button.setToolTip("来信、上级转办等需要完整信息时使用")
        self.full_form_button.clicked.connect(self.full_form_requested)
        switch = QHBoxLayout()
        switch.addStretch(1)
        switch.addWidget(self.full_form_button)

        card = QFrame()
        card.setObjectName("nightCard")
        card.setMaximumWidth(860)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(10)
        inner.addWidget(self.notice)
        inner.addWidget(section)
        inner.addLayout(switch)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addStretch(1)
        layout.addWidget(card, 6)
        layout.addStretch(1)

        for edit in (self.complainant_name, self.phone, self.patient_name):
            edit.returnPressed.connect(self.focusNextChild)  # Enter moves on; it never submits
            edit.textEdited.connect(lambda _t: self.received_time.hold())
        # The call is being taken when night duty starts typing: that is the 接待时间, not the save.
        self.narrative.textChanged.connect(lambda: self.received_time.hold() if self.narrative.hasFocus() else None)
        chain: list[QWidget] = [
            self.channel,
            self.received_time.edit,
            self.complainant_name,
            self.phone,
            self.patient_name,
            self.location,
            self.severity,
            self.narrative,
            self.full_form_button,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def set_accept_due(self, accept_due: date) -> None:
        self.notice.setText(
            "现在是下班时间，本投诉由总值班登记。医患沟通办公室将于下一个工作日上午接手，"
            f"预计受理日期 <b>{format_day(accept_due)}</b>。请告知投诉人：受理后工作人员会与其联系。"
            "<br>可能的医疗过失、人身伤害、媒体关注或群体投诉请选“重大”，并立即电话报告院领导。"
        )

    def to_form(self) -> IntakeForm:
        patient = self.patient_name.text().strip() or self.complainant_name.text()
        return IntakeForm(
            channel=self.channel.value(),
            content=self.narrative.toPlainText(),
            received_at=self.received_time.value(),
            complainant_name=self.complainant_name.text(),
            complainant_phone=self.phone.text(),
            patient_name=patient,
            visit_department=self.location.code(),
            severity=self.severity.value(),
        )

    def is_blank(self) -> bool:
        texts = (
            self.complainant_name.text(),
            self.phone.text(),
            self.patient_name.text(),
            self.location.currentText(),
        )
        return not any(t.strip() for t in texts) and not self.narrative.toPlainText().strip()

    def reset(self) -> None:
        for edit in (self.complainant_name, self.phone, self.patient_name):
            edit.clear()
        self.location.set_code("")
        self.narrative.clear()
        self.severity.set_value("minor")
        self.received_time.reset()
        for cell in self.fields.cells.values():
            cell.hint.clear()

    def first_field(self) -> QWidget:
        return self.complainant_name
