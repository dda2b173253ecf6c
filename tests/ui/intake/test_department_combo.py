"""The intake's department field finds a department by what staff write: its name, an alias the
admin set (心内, 急诊, 收费处), pinyin initials or the code."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.departments import DepartmentInfo
from tests.ui.helpers import type_text
from ui.intake.department_combo import DepartmentCombo

DEPARTMENTS = [
    DepartmentInfo("cardiology", "心血管内科", "clinical", "", "", True, ("心内科", "心内")),
    DepartmentInfo("emergency", "急诊科", "clinical", "", "", True, ("急诊",)),
    DepartmentInfo("finance", "财务科", "administrative", "", "", True, ("收费处",)),
    DepartmentInfo("thoracic_surg", "心胸外科", "clinical", "", "", True, ()),
]


def _offered(combo: DepartmentCombo) -> list[str]:
    model = combo.completer().completionModel()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("心内", ["心血管内科"]),  # an alias, not part of the name
        ("收费", ["财务科"]),
        ("急诊", ["急诊科"]),
        ("xnk", ["心血管内科"]),  # initials of an alias
        ("xxgnk", ["心血管内科"]),
        ("心", ["心血管内科", "心胸外科"]),
    ],
)
def test_typing_an_alias_offers_the_department(qtbot: QtBot, typed: str, offered: list[str]) -> None:
    combo = DepartmentCombo(DEPARTMENTS)
    qtbot.addWidget(combo)
    combo.show()
    if typed.isascii():
        qtbot.keyClicks(combo.lineEdit(), typed)
    else:
        type_text(combo.lineEdit(), typed)
    assert _offered(combo) == offered
    popup = combo.completer().popup()
    assert popup.isVisible()
    popup.setCurrentIndex(combo.completer().completionModel().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert combo.currentText() == offered[0]  # the name goes into the box, not the search text
    assert combo.code() == next(d.code for d in DEPARTMENTS if d.name == offered[0])


def test_the_aliases_show_as_the_tooltip_of_the_entry(qtbot: QtBot) -> None:
    combo = DepartmentCombo(DEPARTMENTS)
    qtbot.addWidget(combo)
    assert combo.itemData(combo.findData("cardiology"), Qt.ItemDataRole.ToolTipRole) == "又称：心内科、心内"


def test_enter_in_the_list_picks_and_stays_in_the_field(qtbot: QtBot, desk, make_page) -> None:
    """Enter on a suggestion chooses it; it does not also jump to the next field."""
    from PySide6.QtWidgets import QApplication

    page = make_page(desk["clerk"])
    combo = page.full_form.visit_department
    combo.setFocus()
    qtbot.keyClicks(combo.lineEdit(), "xxgnk")
    popup = combo.completer().popup()
    assert popup.isVisible()
    popup.setCurrentIndex(combo.completer().completionModel().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert combo.currentText() == "心血管内科" and combo.code() == "cardiology"
    assert QApplication.focusWidget() in (combo, combo.lineEdit())
