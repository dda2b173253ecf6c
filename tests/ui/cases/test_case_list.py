"""案件列表: lazy paging, masked and redacted rows, filters, home queues, search and opening a case."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.cases import board, overlays
from app.cases.board import BoardFilter, QueueCount
from tests.support.cases import PHONE
from tests.ui.cases.support import Office
from tests.ui.helpers import type_text
from ui.cases import CaseListPage
from ui.cases.case_model import COLUMNS, LIST_COLUMNS, CaseTableModel
from ui.cases.presentation import CaseIdRole

HEADERS = ["编号", "受理时间", "投诉人", "类别", "科室", "严重程度", "状态", "期限", "经办人"]


def _page(qtbot: QtBot, session) -> CaseListPage:
    page = CaseListPage(session)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    qtbot.waitExposed(page)
    return page


def _column(page: CaseListPage, header: str) -> list[str]:
    model = page.table.case_model
    column = HEADERS.index(header)
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_the_list_shows_every_case_newest_first_with_names_for_the_office(qtbot: QtBot, office: Office) -> None:
    first = office.register(complainant_name="张桂兰")
    office.clock.advance(minutes=5)
    second = office.case("closed", complainant_name="欧阳娜娜")
    page = _page(qtbot, office.officer)
    model = page.table.case_model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == HEADERS
    assert page.count_label.text() == "共 2 条"
    assert [model.index(r, 0).data(CaseIdRole) for r in range(2)] == [second, first]
    assert _column(page, "投诉人") == ["欧阳娜娜", "张桂兰"]  # the officer is entitled to the names
    assert _column(page, "状态") == ["已销项", "待受理"]
    assert _column(page, "期限") == ["无时限", "今日到期"]  # a visit is accepted the same day
    page.filters.include_final.setChecked(False)
    assert page.count_label.text() == "共 1 条"

    office.clock.advance(days=1)  # the clerk's registrations of yesterday: masked, also in tooltips
    clerk = _page(qtbot, office.clerk)
    clerk_model = clerk.table.case_model
    assert "科室" not in [clerk_model.headerData(c, Qt.Orientation.Horizontal) for c in range(clerk_model.columnCount())]
    assert [clerk_model.index(r, 2).data() for r in range(2)] == ["欧阳**", "张**"]
    for row in range(2):
        for column in range(clerk_model.columnCount()):
            assert "桂兰" not in str(clerk_model.index(row, column).data(Qt.ItemDataRole.ToolTipRole))


def test_a_header_click_sorts_in_the_database(qtbot: QtBot, office: Office) -> None:
    ids = []
    for severity in ("serious", "minor", "major"):
        office.clock.advance(minutes=5)
        ids.append(office.register(severity=severity))
    page = _page(qtbot, office.officer)
    page.table.case_model.page_size = 2  # the sort must hold across pages
    page.refresh()
    header = page.table.horizontalHeader()
    severity = HEADERS.index("严重程度")

    def shown() -> list[str]:
        while page.table.case_model.canFetchMore():
            page.table.case_model.fetchMore()
        return _column(page, "严重程度")

    assert shown() == ["重大", "一般", "重要"]  # newest first
    header.sectionClicked.emit(severity)
    assert shown() == ["一般", "重要", "重大"] and header.isSortIndicatorShown()
    header.sectionClicked.emit(severity)
    assert shown() == ["重大", "重要", "一般"]
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    header.sectionClicked.emit(severity)  # the third click: newest first again
    assert shown() == ["重大", "一般", "重要"] and not header.isSortIndicatorShown()
    header.sectionClicked.emit(HEADERS.index("投诉人"))  # names are not sortable: nothing changes
    assert shown() == ["重大", "一般", "重要"] and not header.isSortIndicatorShown()


def test_received_date_range_and_the_empty_message(qtbot: QtBot, office: Office) -> None:
    office.clock.advance(days=-8)
    old = office.register()
    office.clock.advance(days=8)
    new = office.register()
    page = _page(qtbot, office.officer)
    assert page.count_label.text() == "共 2 条" and page.results.currentWidget() is page.table
    page.received.preset.setCurrentIndex(page.received.preset.findData("week"))
    assert page.count_label.text() == "共 1 条"
    assert page.table.case_model.index(0, 0).data(CaseIdRole) == new
    page.received.preset.setCurrentIndex(page.received.preset.findData("custom"))
    assert page.received.start.isVisible()
    day = office.clock.at.date()
    page.received.start.setDate(day - timedelta(days=8))
    page.received.end.setDate(day - timedelta(days=8))
    assert page.table.case_model.index(0, 0).data(CaseIdRole) == old and page.count_label.text() == "共 1 条"
    page.received.end.setDate(day - timedelta(days=9))  # before the start: both move
    assert page.count_label.text() == "共 0 条"
    assert page.results.currentWidget() is page.empty_note and page.empty_note.isVisible()
    assert "没有符合筛选条件的案件" in page.empty_note.text()
    type_text(page.search_edit, "查无此字")
    page.run_search()
    assert page.results.currentWidget() is page.empty_note
    assert "没有找到与“查无此字”相符的案件" in page.empty_note.text()


def test_restricted_rows_show_only_that_they_are_restricted(qtbot: QtBot, office: Office) -> None:
    case_id = office.case("accepted")
    overlays.restrict(office.manager, case_id, True, [])
    page = _page(qtbot, office.officer2)
    assert _column(page, "投诉人") == ["受限案件"]
    assert _column(page, "类别") == ["—"]
    assert page.table.case_model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    clerk = _page(qtbot, office.clerk)
    assert clerk.count_label.text() == "共 0 条"  # the front desk does not even see that it exists


def test_rows_arrive_page_by_page(qtbot: QtBot, office: Office, qtmodeltester) -> None:
    for minute in range(9):
        office.clock.advance(minutes=1)
        office.register(complainant_name=f"李{minute}华")
    page = _page(qtbot, office.officer)
    model = page.table.case_model
    model.page_size = 4
    page.refresh()
    assert model.total == 9 and model.rowCount() == 4
    assert page.count_label.text() == "共 9 条"
    assert model.canFetchMore()
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > 4)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 9
    assert len({model.card(r).id for r in range(9)}) == 9
    qtmodeltester.check(model)


def test_a_standalone_lazy_model_passes_the_model_tester(office: Office, qtmodeltester) -> None:
    for _ in range(5):
        office.register()
    model = CaseTableModel([COLUMNS[key] for key in LIST_COLUMNS], page_size=2)
    flt = BoardFilter(include_final=True)
    model.set_source(board.case_count(office.officer, flt), board.case_pages(office.officer, flt).next_page)
    assert model.rowCount() == 2
    qtmodeltester.check(model)
    model.set_cards([])
    assert model.rowCount() == 0 and not model.canFetchMore()
    qtmodeltester.check(model)


def test_filters_by_state_severity_and_mine(qtbot: QtBot, office: Office) -> None:
    office.register(severity="major")
    office.case("in_progress")
    office.case("closed")
    page = _page(qtbot, office.officer)
    bar = page.filters
    bar.state.setCurrentIndex(bar.state.findData("in_progress"))
    assert _column(page, "状态") == ["科室处理中"]
    bar.reset()
    assert page.count_label.text() == "共 3 条"
    bar.severity.setCurrentIndex(bar.severity.findData("major"))
    assert _column(page, "严重程度") == ["重大"]
    bar.reset()
    bar.mine.setChecked(True)
    assert page.count_label.text() == "共 2 条"  # the two he accepted


def test_a_home_queue_becomes_a_removable_chip(qtbot: QtBot, office: Office) -> None:
    office.case("accepted")
    office.register()
    page = _page(qtbot, office.officer)
    label, flt = board.QUEUE_FILTERS["due_today"]
    page.show_queue(QueueCount("due_today", label, 0, flt))
    assert page.queue_chip.isVisible() and page.queue_chip.text().startswith("今日到期")
    assert page.count_label.text() == "共 1 条"  # acceptance due today; the reply is due later
    page.queue_chip.click()
    assert not page.queue_chip.isVisible()
    assert page.count_label.text() == "共 2 条"
    label, flt = board.QUEUE_FILTERS["registered"]
    page.show_queue(QueueCount("registered", label, 1, flt))
    assert not page.queue_chip.isVisible()  # a state: shown in the state filter
    assert page.filters.state.currentData() == "registered"
    assert page.count_label.text() == "共 1 条"


def test_search_lists_matches_and_says_how_many(qtbot: QtBot, office: Office) -> None:
    office.register(complainant_name="张桂兰", content="门诊候诊三小时无人叫号。", demands="")
    office.register(
        complainant_name="王五",
        content="收费处重复收取 CT 检查费。",
        complainant_phone="13588886666",
        demands="要求退费",
    )
    page = _page(qtbot, office.officer)
    type_text(page.search_edit, "叫号")
    page.run_search()
    assert page.count_label.text() == "搜索“叫号”：共 1 条"
    assert _column(page, "投诉人") == ["张桂兰"]
    assert not page.filters.isEnabled()
    page.search_edit.clear()
    type_text(page.search_edit, "王")  # one character is enough
    qtbot.waitUntil(lambda: page.count_label.text().startswith("搜索“王”"), timeout=2000)
    assert page.count_label.text() == "搜索“王”：共 1 条"
    page.search_edit.setText("13588886666")  # a full phone number, for the office
    page.run_search()
    assert _column(page, "投诉人") == ["王五"]
    page.search_edit.clear()
    page.run_search()
    assert page.count_label.text() == "共 2 条" and page.filters.isEnabled()


def test_the_clerk_cannot_find_cases_by_phone(qtbot: QtBot, office: Office) -> None:
    office.register(complainant_phone=PHONE, content="无关内容")
    page = _page(qtbot, office.clerk)
    page.search_edit.setText(PHONE)
    page.run_search()
    assert page.count_label.text() == f"搜索“{PHONE}”：共 0 条"


def test_escape_clears_the_search(qtbot: QtBot, office: Office) -> None:
    office.register(content="门诊候诊三小时无人叫号。")
    office.register(content="停车场收费不合理。")
    page = _page(qtbot, office.officer)
    page.search_edit.setText("停车")
    page.run_search()
    assert page.count_label.text() == "搜索“停车”：共 1 条"
    QTest.keyClick(page.search_edit, Qt.Key.Key_Escape)
    assert page.search_edit.text() == ""
    assert page.count_label.text() == "共 2 条"


def test_enter_and_double_click_open_the_case(qtbot: QtBot, office: Office) -> None:
    case_id = office.register()
    page = _page(qtbot, office.officer)
    table = page.table
    table.setFocus()
    table.setCurrentIndex(table.case_model.index(0, 0))
    with qtbot.waitSignal(page.open_case_requested) as signal:
        QTest.keyClick(table, Qt.Key.Key_Return)
    assert signal.args == [case_id]
    with qtbot.waitSignal(page.open_case_requested) as signal:
        table.doubleClicked.emit(table.case_model.index(0, 2))
    assert signal.args == [case_id]
