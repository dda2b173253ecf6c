"""The application shell: navigation rail, page stack, case workspace, menus, status bar, idle lock.

Rail entries appear only when what they open works for the user (app.policy.can):
工作台 (the role home, or the account home of an administrator), 登记, 看板, 案件列表, 提醒, 管理.
Ctrl+1…5 select them in order, Ctrl+F searches the case list, Ctrl+N starts a registration.
Opening a case from any list shows its workspace in the stack; 关闭 or 返回 goes back to where the
user came from. Every write (workspace, board, intake, receipt) refreshes the counts, and the pages
re-read their data when next shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
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
from app.cases import board
from app.cases.board import BOARD_MOVES, BoardFilter, QueueCount
from app.cases.queues import home_sections
from app.cases.rules import RULES
from app.policy import Action, can
from app.reminders.compute import has_reminders
from app.session import Session
from app.version import __version__
from ui import memory
from ui.admin import calendar_page
from ui.admin.admin_pages import admin_pages
from ui.admin.admin_tabs import AdminTabs
from ui.admin.settings_page import SettingsPage
from ui.board import BoardPage
from ui.cases import CaseListPage
from ui.common import APP_TITLE, confirm
from ui.home import RoleHome
from ui.home.calendar_reminder import CalendarReminder
from ui.home.welcome_page import HomePage
from ui.idle import IdleWatcher
from ui.intake.intake_page import IntakePage
from ui.lock_screen import LockScreen
from ui.navigation import NavigationRail
from ui.operations import CASE_KINDS, Kind, bus, run
from ui.password_dialog import ChangePasswordDialog
from ui.records import backup_page
from ui.records.actions import records_actions
from ui.records.backup_reminder import BackupReminder, schedule_automatic_backup
from ui.rectification.list_page import rectification_page
from ui.reminders.controller import ReminderController
from ui.statistics import StatisticsPage
from ui.statistics.rebuild import start_pending_rebuild, start_repeat_key_settling
from ui.workspace import CaseWorkspace

LIVE_REFRESH_MS = 60_000  # counts and the visible home are re-read this often
CASE_PAGE = "case"
DATA_PAGES = ("home", "board", "cases", "statistics", "rectification")  # re-read after case writes
# Rail entries: key, text, icon, what it is for.
ENTRIES = (
    ("home", "工作台", "home", "今日待办与各队列数量"),
    ("intake", "登记", "intake", "登记新的投诉（Ctrl+N）"),
    ("board", "看板", "board", "按办理环节查看在办案件，拖动卡片办理"),
    ("cases", "案件列表", "cases", "全部案件、筛选与搜索（Ctrl+F）"),
    ("reminders", "提醒", "bell", "到期、逾期、待审批和整改等需要跟进的事项"),
    ("statistics", "统计分析", "chart", "月度、季度、年度统计，报告与科室考核"),
    ("rectification", "整改", "rectify", "整改项：下达、落实、验证与关闭"),
    ("admin", "管理", "admin", "用户、科室、投诉类别、系统设置"),
)


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
        self._settled = False  # the objects alive after the first show are frozen (ui/memory.py)
        self._fixed_idle_ms = idle_timeout_ms
        self.summary = account.account_summary(session)
        self.pages: dict[str, QWidget] = {}
        self._factories: dict[str, Callable[[], QWidget]] = {}
        self._stale: set[str] = set()
        self._own_actions: list[QAction] = []
        self.workspace: CaseWorkspace | None = None
        self._return_to = "home"

        self._build_actions()
        self._build_menus()
        self._build_central()
        self._build_status_bar()
        self.lock_screen = LockScreen(session, self)
        self.lock_screen.unlocked.connect(self._after_unlock)
        self.lock_screen.logout_requested.connect(self.logout)
        self.idle = IdleWatcher(self._idle_ms(), self)
        self.idle.idle.connect(self.lock)
        self.live_timer = QTimer(self)
        self.live_timer.setInterval(LIVE_REFRESH_MS)
        self.live_timer.timeout.connect(self._live_refresh)
        self.live_timer.start()
        bus().data_changed.connect(self._data_changed)
        self._update_title()
        self.refresh_counts()
        self.resize(1280, 800)
        QTimer.singleShot(0, self._prepare_board)
        self.statistics_rebuild = None  # the recount an upgrade asked for, when one runs
        QTimer.singleShot(0, self._rebuild_statistics)
        schedule_automatic_backup(self, self.session, lambda text: self.statusBar().showMessage(text, 10_000))

    def _rebuild_statistics(self) -> None:
        if self._session_open:
            self.statistics_rebuild = start_pending_rebuild(self, self.session)
        if self._session_open and self.statistics_rebuild is None:  # a recount makes every key anyway
            self.statistics_rebuild = start_repeat_key_settling(self, self.session)

    # -- what the user may open ------------------------------------------------------------------

    def _allowed_entries(self) -> list[str]:
        user = self.session.user
        allowed = {
            "home": True,
            "intake": bool(can(user, Action.REGISTER)),
            "board": any(can(user, RULES[rule].action) for rule in set(BOARD_MOVES.values())),
            "cases": bool(can(user, Action.VIEW_CASE)),
            "reminders": has_reminders(user),
            "statistics": bool(can(user, Action.VIEW_STATISTICS)),
            "rectification": bool(can(user, Action.VIEW_RECTIFICATION)),
            "admin": bool(self.admin_specs),
        }
        return [key for key, *_rest in ENTRIES if allowed[key]]

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
        self.about_action = self._action("关于", self.about)
        self.admin_specs = admin_pages(self.session, self._make_settings_page)
        self.admin_actions = {
            spec.key: self._action(spec.title, lambda key=spec.key: self.show_page(key), tip=spec.tip)
            for spec in self.admin_specs
        }
        self.users_action = self.admin_actions.get("users")
        self.departments_action = self.admin_actions.get("departments")
        self.settings_action = self.admin_actions.get("settings")
        self.entry_keys = self._allowed_entries()
        texts = {key: (text, tip) for key, text, _icon, tip in ENTRIES}
        self.go_actions = {
            key: self._action(texts[key][0], lambda key=key: self.go_to(key), f"Ctrl+{n}", texts[key][1])
            for n, key in enumerate(self.entry_keys, start=1)
        }
        self.search_action = None
        if "cases" in self.entry_keys:
            self.search_action = self._action("搜索案件", self.focus_search, "Ctrl+F", "在案件列表中搜索")
        self.register_action = None
        if "intake" in self.entry_keys:
            self.register_action = self._action(
                "登记投诉", lambda: self.show_page("intake"), "Ctrl+N", "登记新的投诉"
            )

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        file_menu.addActions(records_actions(self, self.session))
        file_menu.addSeparator()
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.logout_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        go_menu = bar.addMenu("转到(&G)")
        for action in self.go_actions.values():
            go_menu.addAction(action)
        if self.search_action or self.register_action:
            go_menu.addSeparator()
        for action in (self.register_action, self.search_action):
            if action is not None:
                go_menu.addAction(action)
        bar.addMenu("账户(&A)").addAction(self.password_action)
        self.admin_menu = None
        if self.admin_actions:
            self.admin_menu = bar.addMenu("管理(&M)")
            for action in self.admin_actions.values():
                self.admin_menu.addAction(action)
        bar.addMenu("帮助(&H)").addAction(self.about_action)

    def _build_central(self) -> None:
        self.rail = NavigationRail(APP_TITLE)
        for key, text, icon, tip in ENTRIES:
            if key in self.entry_keys:
                shortcut = f"Ctrl+{self.entry_keys.index(key) + 1}"
                self.rail.add_entry(key, text, icon, f"{tip}（{shortcut}）" if "Ctrl" not in tip else tip)
        self.rail.selected.connect(self.show_page)

        self.stack = QStackedWidget()
        self.home_page = self._make_home()
        self._add_page("home", self.home_page)
        self.reminders: ReminderController | None = None
        if "reminders" in self.entry_keys:
            self.reminders = ReminderController(self.session, self.rail, APP_TITLE, self, self.open_case)
            self._add_page("reminders", self.reminders.page)
        self._factories = {
            "intake": self._make_intake,
            "board": self._make_board,
            "cases": self._make_case_list,
            "statistics": lambda: self._make_case_list(StatisticsPage),
            "rectification": lambda: rectification_page(self.session, self.open_case),
            "admin": lambda: AdminTabs(self.admin_specs),
        }

        self.back_bar = QWidget()
        self.back_bar.setObjectName("page")
        back_layout = QHBoxLayout(self.back_bar)
        back_layout.setContentsMargins(16, 6, 16, 0)
        self.back_button = QPushButton("‹ 返回")
        self.back_button.setProperty("link", True)
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.close_case)
        back_layout.addWidget(self.back_button)
        back_layout.addStretch(1)
        self.back_bar.hide()

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(0)
        content_layout.addWidget(self.back_bar)
        content_layout.addWidget(self.stack, 1)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.rail)
        layout.addWidget(content, 1)
        self.setCentralWidget(central)
        self.rail.select("home")

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.user_label = QLabel(f"{self.summary.display_name}　{self.summary.roles_label}")
        self.database_label = QLabel(("演示数据库 · " if self.demo else "") + self.summary.database_label)
        bar.addWidget(self.user_label)
        bar.addPermanentWidget(self.database_label)

    # -- page factories --------------------------------------------------------------------------

    def _make_home(self) -> QWidget:
        if home_sections(self.session.user).any:
            actions = [a for a in (self.register_action, self.search_action) if a is not None]
            home = RoleHome(self.session, self.summary, actions)
            home.open_case_requested.connect(self.open_case)
            home.queue_requested.connect(self.show_queue)
            return home
        actions = [*self.admin_actions.values(), self.password_action, self.lock_action]
        page = HomePage(self.summary, actions, self._idle_minutes(), account.recent_activity(self.session))
        if can(self.session.user, Action.MANAGE_CALENDAR):
            reminder = CalendarReminder(self.session, lambda: self.show_page(calendar_page.PAGE_KEY))
            page.add_notice(reminder)
            reminder.refresh()
        if can(self.session.user, Action.BACKUP):
            stale = BackupReminder(self.session, lambda: self.show_page(backup_page.PAGE_KEY))
            page.add_notice(stale)
            stale.refresh()
        return page

    def _make_intake(self) -> QWidget:
        page = IntakePage(self.session)
        page.open_case_requested.connect(self.open_case)
        return page

    def _make_board(self) -> QWidget:
        page = BoardPage(self.session)
        page.open_case_requested.connect(self.open_case)
        page.workspace_action_requested.connect(self.open_case)
        return page

    def _make_case_list(self, page_type: type = CaseListPage) -> QWidget:
        page = page_type(self.session)  # 案件列表, or 统计分析: its cases open in the workspace too
        page.open_case_requested.connect(self.open_case)
        if hasattr(page, "rectification_requested") and "rectification" in self.entry_keys:  # 考核 → 整改项
            page.rectification_requested.connect(lambda name: self.show_page("rectification").show_department(name))
        return page

    def _make_settings_page(self) -> QWidget:
        page = SettingsPage(self.session)
        page.saved.connect(lambda _values: self.refresh_summary())
        return page

    def _add_page(self, key: str, page: QWidget) -> None:
        self.pages[key] = page
        self.stack.addWidget(page)

    # -- pages -----------------------------------------------------------------------------------

    def show_page(self, key: str) -> QWidget:
        """Show a rail page (created on first use, re-read if data changed) or an admin tab."""
        if key in self.admin_actions:
            self.show_page("admin")
            return self.pages["admin"].show_tab(key)  # type: ignore[attr-defined]
        if key not in self.entry_keys:
            raise KeyError(key)
        if self.workspace is not None and not self._leave_workspace():
            return self.workspace
        page = self.pages.get(key)
        if page is None:
            page = self._factories[key]()
            self._add_page(key, page)
            self._stale.discard(key)
        elif key in self._stale:
            self._stale.discard(key)
            self._refresh_page(key)
        self.stack.setCurrentWidget(page)
        self.rail.select(key)
        self.back_bar.hide()
        return page

    def current_page_key(self) -> str:
        current = self.stack.currentWidget()
        if current is not None and current is self.workspace:
            return CASE_PAGE
        return next(key for key, page in self.pages.items() if page is current)

    def _prepare_board(self) -> None:
        """Build the board while the user reads the home, so 看板 opens at once."""
        if (
            "board" in self.entry_keys
            and "board" not in self.pages
            and self._session_open
            and not self.is_locked()
        ):
            self._add_page("board", self._factories["board"]())

    def show_queue(self, queue: QueueCount) -> None:
        """A home tile: the case list showing that queue."""
        if "cases" in self.entry_keys:
            self.show_page("cases").show_queue(queue)  # type: ignore[attr-defined]

    def go_to(self, key: str) -> None:
        """Ctrl+1…5: show the page and put the keyboard focus in it (the rail keeps it otherwise)."""
        page = self.show_page(key)
        focus = getattr(page, "focus_first", None)
        if callable(focus) and page is self.stack.currentWidget():
            focus()

    def focus_search(self) -> None:
        self.show_page("cases").focus_search()  # type: ignore[attr-defined]

    def _refresh_page(self, key: str) -> None:
        if key in (*DATA_PAGES, "reminders") and hasattr(page := self.pages.get(key), "refresh"):
            page.refresh()

    # -- the case workspace ----------------------------------------------------------------------

    def open_case(self, case_id: int, action: str = "") -> CaseWorkspace | None:
        """Show the case's workspace (with `action`'s dialog or form open, if given)."""
        previous = self.current_page_key()
        if self.workspace is not None and not self._leave_workspace():
            return None
        if previous != CASE_PAGE:
            self._return_to = previous
        workspace = CaseWorkspace(self.session, case_id, self.stack)
        workspace.closed.connect(self.close_case)
        workspace.open_case_requested.connect(self.open_case)
        self.workspace = workspace
        self.stack.addWidget(workspace)
        self.stack.setCurrentWidget(workspace)
        self.rail.select("")
        self.back_button.setText(f"‹ 返回{self.rail.text(self._return_to)}")
        self.back_bar.show()
        if action:
            workspace.trigger(action)
        return workspace

    def close_case(self) -> None:
        if self.workspace is None or self._leave_workspace():
            self.show_page(self._return_to)

    def _leave_workspace(self) -> bool:
        """Drop the workspace (asking first when the draft form has unsaved text)."""
        workspace = self.workspace
        if workspace is None:
            return True
        if workspace.draft_is_dirty() and not confirm(
            self, "放弃修改", "处理意见有未保存的修改，离开后将丢失。确定离开吗？", "离开"
        ):
            return False
        self.workspace = None
        self.stack.removeWidget(workspace)
        workspace.deleteLater()
        self.back_bar.hide()
        return True

    # -- live data -------------------------------------------------------------------------------

    def _data_changed(self, kind: str, case_id: int | None) -> None:
        """The runner announced a write: refresh what shows that data — counts now, case pages when
        next shown (the visible one at once), the open case when another page changed it."""
        if not self._session_open:
            return
        if kind == Kind.SETTINGS:
            self.refresh_summary()
        if kind not in CASE_KINDS and kind != Kind.DOCUMENTS:
            return
        self._stale |= set(DATA_PAGES) & set(self.pages)
        current = self.current_page_key()
        if current in self._stale:
            self._stale.discard(current)
            self._refresh_page(current)
        workspace = self.workspace
        if workspace is not None and case_id == workspace.case_id and kind == Kind.DOCUMENTS:
            workspace.reload()
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """The rail's numbers: the home's headline queue and the open cases on the board."""
        if isinstance(self.home_page, RoleHome):
            if "home" in self._stale:
                self.home_page.refresh_counts()
            headline = self.home_page.headline()
            if headline is not None:
                self.rail.set_count("home", headline[0], "red" if headline[1] == "red" else "neutral")
        if self.reminders is not None:
            self.reminders.refresh()
        if "board" in self.entry_keys:
            # Counts are a convenience: a refusal or fault here is left to the pages to tell.
            count = run(self, lambda: board.case_count(self.session, BoardFilter()), quiet=True)
            if count:
                self.rail.set_count("board", count.value)
        self.rail.list.viewport().update()

    def _live_refresh(self) -> None:
        if self.is_locked() or not self._session_open:
            return
        current = self.current_page_key()
        if current == "home":
            self._refresh_page("home")
        # Other users' work shows when a page is next opened; the page in use is left alone (F5).
        self._stale |= set(DATA_PAGES) & set(self.pages) - {current}
        self.refresh_counts()

    def refresh_summary(self) -> None:
        """Re-read hospital name and idle time after the settings changed."""
        self.summary = account.account_summary(self.session)
        if isinstance(self.home_page, RoleHome):
            self.home_page.set_summary(self.summary)
        else:
            self.home_page.set_summary(
                self.summary, self._idle_minutes(), account.recent_activity(self.session)
            )
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
        self.refresh_counts()  # before the idle clock runs again: reading the counts takes a moment
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
        if self.reminders is not None:
            self.reminders.close()
        self.idle.stop()
        self.live_timer.stop()
        # The session ends either way (logout closes the connection): a fault here is not shown.
        run(self, lambda: auth.logout(self.session), quiet=True)

    def logout(self, message: str = "") -> None:
        """End the session and ask for the login dialog (with `message` shown there, if any)."""
        self._logout_message = message
        self.close()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._settled:  # once the home and board are on screen (ui/memory.py)
            self._settled = True
            QTimer.singleShot(0, memory.settle)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self._end_session()
        memory.release()
        super().closeEvent(event)
        if self._logout_message is None:
            self.closed.emit()
        else:
            self.logged_out.emit(self._logout_message)
