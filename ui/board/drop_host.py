"""Runs a workspace action (its dialog, then its service) from the board, without opening the case.

The handlers of ui.workspace.actions work on anything shaped like the workspace (their `Workspace`
protocol); this is that shape for one dropped card. The 拟定处理意见 form lives in the workspace
itself, so that action asks for the workspace instead (`wants_workspace`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QWidget

from app.cases import views
from app.cases.views import CaseView
from app.session import Session
from ui.operations import Change, Kind, run
from ui.workspace import actions
from ui.workspace.dialogs import ActionDialog


class DropHost:
    def __init__(self, parent: QWidget, session: Session, case_id: int, view: CaseView) -> None:
        self.parent = parent
        self.session = session
        self.case_id = case_id
        self.view = view
        self.done = False
        self.wants_workspace = False

    def reload(self) -> None:
        outcome = run(self.parent, lambda: views.open_case(self.session, self.case_id))
        if outcome:
            self.view = outcome.value

    def change(self) -> Change:
        return Change(Kind.CASE, self.case_id)

    def dialog_parent(self) -> QWidget:
        return self.parent

    def run_dialog(self, dialog: ActionDialog, perform: Callable[[], object]) -> bool:
        # Opened by a drop, away from the case: the dialog says which case it is for.
        view = self.view
        dialog.setWindowTitle(f"{dialog.windowTitle()} · {view.case_no}")
        subject = QLabel(case_subject(view))
        subject.setObjectName("dialogSubject")
        subject.setWordWrap(True)
        dialog.body.insertWidget(0, subject)
        dialog.perform = perform
        dialog.on_reload = self.reload
        dialog.change = self.change()
        accepted = bool(dialog.exec())
        self.done = self.done or accepted
        return accepted

    def run(self, action: Callable[[], object]) -> bool:
        ok = run(self.parent, action, changed=self.change(), on_reload=self.reload).ok
        self.done = self.done or ok
        return ok

    def show_draft_form(self) -> None:
        self.wants_workspace = True

    def draft_is_dirty(self) -> bool:
        return False


def case_subject(view: CaseView) -> str:
    """"案件 YH-2026-000123 · 张桂兰 · 服务态度 / 医生服务态度": enough to know the case dropped."""
    parts = [f"案件 {view.case_no}", view.complainant_name, view.category_path]
    return " · ".join(p for p in parts if p)


def run_action(parent: QWidget, session: Session, view: CaseView, rule: str) -> DropHost:
    """Run the workspace handler of `rule` on the case; the host tells what happened."""
    host = DropHost(parent, session, view.id, view)
    actions.CASE_ACTIONS[rule](host)
    return host
