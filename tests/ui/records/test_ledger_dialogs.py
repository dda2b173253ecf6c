"""导入台账 driven as a manager: file → mapping → the unknown department → dry run → report → import
in the background; 导出台账 to a file. Both reached from the 文件 menu by the policy."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from app.records import ledger_import as li
from app.session import Session
from models.cases import Case
from tests.support.ledgers import messy_ledger
from tests.support.sessions import session_as
from ui.records.actions import records_actions
from ui.records.export_dialog import ExportDialog
from ui.records.ledger_import_dialog import LedgerImportDialog


@pytest.fixture
def infos(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    for module in ("ledger_import_dialog", "export_dialog"):
        monkeypatch.setattr(
            f"ui.records.{module}.QMessageBox.information", lambda parent, title, text: shown.append(text)
        )
    return shown


def test_import_wizard_end_to_end(
    qtbot: QtBot, admin_session: Session, tmp_path: Path, infos: list[str]
) -> None:
    manager = session_as(admin_session, "chenlx", "manager")
    dialog = LedgerImportDialog(manager)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.next_button.isEnabled()
    assert dialog.load(messy_ledger(tmp_path / "台账.xlsx"))
    assert dialog.table.sheet == "2025年台账" and dialog.year_spin.value() == 2025
    dialog.forward()
    assert dialog.pages.currentIndex() == 1
    labels = [box.currentText() for box in dialog.mapping_boxes]
    assert labels[dialog.table.headers.index("投诉内容")] == "投诉内容"
    assert labels[dialog.table.headers.index("被投诉科室")] == "被投诉科室"
    dialog.forward()  # dry run: one department unknown
    assert dialog.pages.currentIndex() == 2
    (key,) = dialog.choice_boxes
    assert key == ("department", "某某中心")
    box = dialog.choice_boxes[key]
    box.setCurrentIndex(box.findData("outpatient"))
    dialog.forward()
    assert dialog.pages.currentIndex() == 3
    assert dialog.next_button.text() == "导入 9 件"
    assert "不导入 3 行" in dialog.summary.text()
    dialog.save_report(tmp_path / "报告.xlsx")
    assert load_workbook(tmp_path / "报告.xlsx")["逐行结果"].max_row == 13
    dialog.forward()
    outcome = dialog.operation.wait()
    assert outcome and outcome.ok
    assert Case.select().count() == 9 and "已导入 9 件历史案件" in infos[-1]
    memory = li.remembered(dialog.table.signature)
    assert memory["departments"] == {"某某中心": "outpatient"}


def test_export_dialog_writes_the_file(
    qtbot: QtBot, admin_session: Session, tmp_path: Path, infos: list[str]
) -> None:
    officer = session_as(admin_session, "linxw", "officer")
    dialog = ExportDialog(officer)
    qtbot.addWidget(dialog)
    outcome = dialog.export_to(tmp_path / "out.xlsx").wait()
    assert outcome and outcome.ok and (tmp_path / "out.xlsx").exists()
    assert "已导出 0 件案件" in infos[-1]


def test_file_menu_offers_what_the_policy_allows(qtbot: QtBot, admin_session: Session) -> None:
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    texts = lambda session: [a.text() for a in records_actions(window, session)]  # noqa: E731
    assert texts(admin_session) == ["导入台账…"]
    assert texts(session_as(admin_session, "chenlx", "manager")) == ["导入台账…", "导出台账…"]
    assert texts(session_as(admin_session, "linxw", "officer")) == ["导出台账…"]
    assert texts(session_as(admin_session, "zhaomin", "clerk")) == []
