"""The draft form quotes the departments' replies into 调查核实情况: one of them or all, at the cursor."""

from __future__ import annotations

from datetime import datetime

from pytestqt.qtbot import QtBot

from app.cases.workspace import replies_quote, reply_quote
from tests.support.desk import Desk


def test_a_reply_is_quoted_with_its_department_date_and_author() -> None:
    quoted = reply_quote("心血管内科", datetime(2026, 3, 13, 16, 40), "郑国华", " 当日叫号系统故障，属实。\n")
    assert quoted == "心血管内科反馈（2026年3月13日，郑国华）：当日叫号系统故障，属实。"
    assert reply_quote("护理部", None, "", "已整改") == "护理部反馈：已整改"
    both = replies_quote([("甲科", None, "", "一"), ("乙科", None, "", "  "), ("丙科", None, "", "三")])
    assert both == "甲科反馈：一\n丙科反馈：三"  # an empty reply is left out


def test_the_draft_form_inserts_department_replies(qtbot: QtBot, desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("drafting", departments=2)
    ws = open_workspace(desk["officer"], case_id)
    ws.tabs.setCurrentIndex(ws.TAB_HANDLING)
    form = ws.handling
    assert not form.insert_reply.isHidden() and form.no_replies.isHidden()
    entries = [a.text() for a in form.replies_menu.actions() if not a.isSeparator()]
    departments = [a.department for a in ws.view.assignments if a.response]
    assert len(departments) == 2
    assert entries[:2] == [f"{d}（{desk.clock.at:%m-%d} 反馈）" for d in departments]
    assert entries[2] == "全部 2 个科室的反馈"

    form.facts_edit.setPlainText("经调查：")
    form.facts_edit.moveCursor(form.facts_edit.textCursor().MoveOperation.End)
    form.replies_menu.actions()[0].trigger()
    text = form.facts_edit.toPlainText()
    assert text.startswith("经调查：\n" + f"{departments[0]}反馈（") and "已核实，系统故障属实。" in text
    assert form.is_dirty() and form.dirty_label.text() == "有未保存的修改"
    form.replies_menu.actions()[-1].trigger()  # all of them
    text = form.facts_edit.toPlainText()
    assert text.count(f"{departments[1]}反馈（") == 1 and text.count(f"{departments[0]}反馈（") == 2


def test_no_reply_yet_is_said_instead_of_an_empty_menu(qtbot: QtBot, desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("accepted")
    ws = open_workspace(desk["officer"], case_id)
    assert ws.handling.insert_reply.isHidden() and not ws.handling.no_replies.isHidden()
