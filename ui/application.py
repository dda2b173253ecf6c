"""Start the GUI: application object, style, crash hook, then setup or login, then the main window."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from importlib.resources import files
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyleFactory
from shiboken6 import Shiboken

from app import appconfig, auth, workstation
from app.appconfig import APP_NAME, WorkstationConfig
from app.session import Session
from app.shared import SharedConnection
from app.version import __version__
from ui.common import APP_TITLE, ui_font
from ui.crash import install_excepthook
from ui.login_dialog import LoginDialog
from ui.operations import Change, Kind, Progress, run, run_in_background
from ui.startup_probe import install as install_startup_probe

if TYPE_CHECKING:  # the login window comes first: what only follows it is imported when needed
    from app.demo import DemoInfo
    from ui.main_window import MainWindow

DEMO_CASES = 300
DEMO_WAIT_MS = 10 * 60 * 1000


def style_sheet() -> str:
    """ui/style.qss with its icon folder resolved."""
    icons = Path(str(files("ui").joinpath("icons"))).as_posix()
    return files("ui").joinpath("style.qss").read_text(encoding="utf-8").replace("@ICONS@", icons)


def install_translations(app: QApplication) -> None:
    """Qt's own texts (context menus, standard buttons, file dialogs) in Simplified Chinese."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)


DESKTOP_ID = "complaintdesk"


def application_icon() -> QIcon:
    """The icon of every window and of the taskbar entry (resources/icons, drawn from the SVG)."""
    icons = files("resources").joinpath("icons")
    icon = QIcon()
    for name in ("complaintdesk.svg", "complaintdesk.png"):
        icon.addFile(str(icons.joinpath(name)))
    return icon


def configure_application(app: QApplication) -> None:
    """Names, Fusion style, the calm palette, the CJK font chain and Chinese Qt texts."""
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_ID)  # Linux taskbars match the window to complaintdesk.desktop
    app.setWindowIcon(application_icon())
    app.setStyle(QStyleFactory.create("Fusion"))
    app.setFont(ui_font())
    app.setStyleSheet(style_sheet())
    install_translations(app)


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    configure_application(app)
    return app


def dispose_windows() -> list[str]:
    """Close and destroy every window this program made that is still alive; their class names.

    A closed window is not freed: the slots connected to its own signals keep its Python object,
    and with it every widget, alive until the interpreter exits. PySide then deletes what Python
    owns in no particular order, after Qt has already deleted some of it (a crash on exit). So the
    windows are destroyed here, while the application still runs. Popups Qt made for a widget (a
    completer's list) are left to the widget that owns them."""
    left = [w for w in QApplication.topLevelWidgets() if w.parent() is None and Shiboken.createdByPython(w)]
    for widget in left:
        if widget.isVisible():
            widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return [type(w).__name__ for w in left]


