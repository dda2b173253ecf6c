"""数据库与工作站 (管理 menu): the database this workstation uses, its stored secrets, enrollment
files and, in local mode, 迁移到服务器.

Wiring for the main window's admin pages (key, menu text, tip, required action, factory):
PAGE_KEY, MENU_TEXT, MENU_TIP, REQUIRED_ACTION and DatabasePage(session).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app import keyrotation, shared
from app.appconfig import WorkstationConfig
from app.keyslots import KeySlotFile
from app.policy import Action, can
from app.session import Session
from models.database import ServerParams
from ui.common import PageHeader, confirm, make_primary
from ui.operations import BackgroundOperation, Change, Kind, run, run_in_background
from ui.server_mode.connection_form import result_label, ssl_label
from ui.server_mode.enrollment import EnrollmentExportDialog, explanation
from ui.server_mode.migration_dialog import MigrationDialog

PAGE_KEY = "database"
MENU_TEXT = "数据库与工作站"
MENU_TIP = "数据库连接、工作站注册文件、迁移到服务器"
REQUIRED_ACTION = Action.MANAGE_SETTINGS
LABEL_WIDTH_TEXT = "系统钥匙串"  # the longest fact label: every card's labels line up with it


def _card(title: str) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(20, 16, 20, 18)
    layout.setSpacing(10)
    heading = QLabel(title)
    heading.setObjectName("cardTitle")
    layout.addWidget(heading)
    return card, layout


class Facts(QFormLayout):
    """Label → value rows whose values can be updated in place."""

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setHorizontalSpacing(16)
        self.setVerticalSpacing(8)
        self.values: dict[str, QLabel] = {}
        for label, value in rows:
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            muted = QLabel(label)
            muted.setObjectName("hint")
            muted.setMinimumWidth(muted.fontMetrics().horizontalAdvance(LABEL_WIDTH_TEXT) + 4)
            muted.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.addRow(muted, text)
            self.values[label] = text

    def update(self, rows: list[tuple[str, str]]) -> None:
        for label, value in rows:
            self.values[label].setText(value)


def _action_card(title: str, text: str, button: QPushButton) -> QFrame:
    """A card that explains one action above its button."""
    card, inner = _card(title)
    inner.addWidget(explanation(text))
    inner.addLayout(_button_row(button))
    return card


def _button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row


def scrolling_cards(page: QWidget, column: QVBoxLayout) -> None:
    """Lay a column of cards on `page`, three quarters wide; the cards keep their height in a short
    window (1024×700) and the page scrolls."""
    content = QWidget()
    content.setObjectName("page")
    row = QHBoxLayout(content)
    row.setContentsMargins(28, 22, 28, 18)
    row.addLayout(column, 3)
    row.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(content)
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll)


def connection_facts(session: Session) -> list[tuple[str, str]]:
    """The open database, told without secrets."""
    server = session.server
    if server is None:
        path = session.database_path or Path(session.location)
        return [
            ("方式", "本地加密数据库（单机，SQLCipher 整库加密）"),
            ("数据库文件", path.name),
            ("所在文件夹", str(path.parent)),
            ("密钥文件", f"{KeySlotFile.sidecar_for(path).name}（与数据库放在一起，备份时两个文件一并复制）"),
        ]
    return [
        ("方式", "医院服务器（PostgreSQL 共享数据库）"),
        ("服务器", f"{server.host}:{server.port}"),
        ("数据库", server.dbname),
        ("账户", server.user),
        ("加密方式", ssl_label(server.sslmode)),
        ("CA 证书", server.sslrootcert or "—"),
    ]


def secret_facts(params: ServerParams, config: WorkstationConfig) -> list[tuple[str, str]]:
    """Which secrets this workstation keeps for the server (never their values)."""
    stored = shared.stored_secrets(params)
    kept_file = config.enrollment_path and config.server_params() == params
    if stored.data_key:
        key = "已保存在系统钥匙串"
    elif kept_file:
        key = f"未保存，登录时用注册口令从注册文件解开（{Path(config.enrollment_path).name}）"
    else:
        key = "未保存，下次登录前需要重新导入工作站注册文件"
    return [
        ("系统钥匙串", "可用" if stored.keyring else "不可用（这台电脑没有系统钥匙串）"),
        ("服务器登录", "不保存：每位用户以本人的数据库角色登录（密码由本人密码派生）"),
        ("数据密钥", key),
    ]


class DatabasePage(QWidget):
    """Only for users allowed to manage settings (the policy is asked; buttons stay off otherwise).

    Local mode shows 迁移到服务器; shared mode shows the enrollment export and the stored secrets."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.session = session
        self.decision = can(session.user, REQUIRED_ACTION)
        self.migrate_button: QPushButton | None = None
        self.export_button: QPushButton | None = None
        self.forget_button: QPushButton | None = None
        self.rekey_button: QPushButton | None = None
        self.rekey_operation: BackgroundOperation | None = None
        self.notice = result_label()

        column = QVBoxLayout()
        column.setSpacing(14)
        column.addWidget(
            PageHeader(
                MENU_TEXT,
                "这台电脑使用的数据库、保存在系统钥匙串中的凭据，以及供其他电脑加入的工作站注册文件。",
            )
        )
        card, inner = _card("当前数据库")
        inner.addLayout(Facts(connection_facts(session)))
        self.upcoming = explanation("")
        inner.addWidget(self.upcoming)
        column.addWidget(card)
        self.secrets: Facts | None = None
        if session.server is None:
            column.addWidget(self._migration_card())
            column.addWidget(self._rekey_card())
        else:
            column.addWidget(self._enrollment_card())
            column.addWidget(self._secrets_card(session.server))
        column.addWidget(self.notice)
        column.addStretch(1)
        scrolling_cards(self, column)
        self.refresh()

    def _migration_card(self) -> QFrame:
        self.migrate_button = self._button("迁移到服务器…", self.migrate, primary=True)
        return _action_card(
            "迁移到医院服务器",
            "夜班总值班、前台和投诉办公室在不同电脑上办公时，可以把本地数据库迁移到医院的 PostgreSQL "
            "服务器，由多台工作站共用。迁移把全部数据复制到服务器上的空数据库，并逐表核对行数；"
            "完成后导出工作站注册文件，其他电脑凭它加入。",
            self.migrate_button,
        )

    def _rekey_card(self) -> QFrame:
        self.rekey_button = self._button("轮换数据库密钥…", self.rotate_key)
        return _action_card(
            "数据库密钥",
            "停用用户和使用恢复密钥时，数据库密钥会自动轮换。怀疑密钥文件的旧副本流出时，也可以在这里"
            "轮换：数据库用新密钥重新加密，旧的密钥文件副本从此无法打开当前数据。",
            self.rekey_button,
        )

    def _enrollment_card(self) -> QFrame:
        self.export_button = self._button("导出注册文件…", self.export_enrollment, primary=True)
        return _action_card(
            "工作站注册文件",
            "新的电脑加入服务器时，需要注册文件和注册口令。每次导出都可以设置新的口令，"
            "导出记入审计日志。注册文件同时是数据密钥的备份，请妥善保管。",
            self.export_button,
        )

    def _secrets_card(self, server: ServerParams) -> QFrame:
        card, inner = _card("本工作站保存的凭据")
        self.secrets = Facts(secret_facts(server, WorkstationConfig.load()))
        inner.addLayout(self.secrets)
        inner.addWidget(
            explanation("在公用电脑上，或电脑交回信息科之前，请清除本工作站保存的数据密钥。")
        )
        self.forget_button = self._button("清除保存的凭据…", self.forget_secrets)
        inner.addLayout(_button_row(self.forget_button))
        return card

    def _button(self, text: str, slot: Callable[[], None], primary: bool = False) -> QPushButton:
        """An action button, enabled only when the policy allows managing settings."""
        button = make_primary(QPushButton(text)) if primary else QPushButton(text)
        button.clicked.connect(slot)
        button.setEnabled(bool(self.decision))
        if not self.decision:
            button.setToolTip(self.decision.reason)
        return button

    def refresh(self) -> None:
        """Re-read this workstation's settings and keyring (they change with the actions below)."""
        config = WorkstationConfig.load()
        upcoming = config.server_params() if config.is_shared else None
        moving = self.session.server is None and upcoming is not None
        self.upcoming.setText(
            f"本工作站下次登录时将连接服务器 <b>{shared.server_label(upcoming)}</b>。"
            if moving and upcoming
            else ""
        )
        self.upcoming.setVisible(moving)
        if self.secrets is not None and self.session.server is not None:
            self.secrets.update(secret_facts(self.session.server, config))

    # -- actions ---------------------------------------------------------------------------------

    def migrate(self) -> None:
        dialog = MigrationDialog(self.session, self)
        dialog.exec()
        dialog.deleteLater()
        if dialog.exported:
            self.refresh()
            self._notify("迁移完成，工作站注册文件已保存。")

    def export_enrollment(self) -> None:
        dialog = EnrollmentExportDialog(self.session, self)
        dialog.exec()
        dialog.deleteLater()
        saved = dialog.form.saved_path
        if saved is not None:
            self._notify(f"已导出工作站注册文件：{saved.name}")

    def forget_secrets(self) -> None:
        server = self.session.server
        if server is None:
            return
        config = WorkstationConfig.load()
        stored = shared.stored_secrets(server)
        if stored.data_key and not config.enrollment_path:
            text = "清除后，本工作站要重新导入工作站注册文件才能登录（请先确认注册文件和口令在手）"
        else:
            text = "清除后，每次登录时需要输入工作站注册文件的口令"
        if not confirm(self, "清除保存的凭据", text + "。当前登录不受影响。", "清除"):
            return
        if not run(self, lambda: shared.forget_workstation_secrets(server), changed=Change(Kind.DATABASE)):
            return
        self.refresh()
        self._notify("已清除本工作站保存在系统钥匙串中的数据密钥。")

    def rotate_key(self) -> None:
        text = (
            "将生成新的数据库密钥并重新加密整个数据库，旧的密钥文件副本从此无法打开当前数据。"
            "其他已打开本数据库的工作站需要重新登录。完成后请重新备份数据库和密钥文件。"
        )
        if not confirm(self, "轮换数据库密钥", text, "轮换"):
            return
        session = self.session

        def done(_recovery_key: object) -> None:
            session.db.close()  # this thread's connection still holds the old key; the next query reconnects
            self._notify("已轮换数据库密钥。请重新备份数据库文件和密钥文件。")

        self.rekey_operation = run_in_background(
            self,
            lambda progress: keyrotation.rotate_database_key(session, progress=progress),
            title="轮换数据库密钥",
            label="正在用新密钥重新加密数据库……",
            changed=Change(Kind.DATABASE),
            on_done=done,
        )

    def _notify(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()
