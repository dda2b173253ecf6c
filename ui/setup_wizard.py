"""首次使用向导: the first choice, then one of three paths.

- 本地加密数据库: hospital, database location, first administrator, recovery key.
- 连接医院服务器: server connection (测试连接), hospital, first administrator, enrollment file export.
- 导入工作站注册文件: the enrollment file, its passphrase and the server password.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app import auth, keystore, passwords, settings, shared
from app.errors import ComplaintDeskError, ValidationError
from app.keyslots import KeySlotFile
from app.session import Session
from app.shared import SharedConnection
from models.database import ServerParams
from ui.common import PASSWORD_RULES_HINT, ErrorLabel, busy_cursor, mono_font, password_edit, show_error
from ui.login_dialog import DATABASE_FILTER
from ui.server_mode.connection_form import ConnectionForm
from ui.server_mode.enrollment import ABOUT_ENROLLMENT, EnrollmentExportForm, EnrollmentImportForm

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

CONFIRM_TEXT = "我已将恢复密钥打印或抄写并妥善保管"


def _paragraph(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def _title(text: str) -> str:
    return f"<span style='font-size:14pt; font-weight:600; color:#123B5E'>{text}</span>"


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setHorizontalSpacing(12)
    form.setVerticalSpacing(10)
    return form


class Page(QWizardPage):
    """A page of the setup wizard. It reaches the wizard through Qt (`wizard()`), never through a
    Python attribute: a page ↔ wizard reference cycle would leave the wizard's deletion to the
    garbage collector, at a moment when Qt may be walking its widgets."""

    @property
    def setup(self) -> SetupWizard:
        return cast("SetupWizard", self.wizard())


class FormPage(Page):
    """A page whose 下一步 waits until every required field has text."""

    def __init__(self) -> None:
        super().__init__()
        self.required: list[QLineEdit] = []

    def require(self, *edits: QLineEdit) -> None:
        for edit in edits:
            self.required.append(edit)
            edit.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return all(edit.text().strip() for edit in self.required)


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
        self.setTitle(_title("欢迎使用医患投诉工作台"))
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


class HospitalPage(FormPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_title("医院信息"))
        self.setSubTitle("医院名称将显示在程序中，并印在回执、告知书等文书的抬头上。")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("例如：江宁市第一人民医院")
        self.name_edit.setMaxLength(settings.DEFINITIONS["hospital_name"].max_len)
        self.error = ErrorLabel()
        form = _form()
        form.addRow("医院名称", self.name_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.require(self.name_edit)

    def validatePage(self) -> bool:
        try:
            settings.validate("hospital_name", self.name_edit.text())
        except ValidationError as exc:
            self.error.show_message(exc.message)
            return False
        self.error.clear_message()
        return True


class DatabasePage(FormPage):
    def __init__(self, default_path: Path) -> None:
        super().__init__()
        self.setTitle(_title("数据库位置"))
        self.setSubTitle("选择加密数据库文件的保存位置。建议使用默认位置，并纳入医院的定期备份。")
        self.path_edit = QLineEdit(str(default_path))
        self.browse_button = QPushButton("浏览…")
        self.browse_button.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        form = _form()
        form.addRow("数据库文件", row)
        note = QLabel(
            "同一文件夹中还会生成同名的 .keys 密钥文件（由各用户的密码分别保护的数据库密钥），"
            "请勿删除或单独移动；备份时两个文件要一起复制。"
        )
        note.setObjectName("hint")
        note.setWordWrap(True)
        form.addRow("", note)
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.require(self.path_edit)

    def path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "选择数据库位置", str(self.path()), DATABASE_FILTER)
        if chosen:
            self.path_edit.setText(chosen if chosen.lower().endswith(".db") else chosen + ".db")

    def validatePage(self) -> bool:
        path = self.path()
        if path.exists() or KeySlotFile.sidecar_for(path).exists():
            self.error.show_message(
                f"该位置已有数据库文件“{path.name}”，请选择其他位置，或取消向导后直接登录。"
            )
            return False
        self.error.clear_message()
        return True


class AdminPage(FormPage):
    """Creates the database when 创建数据库 is pressed (a commit page: no way back afterwards)."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_title("系统管理员账户"))
        self.setSubTitle("设置第一位系统管理员。管理员负责用户、科室和系统设置，不查看案件内容。")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "创建数据库")
        self.username_edit = QLineEdit("admin")
        self.username_edit.setMaxLength(32)
        self.display_edit = QLineEdit()
        self.display_edit.setPlaceholderText("管理员的真实姓名")
        self.display_edit.setMaxLength(32)
        self.password_edit = password_edit()
        self.confirm_edit = password_edit()
        hint = QLabel(PASSWORD_RULES_HINT)
        hint.setObjectName("hint")
        form = _form()
        form.addRow("用户名", self.username_edit)
        form.addRow("姓名", self.display_edit)
        form.addRow("密码", self.password_edit)
        form.addRow("确认密码", self.confirm_edit)
        form.addRow("", hint)
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.require(self.username_edit, self.display_edit, self.password_edit, self.confirm_edit)

    def initializePage(self) -> None:
        server = self.setup.target_server
        self.setSubTitle(
            "设置第一位系统管理员。管理员负责用户、科室和系统设置，不查看案件内容。"
            + (
                f"按“创建数据库”后，将在服务器 {shared.server_label(server)} 上创建投诉数据库。"
                if server
                else ""
            )
        )

    def _fail(self, message: str, widget: QLineEdit) -> bool:
        self.error.show_message(message)
        widget.selectAll()
        widget.setFocus()
        return False

    def validatePage(self) -> bool:
        fields = {
            "username": self.username_edit,
            "display_name": self.display_edit,
            "password": self.password_edit,
        }
        try:
            username = auth.normalize_username(self.username_edit.text())
            auth.clean_display_name(self.display_edit.text())
            passwords.check_password_rules(self.password_edit.text(), username)
        except ValidationError as exc:
            return self._fail(exc.message, fields.get(exc.field, self.password_edit))
        if self.password_edit.text() != self.confirm_edit.text():
            return self._fail("两次输入的密码不一致", self.confirm_edit)
        try:
            with busy_cursor():
                self.setup.create_database(username, self.display_edit.text(), self.password_edit.text())
        except ValidationError as exc:
            return self._fail(exc.message, fields.get(exc.field, self.username_edit))
        except ComplaintDeskError as exc:
            self.error.show_message(exc.message)
            return False
        self.error.clear_message()
        return True


