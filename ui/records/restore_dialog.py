"""The dialogs of 备份与恢复: who unlocks a backup (an administrator's password of the backup's time,
or the recovery key), and recording a server backup (shared mode)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QDateTimeEdit, QLabel, QLineEdit, QRadioButton, QWidget

from app import clock
from app.records import backup
from app.records.restore import Credentials
from app.session import Session
from ui.common import password_edit
from ui.form_dialog import FormDialog
from ui.operations import Change, Kind


class RestoreCredentialsDialog(FormDialog):
    """Asks for the backup's administrator password (or the recovery key); `credentials()` after OK."""

    def __init__(self, backup_name: str, taken: str, username: str, parent: QWidget | None = None) -> None:
        super().__init__("从备份恢复", ok_text="校验并恢复", parent=parent)
        self.form.addRow("备份文件", QLabel(backup_name))
        self.form.addRow("备份时间", QLabel(taken))
        self.by_password = QRadioButton("系统管理员密码（备份时的密码）")
        self.by_password.setChecked(True)
        self.by_key = QRadioButton("恢复密钥（恢复密钥单上的 52 个字符）")
        self.form.addRow("解锁方式", self.by_password)
        self.form.addRow("", self.by_key)
        self.username = self.line_edit("username", "用户名", username)
        self.password = password_edit("备份时该用户的密码")
        self.form.addRow("密码", self.password)
        self.fields["password"] = self.password
        self.recovery = QLineEdit()
        self.recovery.setPlaceholderText("XXXX-XXXX-…")
        self.form.addRow("恢复密钥", self.recovery)
        self.by_password.toggled.connect(self._mode)
        self._mode()
        self.finish_layout(
            "恢复写入一个新的数据库文件，校验（加密页、完整性、审计哈希链、记录数）通过后才启用；不会覆盖任何已有文件。"
        )

    def _mode(self) -> None:
        password = self.by_password.isChecked()
        self.username.setEnabled(password)
        self.password.setEnabled(password)
        self.recovery.setEnabled(not password)

    def credentials(self) -> Credentials:
        if self.by_password.isChecked():
            return Credentials(username=self.username.text(), password=self.password.text())
        return Credentials(recovery_key=self.recovery.text())

    def submit(self) -> None:  # nothing to save here: the restore itself runs in the background
        self.accept()


class ServerBackupDialog(FormDialog):
    """Shared mode: record when the server was backed up (pg_dump)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("记录服务器备份", ok_text="记录", parent=parent)
        self.session = session
        self.change = Change(Kind.DATABASE)
        self.when = QDateTimeEdit(QDateTime(clock.now().replace(second=0, microsecond=0)))
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setCalendarPopup(True)
        self.form.addRow("备份完成时间", self.when)
        self.fields["taken_at"] = self.when
        self.note = self.line_edit("note", "说明", "", max_length=200)
        self.note.setPlaceholderText("如：信息科每日 02:00 定时 pg_dump，存放于备份服务器")
        self.finish_layout("记录后，首页和提醒按这次时间判断备份是否过期。")

    def save(self) -> None:
        when: datetime = self.when.dateTime().toPython()
        backup.record_server_backup(self.session, when, self.note.text())
