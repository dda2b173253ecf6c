"""Helpers for driving widgets in the UI tests."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(widget: QWidget, text: str) -> None:
    """Type any text (Chinese included) as an input method would commit it.

    qtbot.keyClicks cannot send Chinese characters (the process aborts), so the text arrives as
    the commit string of a QInputMethodEvent, exactly like a pinyin IME delivers it.
    """
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def when_modal(action: Callable[[QWidget], None]) -> None:
    """Run `action` on the next modal dialog once its event loop is running."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, poll)
            return
        action(dialog)

    QTimer.singleShot(0, poll)
