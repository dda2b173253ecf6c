"""首次使用向导: hospital, database location, first administrator, recovery key."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app import auth, passwords, settings
from app.errors import ComplaintDeskError, ValidationError
from app.keyslots import KeySlotFile
from app.session import Session
from ui.common import PASSWORD_RULES_HINT, ErrorLabel, busy_cursor, mono_font, password_edit, show_error
from ui.login_dialog import DATABASE_FILTER

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


class FormPage(QWizardPage):
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


class WelcomePage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(_title("欢迎使用医患投诉工作台"))
        self.setSubTitle("本向导将在这台电脑上创建投诉管理所用的加密数据库。")
        layout = QVBoxLayout(self)
        layout.addWidget(
            _paragraph(
                "".join(
                    f"<p style='line-height:150%; margin-bottom:6px'>{text}</p>"
                    for text in (
                        "数据库保存投诉案件以及投诉人和患者的个人信息，因此整个文件都经过加密"
                        "（SQLCipher，256 位随机密钥）。",
                        "• 密钥无需记忆：它由每位用户的登录密码分别保护，保存在数据库旁边同名的"
                        "<b>.keys</b> 文件中。",
                        "• 接下来请填写医院名称、选择数据库位置，并设置第一位系统管理员账户；"
                        "其他用户由系统管理员在程序中添加。",
                        "• 创建完成后会生成一份<b>恢复密钥</b>。所有管理员都忘记密码时，只有凭它才能打开数据库。",
                        "• 备份时请同时复制数据库文件和 .keys 文件，两者缺一不可。",
                    )
                )
            )
        )
        layout.addStretch(1)
        self.open_button = QPushButton("已有数据库？打开数据库文件…")
        self.open_button.setProperty("link", True)
        self.open_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_existing)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)

    def open_existing(self) -> None:
        """Leave the wizard to log in to a database that already exists elsewhere."""
        chosen, _ = QFileDialog.getOpenFileName(self, "打开数据库文件", str(Path.home()), DATABASE_FILTER)
        if chosen:
            self._wizard.existing_database = Path(chosen)
            self._wizard.reject()


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
        note = QLabel("同一文件夹中还会生成同名的 .keys 密钥文件，请勿删除或单独移动。")
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

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
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
                self._wizard.create_database(username, self.display_edit.text(), self.password_edit.text())
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


class RecoveryPage(QWizardPage):
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
        self.key = self.wizard().recovery_key  # type: ignore[attr-defined]
        self.key_label.setText(key_rows(self.key))

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.key)
        self.copy_button.setText("已复制")

    def save_sheet(self) -> None:
        """Write the recovery sheet PDF where the user chooses, then open it for printing."""
        wizard: SetupWizard = self.wizard()  # type: ignore[assignment]
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


class SetupWizard(QWizard):
    """After 完成: `session` is the first admin's open session and `database_path` the new file."""

    def __init__(self, default_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("创建数据库 - 医患投诉工作台")
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
        self.recovery_key = ""
        self.hospital_page = HospitalPage()
        self.database_page = DatabasePage(default_path)
        self.admin_page = AdminPage(self)
        self.recovery_page = RecoveryPage()
        for page in (
            WelcomePage(self),
            self.hospital_page,
            self.database_page,
            self.admin_page,
            self.recovery_page,
        ):
            self.addPage(page)
        self.resize(700, 500)

    @property
    def database_path(self) -> Path:
        return self.database_page.path()

    def create_database(self, username: str, display_name: str, password: str) -> None:
        self.session, self.recovery_key = auth.create_local_database(
            self.database_path, username, display_name, password, self.hospital_page.name_edit.text()
        )

    def reject(self) -> None:
        """Once the database exists the recovery key must be acknowledged: no cancelling then."""
        if self.session is not None:
            return
        super().reject()
