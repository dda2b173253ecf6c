"""The 提醒 page: the user's reminders, most urgent kind first, each opening its case or 整改 item.

已阅 hides a line until the next working day; the desktop-notification switch is the user's own.
Outside office hours the page says when reminders start again instead of listing anything."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.reminders import compute
from app.reminders.compute import ReminderList
from app.reminders.kinds import Reminder
from app.session import Session
from ui.operations import run

TONES = {"red": QColor("#C0392B"), "amber": QColor("#9A6700"), "neutral": QColor("#33475B")}
WEEKDAYS = "一二三四五六日"
ReminderRole = Qt.ItemDataRole.UserRole + 1


def when_text(reminders: ReminderList) -> str:
    now = reminders.now
    return f"{now:%Y年%m月%d日} 星期{WEEKDAYS[now.weekday()]} {now:%H:%M}"


class ReminderPage(QWidget):
    """Emits `open_case_requested(case_id)` and `open_rectification_requested(item_id)`;
    `changed(list)` after every refresh (the rail count and notifications follow it)."""

    open_case_requested = Signal(int)
    open_rectification_requested = Signal(int)
    changed = Signal(object)

    def __init__(self, session: Session, tray_available: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("page")
        self.reminders: ReminderList | None = None
        title = QLabel("提醒")
        title.setObjectName("pageTitle")
        self.when = QLabel()
        self.when.setObjectName("pageSubtitle")
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)
        self.notify_box = QCheckBox("桌面通知")
        self.notify_box.setEnabled(tray_available)
        self.notify_box.setToolTip(
            "有新的提醒时在屏幕右下角通知" if tray_available else "本机没有系统托盘，无法显示桌面通知"
        )
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.when)
        head.addStretch(1)
        head.addWidget(self.notify_box)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["提醒", "说明"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setAccessibleName("提醒列表")
        self.tree.header().setStretchLastSection(True)
        self.tree.setColumnWidth(0, 460)
        self.tree.itemActivated.connect(lambda item, _column: self.open_item(item))
        self.tree.currentItemChanged.connect(lambda *_args: self._update_buttons())

        self.open_button = QPushButton("打开")
        self.open_button.setProperty("primary", True)
        self.open_button.clicked.connect(lambda: self.open_item(self.tree.currentItem()))
        self.dismiss_button = QPushButton("已阅")
        self.dismiss_button.setToolTip("今天不再显示；到下一个工作日仍未办结会再次提醒")
        self.dismiss_button.clicked.connect(self.dismiss_current)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)

        notify = run(self, lambda: compute.desktop_notify(session), quiet=True)
        self.notify_box.setChecked(bool(notify and notify.value and tray_available))
        self.notify_box.toggled.connect(self._notify_toggled)
        self.refresh()

    # -- data ------------------------------------------------------------------------------------

    def refresh(self) -> None:
        outcome = run(self, lambda: compute.reminder_list(self.session), quiet=True)
        if not outcome:
            return
        self.show_list(outcome.value)

    def show_list(self, reminders: ReminderList) -> None:
        self.reminders = reminders
        self.when.setText(when_text(reminders))
        self.tree.clear()
        if not reminders.office_open:
            resumes = reminders.resumes_at
            self.summary.setText(
                "现在不在办公时间，不发出提醒。"
                + (f"下一次提醒从 {resumes:%m月%d日 %H:%M} 开始。" if resumes else "")
            )
        elif not reminders.items:
            self.summary.setText(
                "今天没有需要提醒的事项。"
                + (f"（{reminders.dismissed} 条已阅）" if reminders.dismissed else "")
            )
        else:
            parts = "，".join(f"{label} {n}" for _kind, label, n in reminders.by_kind())
            read = f"；另有 {reminders.dismissed} 条已阅" if reminders.dismissed else ""
            self.summary.setText(f"共 {reminders.count} 条：{parts}{read}。双击打开案件或整改项。")
            self._fill(reminders)
        self._update_buttons()
        self.changed.emit(reminders)

    def _fill(self, reminders: ReminderList) -> None:
        groups: dict[str, QTreeWidgetItem] = {}
        for kind, label, count in reminders.by_kind():
            group = QTreeWidgetItem([f"{label}（{count}）", ""])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(group)
            groups[kind] = group
        for reminder in reminders.items:
            item = QTreeWidgetItem([reminder.title, reminder.detail])
            item.setData(0, ReminderRole, reminder)
            item.setForeground(0, QBrush(TONES.get(reminder.tone, TONES["neutral"])))
            item.setToolTip(0, reminder.title)
            item.setToolTip(1, reminder.detail)
            groups[reminder.kind].addChild(item)
        self.tree.expandAll()
        first = groups[reminders.items[0].kind].child(0)
        self.tree.setCurrentItem(first)

    # -- actions ---------------------------------------------------------------------------------

    def current_reminder(self) -> Reminder | None:
        item = self.tree.currentItem()
        return item.data(0, ReminderRole) if item is not None else None

    def _update_buttons(self) -> None:
        reminder = self.current_reminder()
        self.open_button.setEnabled(reminder is not None)
        self.dismiss_button.setEnabled(reminder is not None)

    def open_item(self, item: QTreeWidgetItem | None) -> None:
        reminder = item.data(0, ReminderRole) if item is not None else None
        if reminder is None:
            return
        if reminder.case_id is not None and reminder.rectification_id is None:
            self.open_case_requested.emit(reminder.case_id)
        elif reminder.rectification_id is not None:
            self.open_rectification_requested.emit(reminder.rectification_id)

    def dismiss_current(self) -> None:
        reminder = self.current_reminder()
        if reminder is not None and run(self, lambda: compute.dismiss(self.session, reminder.key)):
            self.refresh()

    def _notify_toggled(self, on: bool) -> None:
        if not run(self, lambda: compute.set_desktop_notify(self.session, on)):
            self.notify_box.blockSignals(True)
            self.notify_box.setChecked(not on)
            self.notify_box.blockSignals(False)

    @property
    def notify_on(self) -> bool:
        return self.notify_box.isEnabled() and self.notify_box.isChecked()
