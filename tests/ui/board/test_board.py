"""The kanban board: columns and totals, lazy paging per column, masked and redacted cards, filters,
and moving cards by drag and drop (allowed → the step's dialog; refused → the policy's reason)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QDrag
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QMenu
from pytestqt.qtbot import QtBot

from app.cases import board, overlays
from app.cases.board import BOARD_STATES, BoardFilter
from app.cases.views import open_case
from tests.ui.cases.support import Office
from tests.ui.helpers import type_text
from tests.ui.workspace.support import on_modal
from ui.board import BoardPage, card_list
from ui.board.card_delegate import CardDelegate
from ui.board.column_model import CARD_MIME, ColumnModel, card_mime, read_card_mime
from ui.cases.presentation import CardRole
from ui.operations import bus
from ui.workspace.dialogs import AssignDialog, TextDialog


def _board(qtbot: QtBot, session) -> BoardPage:
    page = BoardPage(session)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def _cards(page: BoardPage, state: str) -> list:
    model = page.columns[state].model
    return [model.card(row) for row in range(model.rowCount())]


def test_one_column_per_open_state_with_totals_and_named_cards(qtbot: QtBot, office: Office) -> None:
    registered = office.register(complainant_name="张桂兰", severity="major")
    office.case("in_progress", complainant_name="欧阳娜娜")
    office.case("closed")
    page = _board(qtbot, office.officer)
    assert list(page.columns) == list(BOARD_STATES)
    assert [page.columns[s].title.text() for s in ("registered", "awaiting_sign_off")] == ["待受理", "待销项"]
    assert page.columns["registered"].count.text() == "1"
    assert page.columns["in_progress"].count.text() == "1"
    assert page.total_label.text() == "在办 2 件"
    card = _cards(page, "registered")[0]
    assert card.id == registered and card.complainant == "张桂兰" and card.severity_label == "重大"
    assert _cards(page, "in_progress")[0].complainant == "欧阳娜娜"  # the officer is entitled to names
    index = page.columns["registered"].model.index(0)
    assert "张桂兰" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert page.columns["drafting"].empty.isVisible()


def test_restricted_cards_are_redacted_for_officers_not_named(qtbot: QtBot, office: Office) -> None:
    case_id = office.case("accepted")
    overlays.restrict(office.manager, case_id, True, [])
    other = _board(qtbot, office.officer2)
    card = _cards(other, "accepted")[0]
    assert card.redacted and card.complainant == "" and card.category == "受限案件"
    assert "受限案件" in other.columns["accepted"].model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert "张" not in other.columns["accepted"].model.index(0).data(Qt.ItemDataRole.DisplayRole)
    manager = _board(qtbot, office.manager)
    seen = _cards(manager, "accepted")[0]
    assert seen.restricted and not seen.redacted and seen.complainant == "张桂兰"


def test_the_delegate_paints_every_kind_of_card(qtbot: QtBot, office: Office) -> None:
    office.case("accepted")
    held = office.case("in_progress")
    overlays.hold(office.officer, held, "等待投诉人补充病历")
    secret = office.case("drafting")
    overlays.restrict(office.manager, secret, True, [])
    page = _board(qtbot, office.officer2)
    for state in ("accepted", "in_progress", "drafting"):
        view = page.columns[state].view
        assert isinstance(view.itemDelegate(), CardDelegate)
        assert view.sizeHintForRow(0) > 80
    assert not page.columns["in_progress"].view.grab().isNull()
    assert _cards(page, "drafting")[0].redacted


def test_columns_page_lazily_through_fetch_more(qtbot: QtBot, office: Office, qtmodeltester) -> None:
    for minute in range(7):
        office.clock.advance(minutes=1)
        office.register(complainant_name=f"王{minute}明")
    model = ColumnModel(office.officer, "registered", page_size=3)
    column = board.board(office.officer, per_column=3)[0]
    model.set_column(column, BoardFilter())
    assert model.total == 7 and model.rowCount() == 3
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 6
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 7
    ids = [model.card(r).id for r in range(7)]
    assert len(set(ids)) == 7
    mime = model.mimeData([model.index(2)])
    assert mime.hasFormat(CARD_MIME)
    assert read_card_mime(mime) == (ids[2], "registered")


def test_filters_narrow_every_column(qtbot: QtBot, office: Office) -> None:
    office.register(severity="major", visit_department="cardiology")
    office.register(severity="minor")
    mine = office.case("in_progress")  # accepted by 王小明, sent to 心血管内科 and 护理部
    page = _board(qtbot, office.officer)
    assert page.total_label.text() == "在办 3 件"
    bar = page.filters
    bar.severity.setCurrentIndex(bar.severity.findData("major"))
    assert page.total_label.text() == "在办 1 件"
    assert bar.reset_button.isVisibleTo(page)
    # the empty columns give their width to the one that matches
    assert page.columns["in_progress"].width() < page.columns["registered"].width()
    assert page.columns["in_progress"].empty.text() == "无符合筛选的案件"
    bar.reset()
    assert page.total_label.text() == "在办 3 件"
    assert page.columns["in_progress"].width() == page.columns["registered"].width()
    assert page.columns["drafting"].empty.text() == "暂无案件"  # empty without a filter: full width
    bar.department.setCurrentIndex(bar.department.findData("cardiology"))
    assert page.total_label.text() == "在办 2 件"  # the visit department, or an assignment
    bar.reset()
    bar.mine.setChecked(True)
    assert [c.id for c in _cards(page, "in_progress")] == [mine]
    assert page.total_label.text() == "在办 1 件"
    bar.reset()
    bar.officer.setCurrentIndex(bar.officer.findData(office.officer.user.id))
    assert page.total_label.text() == "在办 1 件"
    bar.reset()
    office.clock.advance(days=3)
    bar.overdue.setChecked(True)
    assert page.total_label.text() == "在办 2 件"  # the two registrations were not accepted in time


def test_category_filter_is_searchable(qtbot: QtBot, office: Office) -> None:
    office.register(category="010301")
    office.register(category="060301")
    page = _board(qtbot, office.officer)
    combo = page.filters.category
    assert combo.isEditable()
    combo.completer().setCompletionPrefix("医疗质量")
    assert combo.completer().completionCount() > 3  # the 一级 node and everything under it
    combo.setCurrentIndex(combo.findData("01"))  # 医疗质量 and its subtree
    assert page.total_label.text() == "在办 1 件"


def test_allowed_drop_opens_the_steps_dialog(qtbot: QtBot, office: Office) -> None:
    case_id = office.register(complainant_name="张桂兰")
    case_no = open_case(office.officer, case_id).case_no
    page = _board(qtbot, office.officer)
    seen: list[str] = []

    def accept(dialog: TextDialog) -> None:  # the dialog says which case it is for
        subject = dialog.findChild(QLabel, "dialogSubject")
        seen.extend([dialog.windowTitle(), subject.text() if subject is not None else ""])
        type_text(dialog.text_edit, "已电话告知受理")
        dialog.ok_button.click()

    on_modal(TextDialog, accept)
    with qtbot.waitSignal(bus().data_changed):
        assert page.move_case(case_id, "registered", "accepted")
    assert open_case(office.officer, case_id).state == "accepted"
    assert page.columns["registered"].count.text() == "0"
    assert [c.id for c in _cards(page, "accepted")] == [case_id]
    assert not page.notice.isVisible()
    assert seen[0].endswith(f" · {case_no}") and seen[1].startswith(f"案件 {case_no} · 张桂兰")


def test_routing_by_drop_uses_the_assign_dialog(qtbot: QtBot, office: Office) -> None:
    case_id = office.case("accepted")
    page = _board(qtbot, office.officer)

    def route(dialog: AssignDialog) -> None:
        dialog.picker.set_checked(["cardiology"])
        type_text(dialog.questions_edit, "请核实当日候诊情况")
        dialog.ok_button.click()

    on_modal(AssignDialog, route)
    assert page.move_case(case_id, "accepted", "in_progress")
    assert open_case(office.officer, case_id).state == "in_progress"


def test_cancelled_dialog_moves_nothing(qtbot: QtBot, office: Office) -> None:
    case_id = office.register()
    page = _board(qtbot, office.officer)
    on_modal(TextDialog, lambda d: d.reject())
    assert not page.move_case(case_id, "registered", "accepted")
    assert open_case(office.officer, case_id).state == "registered"


def test_refused_drop_shows_the_policys_reason(qtbot: QtBot, office: Office) -> None:
    case_id = office.case("pending_approval")
    page = _board(qtbot, office.officer)
    assert not page.move_case(case_id, "pending_approval", "approved")
    assert page.notice.isVisible()
    assert page.notice.text().startswith("未移动：只有主任/分管院领导可以审批答复。双击卡片打开案件")
    assert open_case(office.officer, case_id).state == "pending_approval"


def test_moves_that_are_no_step_say_why(qtbot: QtBot, office: Office) -> None:
    case_id = office.case("in_progress")
    page = _board(qtbot, office.officer)
    assert not page.move_case(case_id, "in_progress", "drafting")
    assert "收到全部科室反馈后" in page.notice.text()
    assert not page.move_case(case_id, "in_progress", "approved")
    assert page.notice.text() == "未移动：不能把案件从“科室处理中”直接移到“待答复”。请双击卡片打开案件，按页面上方的操作办理。"
    assert not page.move_case(case_id, "in_progress", "replied")
    case_id = office.case("registered")
    assert not page.move_case(case_id, "registered", "drafting")
    assert page.notice.text().endswith("可以拖到：已受理/待转办、待销项；其他步骤请双击卡片在案件中办理。")


def test_a_case_on_hold_is_refused_with_the_state_tables_reason(qtbot: QtBot, office: Office) -> None:
    case_id = office.case("accepted")
    overlays.hold(office.officer, case_id, "等待投诉人补充材料")
    page = _board(qtbot, office.officer)
    assert not page.move_case(case_id, "accepted", "in_progress")
    assert "暂停" in page.notice.text()


def test_draft_drop_asks_for_the_workspace(qtbot: QtBot, office: Office) -> None:
    case_id = office.case("accepted")
    page = _board(qtbot, office.officer)
    with qtbot.waitSignal(page.workspace_action_requested) as signal:
        page.move_case(case_id, "accepted", "drafting")
    assert signal.args == [case_id, "draft"]


def test_drop_event_on_another_column_requests_the_move(qtbot: QtBot, office: Office, monkeypatch) -> None:
    case_id = office.register()
    page = _board(qtbot, office.officer)
    monkeypatch.setattr(page, "move_case", lambda *args: None)
    target = page.columns["accepted"].view
    source = page.columns["registered"].view
    with qtbot.waitSignal(target.move_requested) as signal:
        _drop(target, card_mime(case_id, "registered"))
    assert signal.args == [case_id, "registered", "accepted"]
    with qtbot.assertNotEmitted(source.move_requested):
        _drop(source, card_mime(case_id, "registered"))  # the same column: nothing happens


def _drop(view, mime) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    pos = QPointF(view.viewport().rect().center())
    enter = QDragEnterEvent(
        pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(view.viewport(), enter)
    drop = QDropEvent(
        pos,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(view.viewport(), drop)


def test_mouse_drag_starts_a_drag_carrying_the_case(qtbot: QtBot, office: Office, monkeypatch) -> None:
    """Press on a card and move: a QDrag with the case id and its column starts. (The offscreen
    platform has no drag-and-drop loop, so the drop is delivered to the target column by hand.)"""
    case_id = office.register()
    page = _board(qtbot, office.officer)
    source = page.columns["registered"].view
    target = page.columns["accepted"].view
    moves: list[tuple] = []
    monkeypatch.setattr(page, "move_case", lambda *args: moves.append(args))
    started: list = []

    class FakeDrag(QDrag):
        def exec(self, *_actions) -> Qt.DropAction:
            started.append(read_card_mime(self.mimeData()))
            assert not self.pixmap().isNull()
            _drop(target, self.mimeData())
            return Qt.DropAction.CopyAction

    monkeypatch.setattr(card_list, "QDrag", FakeDrag)
    start = source.visualRect(source.model().index(0, 0)).center()
    QTest.mousePress(source.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in (4, 12, 24):
        QTest.mouseMove(source.viewport(), start + QPoint(step, QApplication.startDragDistance() + step))
    QTest.mouseRelease(source.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    assert started == [(case_id, "registered")]
    qtbot.waitUntil(lambda: bool(moves), timeout=2000)
    assert moves == [(case_id, "registered", "accepted")]


def test_keyboard_move_through_the_context_menu(qtbot: QtBot, office: Office, monkeypatch) -> None:
    case_id = office.register()
    page = _board(qtbot, office.officer)
    monkeypatch.setattr(page, "move_case", lambda *args: None)
    view = page.columns["registered"].view
    view.setCurrentIndex(view.model().index(0, 0))
    menu = view.card_menu(view.currentIndex())
    assert [a.text() for a in menu.actions()][0] == "打开案件"
    move = next(a.menu() for a in menu.actions() if a.menu() is not None)
    assert [a.text() for a in move.actions()] == ["已受理/待转办", "待销项"]
    with qtbot.waitSignal(view.move_requested) as signal:
        move.actions()[0].trigger()
    assert signal.args == [case_id, "registered", "accepted"]
    with qtbot.waitSignal(view.open_requested) as opened:
        QTest.keyClick(view, Qt.Key.Key_Return)
    assert opened.args == [case_id]
    shown: list[QMenu] = []
    QTimer.singleShot(0, lambda: (shown.append(QApplication.activePopupWidget()), shown[-1].close()))
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Keyboard,
        QPoint(1, 1),
        view.mapToGlobal(QPoint(1, 1)),
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(view, event)
    assert isinstance(shown[0], QMenu)


def test_card_role_carries_the_card(qtbot: QtBot, office: Office) -> None:
    case_id = office.register()
    page = _board(qtbot, office.officer)
    assert page.columns["registered"].model.index(0).data(CardRole).id == case_id
