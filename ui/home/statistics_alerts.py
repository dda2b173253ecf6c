"""统计提醒 on the manager's home: a department or category above its own baseline this month, and
complainants with 3 or more complaints in 90 days (app.statistics.alerts). Read just after the home
has been painted, at most every ten minutes; hidden when there is nothing to say."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.session import Session
from app.statistics import service
from ui.operations import run

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
        self.text = QLabel()
        self.text.setWordWrap(True)
        column = QVBoxLayout()
        column.addWidget(self.title)
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
        shown = self.lines[:MAX_LINES]
        more = len(self.lines) - len(shown)
        self.text.setText(
            "\n".join(f"• {line}" for line in shown) + (f"\n另有 {more} 条" if more > 0 else "")
        )
        self.setVisible(bool(self.lines))
