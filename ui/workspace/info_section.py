"""投诉信息: the intake fields (masked per the view), deadlines and extensions, and how the case ended."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.cases.states import EXTENSION_STATE_LABELS, FINAL_STATES, State
from app.cases.views import CaseView
from ui.common import format_datetime
from ui.workspace.widgets import FieldGrid, format_date, heading, hint, scroll_page


class InfoSection(QWidget):
    """Emits `open_case_requested(case_id)` when a linked case is clicked."""

    open_case_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intake = FieldGrid("受理信息")
        self.complainant = FieldGrid("投诉人")
        self.masked_hint = hint("联系电话和身份证号已按您的权限脱敏显示。")
        self.patient = FieldGrid("患者与就诊")
        self.complaint = FieldGrid("投诉内容", columns=1)
        self.deadlines = FieldGrid("时限与延期")
        self.outcome = FieldGrid("办理结果")
        self.links_box = QWidget()
        links_layout = QVBoxLayout(self.links_box)
        links_layout.setContentsMargins(0, 0, 0, 0)
        links_layout.addWidget(heading("关联案件"))
        self.links = QLabel()
        self.links.setTextFormat(Qt.TextFormat.RichText)
        self.links.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.links.linkActivated.connect(lambda href: self.open_case_requested.emit(int(href.split(":")[1])))
        links_layout.addWidget(self.links)
        self.page = scroll_page(
            self.outcome,
            self.intake,
            self.complainant,
            self.masked_hint,
            self.patient,
            self.complaint,
            self.deadlines,
            self.links_box,
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.page)

    def set_view(self, view: CaseView) -> None:
        intake = [
            ("案件编号", view.case_no),
            ("查询码", view.query_code),
            ("投诉渠道", view.channel_label + ("（夜间总值班登记）" if view.night_intake else "")),
            ("接待时间", format_datetime(view.received_at)),
            ("登记人", view.registered_by),
            ("登记时间", format_datetime(view.registered_at)),
        ]
        if view.transfer_source_label:
            intake += [("转办单位", view.transfer_source_label), ("转办编号", view.transfer_reference)]
        if view.source_department:
            intake.append(("转来科室", view.source_department))
        if view.handling_visible:
            intake.append(("承办专员", view.officer or "尚未受理"))
        self.intake.set_rows(intake)

        people = [
            ("姓名", view.complainant_name),
            ("与患者关系", view.relation_label),
            ("联系电话", view.complainant_phone),
            ("身份证号", view.complainant_id_number),
        ]
        people += [
            (label, value)
            for label, value in (
                ("电子邮箱", view.complainant_email),
                ("网络账号", view.complainant_online_account),
            )
            if value
        ]
        people.append(("联系地址", view.complainant_address))
        self.complainant.set_rows(people, wide=("联系地址",))
        self.masked_hint.setVisible(view.identifiers_masked)

        self.patient.set_rows(
            [
                ("患者姓名", view.patient_name),
                ("门诊/住院号", view.patient_record_no),
                ("就诊科室", view.visit_department),
                ("就诊日期", format_date(view.visit_date)),
            ]
        )
        self.complaint.set_rows(
            [
                ("投诉类别", view.category_path),
                ("严重程度", view.severity_label),
                ("投诉内容", view.content),
                ("投诉人诉求", view.demands),
            ]
        )
        self._deadlines(view)
        self._outcome(view)
        self.links.setText(
            "　".join(f'<a href="case:{case_id}">{escape(case_no)}</a>' for case_id, case_no in view.links)
        )
        self.links_box.setVisible(bool(view.links))

    def _deadlines(self, view: CaseView) -> None:
        rows = []
        if view.accept_due:
            rows.append(("受理期限", format_date(view.accept_due)))
        if view.reply_due:
            rows.append(("答复期限", format_date(view.reply_due)))
        if view.deadline is not None:
            rows.append(("当前时限", view.deadline.text))
        if view.on_hold:
            rows.append(("暂停原因", view.hold_reason))
        for x in view.extensions:
            text = f"{x.requested_by} 于 {x.requested_at:%Y-%m-%d} 申请延期 {x.workdays} 个工作日：{x.reason}"
            text += f"（{EXTENSION_STATE_LABELS.get(x.state, x.state)}" + (
                f"，{x.decision_note}）" if x.decision_note else "）"
            )
            rows.append(("延期申请", text))
        self.deadlines.set_rows(rows, wide=("延期申请",))
        self.deadlines.setVisible(bool(rows) and view.handling_visible)

    def _outcome(self, view: CaseView) -> None:
        rows = []
        if view.reject_reason_text:
            rows.append(("不予受理理由", view.reject_reason_text))
        if view.merged_into:
            rows.append(("已合并至", view.merged_into))
        if view.closed_at and view.state == State.CLOSED:
            rows += [
                ("销项类型", view.close_kind_label),
                ("销项人", view.closed_by),
                ("销项时间", format_datetime(view.closed_at)),
            ]
            if view.close_reason:
                rows.append(("销项说明", view.close_reason))
        if view.reopen_count:
            rows.append(("再处理次数", f"{view.reopen_count} 次"))
        if view.reroute_count:
            rows.append(("退回改派次数", f"{view.reroute_count} 次"))
        if view.archived:
            rows.append(("归档", "已归档"))
        self.outcome.set_rows(rows, wide=("不予受理理由", "销项说明"))
        self.outcome.setVisible(bool(rows))
        # A finished case opens on how it ended; an open one keeps the counts at the end.
        column = self.page.widget().layout()
        column.removeWidget(self.outcome)
        column.insertWidget(0 if view.state in FINAL_STATES else column.indexOf(self.links_box), self.outcome)
