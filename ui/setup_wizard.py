"""首次使用向导: the first choice, then one of three paths (pages in ui.setup_pages).

- 本地加密数据库: hospital, database location, first administrator, recovery key.
- 连接医院服务器: server connection (测试连接), hospital, first administrator, enrollment file export.
- 导入工作站注册文件: the enrollment file, its passphrase and the server password.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from app import auth, shared
from app.records.restore import RestoreReport
from app.session import Session
from app.shared import SharedConnection
from models.database import ServerParams
from ui.login_dialog import DATABASE_FILTER
from ui.records.restore_dialog import RestoreFlow
from ui.setup_pages import Page, title
from ui.setup_pages.local import AdminPage, DatabasePage, HospitalPage, RecoveryPage
from ui.setup_pages.server import EnrollmentPage, JoinPage, ServerPage

LOCAL, SERVER, JOIN = "local", "server", "join"
(
    PAGE_CHOICE,
    PAGE_HOSPITAL,
    PAGE_DATABASE,
    PAGE_ADMIN,
    PAGE_RECOVERY,
    PAGE_SERVER,
    PAGE_ENROLLMENT,
    PAGE_JOIN,
) = range(8)
FLOWS = {
    LOCAL: (PAGE_CHOICE, PAGE_HOSPITAL, PAGE_DATABASE, PAGE_ADMIN, PAGE_RECOVERY),
    SERVER: (PAGE_CHOICE, PAGE_SERVER, PAGE_HOSPITAL, PAGE_ADMIN, PAGE_ENROLLMENT),
    JOIN: (PAGE_CHOICE, PAGE_JOIN),
}


class OptionCard(QFrame):
    """One choice of the first page: a radio button with its explanation; a click anywhere picks it."""

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.setObjectName("card")
        self.radio = QRadioButton(title)
        font = self.radio.font()
        font.setBold(True)
        self.radio.setFont(font)
        description = QLabel(text)
        description.setObjectName("hint")
        description.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(4)
        layout.addWidget(self.radio)
        indent = QHBoxLayout()
        indent.setContentsMargins(24, 0, 0, 0)
        indent.addWidget(description)
        layout.addLayout(indent)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.radio.setChecked(True)
        self.radio.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)


class ChoicePage(Page):
    """本地加密数据库 / 连接医院服务器 / 导入工作站注册文件, and a way out to an existing file."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(title("欢迎使用医患投诉工作台"))
        self.setSubTitle("请选择这台电脑使用数据库的方式。本地数据库以后也可以由系统管理员迁移到服务器。")
        self.cards = {
            LOCAL: OptionCard(
                "本地加密数据库(&L)",
                "数据库是这台电脑上的一个加密文件（SQLCipher，256 位随机密钥），由每位用户的登录密码分别保护。"
                "适合只在一台电脑上办公。",
            ),
            SERVER: OptionCard(
                "连接医院服务器，新建共享数据库(&S)",
                "在医院的 PostgreSQL 服务器上创建投诉数据库，总值班、前台和投诉办公室的多台电脑共用。"
                "投诉人和患者的身份信息在本机加密后才写入服务器。需要信息科提供服务器地址、账户和密码。",
            ),
            JOIN: OptionCard(
                "导入工作站注册文件，加入已有的共享数据库(&J)",
                "服务器上已经有投诉数据库时，用系统管理员导出的注册文件把这台电脑加入。",
            ),
        }
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        for card in self.cards.values():
            self.group.addButton(card.radio)
            layout.addWidget(card)
        self.cards[LOCAL].radio.setChecked(True)
        layout.addStretch(1)
        self.open_button = QPushButton("已有本地数据库？打开数据库文件…")
        self.open_button.setProperty("link", True)
        self.open_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_existing)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.restore_button = QPushButton("数据库损坏或丢失？从备份恢复…")
        self.restore_button.setProperty("link", True)
        self.restore_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.restore_button.setAutoDefault(False)
        self.restore_button.clicked.connect(lambda: self.restore_from_backup())
        layout.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.restore_flow: RestoreFlow | None = None

    def choice(self) -> str:
        return next(key for key, card in self.cards.items() if card.radio.isChecked())

    def choose(self, key: str) -> None:
        self.cards[key].radio.setChecked(True)

    def open_existing(self) -> None:
        """Leave the wizard to log in to a database that already exists elsewhere."""
        chosen, _ = QFileDialog.getOpenFileName(self, "打开数据库文件", str(Path.home()), DATABASE_FILTER)
        if chosen:
            self.setup.existing_database = Path(chosen)
            self.setup.reject()


    def restore_from_backup(self, source: Path | None = None, target: Path | None = None) -> None:
        """Restore a backup to a new file (verified), then leave the wizard to log in to it."""
        self.restore_flow = RestoreFlow(self, self.setup.database_path.parent, on_restored=self._restored)
        self.restore_flow.start(source, target)

    def _restored(self, report: RestoreReport) -> None:
        self.setup.existing_database = report.path
        self.setup.reject()


