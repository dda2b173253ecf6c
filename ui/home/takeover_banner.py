"""接班: on the office's home, each night handover not yet taken over, with its 交班单 and 接班."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import handover as handovers
from app.handover import HandoverInfo
from app.session import Session
from ui import operations
from ui.common import make_primary
from ui.operations import Change, Kind, run
from ui.workspace.print_preview import open_preview


def handover_text(info: HandoverInfo) -> str:
    major = f"，其中重大 {info.major} 件" if info.major else ""
    when = f"{info.handed_at.month}月{info.handed_at.day}日 {info.handed_at:%H:%M}"
    return f"总值班 {info.handed_by} 于 {when} 交班：夜间登记 {info.case_count} 件待受理{major}。"


class TakeoverBanner(QFrame):
    """Hidden while no handover waits; one line per waiting handover."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("takeoverBanner")
        self.setStyleSheet(
            "QFrame#takeoverBanner { background: #E8F1FA; border: 1px solid #9CC3E6; border-radius: 6px; }"
            "QFrame#takeoverBanner QLabel { color: #123B5E; }"
        )
        self.rows = QVBoxLayout(self)
        self.rows.setContentsMargins(16, 8, 16, 8)
        self.rows.setSpacing(6)
        self.pending: list[HandoverInfo] = []
        self.hide()
        operations.on_change(self, (Kind.CASES, Kind.CASE), self.refresh)

    def refresh(self) -> None:
        outcome = run(self, lambda: handovers.pending(self.session), quiet=True)
        self.pending = list(outcome.value or []) if outcome else []
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for info in self.pending:
            self.rows.addWidget(self._row(info))
        self.setVisible(bool(self.pending))

    def _row(self, info: HandoverInfo) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        text = QLabel(handover_text(info))
        text.setWordWrap(True)
        view = QPushButton("查看交班单")
        view.setAutoDefault(False)
        view.clicked.connect(lambda _checked=False, i=info: self.show_sheet(i))
        take = make_primary(QPushButton("接班"))
        take.setAutoDefault(False)
        take.setToolTip("确认已收到夜间登记的投诉（记入审计日志）")
        take.clicked.connect(lambda _checked=False, i=info: self.take_over(i))
        layout.addWidget(text, 1)
        layout.addWidget(view)
        layout.addWidget(take)
        return row

    def show_sheet(self, info: HandoverInfo) -> None:
        outcome = run(self, lambda: handovers.handover_pdf(self.session, info.id))
        if outcome and outcome.value is not None:
            dialog = open_preview(
                outcome.value, f"交班单 {info.number}", parent=self, file_name=f"交班单-{info.number}.pdf"
            )
            if dialog is not None:
                dialog.exec()

    def take_over(self, info: HandoverInfo) -> None:
        if run(self, lambda: handovers.take_over(self.session, info.id), changed=Change(Kind.CASES)):
            self.refresh()
