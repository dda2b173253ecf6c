"""A database locked by another workstation while the clerk saves: a Chinese message with 重试,
the typed complaint stays in the form, and 重试 saves it once the lock is gone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlcipher3 import dbapi2 as sqlcipher

from app.cases import views
from app.session import Session
from models.database import database_proxy
from tests.support.desk import Desk
from tests.ui.workspace.support import click_box_button, on_modal

from .test_registration import NARRATIVE, fill_visit


def test_a_locked_database_keeps_the_typed_complaint_and_retries(
    qtbot: QtBot, desk: Desk, make_page, admin_session: Session
) -> None:
    clerk = desk["clerk"]
    page = make_page(clerk)
    fill_visit(page)
    database_proxy.obj.execute_sql("PRAGMA busy_timeout = 50")
    other = sqlcipher.connect(str(admin_session.database_path), isolation_level=None)
    other.execute(f"PRAGMA key = \"x'{admin_session.db_key.hex()}'\"")
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE setting SET value = value WHERE key = 'hospital_name'")
    seen: list[tuple[str, str, str]] = []

    def retry_after_the_other_commits(box: QMessageBox) -> None:
        form = page.full_form
        seen.append((box.text(), box.informativeText(), form.narrative.toPlainText()))
        other.execute("COMMIT")
        click_box_button(box, "重试")

    on_modal(QMessageBox, retry_after_the_other_commits)
    with qtbot.waitSignal(page.registered) as signal:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    other.close()

    (text, advice, typed), = seen
    assert text.startswith("数据库正被其他工作站或程序占用") and "没有保存" in text
    assert "重试" in advice
    assert typed == NARRATIVE  # the form kept everything while the message was shown
    case = views.open_case(desk["officer"], signal.args[0])
    assert case.content == NARRATIVE and case.complainant_name == "王秀英"