class SetupWizard(QWizard):
    """After 完成, one of:

    - `session` and `database_path`: a new local database, its first admin logged in;
    - `session` and `connection`: a new server database, its first admin logged in;
    - `connection` only: this workstation joined a server database (log in next);
    - `existing_database`: the user chose to open an existing local file instead, or restored one
      from a backup (rejected).
    """

    def __init__(self, default_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("首次使用 - 医患投诉工作台")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        for button, text in (
            (QWizard.WizardButton.BackButton, "上一步"),
            (QWizard.WizardButton.NextButton, "下一步"),
            (QWizard.WizardButton.FinishButton, "完成"),
            (QWizard.WizardButton.CancelButton, "取消"),
            (QWizard.WizardButton.CommitButton, "创建数据库"),
        ):
            self.setButtonText(button, text)
        self.session: Session | None = None
        self.existing_database: Path | None = None  # chosen with 打开数据库文件 instead of creating
        self.connection: SharedConnection | None = None
        self.server: ServerParams | None = None  # the checked server of 连接医院服务器
        self.recovery_key = ""
        self.choice_page = ChoicePage()
        self.hospital_page = HospitalPage()
        self.database_page = DatabasePage(default_path)
        self.admin_page = AdminPage()
        self.recovery_page = RecoveryPage()
        self.server_page = ServerPage()
        self.enrollment_page = EnrollmentPage()
        self.join_page = JoinPage()
        for page_id, page in (
            (PAGE_CHOICE, self.choice_page),
            (PAGE_HOSPITAL, self.hospital_page),
            (PAGE_DATABASE, self.database_page),
            (PAGE_ADMIN, self.admin_page),
            (PAGE_RECOVERY, self.recovery_page),
            (PAGE_SERVER, self.server_page),
            (PAGE_ENROLLMENT, self.enrollment_page),
            (PAGE_JOIN, self.join_page),
        ):
            self.setPage(page_id, page)
        self.setStartId(PAGE_CHOICE)
        self.resize(720, 560)

    @property
    def choice(self) -> str:
        return self.choice_page.choice()

    @property
    def target_server(self) -> ServerParams | None:
        """The checked server when creating a server database (None on the other paths)."""
        return self.server if self.choice == SERVER else None

    def nextId(self) -> int:  # noqa: N802 - Qt override
        """The next page of the chosen path (-1 on its last page)."""
        flow = FLOWS[self.choice]
        current = self.currentId()
        if current not in flow or current == flow[-1]:
            return -1
        return flow[flow.index(current) + 1]

    @property
    def database_path(self) -> Path:
        return self.database_page.path()

    def create_database(self, username: str, display_name: str, password: str) -> None:
        hospital = self.hospital_page.name_edit.text()
        if self.target_server is not None:
            self.session, _data_key = shared.create_shared_database(
                self.target_server,
                self.server_page.form.password(),
                username,
                display_name,
                password,
                hospital,
            )
            return
        self.session, self.recovery_key = auth.create_local_database(
            self.database_path, username, display_name, password, hospital
        )

    def reject(self) -> None:
        """Once the database exists, the recovery key or the enrollment file must be taken care
        of first: no cancelling then."""
        if self.session is not None:
            return
        super().reject()