class GuiController(QObject):
    """Setup or login → (forced password change) → main window; logout returns to the login dialog.

    In shared mode `connection` keeps this run's server secrets in memory, so logging in again
    after a logout asks only for the user's own password.
    """

    def __init__(
        self,
        database: Path,
        *,
        remember: bool,
        demo: bool = False,
        connection: SharedConnection | None = None,
    ) -> None:
        super().__init__()
        self.database = database
        self.remember = remember
        self.demo = demo
        self.connection = connection
        self.config = WorkstationConfig.load() if remember else WorkstationConfig()
        self.window: MainWindow | None = None

    def setup(self) -> bool:
        """First run: the setup wizard, then the main window or the login dialog; False when cancelled."""
        from ui.setup_wizard import SetupWizard

        wizard = SetupWizard(self.database)
        accepted = wizard.exec()
        if wizard.existing_database is not None:
            self.database = wizard.existing_database
            return self.login()
        if not accepted:
            return False
        self.connection = wizard.connection
        if wizard.session is None:  # joined a server database: each user logs in
            return self.connection is not None and self.login()
        if self.connection is None:
            self.database = wizard.database_path
        self.remember_login(wizard.session)
        self.open_main(wizard.session)
        return True

    def login(self, message: str = "", username: str | None = None) -> bool:
        """Show the login dialog until a session opens the main window; False when cancelled."""
        dialog = LoginDialog(
            self.database, username or self.config.last_username, message, connection=self.connection
        )
        if not dialog.exec() or dialog.session is None:
            return False
        self.database = dialog.database
        self.connection = dialog.connection
        session = dialog.session
        self.remember_login(session)
        from ui.password_dialog import ChangePasswordDialog

        if session.user.must_change_password and not ChangePasswordDialog(session, forced=True).exec():
            auth.logout(session)
            return self.login(username=session.user.username)
        self.open_main(session)
        return True

    def remember_login(self, session: Session) -> None:
        """Keep the database (file or server) and username for the next start (not for the demo)."""
        if not self.remember:
            return
        # quiet: a read-only profile only means typing the username again next time
        kept = run(None, lambda: workstation.remember_login(session, self.database), quiet=True)
        if kept.value is not None:
            self.config = kept.value

    def open_main(self, session: Session) -> None:
        from ui.main_window import MainWindow

        self.window = MainWindow(session, demo=self.demo)
        self.window.logged_out.connect(self._logged_out)
        self.window.closed.connect(QApplication.quit)
        self.window.show()
        if self.window.reminders is not None:  # 今日提醒摘要 at the first login of the working day
            self.window.reminders.show_digest(lambda: self.window.show_page("reminders"))

    def _logged_out(self, message: str) -> None:
        username = self.window.session.user.username if self.window else None
        if self.window is not None:
            self.window.deleteLater()
            self.window = None
        # Leave the closing window's event handler before running the login dialog's loop.
        QTimer.singleShot(0, lambda: self.login(message, username) or QApplication.quit())


def create_demo(path: Path) -> DemoInfo | None:
    """The throwaway demo database: a few hundred realistic cases written in bulk, in the background
    with a progress dialog (取消 removes the half-made files); None when cancelled or refused."""

    from app.demo import create_demo_database

    def make(progress: Progress) -> DemoInfo:
        def cases(done: int, total: int) -> None:
            progress(done, total, f"正在生成演示案件（{done}/{total}）……")

        session, info = create_demo_database(path, cases=DEMO_CASES, bulk=True, progress=cases)
        auth.logout(session)
        return info

    creating = run_in_background(
        None,
        make,
        title="演示数据库",
        label="正在创建演示数据库……",
        cancellable=True,
        changed=Change(Kind.DATABASE),
    )
    outcome = creating.wait(DEMO_WAIT_MS)
    return outcome.value if outcome is not None and outcome.ok else None


def run_gui(db: str | None = None, demo: bool = False) -> int:
    """The GUI entry point (`complaintdesk`, `complaintdesk gui --db PATH`, `--demo`).

    `--db` opens that local file; otherwise the workstation's settings decide: the server (shared
    mode), the remembered file, or the setup wizard when there is none yet."""
    app = create_application()
    install_excepthook()
    install_startup_probe(app)  # only with COMPLAINTDESK_PROBE_EXIT_ON_PAINT set (the benchmark)
    app.setQuitOnLastWindowClosed(False)
    with ExitStack() as cleanup:
        if demo:
            folder = Path(cleanup.enter_context(TemporaryDirectory(prefix="complaintdesk-demo-")))
            info = create_demo(folder / "demo.db")
            from ui.demo_dialog import DemoDialog

            if info is None or not DemoDialog(info).exec():
                return 0
            controller = GuiController(info.path, remember=False, demo=True)
            started = controller.login(username=info.usernames["officer"])
        else:
            config = WorkstationConfig.load()
            connection = None if db else SharedConnection.from_config(config)
            path = Path(db or config.database_path or appconfig.default_database_path()).expanduser()
            controller = GuiController(path, remember=True, connection=connection)
            started = controller.login() if connection is not None or path.exists() else controller.setup()
        if not started:
            return 0
        code = app.exec()
        dispose_windows()  # the main window (closing it ends the session) and any dialog left
        return code
