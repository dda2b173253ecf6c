"""Server paths of the first-run wizard: the server connection (连接医院服务器, then the enrollment
file export) and 导入工作站注册文件 (joining an existing server database)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWizard

from app import keystore, shared, workstation
from app.errors import DatabaseOpenError
from app.files import FileAccessError
from ui.operations import Change, Kind, run
from ui.server_mode.connection_form import ConnectionForm
from ui.server_mode.enrollment import ABOUT_ENROLLMENT, EnrollmentExportForm, EnrollmentImportForm
from ui.setup_pages import Page, paragraph, title


class ServerPage(Page):
    """The server connection; 下一步 tests it and goes on only to an empty database."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(title("医院数据库服务器"))
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
        empty = run(self, probe.require_empty, expected=(DatabaseOpenError,))
        if isinstance(empty.error, DatabaseOpenError):
            self.form.show_refusal(empty.error)
            return False
        if not empty:
            return False
        self.setup.server = self.form.params()
        return True


class EnrollmentPage(Page):
    """After creating the server database: export the enrollment file (required: it is also the
    only backup of the data key), which enrolls this workstation too."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(title("工作站注册文件"))
        self.setSubTitle("数据库已在服务器上创建。请设置注册口令并保存工作站注册文件，其他电脑凭它加入。")
        self.form = EnrollmentExportForm(self._blob)
        self.form.exported.connect(self._exported)
        self.keyring_note = QLabel()
        self.keyring_note.setObjectName("hint")
        self.keyring_note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(paragraph(ABOUT_ENROLLMENT))
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
        server, data_key = wizard.server, wizard.session.data_key
        outcome = run(
            self,
            lambda: workstation.enroll(server, data_key, blob),
            changed=Change(Kind.DATABASE),
            expected=(FileAccessError,),
        )
        if outcome.error is not None:
            self.form.error.show_message("无法在本机保存注册文件，请检查用户文件夹的权限后再保存一次。")
            return
        wizard.connection = outcome.value
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.setup.connection is not None


class JoinPage(Page):
    """导入工作站注册文件: 连接 checks the file and the server and enrolls this workstation."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(title("加入医院服务器"))
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
