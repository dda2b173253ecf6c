"""统计分析's 整改 tab, and the drill from a department's line (整改 tab or 考核) to its items."""

from __future__ import annotations

from datetime import datetime

from pytestqt.qtbot import QtBot

from app.cases.states import State
from app.rectification import items
from app.rectification.items import NewItem
from tests.ui.cases.support import Office
from ui.statistics.statistics_page import table_rows


def test_the_tab_shows_the_figures_and_opens_a_departments_items(qtbot: QtBot, office: Office, main_window) -> None:
    case_id = office.case(State.CLOSED, category="020202")
    items.create(office.officer, NewItem("nursing", "落实呼叫应答时限", (case_id,), due_workdays=2))
    office.clock.set(datetime(2026, 3, 20, 10, 0))
    window = main_window(office.manager)
    page = window.show_page("statistics")
    qtbot.waitUntil(lambda: page.computed is not None, timeout=20_000)
    tab = page.rectification_tab
    assert table_rows(tab.table) == [
        ["护理部", "1", "0", "0", "—", "1", "0"],
        ["合计", "1", "0", "0", "—", "1", "0"],
    ]
    tab.table.itemActivated.emit(tab.table.item(0, 0))
    assert window.current_page_key() == "rectification"
    items_page = window.pages["rectification"]
    assert items_page.department_combo.currentText() == "护理部"
    assert [items_page.model.row(r).number for r in range(items_page.model.rowCount())] == ["ZG-2026-0001"]
    window.show_page("statistics")
    score_row = next(r for r, row in enumerate(table_rows(page.score_table)) if row[0] == "护理部")
    items_page.show_department("")
    page.score_table.itemActivated.emit(page.score_table.item(score_row, 0))
    assert window.current_page_key() == "rectification" and items_page.department_combo.currentText() == "护理部"
