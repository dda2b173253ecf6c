"""登录: username, password and the database file; errors shown inline in red."""

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

from app import auth
from app.errors import AuthError, ComplaintDeskError
from app.session import Session
from ui.common import ErrorLabel, busy_cursor, password_edit

DATABASE_FILTER = "投诉工作台数据库 (*.db);;所有文件 (*)"


class LoginDialog(QDialog):
    """On success `session` holds the open session and `database` the file that was opened."""

    def __init__(
        self,
        database: Path,
        username: str = "",
        message: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("登录 - 医患投诉工作台")
        self.session: Session | None = None
        self.database = Path(database)

        title = QLabel("医患投诉工作台")
        title.setObjectName("appTitle")
        subtitle = QLabel("医患沟通办公室 · 投诉受理、转办、答复与销项")
        subtitle.setObjectName("appSubtitle")

        self.username_edit = QLineEdit(username)
        self.username_edit.setPlaceholderText("请输入用户名")
        self.username_edit.setMaxLength(32)
        self.password_edit = password_edit("请输入密码")

        self.database_label = QLabel()
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton("更换…")
        self.choose_button.setToolTip("打开另一个数据库文件")
        self.choose_button.clicked.connect(self.choose_database)
        database_row = QHBoxLayout()
        database_row.setContentsMargins(0, 0, 0, 0)
        database_row.addWidget(self.database_label, 1)
        database_row.addWidget(self.choose_button)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        form.addRow("用户名", self.username_edit)
        form.addRow("密码", self.password_edit)
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
        layout.addSpacing(6)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

        self.setTabOrder(self.username_edit, self.password_edit)
        self.setTabOrder(self.password_edit, self.login_button)
        self.setTabOrder(self.login_button, self.cancel_button)
        self.setTabOrder(self.cancel_button, self.choose_button)
        self._show_database()
        self.error.show_message(message)
        (self.password_edit if username else self.username_edit).setFocus()

    def _show_database(self) -> None:
        self.database_label.setText(self.database.name)
        self.database_label.setToolTip(str(self.database))

    def choose_database(self) -> None:
        start = str(self.database.parent if self.database.parent.exists() else Path.home())
        chosen, _ = QFileDialog.getOpenFileName(self, "选择数据库文件", start, DATABASE_FILTER)
        if chosen:
            self.database = Path(chosen)
            self._show_database()
            self.error.clear_message()

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
        self.login_button.setEnabled(False)
        try:
            with busy_cursor():
                session = auth.login_local(self.database, username, password)
        except AuthError as exc:
            self.error.show_message(exc.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        except ComplaintDeskError as exc:
            self.error.show_message(exc.message)
            return
        finally:
            self.login_button.setEnabled(True)
        self.session = session
        self.accept()
