"""本地加密数据库 path of the first-run wizard: hospital, database location, first administrator
(creating the database in the background) and the one-time recovery key."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWizard,
)

from app import auth, settings, shared
from app.errors import ValidationError
from app.keyslots import KeySlotFile
from ui.common import PASSWORD_RULES_HINT, ErrorLabel, mono_font, password_edit
from ui.login_dialog import DATABASE_FILTER
from ui.operations import Change, Kind, run, run_in_background
from ui.setup_pages import FormPage, Page, form_layout, paragraph, title

CONFIRM_TEXT = "我已将恢复密钥打印或抄写并妥善保管"


class HospitalPage(FormPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(title("医院信息"))
        self.setSubTitle("医院名称将显示在程序中，并印在回执、告知书等文书的抬头上。")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("例如：江宁市第一人民医院")
        self.name_edit.setMaxLength(settings.DEFINITIONS["hospital_name"].max_len)
        self.error = ErrorLabel()
        form = form_layout()
        form.addRow("医院名称", self.name_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.require(self.name_edit)

    def validatePage(self) -> bool:
        problem = settings.problem("hospital_name", self.name_edit.text())
        label = settings.DEFINITIONS["hospital_name"].label
        self.error.show_message(f"{label}：{problem}" if problem else "")
        return not problem


class DatabasePage(FormPage):
    def __init__(self, default_path: Path) -> None:
        super().__init__()
        self.setTitle(title("数据库位置"))
        self.setSubTitle("选择加密数据库文件的保存位置。建议使用默认位置，并纳入医院的定期备份。")
        self.path_edit = QLineEdit(str(default_path))
        self.browse_button = QPushButton("浏览…")
        self.browse_button.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        form = form_layout()
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
        self.setTitle(title("系统管理员账户"))
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
        form = form_layout()
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
        hospital = self.setup.hospital_page.name_edit.text()
        checked = run(
            self,
            lambda: auth.FirstAdmin.validate(
                self.username_edit.text(), self.display_edit.text(), self.password_edit.text(), hospital
            ),
            expected=(ValidationError,),
        )
        if isinstance(checked.error, ValidationError):
            return self._fail(checked.error.message, fields.get(checked.error.field, self.password_edit))
        if checked.value is None:
            return False
        if self.password_edit.text() != self.confirm_edit.text():
            return self._fail("两次输入的密码不一致", self.confirm_edit)
        self.error.clear_message()
        admin = checked.value
        # Two argon2id derivations (the password hash and the key slot): in the background, with
        # the progress dialog, while the wizard waits here.
        creating = run_in_background(
            self,
            lambda _progress: self.setup.create_database(admin.username, admin.display_name, admin.password),
            title="创建数据库",
            label="正在创建加密数据库并设置管理员密码……",
            changed=Change(Kind.DATABASE),
        )
        outcome = creating.wait(timeout_ms=600_000)
        return outcome is not None and outcome.ok


def key_rows(key: str, groups_per_row: int = 5) -> str:
    """The recovery key in short rows of groups, easier to copy by hand."""
    groups = key.split("-")
    return "\n".join("-".join(groups[i : i + groups_per_row]) for i in range(0, len(groups), groups_per_row))


class RecoveryPage(Page):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(title("恢复密钥"))
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
        explain = paragraph(
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
        session = wizard.session
        from app.recovery_sheet import write_recovery_sheet  # ReportLab loads only when a sheet is saved

        if not run(self, lambda: write_recovery_sheet(session, self.key, path)):
            return  # the runner said why (无法写入…); choose another place
        self.sheet_notice.setText(
            f"已保存恢复密钥单：{path.name}。打印后请删除这份电子文件，或将其存放在加密 U 盘中锁好。"
        )
        self.sheet_notice.show()
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def isComplete(self) -> bool:
        return self.confirm_box.isChecked()
