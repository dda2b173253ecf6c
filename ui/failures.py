"""How a refused or failed operation is told to the user — the same way everywhere.

* `ValidationError`: the message, then the named field gets the focus (the typed text stays).
* `ConflictError`: who saved the case first and when, with 重新载入 (what the user typed is kept).
* `ConnectionLostError`: what happened and 重新连接; the open form stays as it is.
* other `DatabaseFault`s: what happened, what to do, and 重试 when trying again may work.
* any other `ComplaintDeskError`: its Chinese message.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from app import db_errors
from app.errors import (
    ComplaintDeskError,
    ConflictError,
    ConnectionLostError,
    DatabaseFault,
    ValidationError,
)
from ui.common import ERROR_TITLE, busy_cursor, show_error

RETRY = "retry"
RELOADED = "reloaded"
CONFLICT_TITLE = "案件已被他人修改"
FAULT_TITLE = "数据库暂时无法使用"


def conflict_text(error: ConflictError) -> str:
    return f"该案件已被 {error.who} 于 {error.when:%Y-%m-%d %H:%M} 修改。"


def _ask(
    parent: QWidget | None, title: str, text: str, detail: str, yes: str, icon: QMessageBox.Icon
) -> bool:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(detail)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes_button)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is yes_button


def ask_reload(parent: QWidget | None, error: ConflictError) -> bool:
    """Tell who changed the case and offer 重新载入 (what the user typed stays where it is)."""
    return _ask(
        parent,
        CONFLICT_TITLE,
        conflict_text(error),
        "请重新载入查看最新内容。您已填写的内容会保留，核对后可再次保存。",
        "重新载入",
        QMessageBox.Icon.Warning,
    )


def _reconnect(parent: QWidget | None) -> bool:
    """Try to reconnect until it works or the user gives up; True when connected again."""
    while True:
        try:
            with busy_cursor():
                db_errors.reconnect()
            return True
        except ConnectionLostError as still:
            if not _ask(
                parent, FAULT_TITLE, still.message, still.advice, "重新连接", QMessageBox.Icon.Warning
            ):
                return False


def show_failure(
    parent: QWidget | None,
    error: ComplaintDeskError,
    *,
    focus: Callable[[str], object] | None = None,
    on_reload: Callable[[], object] | None = None,
) -> str | None:
    """Show `error`; returns RETRY when the user asked to try the same call again, RELOADED after a
    conflict reload, else None."""
    if isinstance(error, ConflictError):
        if ask_reload(parent, error) and on_reload is not None:
            on_reload()
            return RELOADED
        return None
    if isinstance(error, ConnectionLostError):
        if _ask(parent, FAULT_TITLE, error.message, error.advice, "重新连接", QMessageBox.Icon.Warning):
            return RETRY if _reconnect(parent) else None
        return None
    if isinstance(error, DatabaseFault):
        if error.retryable:
            return (
                RETRY
                if _ask(parent, FAULT_TITLE, error.message, error.advice, "重试", QMessageBox.Icon.Warning)
                else None
            )
        box = QMessageBox(
            QMessageBox.Icon.Critical, FAULT_TITLE, error.message, QMessageBox.StandardButton.Ok, parent
        )
        box.setInformativeText(error.advice)
        box.exec()
        return None
    show_error(parent, error, ERROR_TITLE)
    if isinstance(error, ValidationError) and focus is not None:
        focus(error.field)
    return None
