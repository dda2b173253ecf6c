"""Workstation enrollment files: exporting one (passphrase twice, then a file) and importing one."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from inspect import ismethod
from pathlib import Path
from weakref import WeakMethod

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import shared, workstation
from app.errors import AuthError, DatabaseOpenError, ValidationError
from app.files import FileAccessError
from app.session import Session
from app.shared import SharedConnection
from models.database import ServerParams
from ui.common import ErrorLabel, password_edit
from ui.operations import Change, Kind, run
from ui.server_mode.connection_form import form_layout, result_label, ssl_label

ENROLLMENT_SUFFIX = ".cdenroll"
ENROLLMENT_FILTER = f"工作站注册文件 (*{ENROLLMENT_SUFFIX});;所有文件 (*)"
PASSPHRASE_HINT = "至少 10 个字符。口令请当面或电话告知各工作站，不要和注册文件放在一起。"


def explanation(text: str) -> QLabel:
    """A wrapped paragraph of rich text (bold allowed)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


ABOUT_ENROLLMENT = (
    "<p style='line-height:145%'>注册文件包含服务器地址和<b>数据密钥</b>（投诉人、患者的姓名、电话、"
    "身份证号等在本机用它加密后才写入服务器），由注册口令保护。其他电脑首次运行时选择"
    "“导入工作站注册文件”，输入注册口令即可加入；每位用户再以本人的用户名和密码登录。</p>"
    "<p style='line-height:145%'>注册文件也是数据密钥的备份：请把它保存在加密 U 盘等安全的地方。"
    "丢失数据密钥，服务器上的身份信息将无法读取。</p>"
)


NO_FILE_YET = "<span style='color:#5F6B7A'>（选择注册文件后显示）</span>"


def server_summary(params: ServerParams) -> str:
    """Rich text naming the server, its database, account and TLS mode (file contents escaped)."""
    return (
        f"<b>{escape(params.host)}:{params.port}</b>　数据库 {escape(params.dbname)}　"
        f"账户 {escape(params.user)}<br>{ssl_label(params.sslmode)}"
    )


