"""管理 → 投诉类别: the tree, adding with the pinyin shown, retiring a category in use, the search preview."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app import categories
from app.session import Session
from tests.ui.helpers import type_text
from ui.admin.categories_page import CategoriesPage, CodeRole, MoveDialog, NameDialog


@pytest.fixture
def page(qtbot: QtBot, admin_session: Session) -> CategoriesPage:
    widget = CategoriesPage(admin_session)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_tree_shows_three_levels_and_the_selected_leaf(page: CategoriesPage) -> None:
    assert page.tree.topLevelItemCount() >= 5
    page.select_code("010101")
    assert page.selected().code == "010101"
    assert page.path_label.text() == "医疗质量 / 诊断问题 / 误诊漏诊"
    assert page.pinyin_label.text() == "wzlz · wuzhenlouzhen"
    assert page.department.isEnabled() and not page.add_child_button.isEnabled()
    assert page.delete_button.isEnabled(), "an unused leaf may be deleted"
    page.select_code("0101")
    assert page.add_child_button.isEnabled() and not page.department.isEnabled()


def test_add_dialog_shows_pinyin_and_saves_under_the_parent(qtbot: QtBot, page: CategoriesPage) -> None:
    page.select_code("0101")
    parent = page.selected()
    dialog = NameDialog(page.session, parent_node=parent, parent=page)
    qtbot.addWidget(dialog)
    type_text(dialog.name_edit, "报告解读错误")
    assert dialog.pinyin.text() == "bgjdcw · baogaojieducuowu"
    dialog.department.setCurrentIndex(dialog.department.findData("laboratory"))
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    added = dialog.saved
    assert added.path == "医疗质量 / 诊断问题 / 报告解读错误" and added.department_code == "laboratory"
    page.select_code(added.code)  # the page re-read the tree on the change
    assert page.selected().name == "报告解读错误"


def test_retiring_asks_then_greys_the_category_and_delete_stays_off_when_in_use(
    qtbot: QtBot, page: CategoriesPage, admin_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(categories, "_in_use", lambda rows: True)  # as if a case used it
    monkeypatch.setattr("ui.admin.categories_page.confirm", lambda *args: True)
    page.select_code("010102")
    page.toggle_active()
    node = page.selected()
    assert not node.active and page.retire_button.text() == "恢复"
    assert "（已停用）" in page.tree.currentItem().text(0)
    assert "已停用" in page.notice.text()
    page.show_retired.setChecked(False)
    assert all(item.data(0, CodeRole) != "010102" for item in page._items())
    page.show_retired.setChecked(True)
    page.select_code("010102")
    page.toggle_active()
    assert page.selected().active


def test_search_preview_lists_what_the_intake_picker_offers(qtbot: QtBot, page: CategoriesPage) -> None:
    page.search.setText("wzlz")
    assert page.preview_list.count() >= 1
    assert page.preview_list.item(0).text() == "医疗质量 / 诊断问题 / 误诊漏诊"
    page.search.setText("zzzzqq")
    assert page.preview_list.item(0).text() == "（没有匹配的启用类别）"


def test_move_dialog_offers_only_places_that_keep_three_levels(qtbot: QtBot, page: CategoriesPage) -> None:
    page.select_code("0101")
    dialog = MoveDialog(page.session, page.selected(), page.nodes, page)
    qtbot.addWidget(dialog)
    targets = [dialog.target.itemData(i) for i in range(dialog.target.count())]
    assert "" in targets  # to the top level
    assert all(page.node(code).level == 1 for code in targets if code), "a 2-level subtree fits under level 1"
    assert "01" not in targets, "not where it already is"
    dialog.target.setCurrentIndex(targets.index("02"))
    dialog.submit()
    assert page.node("0101").path.startswith(page.node("02").name + " / ")
