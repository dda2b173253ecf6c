"""修改密码: the user's own password (also forced at first login after an admin set it)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from app import auth
from app.errors import AuthError, ValidationError
from app.session import Session
from ui.common import PASSWORD_RULES_HINT, ErrorLabel, password_edit
from ui.operations import Change, Kind, run


class ChangePasswordDialog(QDialog):
    def __init__(self, session: Session, forced: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("修改密码")
        intro = QLabel(
            "系统管理员为您设置了临时密码。为保护投诉人和患者的信息，请先设置您自己的新密码。"
            if forced
            else f"为账户“{session.user.display_name}（{session.user.username}）”设置新密码。"
        )
        intro.setWordWrap(True)
        self.old_edit = password_edit()
        self.new_edit = password_edit()
        self.confirm_edit = password_edit()
        hint = QLabel(PASSWORD_RULES_HINT)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow("当前密码" if not forced else "临时密码", self.old_edit)
        form.addRow("新密码", self.new_edit)
        form.addRow("确认新密码", self.confirm_edit)
        form.addRow("", hint)
        self.error = ErrorLabel()
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("修改密码", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        buttons.addButton("注销" if forced else "取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
        self.old_edit.setFocus()

    def submit(self) -> None:
        if self.new_edit.text() != self.confirm_edit.text():
            self.error.show_message("两次输入的新密码不一致")
            self.confirm_edit.selectAll()
            self.confirm_edit.setFocus()
            return
        outcome = run(
            self,
            lambda: auth.change_own_password(self.session, self.old_edit.text(), self.new_edit.text()),
            changed=Change(Kind.USERS),
            expected=(AuthError, ValidationError),
        )
        error = outcome.error
        if error is not None:  # a wrong current password or a weak new one: told under the form
            self.error.show_message(error.message)
            edit = self.old_edit if isinstance(error, AuthError) else self.new_edit
            edit.selectAll()
            edit.setFocus()
        elif outcome:
            self.accept()
