"""管理 → 审计日志: filters drive the service, the admin sees case numbers only, verify and export."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app import users
from app.audit_log import HIDDEN
from app.session import Session
from models.audit import AuditEntry
from tests.support.accounts import USER_PASSWORD
from tests.support.sessions import session_for
from ui.admin.audit_page import AuditPage


def _page(qtbot: QtBot, session: Session) -> AuditPage:
    page = AuditPage(session)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def _texts(page: AuditPage, column: int) -> list[str]:
    return [page.model.index(row, column).data() for row in range(page.model.rowCount())]


def test_filters_and_paging(qtbot: QtBot, admin_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr("ui.common.QMessageBox.warning", lambda parent, title, text: shown.append(text))
    for n in range(3):
        users.add_user(
            admin_session, f"user{n}", f"同事{n}", ["clerk"], USER_PASSWORD, must_change_password=False
        )
    page = _page(qtbot, admin_session)
    assert page.model.rowCount() == AuditEntry.select().count()
    assert "（全部）" in page.status.text()
    page.action_combo.setCurrentIndex(page.action_combo.findData("user.added"))
    page.search()
    assert set(_texts(page, 3)) == {"添加用户"}
    assert set(_texts(page, 4)) >= {"user0", "user1", "user2"}
    page.case_edit.setText("user1")  # any target, exact
    page.search()
    assert _texts(page, 4) == ["user1"]
    page.reset()
    page.range_combo.setCurrentIndex(page.range_combo.findData("custom"))
    assert page.start_edit.isEnabled()
    page.start_edit.setDate(page.end_edit.date().addDays(1))
    page.search()  # refused: the old rows stay
    assert shown == ["结束日期：不能早于开始日期"]
    assert page.model.rowCount() > 0


def test_admin_sees_no_case_detail_and_can_verify_and_export(
    qtbot: QtBot, admin_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.cases import intake
    from tests.support.cases import form

    clerk = session_for(admin_session, "clerk")
    registered = intake.register(clerk, form())
    page = _page(qtbot, admin_session)
    page.case_edit.setText(registered.case_no)
    page.search()
    assert _texts(page, 4) == [registered.case_no]
    assert _texts(page, 5) == [HIDDEN]

    page.verify()
    assert page.verdict.isVisible() and "校验通过" in page.verdict.text()

    out = tmp_path / "audit.xlsx"
    outcome = page.export_to(out).wait()
    assert outcome, outcome.error
    assert out.exists() and "已导出 1 条" in page.status.text()
    assert AuditEntry.select().order_by(AuditEntry.seq.desc()).first().action == "audit.exported"
