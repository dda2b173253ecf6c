"""总值班交班摘要: how many of the shift's complaints wait for the office, by severity; 交班 hands
them over with a printed 交班单."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QPlainTextEdit, QPushButton, QWidget

from app import handover as handovers
from app.cases.queues import Handover
from app.session import Session
from ui.common import make_primary
from ui.form_dialog import FormDialog
from ui.home.section_card import SectionCard
from ui.operations import Change, Kind, run
from ui.workspace.print_preview import open_preview

SEVERITY_COLOURS = {"major": "#B3261E", "serious": "#A15C00", "minor": "#33475B"}


class HandoverDialog(FormDialog):
    """交班: the cases that will be handed over and a note for the office."""

    def __init__(self, session: Session, summary: Handover, parent: QWidget | None = None) -> None:
        super().__init__("交班", ok_text="交班并打印交班单", parent=parent)
        self.session = session
        self.change = Change(Kind.CASES)
        self.result_pdf: bytes | None = None
        self.info: handovers.HandoverInfo | None = None
        counts = "、".join(f"{label} {count} 件" for _key, label, count in summary.by_severity if count)
        self.form.addRow("待交班", QLabel(f"{summary.total} 件（{counts}）"))
        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText(
            "需要办公室特别注意的情况，如已电话报告的领导、家属的诉求等（选填）"
        )
        self.note_edit.setFixedHeight(96)
        self.form.addRow("交班说明", self.note_edit)
        self.fields["note"] = self.note_edit
        self.finish_layout(
            "交班后这些投诉移出“待交班”，每件的时间线记录交班；交班单存档，办公室早上接班时查看。"
        )
        self.note_edit.setFocus()

    def save(self) -> None:
        self.info, self.result_pdf = handovers.hand_over(self.session, self.note_edit.toPlainText())


class HandoverCard(SectionCard):
    def __init__(self, session: Session | None = None, parent: QWidget | None = None) -> None:
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
        self.session = session
        self.summary: Handover | None = None
        self.hand_over_button = make_primary(QPushButton("交班…"))
        self.hand_over_button.setToolTip("把本班待交班的投诉交给办公室，并打印交班单")
        self.hand_over_button.clicked.connect(self.hand_over)
        self.reprint_button = QPushButton("上一张交班单")
        self.reprint_button.setToolTip("查看或补打本人最近一次的交班单")
        self.reprint_button.clicked.connect(self.show_last)
        for button in (self.hand_over_button, self.reprint_button):
            button.setVisible(session is not None)
            self.body.addWidget(button)

    def set_handover(self, handover: Handover) -> None:
        self.summary = handover
        self.hand_over_button.setEnabled(handover.total > 0)
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

    def hand_over(self) -> None:
        if self.session is None or self.summary is None:
            return
        dialog = HandoverDialog(self.session, self.summary, self)
        if dialog.exec() and dialog.result_pdf is not None and dialog.info is not None:
            self._preview(dialog.result_pdf, dialog.info.number)

    def show_last(self) -> None:
        session = self.session
        if session is None:
            return
        outcome = run(self, lambda: handovers.my_handovers(session, limit=1))
        if not outcome or not outcome.value:
            self.advice.setText("还没有交过班。")
            return
        last = outcome.value[0]
        pdf = run(self, lambda: handovers.handover_pdf(session, last.id))
        if pdf and pdf.value is not None:
            self._preview(pdf.value, last.number)

    def _preview(self, pdf: bytes, number: str) -> None:
        dialog = open_preview(
            pdf, f"交班单 {number}", parent=self, file_name=f"交班单-{number}.pdf", printed=False
        )
        if dialog is not None:
            dialog.exec()
