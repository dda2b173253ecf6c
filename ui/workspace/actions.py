"""What each action button does: open its dialog and call the one service that performs it.

Every case-level write passes `expected_version` from the view the user is looking at (read at the
moment of saving, so a retry after 重新载入 uses the reloaded version).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QFileDialog, QWidget

import app.cases.acceptance
import app.cases.follow_up
import app.cases.reply
import app.cases.sign_off
from app import departments, dictionaries
from app.cases import corrections, documents, major, overlays, routing
from app.cases.category_tree import category_leaves
from app.cases.rules import RuleName
from app.cases.states import FINAL_STATES, ExtensionState
from app.cases.views import AssignmentView, CaseView
from app.cases.workspace import officers
from app.files import read_user_file
from app.session import Session
from ui.common import confirm, show_error
from ui.operations import run
from ui.workspace.correction_dialog import CorrectionDialog
from ui.workspace.dialogs import (
    AcknowledgeDialog,
    ActionDialog,
    AssignDialog,
    AttachmentDialog,
    CaseNumberDialog,
    ExtensionDecisionDialog,
    ExtensionRequestDialog,
    ExternalRouteDialog,
    FollowUpDialog,
    RejectDialog,
    ReplyDialog,
    RespondDialog,
    RestrictDialog,
    ReturnDialog,
    TextDialog,
)
from ui.workspace.issue_dialogs import IssueRouteDialog
from ui.workspace.major_section import MajorTickDialog
from ui.workspace.widgets import format_date


class Workspace(Protocol):
    """What the handlers need from the case workspace."""

    session: Session
    case_id: int
    view: CaseView

    def dialog_parent(self) -> QWidget: ...

    def run_dialog(self, dialog: ActionDialog, perform: Callable[[], object]) -> bool: ...

    def run(self, action: Callable[[], object]) -> bool: ...

    def show_draft_form(self) -> None: ...

    def draft_is_dirty(self) -> bool: ...


def _version(ws: Workspace) -> int:
    return ws.view.version


def _department_choices() -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in departments.list_departments(include_inactive=False)]


def _text(
    ws: Workspace,
    title: str,
    label: str,
    ok_text: str,
    perform: Callable[[str], object],
    placeholder: str = "",
    note: str = "",
) -> None:
    dialog = TextDialog(title, label, ok_text, placeholder=placeholder, note=note, parent=ws.dialog_parent())
    ws.run_dialog(dialog, lambda: perform(dialog.text()))


# -- lifecycle ---------------------------------------------------------------------------------


def accept(ws: Workspace) -> None:
    _text(
        ws,
        "受理投诉",
        "备注",
        "受理",
        lambda note: app.cases.acceptance.accept(ws.session, ws.case_id, note, expected_version=_version(ws)),
        placeholder="可不填",
        note="受理后开始计算答复期限，您将成为本案的承办专员。",
    )


def reject(ws: Workspace) -> None:
    dialog = RejectDialog(dictionaries.rejection_reasons(), ws.dialog_parent())
    ws.run_dialog(
        dialog,
        lambda: app.cases.acceptance.reject(
            ws.session, ws.case_id, dialog.reason_code(), dialog.note(), expected_version=_version(ws)
        ),
    )


def resolve_on_spot(ws: Workspace) -> None:
    _text(
        ws,
        "当场解决",
        "处理情况",
        "登记当场解决",
        lambda text: app.cases.acceptance.resolve_on_spot(
            ws.session, ws.case_id, text, expected_version=_version(ws)
        ),
        placeholder="当场向投诉人作出的解释和处理",
        note="首诉负责制：登记后案件转入“待销项”，由主任销项。",
    )


def assign(ws: Workspace) -> None:
    if len(ws.view.issues) > 1:  # several 投诉事项: each issue to its department
        route = IssueRouteDialog(
            ws.view.issues, departments.list_departments(include_inactive=False), ws.dialog_parent()
        )
        ws.run_dialog(
            route,
            lambda: routing.route_issues(
                ws.session, ws.case_id, route.routes(), route.questions(), expected_version=_version(ws)
            ),
        )
        return
    dialog = AssignDialog(_department_choices(), ws.dialog_parent())
    ws.run_dialog(
        dialog,
        lambda: routing.assign(
            ws.session, ws.case_id, dialog.codes(), dialog.questions(), expected_version=_version(ws)
        ),
    )


def draft(ws: Workspace) -> None:
    ws.show_draft_form()


def submit(ws: Workspace) -> None:
    if ws.draft_is_dirty():
        show_error(ws.dialog_parent(), "处理意见有未保存的修改，请先保存后再提交审批")
        ws.show_draft_form()
        return
    if confirm(
        ws.dialog_parent(), "提交审批", "提交后处理意见交主任审批，审批期间不能修改。确定提交吗？", "提交"
    ):
        ws.run(
            lambda: app.cases.reply.submit_for_approval(ws.session, ws.case_id, expected_version=_version(ws))
        )


def approve(ws: Workspace) -> None:
    _text(
        ws,
        "审批通过",
        "审批意见",
        "审批通过",
        lambda text: app.cases.reply.approve(ws.session, ws.case_id, text, expected_version=_version(ws)),
        placeholder="可不填",
    )


def return_draft(ws: Workspace) -> None:
    _text(
        ws,
        "退回修改",
        "退回意见",
        "退回",
        lambda text: app.cases.reply.return_draft(
            ws.session, ws.case_id, text, expected_version=_version(ws)
        ),
        placeholder="写明需要修改的内容",
    )


def reply(ws: Workspace) -> None:
    dialog = ReplyDialog(ws.dialog_parent())
    ws.run_dialog(
        dialog,
        lambda: app.cases.reply.record_reply(
            ws.session,
            ws.case_id,
            dialog.method(),
            dialog.replied_at(),
            dialog.note(),
            expected_version=_version(ws),
            letter_delivered=dialog.letter_delivered(),
        ),
    )


def follow_up(ws: Workspace) -> None:
    dialog = FollowUpDialog(dictionaries.external_routes(), ws.dialog_parent())
    ws.run_dialog(
        dialog,
        lambda: app.cases.follow_up.follow_up(
            ws.session, ws.case_id, **dialog.values(), expected_version=_version(ws)
        ),
    )


def external_route(ws: Workspace) -> None:
    dialog = ExternalRouteDialog(ws.view.external_routes, ws.dialog_parent())
    ws.run_dialog(
        dialog,
        lambda: app.cases.follow_up.update_external_route(ws.session, dialog.route_id(), *dialog.values()),
    )


def sign_off(ws: Workspace) -> None:
    _text(
        ws,
        "销项",
        "销项说明",
        "销项",
        lambda text: app.cases.sign_off.sign_off(
            ws.session, ws.case_id, "resolved", text, expected_version=_version(ws)
        ),
        placeholder="可不填",
        note="销项后案件结束并只读；如需更正，可在时间线添加更正说明。",
    )


def close_unresolvable(ws: Workspace) -> None:
    _text(
        ws,
        "按无法处理销项",
        "无法处理的原因",
        "销项",
        lambda text: app.cases.sign_off.sign_off(
            ws.session, ws.case_id, "unresolvable", text, expected_version=_version(ws)
        ),
        placeholder="必须写明无法处理的原因",
    )


def archive(ws: Workspace) -> None:
    if confirm(ws.dialog_parent(), "归档", f"确定将案件 {ws.view.case_no} 归档吗？", "归档"):
        ws.run(lambda: app.cases.sign_off.archive(ws.session, ws.case_id, expected_version=_version(ws)))


# -- departments ---------------------------------------------------------------------------------


def acknowledge(ws: Workspace, assignment: AssignmentView) -> None:
    dialog = AcknowledgeDialog(assignment, ws.dialog_parent())
    ws.run_dialog(dialog, lambda: routing.acknowledge(ws.session, assignment.id, dialog.by_name()))


def respond(ws: Workspace, assignment: AssignmentView) -> None:
    dialog = RespondDialog(assignment, ws.dialog_parent())
    ws.run_dialog(
        dialog, lambda: routing.respond(ws.session, assignment.id, dialog.response(), dialog.responder())
    )


def return_assignment(ws: Workspace, assignment: AssignmentView) -> None:
    choices = [(code, name) for code, name in _department_choices() if name != assignment.department]
    dialog = ReturnDialog(assignment, choices, ws.dialog_parent())
    ws.run_dialog(
        dialog,
        lambda: routing.return_assignment(ws.session, assignment.id, dialog.reason(), dialog.codes() or None),
    )


# -- overlays ------------------------------------------------------------------------------------


def hold(ws: Workspace) -> None:
    _text(
        ws,
        "暂停办理（待补充材料）",
        "暂停原因",
        "暂停",
        lambda text: overlays.hold(ws.session, ws.case_id, text, expected_version=_version(ws)),
        placeholder="如：等待投诉人补充病历材料",
        note="暂停期间时限停止计算，恢复办理后相应顺延。",
    )


def resume(ws: Workspace) -> None:
    _text(
        ws,
        "恢复办理",
        "备注",
        "恢复办理",
        lambda text: overlays.resume(ws.session, ws.case_id, text, expected_version=_version(ws)),
        placeholder="如：投诉人已补充材料",
    )


def request_extension(ws: Workspace) -> None:
    dialog = ExtensionRequestDialog(format_date(ws.view.reply_due), ws.dialog_parent())
    ws.run_dialog(
        dialog,
        lambda: overlays.request_extension(
            ws.session, ws.case_id, dialog.workdays(), dialog.reason(), expected_version=_version(ws)
        ),
    )


def decide_extension(ws: Workspace) -> None:
    pending = next((x for x in ws.view.extensions if x.state == ExtensionState.PENDING), None)
    if pending is None:
        return
    dialog = ExtensionDecisionDialog(pending, ws.dialog_parent())
    ws.run_dialog(
        dialog, lambda: overlays.decide_extension(ws.session, pending.id, dialog.approve(), dialog.note())
    )


def escalate(ws: Workspace) -> None:
    _text(
        ws,
        "上报重大投诉",
        "上报说明",
        "上报",
        lambda text: overlays.escalate(ws.session, ws.case_id, text, expected_version=_version(ws)),
        placeholder="如：涉及可能的医疗过失，已电话报告分管院领导",
        note="上报后案件按重大投诉处理，外报时限开始计算。",
    )


def major_tick(ws: Workspace, item_key: str) -> None:
    """Record one item of the 重大 checklist."""
    dialog = MajorTickDialog(major.BY_KEY[item_key], ws.dialog_parent())
    ws.run_dialog(
        dialog,
        lambda: major.tick(
            ws.session,
            ws.case_id,
            item_key,
            status=dialog.status(),
            value=dialog.value(),
            note=dialog.note(),
            expected_version=_version(ws),
        ),
    )


def restrict(ws: Workspace) -> None:
    found = run(ws.dialog_parent(), lambda: [(o.username, o.display_name) for o in officers(ws.session)])
    if not found:
        return
    dialog = RestrictDialog(found.value, ws.view.named_officers, ws.dialog_parent())
    ws.run_dialog(
        dialog,
        lambda: overlays.restrict(
            ws.session, ws.case_id, dialog.restricted(), dialog.usernames(), expected_version=_version(ws)
        ),
    )


def merge(ws: Workspace) -> None:
    dialog = CaseNumberDialog(
        "合并重复投诉",
        "合并",
        "本案件将作为重复投诉并入目标案件并结束，两个案件的时间线都会记录。",
        ws.dialog_parent(),
    )

    def perform() -> None:
        target = documents.case_id_by_number(ws.session, dialog.case_no())
        overlays.merge(ws.session, ws.case_id, target, dialog.note(), expected_version=_version(ws))

    ws.run_dialog(dialog, perform)


def link(ws: Workspace) -> None:
    dialog = CaseNumberDialog(
        "关联案件",
        "关联",
        "关联只作标记（如同一投诉人或同一事项），两案件各自办理。",
        ws.dialog_parent(),
        repeat_choice=True,
    )
    ws.run_dialog(
        dialog,
        lambda: overlays.link(
            ws.session,
            ws.case_id,
            documents.case_id_by_number(ws.session, dialog.case_no()),
            dialog.note(),
            repeat=dialog.is_repeat(),
        ),
    )


def correct(ws: Workspace) -> None:
    """更正登记信息: the form starts from the registration as stored (an audited read)."""
    current = run(ws.dialog_parent(), lambda: corrections.registration(ws.session, ws.case_id))
    if not current:
        return
    dialog = CorrectionDialog(
        current.value,
        category_leaves(),
        departments.list_departments(include_inactive=False),
        ws.dialog_parent(),
    )
    ws.run_dialog(
        dialog,
        lambda: corrections.correct(
            ws.session, ws.case_id, dialog.changes(), dialog.reason(), expected_version=_version(ws)
        ),
    )


def note(ws: Workspace) -> None:
    closed = ws.view.state in FINAL_STATES
    _text(
        ws,
        "补充更正说明" if closed else "添加备注",
        "说明" if closed else "备注",
        "添加",
        lambda text: overlays.add_note(ws.session, ws.case_id, text),
        note="已结束的案件不能修改，更正以说明的形式记入时间线。" if closed else "",
    )


def attachment(ws: Workspace) -> None:
    name, _filter = QFileDialog.getOpenFileName(
        ws.dialog_parent(),
        "选择附件",
        "",
        "常用文件 (*.jpg *.jpeg *.png *.pdf *.mp3 *.m4a *.wav *.doc *.docx);;所有文件 (*)",
    )
    if not name:
        return
    path = Path(name)
    read = run(ws.dialog_parent(), lambda: read_user_file(path))
    if not read:
        return
    data = read.value
    dialog = AttachmentDialog(path, len(data), ws.dialog_parent())
    ws.run_dialog(
        dialog, lambda: overlays.add_attachment(ws.session, ws.case_id, path.name, data, dialog.note())
    )


CASE_ACTIONS: dict[str, Callable[[Workspace], None]] = {
    RuleName.ACCEPT: accept,
    RuleName.REJECT: reject,
    RuleName.RESOLVE_ON_SPOT: resolve_on_spot,
    RuleName.ASSIGN: assign,
    RuleName.DRAFT: draft,
    RuleName.SUBMIT: submit,
    RuleName.APPROVE: approve,
    RuleName.RETURN_DRAFT: return_draft,
    RuleName.REPLY: reply,
    RuleName.FOLLOW_UP: follow_up,
    RuleName.EXTERNAL_ROUTE: external_route,
    RuleName.SIGN_OFF: sign_off,
    RuleName.CLOSE_UNRESOLVABLE: close_unresolvable,
    RuleName.ARCHIVE: archive,
    RuleName.HOLD: hold,
    RuleName.RESUME: resume,
    RuleName.REQUEST_EXTENSION: request_extension,
    RuleName.DECIDE_EXTENSION: decide_extension,
    RuleName.ESCALATE: escalate,
    RuleName.RESTRICT: restrict,
    RuleName.MERGE: merge,
    RuleName.LINK: link,
    RuleName.NOTE: note,
    RuleName.ATTACHMENT: attachment,
    RuleName.CORRECT: correct,
}
ASSIGNMENT_ACTIONS: dict[str, Callable[[Workspace, AssignmentView], None]] = {
    RuleName.ACKNOWLEDGE: acknowledge,
    RuleName.RESPOND: respond,
    RuleName.RETURN: return_assignment,
}
