"""The role home's banner: greeting, roles and place, today's date, last login, main actions."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import clock
from app.account import AccountSummary, roles_label
from app.deadlines import calendar
from ui.common import format_datetime
from ui.home.welcome_page import greeting_word

WEEKDAYS = "一二三四五六日"
ROLES_WAITING = "⚠ 系统管理员授予的“{roles}”角色尚待主任确认：确认前在服务器上不生效，看不到相应的案件；确认后请退出并重新登录"
KEY_PENDING = (
    "⚠ 本账户尚未获得身份标识密钥：完整电话、证件号和保密案件内容暂以掩码显示，"
    "须由主任在工作台“待授予标识密钥”中授予（首次登录请先修改初始密码）；授予后请退出并重新登录"
)


def today_text() -> str:
    today = clock.now().date()
    kind = "工作日" if calendar.calendar().is_workday(today) else "休息日"
    return f"{today.year}年{today.month}月{today.day}日 星期{WEEKDAYS[today.weekday()]}（{kind}）"


class HomeBanner(QFrame):
    """`actions` become buttons on the right (e.g. 登记投诉 Ctrl+N)."""

    def __init__(self, actions: Sequence[QAction] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.greeting = QLabel()
        self.greeting.setObjectName("bannerGreeting")
        self.place = QLabel()
        self.place.setObjectName("bannerPlace")
        self.place.setWordWrap(True)
        self.today = QLabel()
        self.today.setObjectName("bannerPlace")
        self.today.setWordWrap(True)
        text = QVBoxLayout()
        text.setSpacing(3)
        text.addWidget(self.greeting)
        text.addWidget(self.place)
        text.addWidget(self.today)
        self.key_pending = QLabel(KEY_PENDING)
        self.key_pending.setObjectName("bannerPlace")
        self.key_pending.setWordWrap(True)
        self.key_pending.hide()
        text.addWidget(self.key_pending)
        self.key_alarm = QLabel()  # the identifier public key is not the one this slot trusts
        self.key_alarm.setObjectName("errorLabel")
        self.key_alarm.setWordWrap(True)
        self.key_alarm.hide()
        text.addWidget(self.key_alarm)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        layout.setSpacing(10)
        layout.addLayout(text, 1)
        self.buttons: list[QPushButton] = []
        for action in actions:
            shortcut = action.shortcut().toString()
            label = action.text().replace("&", "").replace("…", "")
            button = QPushButton(f"{label}（{shortcut}）" if shortcut else label)
            button.setObjectName("bannerButton")
            button.setToolTip(action.toolTip())
            button.setAutoDefault(False)
            button.clicked.connect(action.trigger)
            layout.addWidget(button)
            self.buttons.append(button)

    def set_summary(self, summary: AccountSummary) -> None:
        self.greeting.setText(f"{greeting_word(clock.now().hour)}，{summary.display_name}")
        where = " ".join(p for p in (summary.hospital_name, summary.office_name) if p)
        self.place.setText("　·　".join(p for p in (summary.roles_label, where) if p))
        last = format_datetime(summary.previous_login_at)
        self.today.setText(f"{today_text()}　·　{f'上次登录 {last}' if last else '首次登录'}")
        waiting = roles_label(summary.roles_waiting)
        self.key_pending.setText(ROLES_WAITING.format(roles=waiting) if waiting else KEY_PENDING)
        self.key_pending.setVisible(summary.identifier_key_pending or bool(waiting))
        self.key_alarm.setText(f"⚠ {summary.identifier_key_alarm}" if summary.identifier_key_alarm else "")
        self.key_alarm.setVisible(bool(summary.identifier_key_alarm))
