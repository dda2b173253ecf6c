"""演示数据库: who can log in (one user per role) and the shared password."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGridLayout, QLabel, QVBoxLayout, QWidget

from app.demo import DEMO_NAMES, DemoInfo
from app.policy import ROLE_LABELS
from ui.common import SecretDisplay, mono_font


class DemoDialog(QDialog):
    def __init__(self, info: DemoInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("演示数据库")
        intro = QLabel(
            "已创建一个<b>一次性演示数据库</b>，每个角色各有一位演示用户。"
            "程序退出时演示数据库会被删除，其中录入的内容不会保留。"
            "<br>请勿在演示数据库中录入真实的患者或投诉人信息。"
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(8)
        for column, header in enumerate(("角色", "用户名", "姓名")):
            label = QLabel(header)
            label.setObjectName("hint")
            grid.addWidget(label, 0, column)
        for row, (role, username) in enumerate(info.usernames.items(), start=1):
            grid.addWidget(QLabel(ROLE_LABELS[role]), row, 0)
            name = QLabel(username)
            name.setFont(mono_font())
            name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, row, 1)
            grid.addWidget(QLabel(DEMO_NAMES.get(role, "")), row, 2)
        self.password = SecretDisplay(info.password)
        last = len(info.usernames) + 1
        grid.addWidget(QLabel("密码（通用）"), last, 0)
        grid.addWidget(self.password, last, 1, 1, 2)
        grid.setRowMinimumHeight(last, 44)
        buttons = QDialogButtonBox()
        ok = buttons.addButton("去登录", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addLayout(grid)
        layout.addSpacing(4)
        layout.addWidget(buttons)
        self.setMinimumWidth(500)
