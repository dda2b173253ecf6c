"""总值班交班摘要: how many of the shift's complaints wait for the office, by severity."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from app.cases.queues import Handover
from ui.home.section_card import SectionCard

SEVERITY_COLOURS = {"major": "#B3261E", "serious": "#A15C00", "minor": "#33475B"}


class HandoverCard(SectionCard):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "交班摘要",
            "本人夜间登记、尚待办公室受理的投诉，按严重程度统计。",
            parent,
        )
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(10)
        self.numbers: dict[str, QLabel] = {}
        for row, (key, label) in enumerate(
            (
                ("total", "待交班合计"),
                ("major", "重大"),
                ("serious", "重要"),
                ("minor", "一般"),
                ("escalated", "已上报"),
            )
        ):
            name = QLabel(label)
            number = QLabel("0")
            number.setObjectName("handoverNumber")
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            colour = SEVERITY_COLOURS.get(key, "#123B5E")
            number.setStyleSheet(f"color: {colour};")
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(number, row, 1)
            self.numbers[key] = number
        self.grid.setColumnStretch(0, 1)
        self.body.addLayout(self.grid)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setObjectName("handoverAdvice")
        self.body.addWidget(self.advice)
        self.body.addStretch(1)

    def set_handover(self, handover: Handover) -> None:
        self.set_count(handover.total)
        self.numbers["total"].setText(str(handover.total))
        for key, _label, count in handover.by_severity:
            self.numbers[key].setText(str(count))
        self.numbers["escalated"].setText(str(handover.escalated))
        major = dict((k, c) for k, _l, c in handover.by_severity).get("major", 0)
        if major:
            self.advice.setText(f"有 {major} 件重大投诉：请确认已电话报告分管院领导，并在交班时当面说明。")
        elif handover.total:
            self.advice.setText("交班时请提醒办公室在下一个工作日上午受理。")
        else:
            self.advice.setText("暂无待交班的投诉。")
