"""投诉内容 and 诉求 each show their own counter under the box (诉求 is limited to 2000 characters at
registration): it counts what is typed, turns to the over-limit style past the limit, and lives in
the form (no label of the form is left as a window of its own)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from tests.support.desk import Desk
from tests.ui.helpers import type_text


def _counter(form, key: str) -> QLabel:  # noqa: ANN001 - the intake page's full form
    labels = form.fields.cells[key].findChildren(QLabel, "counter")
    assert len(labels) == 1
    return labels[0]


def test_the_demands_box_counts_up_to_its_limit_like_the_content_box(qtbot: QtBot, desk: Desk, make_page) -> None:
    page = make_page(desk["clerk"])
    form = page.full_form
    content, demands = _counter(form, "content"), _counter(form, "demands")
    assert content.isVisible() and demands.isVisible()
    assert demands.text() == "已输入 0 字 / 上限 2000"

    type_text(form.demands, "请求道歉并退还挂号费")
    assert demands.text() == "已输入 10 字 / 上限 2000" and demands.property("over") is False
    form.demands.setPlainText("退" * 2001)
    assert demands.text() == "已输入 2001 字 / 上限 2000" and demands.property("over") is True
    assert content.text().startswith("已输入 0 字")

    strays = [
        w
        for w in QApplication.topLevelWidgets()
        if w.parent() is None and Shiboken.createdByPython(w) and w.objectName() == "counter"
    ]
    assert strays == []
