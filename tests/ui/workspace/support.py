"""Driving the workspace's modal dialogs in tests (Dangerzone style: act on the dialog once it runs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDeadlineTimer, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

TIMEOUT_MS = 10_000


def on_modal(kind: type[QWidget], action: Callable[[Any], None]) -> None:
    """Run `action` on the next modal widget of type `kind` (also one opened over another modal).

    If `action` fails, the dialog is rejected so the test reports the failure instead of hanging.
    """
    already = QApplication.activeModalWidget()
    deadline = QDeadlineTimer(TIMEOUT_MS)

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or dialog is already:
            if not deadline.hasExpired():
                QTimer.singleShot(10, poll)
            return
        try:
            action(dialog)
        except BaseException:
            dialog.close()
            raise

    QTimer.singleShot(0, poll)


def click_box_button(box: QMessageBox, text: str) -> None:
    """Click the message box button labelled `text`."""
    for button in box.buttons():
        if button.text() == text:
            button.click()
            return
    raise AssertionError(f"no button {text!r} in {[b.text() for b in box.buttons()]}")


def answer(text: str, seen: list[str] | None = None) -> Callable[[QMessageBox], None]:
    """A message-box action: remember its text in `seen`, then click `text`."""

    def act(box: QMessageBox) -> None:
        if seen is not None:
            seen.append(box.text())
        click_box_button(box, text)

    return act


def buttons_of(widget: QWidget) -> dict[str, QPushButton]:
    return {b.text(): b for b in widget.findChildren(QPushButton)}


def dismiss(seen: list[str] | None = None) -> Callable[[QMessageBox], None]:
    """A message-box action for an error message: remember its text, then close it."""

    def act(box: QMessageBox) -> None:
        if seen is not None:
            seen.append(box.text())
        box.done(0)

    return act


def when(condition: Callable[[], bool], action: Callable[[], None]) -> None:
    """Run `action` from the event loop once `condition` holds (e.g. after a message box closed)."""
    deadline = QDeadlineTimer(TIMEOUT_MS)

    def poll() -> None:
        if condition():
            action()
        elif not deadline.hasExpired():
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
