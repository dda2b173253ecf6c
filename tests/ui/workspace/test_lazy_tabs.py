"""The workspace builds only the visible tab when a case is opened; every other tab is built when
first shown and shows the case the workspace holds then — never an earlier reading of it, never the
previously opened case."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.cases import overlays, routing
from app.cases.rules import RuleName
from app.cases.states import State
from models.cases import Assignment
from tests.support.desk import Desk
from ui.main_window import MainWindow
from ui.rectification.case_section import CaseRectificationSection
from ui.workspace import CaseWorkspace
from ui.workspace.assignments_section import AssignmentsSection
from ui.workspace.attachments_section import AttachmentsSection
from ui.workspace.documents_section import DocumentsSection
from ui.workspace.followup_section import FollowUpSection
from ui.workspace.handling_section import HandlingSection
from ui.workspace.info_section import InfoSection
from ui.workspace.issues_section import IssuesSection

W = CaseWorkspace


def _eager(ws: CaseWorkspace, qtbot: QtBot) -> dict[int, Callable[[], QWidget]]:
    """Each tab's section as the workspace used to build it: made and filled right away (shown
    in a window of its own, as the tab is)."""
    view, decisions = ws.view, ws.decisions
    assert view is not None

    def made(section: QWidget, fill: Callable[[], object]) -> QWidget:
        qtbot.addWidget(section)
        fill()
        section.show()
        qtbot.waitExposed(section)
        return section

    def info() -> QWidget:
        s = InfoSection()
        return made(s, lambda: s.set_view(view))

    def issues() -> QWidget:
        s = IssuesSection()
        return made(s, lambda: s.set_view(view, decisions))

    def assignments() -> QWidget:
        s = AssignmentsSection()
        return made(s, lambda: s.set_view(view, decisions))

    def handling() -> QWidget:
        s = HandlingSection()
        return made(
            s, lambda: (s.set_view(view, ws.decision(RuleName.DRAFT)), s.set_revisions(ws._revisions))
        )

    def followup() -> QWidget:
        s = FollowUpSection()
        return made(s, lambda: s.set_view(view, ws.decision(RuleName.EXTERNAL_ROUTE)))

    def attachments() -> QWidget:
        s = AttachmentsSection(ws.session)
        return made(s, lambda: s.set_view(view, ws.decision(RuleName.ATTACHMENT)))

    def documents() -> QWidget:
        s = DocumentsSection(ws.session)
        return made(s, lambda: s.set_view(view))

    def rectification() -> QWidget:
        s = CaseRectificationSection(ws.session)
        return made(s, lambda: s.set_view(view))

    return {
        W.TAB_INFO: info,
        W.TAB_ISSUES: issues,
        W.TAB_ASSIGNMENTS: assignments,
        W.TAB_HANDLING: handling,
        W.TAB_FOLLOWUP: followup,
        W.TAB_ATTACHMENTS: attachments,
        W.TAB_DOCUMENTS: documents,
        W.TAB_RECTIFICATION: rectification,
    }


def shown(section: QWidget) -> list[object]:
    """What a section shows: texts of labels, fields, buttons and every cell of its tables, with
    which of them are hidden or disabled (in creation order)."""
    QApplication.processEvents()  # rows added to a shown grid show on the next pass
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # rows a refill replaced
    out: list[object] = []
    for child in section.findChildren(QWidget):
        if isinstance(child, QLabel | QLineEdit | QAbstractButton):
            out.append(child.text())
        elif isinstance(child, QPlainTextEdit | QTextEdit):
            out.append(child.toPlainText())
        elif isinstance(child, QAbstractItemView) and child.model() is not None:
            model = child.model()
            out.append(
                [
                    model.index(row, column).data(Qt.ItemDataRole.DisplayRole)
                    for row in range(model.rowCount())
                    for column in range(model.columnCount())
                ]
            )
        else:
            continue
        out.append((child.isHidden(), child.isEnabled()))
    return out


def _visible_tabs(ws: CaseWorkspace) -> list[int]:
    return [i for i in range(ws.tabs.count()) if ws.tabs.isTabVisible(i)]


def _case(desk: Desk, name: str, content: str, departments: int) -> int:
    return desk.new_case(
        State.DRAFTING, by="officer", complainant_name=name, content=content, departments=departments
    )


def test_only_the_visible_tab_is_built_and_each_tab_shows_the_case_when_first_shown(
    desk: Desk, open_workspace, qtbot: QtBot
) -> None:
    case_id = _case(desk, "周秀英", "住院部夜间呼叫铃无人应答，家属多次到护士站询问。", 2)
    ws = open_workspace(desk["officer"], case_id)
    assert ws.tabs.currentIndex() == W.TAB_INFO
    assert [i for i in range(ws.tabs.count()) if ws.pages.built(i) is not None] == [W.TAB_INFO]
    assert not ws.draft_is_dirty()  # asking does not build the draft form
    assert ws.pages.built(W.TAB_HANDLING) is None

    eager = _eager(ws, qtbot)
    tabs = _visible_tabs(ws)
    assert {W.TAB_ASSIGNMENTS, W.TAB_HANDLING, W.TAB_DOCUMENTS} <= set(tabs)
    for index in tabs:
        ws.tabs.setCurrentIndex(index)
        qtbot.waitUntil(lambda i=index: ws.pages.built(i) is not None and ws.pages.built(i).isVisible())
        assert shown(ws.pages.built(index)) == shown(eager[index]()), ws.tabs.tabText(index)
    info = shown(ws.info)
    assert "周秀英" in str(info) and "住院部夜间呼叫铃无人应答" in str(info)
    assert "已核实，系统故障属实。" in str(shown(ws.assignments))


def test_a_built_tab_shown_again_after_a_reload_shows_the_new_reading(
    desk: Desk, open_workspace, qtbot: QtBot
) -> None:
    case_id = desk.new_case(State.IN_PROGRESS, by="officer", departments=1)
    ws = open_workspace(desk["officer"], case_id)
    ws.tabs.setCurrentIndex(W.TAB_ASSIGNMENTS)
    before = shown(ws.pages.built(W.TAB_ASSIGNMENTS))
    ws.tabs.setCurrentIndex(W.TAB_INFO)

    overlays.add_note(desk["officer"], case_id, "已电话联系家属说明情况")
    assignment = Assignment.get(Assignment.case == case_id)
    routing.respond(desk["officer"], assignment.id, "夜间值班护士已约谈，呼叫铃已检修。", "护士长")
    ws.reload()
    assigned = ws.pages.built(W.TAB_ASSIGNMENTS)
    assert shown(assigned) == before  # not refilled while hidden …
    ws.tabs.setCurrentIndex(W.TAB_ASSIGNMENTS)
    after = shown(assigned)  # … but as soon as it is shown
    assert after != before and "夜间值班护士已约谈，呼叫铃已检修。" in str(after)
    assert after == shown(_eager(ws, qtbot)[W.TAB_ASSIGNMENTS]())
    assert "已电话联系家属说明情况" in ws.timeline.browser.toPlainText()


def test_the_next_case_opened_in_the_window_never_shows_the_previous_ones(
    desk: Desk, qtbot: QtBot, monkeypatch
) -> None:
    import ui.main_window as main_window

    monkeypatch.setattr(main_window, "schedule_automatic_backup", lambda *_a, **_k: None)
    first = _case(desk, "周秀英", "住院部夜间呼叫铃无人应答。", 2)
    second = _case(desk, "吴志强", "检验报告延迟三天发放，影响复诊。", 1)
    window = MainWindow(desk["officer"], idle_timeout_ms=0)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    seen: dict[int, dict[int, list[object]]] = {}
    for case_id in (first, second):
        ws = window.open_case(case_id)
        assert ws is not None and ws.case_id == case_id
        eager = _eager(ws, qtbot)
        seen[case_id] = {}
        for index in (W.TAB_INFO, W.TAB_ISSUES, W.TAB_ASSIGNMENTS, W.TAB_HANDLING, W.TAB_DOCUMENTS):
            ws.tabs.setCurrentIndex(index)
            seen[case_id][index] = shown(ws.pages.built(index))
            assert seen[case_id][index] == shown(eager[index]()), ws.tabs.tabText(index)
        window.close_case()
    assert "吴志强" in str(seen[second][W.TAB_INFO]) and "周秀英" not in str(seen[second][W.TAB_INFO])
    for index in (W.TAB_INFO, W.TAB_ASSIGNMENTS, W.TAB_DOCUMENTS):
        assert seen[first][index] != seen[second][index], index