class EnrollmentExportForm(QWidget):
    """Passphrase twice and 保存注册文件…; `make_blob(passphrase)` builds the file's bytes."""

    exported = Signal(Path, bytes)

    def __init__(self, make_blob: Callable[[str], bytes], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A method of the owner is held weakly: an owner <-> form reference cycle would leave a
        # top-level owner's deletion to the garbage collector, at a moment Qt may not expect.
        self._make_blob = WeakMethod(make_blob) if ismethod(make_blob) else (lambda: make_blob)
        self.saved_path: Path | None = None
        self.passphrase_edit = password_edit("至少 10 个字符")
        self.confirm_edit = password_edit("再输入一次")
        hint = QLabel(PASSPHRASE_HINT)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.save_button = QPushButton("保存注册文件…")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.passphrase_edit.installEventFilter(self)
        self.confirm_edit.installEventFilter(self)
        self.error = ErrorLabel()
        self.notice = result_label()
        confirm_row = QHBoxLayout()
        confirm_row.addWidget(self.confirm_edit, 1)
        confirm_row.addWidget(self.save_button)
        form = form_layout()
        form.addRow("注册口令", self.passphrase_edit)
        form.addRow("确认口令", confirm_row)
        form.addRow("", hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Enter in the first field goes to the second, in the second saves; it never also presses
        the dialog's default button (which would close it before the notice is read)."""
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            if watched is self.passphrase_edit:
                self.confirm_edit.setFocus()
                return True
            if watched is self.confirm_edit:
                self.save()
                return True
        return super().eventFilter(watched, event)

    def _fail(self, message: str, edit: QLineEdit | None = None) -> None:
        self.notice.hide()
        self.error.show_message(message)
        if edit is not None:
            edit.selectAll()
            edit.setFocus()

    def save(self) -> None:
        """Check the passphrase, ask where to save, write the file."""
        passphrase = self.passphrase_edit.text()
        checked = run(self, lambda: shared.check_passphrase(passphrase), expected=(ValidationError,))
        if checked.error is not None:
            self._fail(checked.error.message, self.passphrase_edit)
            return
        if not checked:
            return
        if passphrase != self.confirm_edit.text():
            self._fail("两次输入的注册口令不一致", self.confirm_edit)
            return
        start = self.saved_path.parent if self.saved_path else Path.home()
        chosen, _ = QFileDialog.getSaveFileName(
            self, "保存工作站注册文件", str(start / f"工作站注册文件{ENROLLMENT_SUFFIX}"), ENROLLMENT_FILTER
        )
        if not chosen:
            return
        path = Path(chosen if chosen.lower().endswith(ENROLLMENT_SUFFIX) else chosen + ENROLLMENT_SUFFIX)
        make_blob = self._make_blob()
        assert make_blob is not None  # the owner lives as long as its form
        outcome = run(
            self,
            lambda: workstation.save_enrollment(path, lambda: make_blob(passphrase)),
            expected=(FileAccessError,),
        )
        if outcome.error is not None:  # 无法写入…: told under the form; choose another place
            self._fail(outcome.error.message)
            return
        blob = outcome.value
        if blob is None:
            return
        self.saved_path = path
        self.passphrase_edit.clear()
        self.confirm_edit.clear()
        self.error.clear_message()
        self.notice.setText(f"已保存注册文件：{path.name}")
        self.notice.show()
        self.exported.emit(path, blob)

    def add_notice(self, text: str) -> None:
        """Append a sentence to the green notice (what happened on this workstation)."""
        self.notice.setText(f"{self.notice.text()}\n{text}")


class EnrollmentExportDialog(QDialog):
    """导出工作站注册文件 for the open server database (admin page)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("导出工作站注册文件")
        self.form = EnrollmentExportForm(lambda passphrase: shared.enrollment_for(session, passphrase))
        buttons = QDialogButtonBox()
        self.close_button = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(explanation(ABOUT_ENROLLMENT))
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.form.passphrase_edit.setFocus()


class EnrollmentImportForm(QWidget):
    """Choose the file (its server is shown at once) and type its passphrase: the file holds the
    server's address and the data key; no server login is kept on a workstation."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.blob: bytes | None = None
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("系统管理员导出的 .cdenroll 文件")
        self.browse_button = QPushButton("选择文件…")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.choose_file)
        self.server_label = QLabel(NO_FILE_YET)
        self.server_label.setTextFormat(Qt.TextFormat.RichText)
        self.server_label.setWordWrap(True)
        self.server_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.passphrase_edit = password_edit("导出注册文件时设置的口令")
        self.error = ErrorLabel()
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.browse_button)
        form = form_layout()
        form.addRow("注册文件", file_row)
        form.addRow("连接到", self.server_label)
        form.addRow("注册口令", self.passphrase_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.error)
        self.passphrase_edit.textChanged.connect(self.changed)

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "选择工作站注册文件", str(Path.home()), ENROLLMENT_FILTER
        )
        if chosen:
            self.load_file(Path(chosen))

    def load_file(self, path: Path) -> bool:
        """Read the file and show the server it points to."""
        outcome = run(
            self, lambda: workstation.read_enrollment(path), expected=(FileAccessError, ValidationError)
        )
        error = outcome.error
        if isinstance(error, ValidationError):
            return self._reject_file(f"“{path.name}”{error.problem}")
        if error is not None:
            return self._reject_file(error.message)
        if outcome.value is None:
            return False
        blob, params = outcome.value
        self.blob = blob
        self.file_edit.setText(str(path))
        self.server_label.setText(server_summary(params))
        self.error.clear_message()
        self.passphrase_edit.setFocus()
        self.changed.emit()
        return True

    def _reject_file(self, message: str) -> bool:
        self.blob = None
        self.file_edit.clear()
        self.server_label.setText(NO_FILE_YET)
        self.error.show_message(message)
        self.changed.emit()
        return False

    def is_filled(self) -> bool:
        return self.blob is not None and bool(self.passphrase_edit.text())

    def join(self) -> SharedConnection | None:
        """Check the file and the server, then enroll this workstation; None after showing why not."""
        if self.blob is None:
            self.error.show_message("请选择工作站注册文件")
            self.browse_button.setFocus()
            return None
        blob = self.blob
        outcome = run(
            self,
            lambda: workstation.join(blob, self.passphrase_edit.text()),
            changed=Change(Kind.DATABASE),
            expected=(AuthError, DatabaseOpenError, FileAccessError),
        )
        error = outcome.error
        if isinstance(error, AuthError):  # 注册口令错误
            self._fail(error.message, self.passphrase_edit)
        elif isinstance(error, shared.ServerConnectionError) or error is not None:
            self._fail(error.message)
        return outcome.value

    def _fail(self, message: str, edit: QLineEdit | None = None) -> None:
        self.error.show_message(message)
        if edit is not None:
            edit.clear()
            edit.setFocus()


class EnrollmentImportDialog(QDialog):
    """导入工作站注册文件 from the login dialog; `connection` is set when it succeeded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("导入工作站注册文件")
        self.connection: SharedConnection | None = None
        intro = explanation(
            "用系统管理员导出的工作站注册文件，把这台电脑连接到医院的数据库服务器。"
            "导入后，本工作站每次都登录到服务器上的共享数据库。"
        )
        self.form = EnrollmentImportForm()
        buttons = QDialogButtonBox()
        self.connect_button = buttons.addButton("连接", QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setDefault(True)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        self.form.changed.connect(self._update_button)
        self.connect_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.form.browse_button.setFocus()

    def _update_button(self) -> None:
        self.connect_button.setEnabled(self.form.is_filled())

    def submit(self) -> None:
        connection = self.form.join()
        if connection is not None:
            self.connection = connection
            self.accept()
