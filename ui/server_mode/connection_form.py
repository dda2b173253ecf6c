"""The database server form (address, database, account, TLS, password) with 测试连接."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import shared
from app.errors import DatabaseOpenError, ValidationError
from app.shared import ServerProbe
from models.database import ServerParams
from ui.common import ErrorLabel, password_edit
from ui.operations import run

SSL_LABELS = {
    "verify-full": "加密，并校验服务器证书和主机名（推荐）",
    "verify-ca": "加密，并校验服务器证书（不核对主机名）",
    "require": "仅加密，不校验证书",
}
CA_FILTER = "证书文件 (*.crt *.pem *.cer);;所有文件 (*)"


def ssl_label(sslmode: str) -> str:
    return SSL_LABELS.get(sslmode, sslmode)


def form_layout() -> QFormLayout:
    """The form look used by every shared-mode screen (labels right-aligned, calm spacing)."""
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setHorizontalSpacing(12)
    form.setVerticalSpacing(10)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def result_label() -> QLabel:
    """Green notice under a form; hidden while empty."""
    label = QLabel()
    label.setObjectName("noticeLabel")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


class ConnectionForm(QWidget):
    """Emits `changed` on every edit and `probed(ServerProbe)` after a successful 测试连接."""

    changed = Signal()
    probed = Signal(object)

    def __init__(self, params: ServerParams | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("主机名或 IP 地址，例如 10.12.0.20")
        self.port_edit = QLineEdit("5432")
        self.port_edit.setValidator(QIntValidator(1, 65535, self.port_edit))
        self.port_edit.setMaxLength(5)
        self.port_edit.setFixedWidth(80)
        self.dbname_edit = QLineEdit("complaintdesk")
        self.user_edit = QLineEdit("complaintdesk")
        self.sslmode_combo = QComboBox()
        for mode in ("verify-full", "verify-ca", "require"):
            self.sslmode_combo.addItem(SSL_LABELS[mode], mode)
        self.ca_edit = QLineEdit()
        self.ca_edit.setPlaceholderText("医院信息科提供的 CA 证书文件")
        self.ca_button = QPushButton("选择…")
        self.ca_button.setAutoDefault(False)
        self.ca_button.clicked.connect(self.choose_ca)
        self.password_edit = password_edit("数据库所有者账户的密码（只用于这一次，不保存）")
        self.test_button = QPushButton("测试连接")
        self.test_button.setAutoDefault(False)
        self.test_button.setToolTip("连接服务器，查看数据库是空的还是已经初始化")
        self.test_button.clicked.connect(self.probe)
        self.error = ErrorLabel()
        self.result = result_label()

        host_row = QHBoxLayout()
        host_row.setSpacing(8)
        host_row.addWidget(self.host_edit, 1)
        host_row.addWidget(QLabel("端口"))
        host_row.addWidget(self.port_edit)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_edit, 1)
        ca_row.addWidget(self.ca_button)
        test_row = QHBoxLayout()
        test_row.addStretch(1)
        test_row.addWidget(self.test_button)

        form = form_layout()
        form.addRow("服务器地址", host_row)
        form.addRow("数据库名", self.dbname_edit)
        form.addRow("所有者账户", self.user_edit)
        form.addRow("加密方式", self.sslmode_combo)
        form.addRow("CA 证书", ca_row)
        form.addRow("所有者密码", self.password_edit)
        form.addRow("", test_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.result)
        self.fields: dict[str, QWidget] = {
            "host": self.host_edit,
            "port": self.port_edit,
            "dbname": self.dbname_edit,
            "user": self.user_edit,
            "sslmode": self.sslmode_combo,
            "sslrootcert": self.ca_edit,
            "password": self.password_edit,
        }

        for edit in (
            self.host_edit,
            self.port_edit,
            self.dbname_edit,
            self.user_edit,
            self.ca_edit,
            self.password_edit,
        ):
            edit.textChanged.connect(self._edited)
        self.sslmode_combo.currentIndexChanged.connect(self._edited)
        if params is not None:
            self.set_params(params)
        self._edited()

    # -- values ---------------------------------------------------------------------------------

    def set_params(self, params: ServerParams) -> None:
        self.host_edit.setText(params.host)
        self.port_edit.setText(str(params.port))
        self.dbname_edit.setText(params.dbname)
        self.user_edit.setText(params.user)
        index = self.sslmode_combo.findData(params.sslmode)
        if index < 0:
            self.sslmode_combo.addItem(params.sslmode, params.sslmode)
            index = self.sslmode_combo.count() - 1
        self.sslmode_combo.setCurrentIndex(index)
        self.ca_edit.setText(params.sslrootcert)

    def params(self) -> ServerParams:
        """The typed settings, checked by the core (ValidationError names the field)."""
        return shared.server_params_from_form(
            self.host_edit.text(),
            int(self.port_edit.text()) if self.port_edit.text().isdigit() else 0,
            self.dbname_edit.text(),
            self.user_edit.text(),
            self.sslmode_combo.currentData(),
            self.ca_edit.text(),
        )

    def password(self) -> str:
        return self.password_edit.text()


    def is_filled(self) -> bool:
        """Every required field has something in it (for the wizard's 下一步)."""
        needs_ca = self.sslmode_combo.currentData() != "require"
        required = [self.host_edit, self.port_edit, self.dbname_edit, self.user_edit, self.password_edit]
        return all(e.text().strip() for e in required) and (not needs_ca or bool(self.ca_edit.text().strip()))

    # -- actions --------------------------------------------------------------------------------

    def choose_ca(self) -> None:
        start = self.ca_edit.text() or str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(self, "选择 CA 证书", start, CA_FILTER)
        if chosen:
            self.ca_edit.setText(chosen)

    def checked(self) -> tuple[ServerParams, str] | None:
        """The settings and password, or None after showing what is wrong."""
        outcome = run(self, self.params, expected=(ValidationError,))
        if isinstance(outcome.error, ValidationError):
            self.show_error(outcome.error.message, outcome.error.field)
            return None
        if not outcome or outcome.value is None:
            return None
        if not self.password():
            self.show_error("请输入数据库服务器密码", "password")
            return None
        return outcome.value, self.password()

    def show_refusal(self, error: DatabaseOpenError) -> None:
        """A server that cannot be used as typed: the reason under the form, the cursor where the fix goes."""
        kind = getattr(error, "kind", "")
        self.show_error(error.message, "password" if kind == "auth" else "host" if kind else "")

    def probe(self) -> ServerProbe | None:
        """测试连接: show 连接成功 and what is on the server, or the Chinese reason it failed."""
        values = self.checked()
        if values is None:
            return None
        self.test_button.setEnabled(False)
        outcome = run(self, lambda: shared.probe_server(*values), expected=(DatabaseOpenError,))
        self.test_button.setEnabled(True)
        if isinstance(outcome.error, DatabaseOpenError):
            self.show_refusal(outcome.error)
            return None
        found = outcome.value
        if found is None:
            return None
        self.show_result(found.summary())
        self.probed.emit(found)
        return found

    def show_error(self, message: str, field: str = "") -> None:
        self.result.hide()
        self.error.show_message(message)
        widget = self.fields.get(field)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(widget, QLineEdit):
                widget.selectAll()

    def show_result(self, message: str) -> None:
        self.error.clear_message()
        self.result.setText(message)
        self.result.show()

    def _edited(self) -> None:
        needs_ca = self.sslmode_combo.currentData() != "require"
        self.ca_edit.setEnabled(needs_ca)
        self.ca_button.setEnabled(needs_ca)
        self.result.hide()
        self.changed.emit()
