"""A stale save: the workspace names who changed the case, and 重新载入 keeps what the user typed."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.cases import acceptance, drafts, overlays, reply
from app.cases.views import open_case
from tests.support.desk import Desk
from tests.ui.helpers import type_text
from tests.ui.workspace.support import answer, on_modal, when
from ui.operations import bus
from ui.workspace.dialogs import TextDialog
from ui.workspace.draft_history import RevisionDialog
from ui.workspace.draft_merge import DraftMergeDialog

TYPED = "经调取监控，当日候诊区无人引导，属实。"


def test_draft_conflict_shows_theirs_and_mine_and_merges_without_losing_text(
    qtbot: QtBot, desk: Desk, open_workspace
) -> None:
    case_id = desk.new_case("drafting")
    ws = open_workspace(desk["officer"], case_id)
    ws.action_bar.control("draft").click()
    assert ws.handling.base_revision == 0
    type_text(ws.handling.facts_edit, TYPED)
    (combo,) = ws.handling.findings.combos()
    combo.setCurrentIndex(combo.findData("upheld"))

    desk.clock.advance(minutes=7)
    reply.save_draft(
        desk["officer2"], case_id, facts="另一位专员写的内容", finding="", resolution="向患者致歉。", base_revision=0
    )

    # First time: look, then keep mine without saving — nothing typed is lost, nothing overwritten.
    seen: list[tuple[str, str, str, str]] = []

    def look(dialog: DraftMergeDialog) -> None:
        seen.append(
            (
                dialog.theirs_widgets["facts"].text(),
                dialog.mine_widgets["facts"].toPlainText(),
                dialog.theirs_widgets["resolution"].text(),
                dialog.conflict.message,
            )
        )
        dialog.keep_button.click()

    on_modal(DraftMergeDialog, look)
    ws.handling.save_button.click()
    assert seen[0][:3] == ("另一位专员写的内容", TYPED, "向患者致歉。")
    assert "刘强 于 2026-03-10 09:07 保存为第 1 版" in seen[0][3]
    assert ws.handling.facts_edit.toPlainText() == TYPED and ws.handling.is_dirty()
    assert open_case(desk["officer"], case_id).facts == "另一位专员写的内容"

    # Second time: take their 处理意见, keep my facts, save the merge as revision 2.
    def merge(dialog: DraftMergeDialog) -> None:
        dialog.take_theirs("resolution")
        dialog.save_button.click()

    on_modal(DraftMergeDialog, merge)
    with qtbot.waitSignal(bus().data_changed):
        ws.handling.save_button.click()
    view = open_case(desk["officer"], case_id)
    assert (view.facts, view.finding, view.resolution) == (TYPED, "upheld", "向患者致歉。")
    history = drafts.revisions(desk["officer"], case_id)
    assert [(r.number, r.saved_by, r.merged_from) for r in history] == [(2, "王小明", 1), (1, "刘强", None)]
    assert history[1].text.facts == "另一位专员写的内容"  # every saved revision stays readable
    assert not ws.handling.is_dirty() and ws.handling.base_revision == 2

    # 修订记录: both revisions listed; the first one opens in full.
    history = ws.handling.history
    assert [history.model.index(r, 0).data() for r in range(history.model.rowCount())] == ["第 2 版", "第 1 版"]
    assert history.model.index(0, 3).data() == "合并第 1 版"
    history.view.selectRow(1)
    opened: list[str] = []
    on_modal(RevisionDialog, lambda d: (opened.append(d.grid.values["调查核实情况"].text()), d.reject()))
    history.open_selected()
    assert opened == ["另一位专员写的内容"]


def test_a_save_without_the_base_revision_never_overwrites_a_newer_draft(desk: Desk) -> None:
    case_id = desk.new_case("drafting")
    reply.save_draft(desk["officer2"], case_id, facts="第一版", finding="", resolution="", base_revision=0)
    with pytest.raises(drafts.DraftConflict):
        reply.save_draft(desk["officer"], case_id, facts="旧稿", finding="", resolution="", base_revision=0)
    with pytest.raises(TypeError):
        reply.save_draft(desk["officer"], case_id, facts="旧稿", finding="", resolution="")  # type: ignore[call-arg]
    assert open_case(desk["officer"], case_id).facts == "第一版"


def test_conflict_in_a_dialog_keeps_it_open_with_its_text(desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("in_progress")
    ws = open_workspace(desk["officer"], case_id)
    seen: list[str] = []
    kept: list[str] = []

    stale = ws.view.version

    def act(dialog: TextDialog) -> None:
        type_text(dialog.text_edit, "等待投诉人补充病历")
        overlays.escalate(desk["manager"], case_id, "涉及医疗过失")  # meanwhile, someone else

        def retry() -> None:
            kept.append(dialog.text())
            dialog.ok_button.click()

        on_modal(QMessageBox, answer("重新载入", seen))
        when(lambda: ws.view.version != stale and QApplication.activeModalWidget() is dialog, retry)
        dialog.ok_button.click()

    on_modal(TextDialog, act)
    ws.action_bar.control("hold").trigger()
    assert seen == ["该案件已被 陈主任 于 2026-03-10 09:00 修改。"]
    assert kept == ["等待投诉人补充病历"]
    view = open_case(desk["officer"], case_id)
    assert view.on_hold and view.hold_reason == "等待投诉人补充病历"
    assert ws.view.on_hold and not ws.header.escalated.isHidden()


def test_cancelled_conflict_changes_nothing(desk: Desk, open_workspace) -> None:
    case_id = desk.new_case("registered")
    ws = open_workspace(desk["officer"], case_id)
    overlays.add_note(
        desk["officer2"], case_id, "已与投诉人约定面谈时间"
    )  # no version change: notes are not stale
    acceptance.accept(desk["officer2"], case_id)

    def act(dialog: TextDialog) -> None:
        on_modal(QMessageBox, answer("取消"))
        when(lambda: QApplication.activeModalWidget() is dialog, dialog.reject)
        dialog.ok_button.click()

    on_modal(TextDialog, act)
    ws.action_bar.control("accept").click()
    assert ws.view.state == "registered"  # not reloaded: the user chose 取消
    assert open_case(desk["officer"], case_id).officer == "刘强"
