"""The manager's home card of accounts waiting for them, with who gave the role and when and one
button each: local mode 待授予标识密钥 (officer and manager accounts whose key slot does not hold the
identifier key, app.key_grants: 授予), shared mode 待确认案件角色 (case roles an administrator gave,
not in force on the server yet, app.role_confirmations: 确认). Hidden when nobody is waiting, or
(local) when this manager holds no key to give."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import key_grants, role_confirmations
from app.key_grants import NO_ORIGIN, NOT_READY, PendingGrant
from app.session import Session
from app.users import role_labels
from ui.common import format_datetime
from ui.operations import Change, Kind, run

INTRO = (
    "以下账户有专员或主任角色，但尚未获得身份标识密钥（完整电话、证件号和保密案件内容）。"
    "请核实角色确由本院授予后再授予；授予记入审计日志。"
)
CONFIRM_INTRO = (
    "以下账户的案件角色由系统管理员授予，尚待主任确认：确认前在服务器上不生效，看不到相应的案件。"
    "请核实确由本院安排后再确认；确认记入审计日志和服务器的账户日志。"
)
NO_RECORD = "⚠ 审计日志中没有授予此角色的记录（可能绕过本系统写入数据库），请勿授予并通知系统管理员核查"


def origin_text(waiting: PendingGrant) -> str:
    if not waiting.given_by:
        return NO_RECORD
    text = f"角色由 {waiting.given_by} 于 {format_datetime(waiting.given_at)} 授予"
    return text if waiting.ready else f"{text}　·　待本人登录并修改初始密码后才能授予"


class KeyGrantCard(QFrame):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("keyGrantCard")
        self.setStyleSheet(
            "QFrame#keyGrantCard { background: #EAF2FB; border: 1px solid #B7CFEA; border-radius: 6px; }"
            "QFrame#keyGrantCard QLabel { color: #1D3557; }"
            "QFrame#keyGrantCard QLabel#noRecord { color: #9B1C1C; }"
        )
        self.local = session.backend == "local"
        title = QLabel("<b>待授予标识密钥</b>" if self.local else "<b>待确认案件角色</b>")
        intro = QLabel(INTRO if self.local else CONFIRM_INTRO)
        intro.setWordWrap(True)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(self.rows)
        self.grant_buttons: dict[str, QPushButton] = {}
        self.waiting: list[PendingGrant] = []
        self.hide()

    def refresh(self) -> None:
        if self.local and self.session.identifier_key is None:  # nothing to give (not granted yet)
            self.show_waiting([])
            return
        listing = key_grants.pending if self.local else role_confirmations.pending
        outcome = run(self, lambda: listing(self.session), quiet=True)
        if outcome:
            self.show_waiting(outcome.value)

    def show_waiting(self, waiting: list[PendingGrant]) -> None:
        self.waiting = waiting
        while self.rows.count():
            row = self.rows.takeAt(0).widget()
            if row is not None:
                row.setParent(None)  # out of the card at once (a later read must not find it)
                row.deleteLater()
        self.grant_buttons = {}
        for item in waiting:
            self.rows.addWidget(self._row(item))
        self.setVisible(bool(waiting))

    def _row(self, item: PendingGrant) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        who = QLabel(f"• {item.display_name}（{item.username}）　{role_labels(item.roles)}")
        origin = QLabel(origin_text(item))
        origin.setWordWrap(True)
        if not item.given_by:
            origin.setObjectName("noRecord")
        text = QVBoxLayout()
        text.setSpacing(0)
        text.addWidget(who)
        text.addWidget(origin)
        layout.addLayout(text, 1)
        button = QPushButton("授予" if self.local else "确认")
        button.setAutoDefault(False)
        button.setEnabled(item.ready)
        what = "身份标识密钥" if self.local else f"的{role_labels(item.roles)}角色"
        refusal = NOT_READY if item.given_by else NO_ORIGIN
        button.setToolTip(f"{button.text()}“{item.display_name}”{what}" if item.ready else refusal)
        button.clicked.connect(lambda _=False, username=item.username: self.grant(username))
        self.grant_buttons[item.username] = button
        layout.addWidget(button)
        return row

    def grant(self, username: str) -> bool:
        act = key_grants.grant if self.local else role_confirmations.confirm
        outcome = run(self, lambda: act(self.session, username), changed=Change(Kind.USERS))
        if outcome:
            self.refresh()
        return bool(outcome)
