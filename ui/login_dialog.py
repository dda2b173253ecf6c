"""登录: username, password and the database (a local file, or the hospital server); errors inline.

On the server, the dialog also asks for what this workstation does not keep in its keyring: the
server password and the passphrase of the kept enrollment file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import auth, shared
from app.errors import AuthError, DatabaseOpenError
from app.session import Session
from app.shared import SharedConnection
from ui.common import ErrorLabel, password_edit
from ui.operations import run, run_in_background
from ui.server_mode.enrollment import EnrollmentImportDialog

DATABASE_FILTER = "投诉工作台数据库 (*.db);;所有文件 (*)"


class LoginDialog(QDialog):
    """On success `session` holds the open session; `connection` the server connection (None: the
    local file `database` was opened)."""

    def __init__(
        self,
        database: Path,
        username: str = "",
        message: str = "",
        parent: QWidget | None = None,
        *,
        connection: SharedConnection | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("登录 - 医患投诉工作台")
        self.session: Session | None = None
        self.database = Path(database)
        self.connection = connection

        title = QLabel("医患投诉工作台")
        title.setObjectName("appTitle")
        subtitle = QLabel("医患沟通办公室 · 投诉受理、转办、答复与销项")
        subtitle.setObjectName("appSubtitle")

        self.username_edit = QLineEdit(username)
        self.username_edit.setPlaceholderText("请输入用户名")
        self.username_edit.setMaxLength(32)
        self.password_edit = password_edit("请输入密码")
        self.passphrase_edit = password_edit("工作站注册文件的口令")

        self.database_label = QLabel()
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton("更换…")
        self.choose_button.clicked.connect(self.choose_database)
        self.enroll_button = QPushButton()
        self.enroll_button.setProperty("link", True)
        self.enroll_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.enroll_button.setAutoDefault(False)
        self.enroll_button.clicked.connect(self.import_enrollment)
        database_row = QHBoxLayout()
        database_row.setContentsMargins(0, 0, 0, 0)
        database_row.addWidget(self.database_label, 1)
        database_row.addWidget(self.choose_button)

        self.form = form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        form.addRow("用户名", self.username_edit)
        form.addRow("密码", self.password_edit)
        form.addRow("注册口令", self.passphrase_edit)
        form.addRow("数据库", database_row)

        self.error = ErrorLabel()
        hint = QLabel("忘记密码请联系系统管理员重置。")
        hint.setObjectName("hint")

        buttons = QDialogButtonBox()
        self.login_button = buttons.addButton("登录", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.login_button.setDefault(True)
        self.login_button.setAutoDefault(True)
        self.cancel_button.setAutoDefault(False)
        self.choose_button.setAutoDefault(False)
        buttons.accepted.connect(self.attempt_login)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(12)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(hint)
        layout.addWidget(self.enroll_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addSpacing(6)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

        for first, second in (
            (self.username_edit, self.password_edit),
            (self.password_edit, self.passphrase_edit),
            (self.passphrase_edit, self.login_button),
            (self.login_button, self.cancel_button),
            (self.cancel_button, self.choose_button),
            (self.choose_button, self.enroll_button),
        ):
            self.setTabOrder(first, second)
        self._show_database()
        if connection is not None and connection.needs_enrollment and not message:
            message = shared.NO_ENROLLMENT
        self.error.show_message(message)
        (self.password_edit if username else self.username_edit).setFocus()

    def _show_database(self) -> None:
        """The file name, or 服务器 · host/db with the secrets this workstation does not keep."""
        connection = self.connection
        self.form.setRowVisible(self.passphrase_edit, connection is not None and connection.needs_passphrase)
        if connection is None:
            self.database_label.setText(self.database.name)
            self.database_label.setToolTip(str(self.database))
            self.choose_button.setToolTip("打开另一个数据库文件")
            self.enroll_button.setText("连接医院服务器：导入工作站注册文件…")
        else:
            params = connection.params
            self.database_label.setText(f"服务器 · {shared.server_label(params)}")
            self.database_label.setToolTip(
                f"PostgreSQL 服务器 {params.host}:{params.port}，数据库 {params.dbname}，账户 {params.user}"
            )
            self.choose_button.setToolTip("改用本地数据库文件")
            self.enroll_button.setText("重新导入工作站注册文件…")
        self.adjustSize()

    def choose_database(self) -> None:
        start = str(self.database.parent if self.database.parent.exists() else Path.home())
        chosen, _ = QFileDialog.getOpenFileName(self, "选择数据库文件", start, DATABASE_FILTER)
        if chosen:
            self.database = Path(chosen)
            self.connection = None
            self._show_database()
            self.error.clear_message()

    def import_enrollment(self) -> None:
        """Enroll this workstation with a (new) enrollment file, then log in to that server."""
        dialog = EnrollmentImportDialog(self)
        accepted = dialog.exec()
        dialog.deleteLater()
        if accepted and dialog.connection is not None:
            self.connection = dialog.connection
            self._show_database()
            self.error.clear_message()
            (self.password_edit if self.username_edit.text() else self.username_edit).setFocus()

    def _fail(self, message: str, edit: QLineEdit | None = None) -> None:
        """Show why, re-show the rows still needed, and put the cursor where the fix goes."""
        self._show_database()
        self.error.show_message(message)
        if edit is not None:
            edit.clear()
            edit.setFocus()

    def attempt_login(self) -> None:
        """Derive the key and open the database; keep the dialog open with a message on failure."""
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        if not username:
            self.error.show_message("请输入用户名")
            self.username_edit.setFocus()
            return
        if not password:
            self.error.show_message("请输入密码")
            self.password_edit.setFocus()
            return
        self.error.clear_message()
        if self.connection is not None and not self._server_secrets_ready():
            return
        self.login_button.setEnabled(False)
        # Wrong passwords and unopenable databases are told here, under the form; database
        # faults (locked, disk) come from the runner with 重试.
        outcome = run(self, lambda: self._open(username, password), expected=(AuthError, DatabaseOpenError))
        error = outcome.error
        if isinstance(error, auth.UpgradeNeeded):
            self._upgrade_then_login(username, password)
            return
        if isinstance(error, AuthError):
            self._fail(error.message, self.password_edit)
        elif isinstance(error, shared.ServerConnectionError) or error is not None:
            self._fail(error.message)
        elif outcome:
            self.session = outcome.value
            self.accept()
        self.login_button.setEnabled(True)  # after the focus is back in the form: Enter logs in again

    def _upgrade_then_login(self, username: str, password: str) -> None:
        """升级数据库: the schema upgrade of an older database runs in the background with a
        progress bar (minutes for a large one; 取消 rolls the step back), then the login again."""
        upgrading = run_in_background(
            self,
            lambda progress: auth.upgrade_local(self.database, username, password, progress),
            title="升级数据库",
            label="正在升级数据库结构，请不要关闭程序……",
            cancellable=True,
            on_done=lambda _none: self.attempt_login(),
        )
        upgrading.finished.connect(self._after_upgrade)

    def _after_upgrade(self, outcome: object) -> None:
        if not outcome:  # cancelled or failed (told by the runner): the form is usable again
            self.login_button.setEnabled(True)

    def _server_secrets_ready(self) -> bool:
        """What the keyring lacks was typed; the data key is unlocked from the kept enrollment file."""
        connection = self.connection
        assert connection is not None
        if connection.needs_enrollment:
            self._fail(shared.NO_ENROLLMENT)
            return False
        if not connection.needs_passphrase:
            return True
        if not self.passphrase_edit.text():
            self._fail("请输入工作站注册口令", self.passphrase_edit)
            return False
        outcome = run(
            self,
            lambda: connection.unlock(self.passphrase_edit.text()),
            expected=(AuthError, DatabaseOpenError),
        )
        if outcome.error is not None:  # 注册口令错误 goes back to the passphrase field
            self._fail(
                outcome.error.message, self.passphrase_edit if isinstance(outcome.error, AuthError) else None
            )
        return outcome.ok

    def _open(self, username: str, password: str) -> Session:
        """Log in to the local file, or to the server as the user's own database role."""
        connection = self.connection
        if connection is None:
            return auth.login_local(self.database, username, password, upgrade_here=False)
        return connection.login(username, password)
