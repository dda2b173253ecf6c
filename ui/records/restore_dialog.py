"""The dialogs of 备份与恢复: who unlocks a backup (an administrator's password of the backup's time,
or the recovery key), and recording a server backup (shared mode)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QWidget,
)

from app import clock
from app.records import backup, restore
from app.records.restore import Credentials
from app.session import Session
from ui.common import password_edit
from ui.form_dialog import FormDialog
from ui.operations import BackgroundOperation, Change, Kind, run, run_in_background


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


class RestoreFlow:
    """从备份恢复 as a user goes through it, from the 备份与恢复 page or the first-use wizard: the backup
    file → a NEW database file → who unlocks it → the restore and its checks in the background →
    the report, then `on_restored(report)`."""

    BACKUP_FILTER = "投诉工作台备份 (*.cdbackup)"

    def __init__(
        self,
        parent: QWidget,
        folder: Path,
        username: str = "",
        on_restored: Callable[[restore.RestoreReport], object] | None = None,
    ) -> None:
        self.parent = parent
        self.folder = folder
        self.username = username
        self.on_restored = on_restored
        self.dialog: RestoreCredentialsDialog | None = None
        self.operation: BackgroundOperation | None = None

    def start(
        self, source: Path | None = None, target: Path | None = None
    ) -> RestoreCredentialsDialog | None:
        if source is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self.parent, "选择备份文件", str(self.folder), self.BACKUP_FILTER
            )
            if not chosen:
                return None
            source = Path(chosen)
        outcome = run(self.parent, lambda: restore.read_manifest(source))
        if not outcome:
            return None
        manifest = outcome.value
        if target is None:
            suggestion = self.folder / f"恢复-{manifest.taken_at:%Y%m%d-%H%M}-{manifest.database_name}"
            chosen, _ = QFileDialog.getSaveFileName(
                self.parent, "恢复为新的数据库文件", str(suggestion), "数据库 (*.db)"
            )
            if not chosen:
                return None
            target = Path(chosen)
        self.dialog = RestoreCredentialsDialog(
            source.name, f"{manifest.taken_at:%Y-%m-%d %H:%M}", self.username, self.parent
        )
        dialog = self.dialog
        dialog.accepted.connect(lambda: self._run(source, target, dialog.credentials()))
        dialog.open()
        return dialog

    def _run(self, source: Path, target: Path, credentials: Credentials) -> None:
        self.operation = run_in_background(
            self.parent,
            lambda progress: restore.restore_backup(source, target, credentials, progress),
            title="从备份恢复",
            label="正在恢复并校验……",
            on_done=self._done,
        )

    def _done(self, report: restore.RestoreReport) -> None:
        QMessageBox.information(self.parent, "恢复完成", "\n".join(report.lines()))
        if self.on_restored is not None:
            self.on_restored(report)
