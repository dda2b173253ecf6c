"""Small widgets and helpers shared by every screen: errors, busy cursor, fonts, secrets, headers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import ComplaintDeskError
from app.passwords import RULES_HINT

UI_FONT_FAMILIES = [
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
]
MONO_FONT_FAMILIES = [
    "Consolas",
    "Cascadia Mono",
    "Menlo",
    "DejaVu Sans Mono",
    "Noto Sans Mono CJK SC",
    "WenQuanYi Micro Hei Mono",
]
ERROR_TITLE = "操作未完成"
PASSWORD_RULES_HINT = f"{RULES_HINT}。"


APP_TITLE = "医患投诉工作台"  # the window title and the name on the navigation rail

def ui_font(point_size: float = 10.5) -> QFont:
    """The application font: a CJK-friendly family chain at a readable size."""
    font = QFont()
    font.setFamilies(UI_FONT_FAMILIES)
    font.setPointSizeF(point_size)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    return font


def mono_font(point_size: float = 10.5) -> QFont:
    font = QFont()
    font.setFamilies(MONO_FONT_FAMILIES)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setFixedPitch(True)
    font.setPointSizeF(point_size)
    return font


def show_error(parent: QWidget | None, error: ComplaintDeskError | str, title: str = ERROR_TITLE) -> None:
    """Tell the user why a service refused; the core's messages are Chinese and safe to show."""
    message = error.message if isinstance(error, ComplaintDeskError) else str(error)
    QMessageBox.warning(parent, title, message)


def confirm(parent: QWidget | None, title: str, text: str, yes_text: str = "确定") -> bool:
    """A yes/no question with Chinese buttons; the safe answer (取消) is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is yes


@contextmanager
def busy_cursor() -> Iterator[None]:
    """Wait cursor around a slow synchronous call (argon2 key derivation takes a moment)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    QApplication.processEvents()
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


class ErrorLabel(QLabel):
    """Red inline message under a form; hidden while empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorLabel")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))

    def clear_message(self) -> None:
        self.show_message("")


class SecretDisplay(QWidget):
    """A one-time secret (password, recovery key) in monospace with a 复制 button."""

    def __init__(self, value: str = "", point_size: float = 13, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QLineEdit(value)
        self.field.setReadOnly(True)
        self.field.setFont(mono_font(point_size))
        self.field.setObjectName("secretField")
        self.copy_button = QPushButton("复制")
        self.copy_button.setAutoDefault(False)  # Enter keeps meaning the dialog's main button
        self.copy_button.clicked.connect(self.copy)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.copy_button)

    def value(self) -> str:
        return self.field.text()

    def set_value(self, value: str) -> None:
        self.field.setText(value)
        self.copy_button.setText("复制")

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.field.text())
        self.copy_button.setText("已复制")


class PageHeader(QWidget):
    """Title and one-line explanation at the top of a page."""

    def __init__(self, title: str, subtitle: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setObjectName("pageTitle")
        layout.addWidget(self.title)
        if subtitle:
            self.subtitle = QLabel(subtitle)
            self.subtitle.setObjectName("pageSubtitle")
            self.subtitle.setWordWrap(True)
            layout.addWidget(self.subtitle)


def format_datetime(value: datetime | None) -> str:
    """`2026-03-05 09:12` for datetimes, empty for None."""
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def password_edit(placeholder: str = "") -> QLineEdit:
    """A password field (echo hidden, no input-method composition)."""
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(placeholder)
    return edit


def make_primary(button: QPushButton) -> QPushButton:
    """Style a button as the main action of its screen."""
    button.setProperty("primary", True)
    return button
