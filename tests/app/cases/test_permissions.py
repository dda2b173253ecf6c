"""Who may do what to a case (DESIGN §1, §7): every case action × every role, viewing, registering
and looking for duplicates, night duty on their own intake. The state table is in test_state_table.py,
masking in test_masking.py.

A refusal — by role or by state — must leave every case table exactly as it was; a role refusal
adds exactly one audit entry (the denial itself), a state refusal none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from app.cases import (
    acceptance,
    follow_up,
    intake,
    issues,
    major,
    overlays,
    reply,
    routing,
    sign_off,
    views,
)
from app.cases.issues import IssueInput
from app.cases.states import State
from app.session import Session
from models.cases import Assignment, Case, ExternalRoute
from tests.support.cases import PHONE, draft
from tests.support.desk import Desk

from .conftest import (
    assert_denied,
    audit_count,
    audit_ok,
    first_issue,
    last_audit,
    make_form,
    pending_extension,
    timeline,
)

ROLES = ["officer", "clerk", "night_duty", "manager", "admin", "multi", "officer_admin"]

OFFICE = "医患沟通办公室专员、主任/分管院领导"
OFFICER = "医患沟通办公室专员"
MANAGER = "主任/分管院领导"
NOT_VISIBLE = "无权查看该案件"


def _assignment(case_id: int, state: str = "sent") -> int:
    return Assignment.get((Assignment.case == case_id) & (Assignment.state == state)).id


@dataclass(frozen=True)
class CaseAction:
    """One service call on a case prepared in `state` (plus `prepare`), by a role."""

    name: str  # audit action "case.<name>"
    state: str
    run: Callable[[Desk, Session, int], Any]
    allowed: frozenset[str]
    denial: str  # what "只有…" says for a role that sees the case but lacks the right
    prepare: Callable[[Desk, int], None] | None = None


def _with_extension(desk: Desk, case_id: int) -> None:
    overlays.request_extension(desk["officer"], case_id, 3, "等待会诊意见")


def _with_route(desk: Desk, case_id: int) -> None:
    follow_up.follow_up(
        desk["officer"],
        case_id,
        method="phone",
        satisfaction="dissatisfied",
        outcome="external",
        external_route="litigation",
    )


def _escalated_unrestricted(desk: Desk, case_id: int) -> None:
    """A major case every office role can see (the automatic 保密 lifted by the manager)."""
    overlays.escalate(desk["manager"], case_id, "涉及医疗损害")
    overlays.restrict(desk["manager"], case_id, False)


def _on_hold(desk: Desk, case_id: int) -> None:
    overlays.hold(desk["officer"], case_id, "等待病历复印件")


OFFICE_ROLES = frozenset({"officer", "manager", "officer_admin"})
OFFICER_ROLES = frozenset({"officer", "officer_admin"})
MANAGER_ROLES = frozenset({"manager"})

ACTIONS: list[CaseAction] = [
    CaseAction(
        "accept",
        State.REGISTERED,
        lambda d, s, c: acceptance.accept(s, c),
        OFFICE_ROLES,
        f"只有{OFFICE}可以受理投诉",
    ),
    CaseAction(
        "reject",
        State.REGISTERED,
        lambda d, s, c: acceptance.reject(s, c, "no_subject_facts"),
        OFFICE_ROLES,
        f"只有{OFFICE}可以作不予受理",
    ),
    CaseAction(
        "resolve_on_spot",
        State.REGISTERED,
        lambda d, s, c: acceptance.resolve_on_spot(s, c, "当场解释并致歉，投诉人表示接受"),
        OFFICE_ROLES,
        f"只有{OFFICE}可以登记当场解决",
    ),
    CaseAction(
        "assign",
        State.ACCEPTED,
        lambda d, s, c: routing.assign(s, c, ["cardiology"]),
        OFFICER_ROLES,
        f"只有{OFFICER}可以转办科室",
    ),
    CaseAction(
        "acknowledge",
        State.IN_PROGRESS,
        lambda d, s, c: routing.acknowledge(s, _assignment(c), "科室秘书"),
        OFFICER_ROLES,
        f"只有{OFFICER}可以登记科室签收与反馈",
    ),
    CaseAction(
        "respond",
        State.IN_PROGRESS,
        lambda d, s, c: routing.respond(s, _assignment(c), "科室调查意见"),
        OFFICER_ROLES,
        f"只有{OFFICER}可以登记科室签收与反馈",
    ),
    CaseAction(
        "return",
        State.IN_PROGRESS,
        lambda d, s, c: routing.return_assignment(s, _assignment(c), "非本科室职责", ["radiology"]),
        OFFICER_ROLES,
        f"只有{OFFICER}可以登记科室签收与反馈",
    ),
    CaseAction(
        "draft",
        State.DRAFTING,
        lambda d, s, c: reply.save_draft(
            s,
            c,
            facts="事实",
            finding="not_upheld",
            resolution="解释",
            base_revision=reply.current_revision(c),
        ),
        OFFICER_ROLES,
        f"只有{OFFICER}可以拟定处理意见",
    ),
    CaseAction(
        "submit",
        State.DRAFTING,
        lambda d, s, c: reply.submit_for_approval(s, c),
        OFFICER_ROLES,
        f"只有{OFFICER}可以提交审批",
        prepare=lambda d, c: draft(d["officer"], c),
    ),
    CaseAction(
        "approve",
        State.PENDING_APPROVAL,
        lambda d, s, c: reply.approve(s, c, "同意"),
        MANAGER_ROLES,
        f"只有{MANAGER}可以审批答复",
    ),
    CaseAction(
        "return_draft",
        State.PENDING_APPROVAL,
        lambda d, s, c: reply.return_draft(s, c, "请补充整改措施"),
        MANAGER_ROLES,
        f"只有{MANAGER}可以审批答复",
    ),
    CaseAction(
        "reply",
        State.APPROVED,
        lambda d, s, c: reply.record_reply(s, c, "phone"),
        OFFICER_ROLES,
        f"只有{OFFICER}可以登记答复",
    ),
    CaseAction(
        "follow_up",
        State.REPLIED,
        lambda d, s, c: follow_up.follow_up(s, c, method="phone", satisfaction="basically_satisfied"),
        OFFICER_ROLES,
        f"只有{OFFICER}可以登记回访",
    ),
    CaseAction(
        "external_route",
        State.REPLIED,
        lambda d, s, c: follow_up.update_external_route(
            s, ExternalRoute.get(ExternalRoute.case == c).id, "ongoing", "已立案"
        ),
        OFFICER_ROLES,
        f"只有{OFFICER}可以登记回访",
        prepare=_with_route,
    ),
    CaseAction(
        "sign_off",
        State.AWAITING_SIGN_OFF,
        lambda d, s, c: sign_off.sign_off(s, c),
        MANAGER_ROLES,
        f"只有{MANAGER}可以销项",
    ),
    CaseAction(
        "sign_off",
        State.IN_PROGRESS,
        lambda d, s, c: sign_off.sign_off(s, c, "unresolvable", "投诉人失联，多次联系未果"),
        MANAGER_ROLES,
        f"只有{MANAGER}可以销项",
    ),
    CaseAction(
        "archive",
        State.CLOSED,
        lambda d, s, c: sign_off.archive(s, c),
        MANAGER_ROLES,
        f"只有{MANAGER}可以归档",
    ),
    CaseAction(
        "hold",
        State.ACCEPTED,
        lambda d, s, c: overlays.hold(s, c, "等待补充材料"),
        OFFICE_ROLES,
        f"只有{OFFICE}可以暂停或恢复办理",
    ),
    CaseAction(
        "resume",
        State.ACCEPTED,
        lambda d, s, c: overlays.resume(s, c),
        OFFICE_ROLES,
        f"只有{OFFICE}可以暂停或恢复办理",
        prepare=_on_hold,
    ),
    CaseAction(
        "request_extension",
        State.IN_PROGRESS,
        lambda d, s, c: overlays.request_extension(s, c, 5, "需等待外院会诊"),
        OFFICER_ROLES,
        f"只有{OFFICER}可以申请延期",
    ),
    CaseAction(
        "decide_extension",
        State.IN_PROGRESS,
        lambda d, s, c: overlays.decide_extension(s, pending_extension(c), True, "同意"),
        MANAGER_ROLES,
        f"只有{MANAGER}可以审批延期",
        prepare=_with_extension,
    ),
    CaseAction(
        "escalate",
        State.ACCEPTED,
        lambda d, s, c: overlays.escalate(s, c, "涉及医疗损害，家属情绪激烈"),
        OFFICE_ROLES,
        f"只有{OFFICE}可以上报重大投诉",
    ),
    CaseAction(
        "major_check",
        State.ACCEPTED,
        lambda d, s, c: major.tick(s, c, "leadership", note="已报告分管院领导"),
        OFFICE_ROLES,
        f"只有{OFFICE}可以记录重大投诉事项",
        prepare=lambda d, c: _escalated_unrestricted(d, c),
    ),
    CaseAction(
        "restrict",
        State.ACCEPTED,
        lambda d, s, c: overlays.restrict(s, c, True, ["wangzq"]),
        MANAGER_ROLES,
        f"只有{MANAGER}可以设置保密",
    ),
    CaseAction(
        "merge",
        State.REGISTERED,
        lambda d, s, c: overlays.merge(s, c, d.spare),
        OFFICE_ROLES,
        f"只有{OFFICE}可以合并重复投诉",
    ),
    CaseAction(
        "link",
        State.ACCEPTED,
        lambda d, s, c: overlays.link(s, c, d.spare, "同一患者"),
        OFFICE_ROLES,
        f"只有{OFFICE}可以合并重复投诉",
    ),
    CaseAction(
        "note",
        State.IN_PROGRESS,
        lambda d, s, c: overlays.add_note(s, c, "家属来电询问进度"),
        OFFICE_ROLES,
        f"只有{OFFICE}可以添加备注",
    ),
    CaseAction(
        "attachment",
        State.REGISTERED,
        lambda d, s, c: overlays.add_attachment(s, c, "投诉信.jpg", b"\xff\xd8\xff\xe0scan"),
        OFFICE_ROLES | {"clerk"},  # the clerk registered this case
        "只能对本人登记的案件添加附件",
    ),
    CaseAction(
        "add_issue",
        State.ACCEPTED,
        lambda d, s, c: issues.add_issue(s, c, IssueInput(summary="收费窗口态度生硬", category="030302")),
        OFFICE_ROLES,
        f"只有{OFFICE}可以编辑投诉事项",
    ),
    CaseAction(
        "issue_finding",
        State.DRAFTING,
        lambda d, s, c: issues.set_finding(s, first_issue(c), "upheld", "属实"),
        OFFICER_ROLES,
        f"只有{OFFICER}可以认定投诉事项",
    ),
    CaseAction(
        "override_finding",
        State.DRAFTING,
        lambda d, s, c: issues.override_finding(s, c, "partly_upheld", "收费部分属实"),
        OFFICE_ROLES,
        f"只有{OFFICE}可以改定案件结论",
    ),
]


def _prepared_case(desk: Desk, action: CaseAction) -> int:
    case_id = desk.new_case(action.state, departments=1, content="门诊收费处多收取检查费 120 元。")
    if action.prepare:
        action.prepare(desk, case_id)
    return case_id


def _expected_denial(role: str, action: CaseAction) -> str:
    if role in ("night_duty", "admin"):
        return NOT_VISIBLE  # the case was registered by the clerk in office hours
    return action.denial


@pytest.mark.parametrize("action", ACTIONS, ids=[f"{a.name}-{a.state}" for a in ACTIONS])
def test_every_role_on_every_case_action(desk: Desk, action: CaseAction, subtests) -> None:
    desk.spare = desk.register("clerk", content="同一家属再次来访反映同一问题。").case_id
    shared = _prepared_case(desk, action)
    case_no = Case.get_by_id(shared).case_no
    for role in ROLES:
        with subtests.test(role=role):
            if role in action.allowed:
                case_id = _prepared_case(desk, action)
                before = Case.get_by_id(case_id)
                events, audits = len(timeline(case_id)), audit_count()
                action.run(desk, desk[role], case_id)
                after = Case.get_by_id(case_id)
                assert after.version == before.version + 1
                assert len(timeline(case_id)) > events
                assert timeline(case_id)[-1].actor_id == desk.user_id(role)
                entry = last_audit()
                assert entry.actor == desk[role].user.username
                assert entry.action.startswith("case.")
                assert audit_count() == audits + 1
            else:
                assert_denied(
                    desk,
                    role,
                    lambda r=role: action.run(desk, desk[r], shared),
                    _expected_denial(role, action),
                    case_no,
                )
    audit_ok()


def test_every_role_viewing_a_case(desk: Desk) -> None:
    case_id = desk.register("clerk").case_id
    case_no = Case.get_by_id(case_id).case_no
    for role in ("officer", "clerk", "manager", "multi", "officer_admin"):
        view = views.open_case(desk[role], case_id)
        assert view.case_no == case_no
        entry = last_audit()
        assert (entry.actor, entry.action, entry.target) == (desk[role].user.username, "case.view", case_no)
    for role in ("night_duty", "admin"):
        assert_denied(desk, role, lambda r=role: views.open_case(desk[r], case_id), NOT_VISIBLE, case_no)
    audit_ok()


def test_every_role_registering_and_looking_for_duplicates(desk: Desk) -> None:
    for role in ("officer", "clerk", "night_duty", "manager", "multi", "officer_admin"):
        reg = intake.register(desk[role], make_form())
        assert Case.get_by_id(reg.case_id).registered_by_id == desk.user_id(role)
        assert last_audit().action == "case.register"
        assert reg.case_id in {d.case_id for d in intake.find_duplicates(desk[role], phone=PHONE)}
    everyone = "医患沟通办公室专员、督查股文员、总值班、主任/分管院领导"
    assert_denied(
        desk,
        "admin",
        lambda: intake.register(desk["admin"], make_form()),
        f"只有{everyone}可以登记投诉",
        "case",
    )
    assert_denied(
        desk,
        "admin",
        lambda: intake.find_duplicates(desk["admin"], phone=PHONE),
        f"只有{everyone}可以登记投诉",
        "duplicates",
    )


def test_night_duty_on_their_own_intake(desk: Desk) -> None:
    """总值班 sees and may add a scan to the case they logged, and nothing more."""
    desk.clock.set(datetime(2026, 3, 10, 22, 10))
    case_id = desk.register("night_duty", channel="phone").case_id
    case_no = Case.get_by_id(case_id).case_no
    night = desk["night_duty"]
    assert views.open_case(night, case_id).night_intake
    overlays.add_attachment(night, case_id, "录音.mp3", b"ID3\x03audio")
    assert Case.get_by_id(case_id).version == 2
    attempts = {
        f"只有{OFFICE}可以受理投诉": lambda: acceptance.accept(night, case_id),
        f"只有{OFFICE}可以作不予受理": lambda: acceptance.reject(night, case_id, "criminal"),
        f"只有{OFFICE}可以登记当场解决": lambda: acceptance.resolve_on_spot(night, case_id, "已解释"),
        f"只有{OFFICE}可以添加备注": lambda: overlays.add_note(night, case_id, "备注"),
        f"只有{OFFICE}可以暂停或恢复办理": lambda: overlays.hold(night, case_id, "等材料"),
        f"只有{OFFICE}可以上报重大投诉": lambda: overlays.escalate(night, case_id, "上报"),
        f"只有{MANAGER}可以设置保密": lambda: overlays.restrict(night, case_id, True),
    }
    for reason, call in attempts.items():
        assert_denied(desk, "night_duty", call, reason, case_no)
    # Another user's attachment rights on it: only its own registrant among the intake roles.
    assert_denied(
        desk,
        "multi",
        lambda: overlays.add_attachment(desk["multi"], case_id, "x.jpg", b"x"),
        "只能对本人登记的案件添加附件",
        case_no,
    )