def key_rows(key: str, groups_per_row: int = 5) -> str:
    """The recovery key in short rows of groups, easier to copy by hand."""
    groups = key.split("-")
    return "\n".join("-".join(groups[i : i + groups_per_row]) for i in range(0, len(groups), groups_per_row))


class RecoveryPage(Page):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_title("恢复密钥"))
        self.setSubTitle("数据库已创建。请立即打印或抄写下面的恢复密钥，它只显示这一次。")
        self.key = ""
        self.key_label = QLabel()
        self.key_label.setObjectName("recoveryKey")
        self.key_label.setFont(mono_font(17))
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton("复制")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy)
        self.sheet_button = QPushButton("打印/保存恢复密钥单…")
        self.sheet_button.setAutoDefault(False)
        self.sheet_button.setToolTip("生成恢复密钥单 PDF 并打开，以便打印")
        self.sheet_button.clicked.connect(self.save_sheet)
        buttons = QVBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.sheet_button)
        buttons.addStretch(1)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_label, 1)
        key_row.addLayout(buttons)
        self.sheet_notice = QLabel()
        self.sheet_notice.setObjectName("noticeLabel")
        self.sheet_notice.setWordWrap(True)
        self.sheet_notice.hide()
        explain = _paragraph(
            "<p style='line-height:150%'>所有系统管理员都忘记密码时，凭恢复密钥可以重新设置管理员密码。"
            "请将它与数据库分开，锁在安全的地方（例如办公室保险柜），不要保存在这台电脑上。</p>"
            "<p style='line-height:150%'>任何人拿到恢复密钥和数据库文件，就能读取全部投诉资料。</p>"
        )
        self.confirm_box = QCheckBox(CONFIRM_TEXT)
        bold = self.confirm_box.font()
        bold.setBold(True)
        self.confirm_box.setFont(bold)
        self.confirm_box.toggled.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.setSpacing(14)
        layout.addLayout(key_row)
        layout.addWidget(self.sheet_notice)
        layout.addWidget(explain)
        layout.addSpacing(6)
        layout.addWidget(self.confirm_box)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.key = self.setup.recovery_key
        self.key_label.setText(key_rows(self.key))

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.key)
        self.copy_button.setText("已复制")

    def save_sheet(self) -> None:
        """Write the recovery sheet PDF where the user chooses, then open it for printing."""
        wizard = self.setup
        start = Path.home() / "恢复密钥单.pdf"
        chosen, _ = QFileDialog.getSaveFileName(self, "保存恢复密钥单", str(start), "PDF 文件 (*.pdf)")
        if not chosen or wizard.session is None:
            return
        path = Path(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf")
        from app.recovery_sheet import write_recovery_sheet  # ReportLab loads only when it is needed

        try:
            with busy_cursor():
                write_recovery_sheet(wizard.session, self.key, path)
        except OSError:
            show_error(self, f"无法保存到“{path}”，请选择其他位置。")
            return
        self.sheet_notice.setText(
            f"已保存恢复密钥单：{path.name}。打印后请删除这份电子文件，或将其存放在加密 U 盘中锁好。"
        )
        self.sheet_notice.show()
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def isComplete(self) -> bool:
        return self.confirm_box.isChecked()


class ServerPage(Page):
    """The server connection; 下一步 tests it and goes on only to an empty database."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_title("医院数据库服务器"))
        self.setSubTitle("填写信息科提供的 PostgreSQL 服务器信息。建议校验服务器证书，防止连接被冒充。")
        self.form = ConnectionForm()
        self.form.changed.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addStretch(1)

    def isComplete(self) -> bool:
        return self.form.is_filled()

    def validatePage(self) -> bool:
        probe = self.form.probe()
        if probe is None:
            return False
        try:
            probe.require_empty()
        except ComplaintDeskError as exc:
            self.form.show_error(exc.message)
            return False
        self.setup.server = self.form.params()
        return True


class EnrollmentPage(Page):
    """After creating the server database: export the enrollment file (required: it is also the
    only backup of the data key), which enrolls this workstation too."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_title("工作站注册文件"))
        self.setSubTitle("数据库已在服务器上创建。请设置注册口令并保存工作站注册文件，其他电脑凭它加入。")
        self.form = EnrollmentExportForm(self._blob)
        self.form.exported.connect(self._exported)
        self.keyring_note = QLabel()
        self.keyring_note.setObjectName("hint")
        self.keyring_note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(_paragraph(ABOUT_ENROLLMENT))
        layout.addWidget(self.form)
        layout.addWidget(self.keyring_note)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.keyring_note.setText(
            "本工作站的数据密钥将保存在系统钥匙串中。"
            if keystore.available()
            else "这台电脑没有系统钥匙串：本工作站会保留一份注册文件，以后每次登录时需要输入注册口令。"
        )
        self.form.passphrase_edit.setFocus()

    def _blob(self, passphrase: str) -> bytes:
        assert self.setup.session is not None
        return shared.enrollment_for(self.setup.session, passphrase)

    def _exported(self, _path: Path, blob: bytes) -> None:
        wizard = self.setup
        assert wizard.session is not None and wizard.server is not None and wizard.session.data_key
        try:
            wizard.connection = shared.enroll_workstation(
                wizard.server,
                wizard.session.data_key,
                blob,
                wizard.server_page.form.password(),
                remember_password=wizard.server_page.form.remember_password(),
            )
        except OSError:
            self.form.error.show_message("无法在本机保存注册文件，请检查用户文件夹的权限后再保存一次。")
            return
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.setup.connection is not None


class JoinPage(Page):
    """导入工作站注册文件: 连接 checks the file and the server and enrolls this workstation."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_title("加入医院服务器"))
        self.setSubTitle("用系统管理员导出的工作站注册文件，把这台电脑连接到服务器上的投诉数据库。")
        self.setButtonText(QWizard.WizardButton.FinishButton, "连接")
        self.form = EnrollmentImportForm()
        self.form.changed.connect(self.completeChanged)
        note = QLabel("连接成功后请用自己的用户名和密码登录。账户由系统管理员添加。")
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(self.form)
        layout.addWidget(note)
        layout.addStretch(1)

    def isComplete(self) -> bool:
        return self.form.is_filled()

    def validatePage(self) -> bool:
        self.setup.connection = self.form.join()
        return self.setup.connection is not None


class SetupWizard(QWizard):
    """After 完成, one of:

    - `session` and `database_path`: a new local database, its first admin logged in;
    - `session` and `connection`: a new server database, its first admin logged in;
    - `connection` only: this workstation joined a server database (log in next);
    - `existing_database`: the user chose to open an existing local file instead (rejected).
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
