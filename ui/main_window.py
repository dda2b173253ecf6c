"""The application shell: menus, status bar, page stack, idle lock."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import account, auth
from app.errors import ComplaintDeskError
from app.policy import Action, can
from app.session import Session
from app.version import __version__
from ui.admin.departments_page import DepartmentsPage
from ui.admin.settings_page import SettingsPage
from ui.admin.users_page import UsersPage
from ui.home_page import HomePage
from ui.idle import IdleWatcher
from ui.lock_screen import LockScreen
from ui.password_dialog import ChangePasswordDialog

APP_TITLE = "医患投诉工作台"


class MainWindow(QMainWindow):
    """Emits `logged_out(message)` when the user logs out (message: why, for the login dialog)
    and `closed` when the user quits."""

    logged_out = Signal(str)
    closed = Signal()

    def __init__(
        self,
        session: Session,
        *,
        idle_timeout_ms: int | None = None,
        demo: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.demo = demo
        self._session_open = True
        self._logout_message: str | None = None
        self._fixed_idle_ms = idle_timeout_ms
        self.summary = account.account_summary(session)
        self.pages: dict[str, QWidget] = {}
        self._page_factories: dict[str, Callable[[], QWidget]] = {}
        self._own_actions: list[QAction] = []

        self._build_actions()
        self._build_menus()
        self._build_central()
        self._build_status_bar()
        self.lock_screen = LockScreen(session, self)
        self.lock_screen.unlocked.connect(self._after_unlock)
        self.lock_screen.logout_requested.connect(self.logout)
        self.idle = IdleWatcher(self._idle_ms(), self)
        self.idle.idle.connect(self.lock)
        self._update_title()
        self.resize(1280, 800)

    # -- construction ----------------------------------------------------------------------------

    def _action(self, text: str, slot: Callable[[], object], shortcut: str = "", tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self._own_actions.append(action)
        return action

    def _build_actions(self) -> None:
        self.lock_action = self._action("锁定", self.lock, "Ctrl+L", "离开座位时锁定屏幕")
        self.logout_action = self._action("注销", lambda: self.logout(""), tip="退出当前账户，返回登录界面")
        self.quit_action = self._action("退出", self.close, "Ctrl+Q", "注销并关闭程序")
        self.password_action = self._action("修改密码…", self.change_password, tip="修改本人登录密码")
        self.users_action = self._action(
            "用户管理", lambda: self.show_page("users"), tip="添加用户、分配角色"
        )
        self.departments_action = self._action(
            "科室管理", lambda: self.show_page("departments"), tip="维护投诉转办的责任科室"
        )
        self.settings_action = self._action(
            "系统设置", lambda: self.show_page("settings"), tip="医院名称、案件编号、自动锁定等"
        )
        self.about_action = self._action("关于", self.about)
        self.admin_actions = [
            (self.users_action, Action.MANAGE_USERS, "users", lambda: UsersPage(self.session)),
            (
                self.departments_action,
                Action.MANAGE_DEPARTMENTS,
                "departments",
                lambda: DepartmentsPage(self.session),
            ),
            (self.settings_action, Action.MANAGE_SETTINGS, "settings", self._make_settings_page),
        ]

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.logout_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        bar.addMenu("账户(&A)").addAction(self.password_action)
        self.allowed_admin_actions = [
            (a, key, make) for a, action, key, make in self.admin_actions if can(self.session.user, action)
        ]
        self.admin_menu = None
        if self.allowed_admin_actions:
            self.admin_menu = bar.addMenu("管理(&M)")
            for action, key, make in self.allowed_admin_actions:
                self.admin_menu.addAction(action)
                self._page_factories[key] = make
        bar.addMenu("帮助(&H)").addAction(self.about_action)

    def _build_central(self) -> None:
        self.stack = QStackedWidget()
        home_actions = [action for action, _key, _make in self.allowed_admin_actions]
        home_actions += [self.password_action, self.lock_action]
        self.home_page = HomePage(
            self.summary, home_actions, self._idle_minutes(), account.recent_activity(self.session)
        )
        self.stack.addWidget(self.home_page)
        self.pages["home"] = self.home_page

        self.back_bar = QWidget()
        self.back_bar.setObjectName("page")
        back_layout = QHBoxLayout(self.back_bar)
        back_layout.setContentsMargins(20, 8, 20, 0)
        self.back_button = QPushButton("‹ 返回首页")
        self.back_button.setProperty("link", True)
        self.back_button.clicked.connect(lambda: self.show_page("home"))
        back_layout.addWidget(self.back_button)
        back_layout.addStretch(1)
        self.back_bar.hide()

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.back_bar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.user_label = QLabel(f"{self.summary.display_name}　{self.summary.roles_label}")
        self.database_label = QLabel(("演示数据库 · " if self.demo else "") + self.summary.database_label)
        bar.addWidget(self.user_label)
        bar.addPermanentWidget(self.database_label)

    def _make_settings_page(self) -> QWidget:
        page = SettingsPage(self.session)
        page.saved.connect(lambda _values: self.refresh_summary())
        return page

    # -- pages -----------------------------------------------------------------------------------

    def show_page(self, key: str) -> QWidget:
        """Show a page, creating admin pages on first use."""
        page = self.pages.get(key)
        if page is None:
            page = self._page_factories[key]()
            self.pages[key] = page
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        self.back_bar.setVisible(key != "home")
        return page

    def current_page_key(self) -> str:
        current = self.stack.currentWidget()
        return next(key for key, page in self.pages.items() if page is current)

    def refresh_summary(self) -> None:
        """Re-read hospital name and idle time after the settings changed."""
        self.summary = account.account_summary(self.session)
        self.home_page.set_summary(self.summary, self._idle_minutes(), account.recent_activity(self.session))
        self.idle.set_timeout(self._idle_ms())
        self._update_title()

    def _update_title(self) -> None:
        hospital = self.summary.hospital_name
        title = f"{APP_TITLE} - {hospital}" if hospital else APP_TITLE
        self.setWindowTitle(f"{title}（演示）" if self.demo else title)

    # -- idle lock -------------------------------------------------------------------------------

    def _idle_minutes(self) -> int:
        return account.idle_lock_minutes()

    def _idle_ms(self) -> int:
        return self._fixed_idle_ms if self._fixed_idle_ms is not None else self._idle_minutes() * 60_000

    def is_locked(self) -> bool:
        return self.lock_screen.isVisible()

    def lock(self) -> None:
        """Hide everything behind the lock screen (open dialogs are closed)."""
        if not self._session_open or self.is_locked():
            return
        self.idle.pause()
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        auth.lock(self.session)
        self.centralWidget().setEnabled(False)
        self.menuBar().setEnabled(False)
        for action in self._own_actions:
            action.setEnabled(False)
        self.lock_screen.activate()

    def _after_unlock(self) -> None:
        self.centralWidget().setEnabled(True)
        self.menuBar().setEnabled(True)
        for action in self._own_actions:
            action.setEnabled(True)
        self.idle.resume()

    # -- account ---------------------------------------------------------------------------------

    def change_password(self) -> None:
        if ChangePasswordDialog(self.session, parent=self).exec():
            QMessageBox.information(self, "修改密码", "密码已修改，下次登录请使用新密码。")

    def about(self) -> None:
        QMessageBox.about(
            self,
            f"关于{APP_TITLE}",
            f"<h3>{APP_TITLE}</h3><p>版本 {__version__}</p>"
            "<p>医院医患沟通办公室的投诉受理、转办、答复、回访与销项管理。</p>"
            "<p>数据保存在加密数据库中；所有查看、修改和打印操作均记入审计日志。</p>",
        )

    def _end_session(self) -> None:
        if not self._session_open:
            return
        self._session_open = False
        self.idle.stop()
        try:
            auth.logout(self.session)
        except ComplaintDeskError:
            pass  # the session ends either way; the database connection is closed by logout

    def logout(self, message: str = "") -> None:
        """End the session and ask for the login dialog (with `message` shown there, if any)."""
        self._logout_message = message
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self._end_session()
        super().closeEvent(event)
        if self._logout_message is None:
            self.closed.emit()
        else:
            self.logged_out.emit(self._logout_message)
