"""The work-around for PySide6 releasing None on void calls keeps long sessions alive."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QPushButton

from ui.qt_compat import protect_none_refcount


def test_many_void_calls_do_not_exhaust_none(qtbot) -> None:
    protect_none_refcount()
    protect_none_refcount()  # idempotent
    button = QPushButton()
    qtbot.addWidget(button)
    before = sys.getrefcount(None)
    for _ in range(100_000):  # more than a fresh interpreter's own references to None
        button.setEnabled(True)
    assert sys.getrefcount(None) > 100_000
    assert before - sys.getrefcount(None) <= 100_000
