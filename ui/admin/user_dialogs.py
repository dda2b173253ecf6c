"""Dialogs of the users page: add a user, change roles, show a one-time password."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import passwords, users
from app.policy import CASE_ROLES, ROLE_LABELS, Role
from app.session import Session
from app.users import UserInfo
from ui.common import PASSWORD_RULES_HINT, SecretDisplay, password_edit
from ui.form_dialog import FormDialog
from ui.operations import Change, Kind


class RoleChecks(QWidget):
    """One checkbox per role, labelled in Chinese, in the policy's order."""

    def __init__(
        self, selected: tuple[str, ...] | frozenset[str] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        for position, role in enumerate(Role):
            box = QCheckBox(ROLE_LABELS[role])
            box.setChecked(role.value in selected)
            self.boxes[role.value] = box
            grid.addWidget(box, position // 2, position % 2)

    def roles(self) -> list[str]:
        return [role for role, box in self.boxes.items() if box.isChecked()]

    def first_box(self) -> QCheckBox:
        return next(iter(self.boxes.values()))


class AddUserDialog(FormDialog):
    """添加用户. The initial password is generated (shown here once, with 复制) or typed."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("添加用户", ok_text="添加", parent=parent)
        self.session = session
        self.change = Change(Kind.USERS)
        self.added: UserInfo | None = None
        self.username_edit = self.line_edit("username", "用户名")
        self.username_edit.setPlaceholderText("登录用，如工号或姓名拼音")
        self.display_edit = self.line_edit("display_name", "姓名")
        self.phone_edit = self.line_edit("phone", "手机号")
        self.phone_edit.setPlaceholderText("选填")
        self.role_checks = RoleChecks()
        self.form.addRow("角色", self.role_checks)
        self.fields["roles"] = self.role_checks.first_box()

        self.generate_radio = QRadioButton("自动生成")
        self.manual_radio = QRadioButton("手动设置")
        self.generate_radio.setChecked(True)
        mode = QButtonGroup(self)
        mode.addButton(self.generate_radio)
        mode.addButton(self.manual_radio)
        mode_row = QHBoxLayout()
        mode_row.addWidget(self.generate_radio)
        mode_row.addWidget(self.manual_radio)
        mode_row.addStretch(1)
        self.form.addRow("初始密码", mode_row)

        self.generated = SecretDisplay(passwords.generate_password())
        self.regenerate_button = QPushButton("换一个")
        self.regenerate_button.setAutoDefault(False)
        self.regenerate_button.clicked.connect(
            lambda: self.generated.set_value(passwords.generate_password())
        )
        self.generated.layout().addWidget(self.regenerate_button)
        self.manual_edit = password_edit("输入初始密码")
        self.password_stack = QStackedWidget()
        self.password_stack.addWidget(self.generated)
        self.password_stack.addWidget(self.manual_edit)
        self.password_stack.setFixedHeight(self.generated.sizeHint().height())
        self.form.addRow("", self.password_stack)
        self.manual_radio.toggled.connect(self._mode_changed)
        self.fields["password"] = self.generated.field
        self.finish_layout(
            "首次登录时用户须修改初始密码。请当面或电话告知本人，不要通过微信或邮件发送。\n"
            + PASSWORD_RULES_HINT
        )
        self.username_edit.setFocus()

    def _mode_changed(self, manual: bool) -> None:
        self.password_stack.setCurrentWidget(self.manual_edit if manual else self.generated)
        self.fields["password"] = self.manual_edit if manual else self.generated.field
        if manual:
            self.manual_edit.setFocus()

    def password(self) -> str:
        return self.manual_edit.text() if self.manual_radio.isChecked() else self.generated.value()

    def save(self) -> None:
        self.added = users.add_user(
            self.session,
            self.username_edit.text(),
            self.display_edit.text(),
            self.role_checks.roles(),
            self.password(),
            self.phone_edit.text(),
        )


class EditUserDialog(FormDialog):
    """编辑用户: name, phone and roles of one user (the username stays)."""

    def __init__(self, session: Session, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__("编辑用户", parent=parent)
        self.session = session
        self.change = Change(Kind.USERS)
        self.user = user
        self.saved: UserInfo | None = None
        self.form.addRow("用户名", QLabel(user.username))
        self.display_edit = self.line_edit("display_name", "姓名", user.display_name)
        self.phone_edit = self.line_edit("phone", "手机号", user.phone, 40)
        self.phone_edit.setPlaceholderText("选填")
        self.role_checks = RoleChecks(user.roles)
        self.form.addRow("角色", self.role_checks)
        self.fields["roles"] = self.role_checks.first_box()
        own = user.username == session.user.username
        if own:  # the service refuses it too; here the boxes say so before anyone tries
            for role, box in self.role_checks.boxes.items():
                if role in CASE_ROLES and role not in user.roles:
                    box.setEnabled(False)
                    box.setToolTip("不能为自己授予案件角色，请由另一名系统管理员授予")
        self.finish_layout(
            "系统管理员只负责用户、科室和系统设置；查看案件需要另外授予业务角色。"
            + ("\n不能为自己授予案件角色。" if own else "")
        )
        self.display_edit.setFocus()

    def save(self) -> None:
        self.saved = users.update_user(
            self.session,
            self.user.username,
            self.display_edit.text(),
            self.phone_edit.text(),
            self.role_checks.roles(),
        )


class OneTimePasswordDialog(QDialog):
    """Shows a temporary password exactly once, with 复制."""

    def __init__(self, title: str, text: str, password: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        message = QLabel(text + "\n此密码只显示这一次，关闭后无法再次查看。")
        message.setWordWrap(True)
        self.secret = SecretDisplay(password, point_size=15)
        buttons = QDialogButtonBox()
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.AcceptRole)
        close.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(message)
        layout.addWidget(self.secret)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
