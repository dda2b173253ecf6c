"""From 1 November: the admin's and the manager's home remind them while next year's holiday
notice has not been entered (deadlines in that year are 暂定, counted Mon–Fri)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app import clock
from app.deadlines import calendar
from app.policy import Action, can
from app.session import Session
from ui import operations
from ui.operations import Kind


def reminder_text(year: int, can_import: bool) -> str:
    who = "请在“管理 → 节假日”中导入" if can_import else "请提醒系统管理员在“管理 → 节假日”中导入"
    return (
        f"{year}年的节假日安排尚未录入：到期日在{year}年的期限目前按周一至周五暂定（元旦、春节也按工作日计算）。"
        f"国务院办公厅通知发布后，{who}。"
    )


class CalendarReminder(QFrame):
    """Hidden unless it is November or December and next year has no holiday data."""

    def __init__(
        self,
        session: Session,
        open_calendar: Callable[[], object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("calendarReminder")
        self.setStyleSheet(
            "QFrame#calendarReminder { background: #FFF4D6; border: 1px solid #E9C46A; border-radius: 6px; }"
            "QFrame#calendarReminder QLabel { color: #5C3D00; }"
        )
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(self.text, 1)
        self.can_import = can(session.user, Action.MANAGE_CALENDAR).allowed
        self.button: QPushButton | None = None
        if open_calendar is not None and self.can_import:
            self.button = QPushButton("导入节假日通知")
            self.button.setAutoDefault(False)
            self.button.clicked.connect(lambda: open_calendar())
            layout.addWidget(self.button)
        self.hide()  # refresh() once the reminder is in its page's layout
        operations.on_change(self, (Kind.CALENDAR,), self.refresh)

    def refresh(self) -> None:
        """Show the reminder if next year still needs its holiday notice (from 1 November)."""
        today = clock.now().date()
        outcome = operations.run(self, lambda: calendar.needs_next_year(today), quiet=True)
        year = outcome.value if outcome else None
        if year:
            self.text.setText(reminder_text(year, self.can_import))
        self.setVisible(bool(year))
