"""The workspace in a small window (1024×700): nothing widens the window, tables show their rows."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.cases import documents, overlays
from app.session import Session
from tests.support.desk import Desk
from ui.main_window import MainWindow
from ui.workspace import CaseWorkspace


def _window(qtbot: QtBot, session: Session, size: tuple[int, int]) -> MainWindow:
    window = MainWindow(session, idle_timeout_ms=0)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def _settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def _rows_fully_shown(view) -> bool:
    model = view.model()
    bottom = view.viewport().height()
    return all(view.visualRect(model.index(row, 0)).bottom() < bottom for row in range(model.rowCount()))


def test_at_1024_the_department_table_shows_every_row(qtbot: QtBot, desk: Desk) -> None:
    case_id = desk.new_case("in_progress", departments=3)
    window = _window(qtbot, desk["officer"], (1024, 700))
    workspace = window.open_case(case_id)
    assert isinstance(workspace, CaseWorkspace)
    workspace.tabs.setCurrentIndex(workspace.TAB_ASSIGNMENTS)
    _settle()
    view = workspace.assignments.view
    assert view.model().rowCount() == 3 and _rows_fully_shown(view)
    header = view.horizontalHeader()
    assert header.length() <= view.viewport().width() + 1  # 签收 and 反馈 not cut off
    assert window.width() == 1024 and window.height() == 700


def test_issued_documents_need_no_sideways_scrolling(qtbot: QtBot, desk: Desk) -> None:
    case_id = desk.new_case("in_progress", departments=1)
    documents.issue(desk["officer"], case_id, "receipt")
    documents.issue(desk["officer"], case_id, "receipt")
    for size in ((1280, 800), (1024, 700)):
        window = _window(qtbot, desk["officer"], size)
        workspace = window.open_case(case_id)
        workspace.tabs.setCurrentIndex(workspace.TAB_DOCUMENTS)
        _settle()
        view = workspace.documents.issued_view
        assert view.model().rowCount() == 2 and _rows_fully_shown(view)
        assert view.horizontalScrollBar().maximum() == 0, size
        window.close()


def test_the_restricted_panel_does_not_widen_the_window(qtbot: QtBot, desk: Desk) -> None:
    case_id = desk.new_case("accepted")
    overlays.restrict(desk["manager"], case_id, True, [])
    for size in ((1280, 800), (1024, 700)):
        window = _window(qtbot, desk["officer2"], size)
        workspace = window.open_case(case_id)
        _settle()
        assert workspace.stack.currentWidget() is workspace.denied
        assert (window.width(), window.height()) == size
        assert window.minimumSizeHint().width() <= 1024
        window.close()
