"""The workspace header: case number, state, deadline countdown, external-report clock and flags."""

from __future__ import annotations

from importlib.resources import files

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.cases.states import State
from app.cases.views import CaseView
from app.deadlines.rules import DeadlineStatus
from ui.common import format_datetime
from ui.flow_layout import FlowLayout
from ui.workspace.widgets import chip, format_date, set_tone

SEVERITY_TONES = {"minor": "neutral", "serious": "amber", "major": "red"}


def lock_icon_html() -> str:
    path = files("ui.workspace").joinpath("lock.svg")
    return f"<img src='{path}' width='11' height='12'>&nbsp;"


def deadline_tone(status: DeadlineStatus) -> str:
    return "paused" if status.paused else status.colour


class CaseHeader(QWidget):
    """Chips are created once and shown or hidden per view (the tests read them by attribute)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseHeader")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.number = QLabel()
        self.number.setObjectName("caseNumber")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = chip(tone="state")
        self.deadline = chip()
        self.external = chip()
        self.severity = chip()
        self.restricted = chip(tone="dark", tooltip="保密案件：仅主任和指定专员可以查看")
        self.restricted.setTextFormat(Qt.TextFormat.RichText)
        self.restricted.setText(lock_icon_html() + "保密")
        self.escalated = chip("已上报", "red")
        self.on_hold = chip("待补充材料", "paused")
        self.flagged = chip("退改超过3次", "red", "退回改派超过 3 次，已提请主任关注")
        self.reopened = chip(tone="amber")
        self.repeat = chip(tone="amber")
        self.archived = chip("已归档")
        self.facts = QLabel()
        self.facts.setObjectName("caseFacts")
        self.facts.setWordWrap(True)
        self.chips = [
            self.state,
            self.deadline,
            self.external,
            self.severity,
            self.restricted,
            self.escalated,
            self.on_hold,
            self.flagged,
            self.reopened,
            self.repeat,
            self.archived,
        ]
        # The chips wrap onto a second line when the window is narrow (a major, restricted,
        # reported case shows six of them beside the buttons).
        chips = QWidget()
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        chips.setSizePolicy(policy)
        flow = FlowLayout(chips)
        for label in self.chips:
            flow.addWidget(label)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.number, 0, Qt.AlignmentFlag.AlignTop)
        top.addSpacing(6)
        top.addWidget(chips, 1)
        self.trailing = QHBoxLayout()
        self.trailing.setSpacing(8)
        self.trailing.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addLayout(self.trailing)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 10)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.facts)

    def set_view(self, view: CaseView) -> None:
        self.number.setText(view.case_no)
        state = view.state_label
        if view.state == State.CLOSED and view.close_kind_label:
            state += f" · {view.close_kind_label}"
        self.state.setText(state)
        self._clock(self.deadline, view.deadline, "受理" if view.state == State.REGISTERED else "答复")
        self._clock(self.external, view.external_report, "外报")
        self.severity.setText(view.severity_label)
        set_tone(self.severity, SEVERITY_TONES.get(view.severity, "neutral"))
        self.severity.setToolTip(f"严重程度：{view.severity_label}")
        self.restricted.setVisible(view.restricted)
        self.escalated.setVisible(view.escalated_at is not None)
        if view.escalated_at is not None:
            self.escalated.setToolTip(f"已于 {format_datetime(view.escalated_at)} 按重大投诉上报")
        self.on_hold.setVisible(view.on_hold)
        self.on_hold.setToolTip(f"暂停原因：{view.hold_reason}" if view.hold_reason else "")
        self.flagged.setVisible(view.flagged)
        self.reopened.setVisible(view.reopen_count > 0)
        self.reopened.setText(f"再处理 {view.reopen_count} 次")
        group = view.repeat_group
        self.repeat.setVisible(group is not None)
        if group is not None:
            self.repeat.setText(group.text)
            self.repeat.setToolTip(
                "同一事项的投诉：" + " → ".join(f"{c.case_no}（{c.state_label}）" for c in group.cases)
            )
        self.archived.setVisible(view.archived)
        self.facts.setText(self._facts(view))

    @staticmethod
    def _clock(label: QLabel, status: DeadlineStatus | None, name: str) -> None:
        label.setVisible(status is not None)
        if status is None:
            return
        label.setText(f"{name}：{status.text}")
        set_tone(label, deadline_tone(status))
        tip = f"{name}时限" + ("（按周一至周五暂定，节假日数据尚未录入）" if status.provisional else "")
        label.setToolTip(tip)

    @staticmethod
    def _facts(view: CaseView) -> str:
        parts = [view.channel_label, f"接待 {format_datetime(view.received_at)}"]
        if view.handling_visible and view.officer:
            parts.append(f"承办 {view.officer}")
        if view.state == State.REGISTERED and view.accept_due:
            parts.append(f"受理期限 {format_date(view.accept_due)}")
        elif view.reply_due and view.deadline is not None:
            parts.append(f"答复期限 {format_date(view.reply_due)}")
        if len(view.issues) > 1:
            parts.append(f"{view.category_path or '未分类'} 等 {len(view.issues)} 个投诉事项")
        elif view.category_path:
            parts.append(view.category_path)
        return "　·　".join(parts)
