"""统计提醒 on the manager's home: a department or category above its own baseline this month, and
complainants with 3 or more complaints in 90 days (app.statistics.alerts). Read just after the home
has been painted, at most every ten minutes; hidden when there is nothing to say."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.policy import Action, can
from app.rectification import items
from app.session import Session
from app.statistics import service
from app.statistics.alerts import SurgeAlert
from ui.operations import Change, Kind, run
from ui.rectification.new_item import NewItemDialog

MAX_LINES = 6
REREAD_SECONDS = 600


class StatisticsAlerts(QFrame):
    def __init__(self, session: Session, open_statistics: Callable[[], object] | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.session = session
        self.setObjectName("statisticsAlerts")
        self.setStyleSheet(
            "QFrame#statisticsAlerts { background: #FDECEA; border: 1px solid #F3C4BF; border-radius: 6px; }"
            "QFrame#statisticsAlerts QLabel { color: #7A1F17; }"
        )
        self.title = QLabel("<b>统计提醒</b>")
        self.surge_rows = QVBoxLayout()  # a department or category over its baseline, with 发起整改
        self.surge_rows.setSpacing(2)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.may_rectify = bool(can(session.user, Action.RECTIFY_FROM_ALERT))
        self.rectify_buttons: list[QPushButton] = []
        self.last_surges: list[SurgeAlert] = []
        column = QVBoxLayout()
        column.addWidget(self.title)
        column.addLayout(self.surge_rows)
        column.addWidget(self.text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addLayout(column, 1)
        if open_statistics is not None:
            button = QPushButton("统计分析")
            button.setAutoDefault(False)
            button.clicked.connect(lambda: open_statistics())
            layout.addWidget(button)
        self.lines: list[str] = []
        self.read_at: float | None = None
        self.hide()

    def refresh(self) -> None:
        """Read again once the home is painted, unless read less than ten minutes ago."""
        now = time.monotonic()
        if self.read_at is not None and now - self.read_at < REREAD_SECONDS:
            return
        self.read_at = now
        QTimer.singleShot(0, self, self._read)

    def _read(self) -> None:
        outcome = run(self, lambda: service.home_alerts(self.session), quiet=True)
        if outcome:
            self.show_alerts(outcome.value)

    def show_alerts(self, found: service.Alerts) -> None:
        self.lines = found.lines
        while self.surge_rows.count():
            row = self.surge_rows.takeAt(0).widget()
            if row is not None:
                row.deleteLater()
        self.rectify_buttons = []
        self.last_surges = list(found.surges)
        surges = found.surges[:MAX_LINES]
        for alert in surges:
            self.surge_rows.addWidget(self._surge_row(alert))
        others = self.lines[len(found.surges) :][: MAX_LINES - len(surges)]
        more = len(self.lines) - len(surges) - len(others)
        self.text.setText(
            "\n".join(f"• {line}" for line in others) + (f"\n另有 {more} 条" if more > 0 else "")
        )
        self.text.setVisible(bool(self.text.text()))
        self.setVisible(bool(self.lines))

    def _surge_row(self, alert: SurgeAlert) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        text = QLabel(f"• {alert.text}")
        text.setWordWrap(True)
        layout.addWidget(text, 1)
        if self.may_rectify:
            button = QPushButton("发起整改")
            button.setAutoDefault(False)
            button.setToolTip("下达整改：涉及本月这些案件，责任科室与问题已按提醒填好，可修改")
            button.clicked.connect(lambda _=False, a=alert: self.start_rectification(a))
            self.rectify_buttons.append(button)
            layout.addWidget(button)
        return row

    def start_rectification(self, alert: SurgeAlert) -> NewItemDialog | None:
        """The 下达整改 form filled from the alert; the item is created when the manager confirms."""
        drafted = run(self, lambda: service.rectification_draft(self.session, alert))
        if not drafted:
            return None
        dialog = NewItemDialog(self.session, draft=drafted.value, parent=self)
        dialog.perform = lambda: items.create(self.session, dialog.new_item())
        dialog.change = Change(Kind.CASES)
        dialog.open()
        return dialog
