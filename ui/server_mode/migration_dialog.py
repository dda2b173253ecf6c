"""迁移到服务器: copy the open local database to an empty server database, then export enrollment."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import migrate, shared, workstation
from app.errors import DatabaseOpenError, OperationCancelled
from app.files import FileAccessError
from app.migrate import MigrationReport, TableReport
from app.session import Session
from models.database import ServerParams
from ui.common import ErrorLabel, make_primary, password_edit
from ui.operations import BackgroundOperation, Change, Kind, Outcome, Progress, run, run_in_background
from ui.server_mode.connection_form import ConnectionForm
from ui.server_mode.enrollment import EnrollmentExportForm, explanation
from ui.table_model import WARNING, Column, RowTableModel

SWITCH_TEXT = "本工作站以后连接服务器"
RECOVERY_TEXT = (
    "本数据库的电话、证件号等身份标识已密封，系统管理员的密钥槽中没有解封它们的密钥。"
    "迁移时需要数据库的恢复密钥，用来解封后再以服务器的数据密钥加密。"
)
EXPORT_TEXT = (
    "请设置注册口令并保存<b>工作站注册文件</b>：其他电脑凭它和口令加入服务器。它也是新数据密钥的唯一备份"
    "（投诉人和患者的身份信息用它加密），保存之前不能关闭本窗口。"
)


def report_model(parent: QWidget) -> RowTableModel[TableReport]:
    """数据表 / 本地 / 服务器 / 核对, one row per table of the migration report."""
    return RowTableModel(
        [
            Column("数据表", lambda t: t.table),
            Column("本地行数", lambda t: str(t.source), align_center=True),
            Column("服务器行数", lambda t: str(t.target), align_center=True),
            Column(
                "核对",
                lambda t: "一致" if t.ok else "不一致",
                colour=lambda t: None if t.ok else WARNING,
                align_center=True,
            ),
        ],
        parent,
    )


MUST_EXPORT = "请先保存工作站注册文件：它是服务器上数据密钥的唯一备份，关闭前必须保存。"
CANCELLED = "迁移已取消，服务器上没有写入任何数据。"


class MigrationDialog(QDialog):
    """Two steps: the server form with 开始迁移, then the per-table report and the enrollment export.

    The copy runs in the background (ui.operations.run_in_background) with a progress dialog whose
    取消 rolls the server back. `report` holds the finished migration; the dialog cannot be closed
    while it runs, nor after it until the enrollment file (the only copy of the new data key) has
    been saved. `ran(ok)` is emitted once the outcome of a run is shown.
    """

    ran = Signal(bool)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("迁移到服务器")
        self.report: MigrationReport | None = None
        self.exported = False
        self.operation: BackgroundOperation | None = None
        self._target: tuple[ServerParams, str] | None = None
        self.setup_page = self._build_setup()
        self.result_page = self._build_result()
        self.result_page.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(self.setup_page)
        layout.addWidget(self.result_page)
        self.setMinimumWidth(640)
        self.form.host_edit.setFocus()

    # -- construction ----------------------------------------------------------------------------

    def _build_setup(self) -> QWidget:
        page = QWidget()
        intro = explanation(
            f"<p style='line-height:145%'>把本地加密数据库“{Path(self.session.location).name}”中的全部数据"
            "复制到医院服务器上的一个<b>空</b>数据库，供多台电脑共用。投诉人和患者的身份信息用新的数据密钥"
            "加密后才写入服务器；每张数据表复制后都会核对行数。本地文件保持不变。</p>"
            "<p style='line-height:145%'>服务器上每位用户以本人的数据库角色登录。您的角色用您本人的密码创建；"
            "其他用户迁移后需由系统管理员在“用户管理”中设置临时密码才能登录。</p>"
        )
        self.form = ConnectionForm()
        self.recovery_edit = QLineEdit()
        self.recovery_edit.setPlaceholderText("XXXX-XXXX-…（恢复密钥单上的 13 组字符）")
        recovery_row = QWidget()
        recovery_layout = QFormLayout(recovery_row)
        recovery_layout.setContentsMargins(0, 0, 0, 0)
        recovery_layout.addRow("恢复密钥", self.recovery_edit)
        recovery_hint = explanation(RECOVERY_TEXT)
        recovery_row.setVisible(migrate.needs_recovery_key())
        recovery_hint.setVisible(recovery_row.isVisible())
        self.own_password_edit = password_edit("您本人的登录密码")
        own_row = QFormLayout()
        own_row.addRow("本人密码", self.own_password_edit)
        buttons = QDialogButtonBox()
        self.start_button = make_primary(
            buttons.addButton("开始迁移", QDialogButtonBox.ButtonRole.AcceptRole)
        )
        self.start_button.setDefault(True)
        self.cancel_button = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addWidget(self.form)
        layout.addWidget(recovery_hint)
        layout.addWidget(recovery_row)
        layout.addLayout(own_row)
        layout.addStretch(1)
        layout.addWidget(buttons)
        return page

    def _build_result(self) -> QWidget:
        page = QWidget()
        self.result_title = QLabel()
        self.result_title.setObjectName("cardTitle")
        self.report_model = report_model(self)
        self.report_view = QTableView()
        self.report_view.setModel(self.report_model)
        self.report_view.setAlternatingRowColors(True)
        self.report_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.report_view.verticalHeader().hide()
        self.report_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.report_view.setMinimumHeight(260)
        self.switch_box = QCheckBox(SWITCH_TEXT)
        self.switch_box.setChecked(True)
        self.switch_box.setToolTip("保存注册文件时生效；本地数据库文件保留，但以后请不要再在其中登记案件")
        self.export_form = EnrollmentExportForm(self._enrollment_blob)
        self.export_form.exported.connect(self._exported)
        self.close_error = ErrorLabel()
        buttons = QDialogButtonBox()
        self.done_button = buttons.addButton("完成", QDialogButtonBox.ButtonRole.AcceptRole)
        self.done_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.result_title)
        layout.addWidget(self.report_view, 1)
        layout.addWidget(explanation(EXPORT_TEXT))
        layout.addWidget(self.export_form)
        layout.addWidget(self.switch_box)
        layout.addWidget(self.close_error)
        layout.addWidget(buttons)
        return page

    # -- running ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.operation is not None and self.operation.outcome is None

    def start(self) -> None:
        """Check the form and that the server database is empty (told under the form), then copy
        in the background."""
        target = self.form.checked()
        if target is None:
            return
        own_password = self.own_password_edit.text()
        if not own_password:
            self.form.error.show_message("请输入您本人的登录密码：服务器上您的数据库角色用它创建")
            self.own_password_edit.setFocus()
            return
        empty = run(self, lambda: shared.probe_server(*target).require_empty(), expected=(DatabaseOpenError,))
        if isinstance(empty.error, DatabaseOpenError):
            self.form.show_refusal(empty.error)
            return
        if not empty:
            return
        self._target = target
        self.form.error.clear_message()
        self._set_running(True)
        self.operation = run_in_background(
            self,
            lambda progress: self._migrate(*target, own_password, progress),
            title="迁移到服务器",
            label="正在连接服务器…",
            cancellable=True,
            changed=Change(Kind.DATABASE),
            on_done=self._succeeded,
        )
        self.operation.finished.connect(self._finished)

    def _migrate(
        self, params: ServerParams, password: str, own_password: str, progress: Progress
    ) -> MigrationReport:
        """Runs in the worker thread; each table's copy is announced (and may be cancelled)."""

        def table_progress(done: int, total: int, table: str) -> None:
            progress(done, total, f"正在复制数据表 {table}（{done + 1}/{total}）…")

        recovery_key = self.recovery_edit.text().strip()
        return migrate.migrate_to_server(
            self.session, params, password, own_password, table_progress, recovery_key=recovery_key
        )

    def _set_running(self, running: bool) -> None:
        self.form.setEnabled(not running)
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(not running)

    def _finished(self, outcome: Outcome[MigrationReport]) -> None:
        """Back to the form after a failure (the runner has shown it) or 取消."""
        self._set_running(False)
        if outcome:
            return
        if isinstance(outcome.error, OperationCancelled):
            self.form.show_error(CANCELLED)
        self.ran.emit(False)

    def _succeeded(self, report: MigrationReport) -> None:
        self.report = report
        self.result_title.setText(report.lines()[-1])
        self.report_model.set_rows(report.tables)
        self.setup_page.hide()
        self.result_page.show()
        layout = self.layout()
        self.resize(self.width(), max(self.height(), layout.totalHeightForWidth(self.width())))
        self.export_form.passphrase_edit.setFocus()
        self.ran.emit(True)

    # -- after the migration ---------------------------------------------------------------------

    def _enrollment_blob(self, passphrase: str) -> bytes:
        assert self.report is not None and self._target is not None
        return shared.export_enrollment(self._target[0], self.report.data_key, passphrase)

    def _exported(self, _path: Path, blob: bytes) -> None:
        assert self.report is not None and self._target is not None
        self.exported = True
        self.close_error.clear_message()
        self.done_button.setEnabled(True)
        self.done_button.setDefault(True)
        if self.switch_box.isChecked() and self.switch_box.isEnabled():
            params = self._target[0]
            data_key = self.report.data_key
            outcome = run(
                self,
                lambda: workstation.enroll(params, data_key, blob),
                expected=(FileAccessError,),
            )
            if outcome.error is not None:
                self.close_error.show_message("无法在本机保存注册文件，本工作站仍使用本地数据库。")
            elif outcome.value is not None:
                self.export_form.add_notice(
                    "本工作站下次登录时将连接服务器"
                    + ("。" if not outcome.value.enrollment_path else "，每次需要输入注册口令。")
                )
        self.switch_box.setEnabled(False)

    def reject(self) -> None:
        """Not while copying; not before the enrollment file is saved."""
        if self.running:
            return
        if self.report is not None and not self.exported:
            self.close_error.show_message(MUST_EXPORT)
            return
        super().reject()
