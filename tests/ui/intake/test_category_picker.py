"""投诉类别 picker: Chinese or pinyin-initial search, keyboard choice, default department hint."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app import dictionaries
from app.cases.category_tree import CategoryLeaf
from tests.ui.helpers import type_text
from ui.intake.category_picker import CategoryPicker


@pytest.fixture
def leaves() -> list[CategoryLeaf]:
    return [
        CategoryLeaf(c.code, c.name, c.full_name, c.department_code or "")
        for c in dictionaries.category_leaves()
    ]


@pytest.fixture
def picker(qtbot: QtBot, leaves: list[CategoryLeaf]) -> Iterator[CategoryPicker]:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(800, 600)
    picker = CategoryPicker(leaves, {"outpatient": "门诊部", "medical_affairs": "医务部"}, window)
    picker.setGeometry(20, 20, 560, 32)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    picker.edit.setFocus()
    yield picker  # the window stays referenced until the test ends
    window.close()


def listed(picker: CategoryPicker) -> list[str]:
    return [picker.model.leaf(row).name for row in range(picker.model.rowCount())]


def test_pinyin_initials_list_the_service_attitude_leaves(qtbot: QtBot, picker: CategoryPicker) -> None:
    qtbot.keyClicks(picker.edit, "fwtd")
    assert picker.is_popup_visible()
    paths = [picker.model.data(picker.model.index(r, 0)) for r in range(picker.model.rowCount())]
    assert len(paths) == 8 and all(p.startswith("服务态度 › ") for p in paths)
    assert paths[0] == "服务态度 › 医生服务态度 › 门诊医生态度生硬"
    assert picker.popup.parentWidget() is picker.window()  # floats over the window, under the box
    assert (
        picker.popup.geometry().top()
        >= picker.edit.mapTo(picker.window(), picker.edit.rect().bottomLeft()).y()
    )


def test_up_down_and_enter_choose_a_leaf(qtbot: QtBot, picker: CategoryPicker) -> None:
    chosen: list[CategoryLeaf | None] = []
    picker.chosen.connect(chosen.append)
    qtbot.keyClicks(picker.edit, "fwtd")
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Up)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert not picker.is_popup_visible()
    leaf = picker.leaf()
    assert leaf is not None and leaf.name == "住院医生态度生硬" and picker.code() == "030102"
    assert picker.edit.text() == "服务态度 › 医生服务态度 › 住院医生态度生硬"
    assert chosen == [leaf]
    assert picker.edit.cursorPosition() == 0  # shown from its start
    qtbot.keyClick(picker.edit, Qt.Key.Key_End)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Backspace)  # editing the text un-chooses it
    assert picker.leaf() is None and chosen[-1] is None


def test_initials_and_chinese_find_misdiagnosis_first(qtbot: QtBot, picker: CategoryPicker) -> None:
    qtbot.keyClicks(picker.edit, "wz")
    assert listed(picker)[0] == "误诊漏诊"
    picker.edit.clear()
    type_text(picker.edit, "误诊")
    assert listed(picker)[0] == "误诊漏诊"


def test_escape_closes_the_list_and_down_opens_it_again(
    qtbot: QtBot, picker: CategoryPicker, leaves: list[CategoryLeaf]
) -> None:
    qtbot.keyClicks(picker.edit, "ylzl")
    under_quality = [leaf.name for leaf in leaves if leaf.path.startswith("医疗质量 / ")]
    assert picker.is_popup_visible() and listed(picker)[: len(under_quality)] == under_quality
    qtbot.keyClick(picker.edit, Qt.Key.Key_Escape)
    assert not picker.is_popup_visible() and picker.edit.text() == "ylzl"
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)
    assert picker.is_popup_visible()


def test_no_match_says_so(qtbot: QtBot, picker: CategoryPicker) -> None:
    qtbot.keyClicks(picker.edit, "qqqq")
    assert picker.is_popup_visible() and picker.model.rowCount() == 0
    assert picker.empty_label.isVisible() and picker.empty_label.text().startswith("没有匹配的类别")
    with pytest.raises(Exception, match="请从列表中选择到最末一级类别"):
        picker.code()


def test_a_click_chooses(qtbot: QtBot, picker: CategoryPicker) -> None:
    qtbot.keyClicks(picker.edit, "fwtd")
    rect = picker.view.visualRect(picker.model.index(3, 0))
    qtbot.mouseClick(picker.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert picker.leaf() is not None and picker.leaf().name == "护士态度生硬"


def test_leaving_with_a_text_that_names_one_leaf_chooses_it(
    qtbot: QtBot, picker: CategoryPicker, leaves: list[CategoryLeaf]
) -> None:
    type_text(picker.edit, "误诊漏诊")
    picker.window().setFocus()
    picker.edit.clearFocus()
    assert picker.leaf() is not None and picker.leaf().code == "010101"


def test_in_the_form_a_chosen_category_tells_its_department_and_is_saved(
    qtbot: QtBot, desk, make_page
) -> None:
    from app.cases import views

    from .test_registration import fill_visit

    page = make_page(desk["clerk"])
    fill_visit(page)
    picker = page.full_form.category
    picker.edit.setFocus()
    qtbot.keyClicks(picker.edit, "wzlz")
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert page.full_form.fields.cells["category"].hint.text() == "默认责任科室：医务部（受理时可改派）"
    with qtbot.waitSignal(page.registered) as signal:
        page.save_button.click()
    assert views.open_case(desk["officer"], signal.args[0]).category_path == "医疗质量 / 诊断问题 / 误诊漏诊"


def test_a_chosen_path_shows_from_its_start_and_unmatched_text_is_told(qtbot: QtBot, desk, make_page) -> None:
    page = make_page(desk["clerk"])
    form = page.full_form
    picker = form.category
    assert picker.edit.fontMetrics().horizontalAdvance(picker.edit.placeholderText()) < picker.edit.width() - 24
    leaf = next(leaf for leaf in picker._leaves if len(leaf.path) > 14)
    picker.set_leaf(leaf)
    assert picker.edit.cursorPosition() == 0  # 一级 name visible, not cut at the left
    picker.clear()
    picker.setFocus()
    qtbot.keyClicks(picker.edit, "2026-03-10")  # a date typed in the wrong box
    form.severity.setFocus()
    hint = form.fields.cells["category"].hint
    assert hint.is_error() and "没有与“2026-03-10”相符的类别" in hint.text()
    assert picker.leaf() is None
