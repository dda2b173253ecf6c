"""首页: greets the signed-in user with who they are, where they work and their last login."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.account import AccountSummary, ActivityEntry
from ui.common import format_datetime
from ui.table_model import WARNING, Column, RowTableModel


def greeting_word(hour: int) -> str:
    if 5 <= hour < 11:
        return "上午好"
    if 11 <= hour < 13:
        return "中午好"
    if 13 <= hour < 18:
        return "下午好"
    return "晚上好"


def activity_model(parent: QWidget | None = None) -> RowTableModel[ActivityEntry]:
    def colour(entry: ActivityEntry) -> QColor | None:
        return WARNING if entry.warning else None

    return RowTableModel(
        [
            Column("时间", lambda e: e.at.strftime("%Y-%m-%d %H:%M:%S"), colour=colour),
            Column("活动", lambda e: e.label, colour=colour),
        ],
        parent,
    )


def _card(title: str) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(20, 16, 20, 18)
    layout.setSpacing(10)
    heading = QLabel(title)
    heading.setObjectName("cardTitle")
    layout.addWidget(heading)
    return card, layout


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    return label


class HomePage(QWidget):
    """`actions` become the buttons of the 常用操作 card (only those the user may use are passed)."""

    def __init__(
        self,
        summary: AccountSummary,
        actions: Sequence[QAction],
        idle_minutes: int,
        activity: Sequence[ActivityEntry] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("homePage")
        self._actions = list(actions)

        self.banner = QFrame()
        self.banner.setObjectName("banner")
        banner_layout = QVBoxLayout(self.banner)
        banner_layout.setContentsMargins(28, 22, 28, 22)
        banner_layout.setSpacing(6)
        self.greeting = QLabel()
        self.greeting.setObjectName("greeting")
        self.greeting.setStyleSheet("color: #FFFFFF; font-size: 20pt; font-weight: 600;")
        self.place = QLabel()
        self.place.setStyleSheet("font-size: 12pt;")
        banner_layout.addWidget(self.greeting)
        banner_layout.addWidget(self.place)

        account_card, account_layout = _card("本次登录")
        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(18)
        self.facts.setVerticalSpacing(10)
        account_layout.addLayout(self.facts)
        account_layout.addStretch(1)

        actions_card, actions_layout = _card("常用操作")
        buttons = QGridLayout()  # two columns: the activity list below keeps its rows at 1280×800
        buttons.setHorizontalSpacing(10)
        buttons.setVerticalSpacing(10)
        for index, action in enumerate(self._actions):
            button = QPushButton(action.text().replace("…", "").replace("&", ""))
            shortcut = action.shortcut().toString()
            if shortcut:
                button.setText(f"{button.text()}（{shortcut}）")
            button.setToolTip(action.toolTip())
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(action.trigger)
            buttons.addWidget(button, index // 2, index % 2)
        actions_layout.addLayout(buttons)
        actions_layout.addStretch(1)

        tips_card, tips_layout = _card("信息安全")
        self.tips = QLabel()
        self.tips.setWordWrap(True)
        self.tips.setTextFormat(Qt.TextFormat.RichText)
        tips_layout.addWidget(self.tips)
        tips_layout.addStretch(1)

        activity_card, activity_layout = _card("最近账户活动")
        note = _muted("如发现不是您本人的操作，请立即修改密码并告知系统管理员。")
        activity_layout.insertWidget(1, note)
        self.activity_model = activity_model(self)
        self.activity_view = QTableView()
        self.activity_view.setModel(self.activity_model)
        self.activity_view.setObjectName("activityView")
        self.activity_view.verticalHeader().hide()
        self.activity_view.setShowGrid(False)
        self.activity_view.setAlternatingRowColors(True)
        self.activity_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.activity_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.activity_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.activity_view.horizontalHeader().setStretchLastSection(True)
        self.activity_view.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        self.activity_view.setColumnWidth(0, 200)
        activity_layout.addWidget(self.activity_view, 1)

        cards = QHBoxLayout()
        cards.setSpacing(18)
        cards.addWidget(account_card, 4)
        cards.addWidget(actions_card, 4)
        cards.addWidget(tips_card, 4)

        column = QVBoxLayout()
        column.setSpacing(18)
        column.addWidget(self.banner)
        column.addLayout(cards)
        column.addWidget(activity_card, 1)
        self.column = column
        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 28, 32, 28)
        outer.addLayout(column)
        self.set_summary(summary, idle_minutes, activity)

    def add_notice(self, widget: QWidget) -> None:
        """A notice under the greeting (e.g. the holiday-calendar reminder)."""
        self.column.insertWidget(1, widget)

    def set_summary(
        self, summary: AccountSummary, idle_minutes: int, activity: Sequence[ActivityEntry] = ()
    ) -> None:
        """Fill (or refresh after a settings change) the greeting and the cards."""
        self.activity_model.set_rows(activity)
        self.greeting.setText(f"{greeting_word(clock.now().hour)}，{summary.display_name}")
        place = " ".join(part for part in (summary.hospital_name, summary.office_name) if part)
        self.place.setText(f"{summary.roles_label}　·　{place}" if place else summary.roles_label)
        while self.facts.count():
            item = self.facts.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        last = format_datetime(summary.previous_login_at) or "这是您第一次登录"
        rows = [
            ("姓名", summary.display_name),
            ("用户名", summary.username),
            ("角色", summary.roles_label),
            ("上次登录", last),
            ("数据库", summary.database_label),
        ]
        for row, (label, value) in enumerate(rows):
            self.facts.addWidget(_muted(label), row, 0, Qt.AlignmentFlag.AlignTop)
            text = QLabel(value)
            text.setWordWrap(True)
            self.facts.addWidget(text, row, 1)
        self.facts.setColumnStretch(1, 1)
        idle = f"空闲 {idle_minutes} 分钟后屏幕会自动锁定。" if idle_minutes > 0 else "自动锁定已关闭。"
        self.tips.setText(
            "<p style='line-height:150%'>离开座位时请按 <b>Ctrl+L</b> 锁定屏幕；"
            f"{idle}</p>"
            "<p style='line-height:150%'>不要把密码告诉他人，也不要与同事共用账户。"
            "每次查看、修改和打印都会记入审计日志。</p>"
            "<p style='line-height:150%'>打印或导出的文书含有投诉人和患者的个人信息，请妥善保管，用后及时销毁。</p>"
        )
