"""屏幕已锁定: an opaque overlay over the whole main window; only the same user's password unlocks."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from app import auth
from app.account import roles_label
from app.errors import AuthError, LockedOutError
from app.session import Session
from ui.common import ErrorLabel, make_primary, password_edit
from ui.operations import run


class LockScreen(QWidget):
    """Covers its parent window. Emits `unlocked`, or `logout_requested(message)`."""

    unlocked = Signal()
    logout_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)

        card = QFrame()
        card.setObjectName("lockCard")
        card.setFixedWidth(420)
        title = QLabel("屏幕已锁定")
        title.setObjectName("pageTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        user = session.user
        who = QLabel(f"当前登录：{user.display_name}（{user.username}）\n{roles_label(user.roles)}")
        who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        who.setWordWrap(True)
        hint = QLabel("请输入您的登录密码解锁")
        hint.setObjectName("hint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password_edit = password_edit("密码")
        self.password_edit.returnPressed.connect(self.try_unlock)
        self.error = ErrorLabel()
        self.unlock_button = make_primary(QPushButton("解锁"))
        self.unlock_button.clicked.connect(self.try_unlock)
        self.logout_button = QPushButton("注销，换其他用户登录")
        self.logout_button.setProperty("link", True)
        self.logout_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.logout_button.clicked.connect(lambda: self.logout_requested.emit(""))

        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(32, 28, 32, 24)
        card_layout.setSpacing(12)
        card_layout.addWidget(title)
        card_layout.addWidget(who)
        card_layout.addSpacing(6)
        card_layout.addWidget(hint)
        card_layout.addWidget(self.password_edit)
        card_layout.addWidget(self.error)
        card_layout.addWidget(self.unlock_button)
        card_layout.addWidget(self.logout_button, 0, Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(card, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        parent.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def activate(self) -> None:
        """Cover the window and take the keyboard."""
        self.password_edit.clear()
        self.error.clear_message()
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        self.password_edit.setFocus()

    def try_unlock(self) -> None:
        """A wrong password is told on the card; a lockout ends the session (back to 登录)."""
        outcome = run(
            self, lambda: auth.unlock(self.session, self.password_edit.text()), expected=(AuthError,)
        )
        error = outcome.error
        if isinstance(error, LockedOutError):
            self.logout_requested.emit(error.message)
        elif isinstance(error, AuthError):
            self.error.show_message(error.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
        elif outcome:
            self.hide()
            self.unlocked.emit()
