"""The records commands of the 文件 menu, offered by the policy: 导入台账… (admin, manager) and
导出台账… (officer, manager)."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from app.policy import Action, can
from app.session import Session


def records_actions(window: QWidget, session: Session) -> list[QAction]:
    actions = []
    if can(session.user, Action.IMPORT_LEDGER):
        action = QAction("导入台账…", window)
        action.setStatusTip("把原来的 Excel 投诉台账导入为历史案件（先试导入，逐行核对）")
        action.triggered.connect(lambda _checked=False: open_import(window, session))
        actions.append(action)
    if can(session.user, Action.EXPORT_LEDGER):
        action = QAction("导出台账…", window)
        action.setStatusTip("按日期范围导出投诉台账（Excel）")
        action.triggered.connect(lambda _checked=False: open_export(window, session))
        actions.append(action)
    return actions


def open_import(window: QWidget, session: Session) -> None:
    from ui.records.ledger_import_dialog import LedgerImportDialog

    dialog = LedgerImportDialog(session, window)
    dialog.open()


def open_export(window: QWidget, session: Session) -> None:
    from ui.records.export_dialog import ExportDialog

    dialog = ExportDialog(session, window)
    dialog.open()
