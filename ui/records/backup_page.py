"""管理 → 备份与恢复: the last backup and the stale warning, 立即备份, the automatic backups
(folder, generations, warning days), 从备份恢复 to a new file, and in shared mode the server-side
procedure (pg_dump) with 记录服务器备份.

Wiring for the main window's admin pages: PAGE_KEY, MENU_TEXT, MENU_TIP, REQUIRED_ACTION, BackupPage.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.policy import Action, can
from app.records import backup
from app.session import Session
from ui.common import PageHeader, format_datetime, make_primary, mono_font
from ui.operations import BackgroundOperation, Change, Kind, run, run_in_background
from ui.records.restore_dialog import RestoreCredentialsDialog, RestoreFlow, ServerBackupDialog
from ui.server_mode.admin_page import Facts, _button_row, _card, scrolling_cards
from ui.server_mode.enrollment import explanation

PAGE_KEY = "backup"
MENU_TEXT = "备份与恢复"
MENU_TIP = "立即备份、自动备份、从备份恢复"
REQUIRED_ACTION = Action.BACKUP


class BackupPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.session = session
        self.shared = session.database_path is None
        self.allowed = can(session.user, REQUIRED_ACTION).allowed
        self.operation: BackgroundOperation | None = None
        self.restore_flow: RestoreFlow | None = None
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.facts = Facts([("最近一次", "—"), ("备份文件", "—"), ("备份文件夹", "—")])

        column = QVBoxLayout()
        column.setSpacing(14)
        column.addWidget(
            PageHeader(
                MENU_TEXT,
                "备份是加密数据库的在线一致性副本（仍然加密，含密钥文件），恢复时写入新文件并校验后才启用。",
            )
        )
        column.addWidget(self._status_card())
        if self.shared:
            column.addWidget(self._server_card())
        else:
            column.addWidget(self._settings_card())
            column.addWidget(self._restore_card())
        column.addStretch(1)
        scrolling_cards(self, column)
        self.refresh()

    # -- cards ------------------------------------------------------------------------------------

    def _explained_card(self, title: str, text: str) -> tuple[QFrame, QVBoxLayout]:
        """A card headed `title` that opens with an explanation."""
        card, inner = _card(title)
        inner.addWidget(explanation(text))
        return card, inner

    def _action(
        self, inner: QVBoxLayout, label: str, slot: Callable[[], object], primary: bool = False
    ) -> QPushButton:
        """The card's button at its foot, enabled when the user may back up and restore."""
        button = make_primary(QPushButton(label)) if primary else QPushButton(label)
        button.clicked.connect(lambda _checked=False: slot())
        button.setEnabled(self.allowed)
        inner.addLayout(_button_row(button))
        return button

    def _status_card(self) -> QFrame:
        card, inner = _card("备份状态")
        inner.addWidget(self.status)
        inner.addLayout(self.facts)
        self.backup_button = self._action(inner, "立即备份", self.back_up_now, primary=True)
        self.backup_button.setVisible(not self.shared)
        return card

    def _settings_card(self) -> QFrame:
        card, inner = self._explained_card(
            "自动备份",
            "每天第一次有人登录时自动备份到下面的文件夹（可以是医院的网络共享盘，如 <b>\\\\fileserver\\备份</b>），"
            "只保留最近的若干份。请不要把备份放在与数据库同一块硬盘上。",
        )
        form = QFormLayout()
        self.automatic = QCheckBox("每天第一次登录时自动备份")
        self.folder = QLineEdit()
        self.folder.setPlaceholderText("留空则使用数据库旁的“备份”文件夹")
        choose = QPushButton("选择…")
        choose.setAutoDefault(False)
        choose.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        self.generations = QSpinBox()
        self.generations.setRange(1, 365)
        self.generations.setSuffix(" 份")
        self.stale_days = QSpinBox()
        self.stale_days.setRange(1, 90)
        self.stale_days.setSuffix(" 天")
        for spin in (self.generations, self.stale_days):
            spin.setMaximumWidth(140)
        form.addRow("", self.automatic)
        form.addRow("备份文件夹", folder_row)
        form.addRow("保留份数", self.generations)
        form.addRow("超过几天未备份时提醒", self.stale_days)
        inner.addLayout(form)
        self.save_button = self._action(inner, "保存设置", self.save_settings)
        for widget in (self.automatic, self.folder, choose, self.generations, self.stale_days):
            widget.setEnabled(self.allowed)
        return card

    def _restore_card(self) -> QFrame:
        card, inner = self._explained_card(
            "从备份恢复",
            "选择一个备份文件和一个<b>新的</b>数据库文件名。恢复程序核对文件校验值，用备份时的管理员密码"
            "（或恢复密钥）解锁，再校验加密页、数据库完整性、审计哈希链和每张表的记录数，全部通过后才生成"
            "新数据库。正在使用的数据库不会被覆盖；要改用恢复的数据库，请注销后在登录界面点“更换…”选择它。",
        )
        self.restore_button = self._action(inner, "从备份恢复…", self.restore)
        return card

    def _server_card(self) -> QFrame:
        card, inner = self._explained_card(
            "服务器数据库的备份（pg_dump）",
            "共享数据库保存在医院的 PostgreSQL 服务器上，应由信息科在服务器上每天用 <b>pg_dump</b> 备份"
            "（建议以计划任务执行，备份文件存放到另一台服务器并加密保管），例如：",
        )
        command = QLabel(backup.pg_dump_command(self.session))
        command.setFont(mono_font(9.5))
        command.setWordWrap(True)
        command.setTextInteractionFlags(
            command.textInteractionFlags() | command.textInteractionFlags().TextSelectableByMouse
        )
        inner.addWidget(command)
        inner.addWidget(
            explanation(
                "恢复时用 <b>pg_restore --clean --dbname=complaintdesk 备份文件</b> 恢复到服务器，再让各工作站重新登录。"
                "每次服务器备份完成后在这里记录时间，首页据此提醒备份是否过期。"
            )
        )
        self.record_button = self._action(inner, "记录服务器备份…", self.record_server_backup)
        return card

    # -- data ------------------------------------------------------------------------------------

    def refresh(self) -> None:
        outcome = run(
            self, lambda: (backup.backup_status(self.session), backup.backup_settings()), quiet=True
        )
        if not outcome:
            return
        status, config = outcome.value
        self.status.setText(status.message)
        self.status.setStyleSheet("color: #A4261C; font-weight: 600;" if status.stale else "color: #1E6B35;")
        folder = "服务器（pg_dump）" if self.shared else str(config.folder_for(self.session))
        self.facts.update(
            [
                ("最近一次", format_datetime(status.last_at) if status.last_at else "尚无"),
                ("备份文件", status.last_file or "—"),
                ("备份文件夹", folder),
            ]
        )
        if not self.shared:
            self.automatic.setChecked(config.automatic)
            self.folder.setText(config.folder)
            self.generations.setValue(config.generations)
            self.stale_days.setValue(config.stale_days)

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, "选择备份文件夹", self.folder.text() or str(Path.home())
        )
        if chosen:
            self.folder.setText(chosen)

    def save_settings(self) -> None:
        new = backup.BackupSettings(
            self.folder.text(), self.generations.value(), self.automatic.isChecked(), self.stale_days.value()
        )
        if run(self, lambda: backup.save_backup_settings(self.session, new), changed=Change(Kind.DATABASE)):
            self.refresh()

    def back_up_now(self) -> None:
        self.operation = run_in_background(
            self,
            lambda progress: backup.take_backup(self.session, progress=progress),
            title="备份数据库",
            label="正在备份……",
            cancellable=True,
            changed=Change(Kind.DATABASE),
            on_done=self._backed_up,
        )

    def _backed_up(self, result: backup.BackupResult) -> None:
        self.refresh()
        QMessageBox.information(self, "备份完成", "\n".join(result.lines()))

    def restore(
        self, source: Path | None = None, target: Path | None = None
    ) -> RestoreCredentialsDialog | None:
        """Choose a backup and a new file name, then restore in the background (see RestoreFlow)."""
        self.restore_flow = RestoreFlow(
            self, backup.backup_settings().folder_for(self.session), self.session.user.username
        )
        return self.restore_flow.start(source, target)

    def record_server_backup(self) -> None:
        dialog = ServerBackupDialog(self.session, self)
        dialog.accepted.connect(self.refresh)
        dialog.open()
