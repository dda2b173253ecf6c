"""用户管理: list users; add, change roles, reset password, disable/enable, lift a lockout."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from app import passwords, users
from app.session import Session
from app.users import UserInfo
from ui.admin.table_page import TablePage
from ui.admin.user_dialogs import AddUserDialog, EditUserDialog, OneTimePasswordDialog
from ui.common import confirm, format_datetime
from ui.operations import Kind
from ui.table_model import MUTED, WARNING, Column, RowTableModel


def status_text(user: UserInfo) -> str:
    if not user.active:
        return "停用"
    if user.locked_until is not None:
        return f"锁定至 {user.locked_until:%H:%M}"
    return "启用"


def _status_colour(user: UserInfo) -> QColor | None:
    if not user.active:
        return MUTED
    return WARNING if user.locked_until is not None else None


def _status_tooltip(user: UserInfo) -> str:
    if user.active and user.must_change_password:
        return "尚未修改管理员设置的临时密码"
    return ""


def users_model(parent: QWidget | None = None) -> RowTableModel[UserInfo]:
    return RowTableModel(
        [
            Column("用户名", lambda u: u.username),
            Column("姓名", lambda u: u.display_name),
            Column("角色", lambda u: users.role_labels(u.roles)),
            Column("状态", status_text, colour=_status_colour, tooltip=_status_tooltip),
            Column("最后登录", lambda u: format_datetime(u.last_login_at) or "从未登录"),
            Column("手机号", lambda u: u.phone),
        ],
        parent,
    )


class UsersPage(TablePage):
    kind = Kind.USERS

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(
            session,
            "用户管理",
            "添加工作人员账户并分配角色。停用的账户无法登录，其历史记录保留。",
            users_model(),
            "按用户名、姓名或角色筛选",
            parent,
        )
        self.add_button("添加用户", self.add_user, needs_selection=False, primary=True)
        self.add_button("编辑", self.edit_user)
        self.add_button("重置密码", self.reset_password)
        self.active_button = self.add_button("停用", self.toggle_active)
        self.unlock_button = self.add_button("解除锁定", self.unlock)

    def load(self) -> list[UserInfo]:
        return users.list_users(self.session)

    def key(self, row: UserInfo) -> str:
        return row.username

    def activated(self) -> None:
        self.edit_user()

    def update_buttons(self) -> None:
        super().update_buttons()
        user: UserInfo | None = self.selected()
        self.active_button.setText("启用" if user is not None and not user.active else "停用")
        self.unlock_button.setEnabled(user is not None and user.locked_until is not None)

    def add_user(self) -> None:
        dialog = AddUserDialog(self.session, self)
        if dialog.exec() and dialog.added is not None:  # the list was read again on the change
            self.select_key(dialog.added.username)
            self.show_notice(f"已添加用户“{dialog.added.display_name}（{dialog.added.username}）”。")

    def edit_user(self) -> None:
        user = self.selected()
        if user is None:
            return
        dialog = EditUserDialog(self.session, user, self)
        if dialog.exec() and dialog.saved is not None:
            self.show_notice(f"已保存“{dialog.saved.display_name}（{user.username}）”的信息。")

    def _show_password(self, user: UserInfo, title: str, password: str) -> None:
        OneTimePasswordDialog(
            title,
            f"“{user.display_name}（{user.username}）”的临时密码如下。请当面或电话告知本人，"
            "首次登录时须修改。",
            password,
            self,
        ).exec()

    def reset_password(self) -> None:
        user = self.selected()
        if user is None or not confirm(
            self,
            "重置密码",
            f"为“{user.display_name}（{user.username}）”生成新的临时密码？\n原密码将立即失效。",
            "重置密码",
        ):
            return
        password = passwords.generate_password()
        if self.run(lambda: users.reset_password(self.session, user.username, password)):
            self._show_password(user, "临时密码", password)

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        if user.active:
            question = f"停用“{user.display_name}（{user.username}）”？\n停用后该账户无法登录，已有记录保留。"
            if confirm(self, "停用账户", question, "停用") and self.run(
                lambda: users.set_active(self.session, user.username, False)
            ):
                self.show_notice(f"已停用“{user.display_name}”。")
            return
        password = passwords.generate_password()
        if self.run(lambda: users.set_active(self.session, user.username, True, password)):
            self._show_password(user, "账户已启用", password)

    def unlock(self) -> None:
        user = self.selected()
        if user is not None and self.run(lambda: users.unlock_user(self.session, user.username)):
            self.show_notice(f"已解除“{user.display_name}”的登录锁定。")
