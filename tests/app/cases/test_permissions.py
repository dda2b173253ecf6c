"""Who may do what to a case, and when (DESIGN §1, §4, §7): every case action × every role, the
state table with its Chinese refusals, and masking of identifiers and content.

A refusal — by role or by state — must leave every case table exactly as it was; a role refusal
adds exactly one audit entry (the denial itself), a state refusal none."""

from __future__ import annotations

import re
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
    search,
    sign_off,
    views,
    visibility,
)
from app.cases.issues import IssueInput
from app.cases.states import STATE_LABELS, State
from app.errors import PermissionDenied, TransitionError
from app.session import Session
from models.cases import Assignment, Case, CaseIssue, Extension, ExternalRoute
from tests.support.cases import ID_NUMBER, PHONE, draft
from tests.support.desk import Desk

from .conftest import (
    LEGAL,
    ON_HOLD_ALLOWED,
    PEOPLE,
    audit_count,
    audit_ok,
    case_data,
    last_audit,
    make_form,
    timeline,
)

ROLES = ["officer", "clerk", "night_duty", "manager", "admin", "multi", "officer_admin"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")

OFFICE = "医患沟通办公室专员、主任/分管院领导"
OFFICER = "医患沟通办公室专员"
MANAGER = "主任/分管院领导"
NOT_VISIBLE = "无权查看该案件"


def _assignment(case_id: int, state: str = "sent") -> int:
    return Assignment.get((Assignment.case == case_id) & (Assignment.state == state)).id


def _pending_extension(case_id: int) -> int:
    return Extension.get((Extension.case == case_id) & (Extension.state == "pending")).id


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
            s, c, facts="事实", finding="not_upheld", resolution="解释", base_revision=reply.current_revision(c)
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
        lambda d, s, c: overlays.decide_extension(s, _pending_extension(c), True, "同意"),
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
        lambda d, s, c: issues.set_finding(s, _first_issue(c), "upheld", "属实"),
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


def _first_issue(case_id: int) -> int:
    return CaseIssue.select().where(CaseIssue.case == case_id).order_by(CaseIssue.seq).first().id


def _prepared_case(desk: Desk, action: CaseAction) -> int:
    case_id = desk.new_case(action.state, departments=1, content="门诊收费处多收取检查费 120 元。")
    if action.prepare:
        action.prepare(desk, case_id)
    return case_id


def _expected_denial(role: str, action: CaseAction) -> str:
    if role in ("night_duty", "admin"):
        return NOT_VISIBLE  # the case was registered by the clerk in office hours
    return action.denial


def _assert_denied(desk: Desk, role: str, call: Callable[[], Any], reason: str, target: str) -> None:
    before, audits = case_data(), audit_count()
    with pytest.raises(PermissionDenied) as info:
        call()
    assert info.value.message == reason
    assert CHINESE.search(info.value.message)
    assert case_data() == before, "a refused action wrote something"
    assert audit_count() == audits + 1
    denial = last_audit()
    assert (denial.actor, denial.action, denial.target) == (desk[role].user.username, "denied", target)
    assert reason in denial.detail


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
                _assert_denied(
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
        _assert_denied(desk, role, lambda r=role: views.open_case(desk[r], case_id), NOT_VISIBLE, case_no)
    audit_ok()


def test_every_role_registering_and_looking_for_duplicates(desk: Desk) -> None:
    for role in ("officer", "clerk", "night_duty", "manager", "multi", "officer_admin"):
        reg = intake.register(desk[role], make_form())
        assert Case.get_by_id(reg.case_id).registered_by_id == desk.user_id(role)
        assert last_audit().action == "case.register"
        assert reg.case_id in {d.case_id for d in intake.find_duplicates(desk[role], phone=PHONE)}
    everyone = "医患沟通办公室专员、督查股文员、总值班、主任/分管院领导"
    _assert_denied(
        desk,
        "admin",
        lambda: intake.register(desk["admin"], make_form()),
        f"只有{everyone}可以登记投诉",
        "case",
    )
    _assert_denied(
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
        _assert_denied(desk, "night_duty", call, reason, case_no)
    # Another user's attachment rights on it: only its own registrant among the intake roles.
    _assert_denied(
        desk,
        "multi",
        lambda: overlays.add_attachment(desk["multi"], case_id, "x.jpg", b"x"),
        "只能对本人登记的案件添加附件",
        case_no,
    )


# --------------------------------------------------------------------------- the state table

ATTEMPTS: dict[str, Callable[[Desk, int], Any]] = {
    "accept": lambda d, c: acceptance.accept(d["officer"], c),
    "reject": lambda d, c: acceptance.reject(d["officer"], c, "out_of_scope"),
    "resolve_on_spot": lambda d, c: acceptance.resolve_on_spot(d["officer"], c, "当场解释"),
    "assign": lambda d, c: routing.assign(d["officer"], c, ["ultrasound"]),
    "acknowledge": lambda d, c: routing.acknowledge(d["officer"], _any_assignment(c), "某人"),
    "respond": lambda d, c: routing.respond(d["officer"], _any_assignment(c), "意见"),
    "return": lambda d, c: routing.return_assignment(d["officer"], _any_assignment(c), "退回"),
    "draft": lambda d, c: reply.save_draft(
        d["officer"], c, facts="f", finding="upheld", resolution="r", base_revision=reply.current_revision(c)
    ),
    "submit": lambda d, c: reply.submit_for_approval(d["officer"], c),
    "approve": lambda d, c: reply.approve(d["manager"], c),
    "return_draft": lambda d, c: reply.return_draft(d["manager"], c, "请修改"),
    "reply": lambda d, c: reply.record_reply(d["officer"], c, "sms"),
    "follow_up": lambda d, c: follow_up.follow_up(d["officer"], c, method="sms", satisfaction="satisfied"),
    "sign_off": lambda d, c: sign_off.sign_off(d["manager"], c),
    "close_unresolvable": lambda d, c: sign_off.sign_off(d["manager"], c, "unresolvable", "联系不上"),
    "archive": lambda d, c: sign_off.archive(d["manager"], c),
    "hold": lambda d, c: overlays.hold(d["officer"], c, "等材料"),
    "resume": lambda d, c: overlays.resume(d["officer"], c),
    "request_extension": lambda d, c: overlays.request_extension(d["officer"], c, 2, "理由"),
    "decide_extension": lambda d, c: overlays.decide_extension(d["manager"], _pending_extension(c), True),
    "escalate": lambda d, c: overlays.escalate(d["officer"], c, "上报"),
    "major_check": lambda d, c: major.tick(d["officer"], c, "leadership"),
    "merge": lambda d, c: overlays.merge(d["officer"], c, d.spare),
    "attachment": lambda d, c: overlays.add_attachment(d["officer"], c, "a.pdf", b"%PDF"),
    "restrict": lambda d, c: overlays.restrict(d["manager"], c, True),
    "add_issue": lambda d, c: issues.add_issue(d["officer"], c, IssueInput(summary="另一事项")),
    "edit_issue": lambda d, c: issues.edit_issue(d["officer"], _first_issue(c), IssueInput(summary="改")),
    "remove_issue": lambda d, c: issues.remove_issue(d["officer"], _first_issue(c), "误登"),
    "issue_finding": lambda d, c: issues.set_finding(d["officer"], _first_issue(c), "upheld"),
    "override_finding": lambda d, c: issues.override_finding(d["manager"], c, "upheld", "理由"),
}


def _any_assignment(case_id: int) -> int:
    row = Assignment.select().where(Assignment.case == case_id).order_by(Assignment.id).first()
    if row is None:
        pytest.skip("no assignment can exist in this state")
    return row.id


def _case_in(desk: Desk, state: str) -> int:
    """A case in `state` carrying whatever the illegal attempts need (assignments, a pending extension)."""
    officer = desk["officer"]
    if state in (State.CLOSED, State.REJECTED, State.MERGED):
        before_final = {
            State.CLOSED: State.APPROVED,
            State.REJECTED: State.ACCEPTED,
            State.MERGED: State.IN_PROGRESS,
        }
        case_id = desk.new_case(before_final[state])
        overlays.request_extension(officer, case_id, 3, "等待鉴定")
        if state == State.CLOSED:
            desk.walk(case_id, State.CLOSED)
        elif state == State.REJECTED:
            acceptance.reject(officer, case_id, "court_or_mediation")
        else:
            overlays.merge(officer, case_id, desk.register().case_id)
        return case_id
    return desk.new_case(state)


@pytest.mark.parametrize("state", list(State))
def test_illegal_transitions_are_refused_by_state_and_write_nothing(desk: Desk, state: str) -> None:
    case_id = _case_in(desk, state)
    desk.spare = desk.register(content="另一件待受理的投诉").case_id
    label = STATE_LABELS[state]
    tried = 0
    for name, legal_states in LEGAL.items():
        if state in legal_states:
            continue
        if (
            name in ("acknowledge", "respond", "return")
            and not Assignment.select().where(Assignment.case == case_id).exists()
        ):
            continue  # no assignment of this case can exist yet
        before, audits = case_data(), audit_count()
        with pytest.raises(TransitionError) as info:
            ATTEMPTS[name](desk, case_id)
        message = info.value.message
        assert message.startswith(f"案件当前状态为“{label}”，不能"), (name, message)
        assert case_data() == before, f"{name} in {state} left something behind"
        assert audit_count() == audits, f"{name} in {state} was audited"
        tried += 1
    assert tried >= 8
    assert Case.get_by_id(case_id).state == state


def test_the_state_table_offered_to_the_ui_agrees_with_the_services(desk: Desk) -> None:
    """available_actions() (what the buttons show) says the same as LEGAL for an officer and a manager."""
    for state in State:
        case_id = _case_in(desk, state)
        officer = views.available_actions(desk["officer"], case_id)
        manager = views.available_actions(desk["manager"], case_id)
        for name, legal_states in LEGAL.items():
            decision = (
                officer[name] if name in officer and officer[name].reason[:2] != "只有" else manager[name]
            )
            assert bool(decision) == (state in legal_states), (state, name, decision.reason)
            if not decision:
                assert decision.reason.startswith(f"案件当前状态为“{STATE_LABELS[state]}”"), decision.reason


def test_on_hold_refuses_the_work_but_not_the_overlays(desk: Desk) -> None:
    officer = desk["officer"]
    desk.spare = desk.register(content="另一件待受理的投诉").case_id
    case_id = desk.new_case(State.IN_PROGRESS)
    overlays.request_extension(officer, case_id, 2, "等待会诊")
    overlays.hold(officer, case_id, "等待患者补充材料")
    for name, legal_states in LEGAL.items():
        if State.IN_PROGRESS not in legal_states or name in ON_HOLD_ALLOWED:
            continue
        before, audits = case_data(), audit_count()
        with pytest.raises(TransitionError, match="^案件处于待补充材料（暂停）状态，请先恢复办理$"):
            ATTEMPTS[name](desk, case_id)
        assert case_data() == before and audit_count() == audits, name
    for name in ("decide_extension", "escalate", "attachment"):
        ATTEMPTS[name](desk, case_id)
    overlays.add_note(officer, case_id, "家属来电")
    assert Case.get_by_id(case_id).on_hold
    ATTEMPTS["resume"](desk, case_id)
    assert not Case.get_by_id(case_id).on_hold
    audit_ok()


# --------------------------------------------------------------------------- masking


def test_clerk_sees_identifiers_only_on_cases_they_registered_today(desk: Desk) -> None:
    case_id = desk.register("clerk", complainant_id_number=ID_NUMBER).case_id
    own = views.open_case(desk["clerk"], case_id)
    assert (own.complainant_phone, own.complainant_id_number) == (PHONE, ID_NUMBER)
    assert not own.identifiers_masked

    other_clerk = views.open_case(desk["clerk2"], case_id)
    assert (other_clerk.complainant_phone, other_clerk.complainant_id_number) == (
        "139****5678",
        "1101**********002X",
    )
    assert other_clerk.identifiers_masked
    for role in ("officer", "manager", "officer_admin"):
        view = views.open_case(desk[role], case_id)
        assert (view.complainant_phone, view.complainant_id_number) == (PHONE, ID_NUMBER), role

    desk.clock.advance(days=1)
    next_day = views.open_case(desk["clerk"], case_id)
    assert (next_day.complainant_phone, next_day.complainant_id_number) == (
        "139****5678",
        "1101**********002X",
    )
    assert next_day.identifiers_masked
    assert next_day.complainant_name == "张桂兰"  # the name is intake information, not an identifier


def test_night_duty_sees_identifiers_on_the_night_they_logged_the_case(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 3, 10, 21, 0))
    case_id = desk.register("night_duty", channel="phone", complainant_id_number=ID_NUMBER).case_id
    assert views.open_case(desk["night_duty"], case_id).complainant_id_number == ID_NUMBER
    desk.clock.set(datetime(2026, 3, 11, 0, 5))  # still not taken over, but another day
    view = views.open_case(desk["night_duty"], case_id)
    assert view.complainant_phone == "139****5678" and view.identifiers_masked


def test_intake_roles_see_the_intake_part_only(desk: Desk) -> None:
    case_id = desk.register("clerk").case_id
    desk.walk(case_id, State.PENDING_APPROVAL)
    overlays.add_note(desk["officer"], case_id, "院内讨论记录：涉及某医生")
    clerk = views.open_case(desk["clerk"], case_id)
    assert not clerk.handling_visible
    assert clerk.content.startswith("患者在门诊候诊")
    assert (clerk.facts, clerk.finding, clerk.finding_label, clerk.resolution) == ("", "", "", "")
    assert clerk.assignments == () and clerk.followups == () and clerk.named_officers == ()
    assert [t.summary for t in clerk.timeline] == ["登记投诉（来访）"]
    assert all("某医生" not in t.note for t in clerk.timeline)
    officer = views.open_case(desk["officer"], case_id)
    assert officer.handling_visible and officer.finding_label == "部分成立"
    assert len(officer.timeline) == len(timeline(case_id))


def test_admin_reads_no_case_content(desk: Desk) -> None:
    """Separation of duties: the administrator neither opens, lists nor finds cases."""
    case_id = desk.register("clerk", content="投诉某医生态度恶劣").case_id
    admin = desk["admin"]
    with pytest.raises(PermissionDenied, match=f"^{NOT_VISIBLE}$"):
        views.open_case(admin, case_id)
    assert list(visibility.visible(admin.user, Case.select())) == []
    assert search.search(admin, "态度恶劣") == []
    assert search.search(admin, "态度") == []
    assert search.search(admin, PHONE) == []
    # An administrator who is also an officer works as an officer.
    assert views.open_case(desk["officer_admin"], case_id).complainant_phone == PHONE


def test_restricted_case_is_refused_as_restricted(desk: Desk) -> None:
    case_id = desk.register("clerk").case_id
    overlays.restrict(desk["manager"], case_id, True, ["wangzq"])
    case_no = Case.get_by_id(case_id).case_no
    for role in ("officer", "clerk", "night_duty", "admin", "multi", "officer_admin"):
        _assert_denied(
            desk, role, lambda r=role: views.open_case(desk[r], case_id), "受限案件：无权查看", case_no
        )
        # Acting on it is refused the same way, whatever the role's rights elsewhere.
        _assert_denied(
            desk,
            role,
            lambda r=role: overlays.add_note(desk[r], case_id, "备注"),
            "受限案件：无权查看",
            case_no,
        )
    assert views.open_case(desk["officer2"], case_id).named_officers == ("王志强",)
    assert views.open_case(desk["manager"], case_id).restricted


def test_the_case_officer_keeps_access_when_the_case_is_restricted(desk: Desk) -> None:
    case_id = desk.new_case(State.ACCEPTED)  # accepted by 林晓雯, who becomes its officer
    overlays.restrict(desk["manager"], case_id, True, [])
    assert views.open_case(desk["officer"], case_id).restricted
    with pytest.raises(PermissionDenied, match="^受限案件：无权查看$"):
        views.open_case(desk["officer2"], case_id)
    assert {c.id for c in visibility.visible(desk["officer"].user, Case.select())} >= {case_id}
    assert case_id not in {c.id for c in visibility.visible(desk["officer2"].user, Case.select())}


def test_every_user_in_the_fixture_is_who_the_tests_think(desk: Desk) -> None:
    for key, (username, display, roles) in PEOPLE.items():
        user = desk[key].user
        assert (user.username, user.display_name, set(user.roles)) == (username, display, set(roles))
    assert desk["admin"].user.roles == frozenset({"admin"})


def test_denials_are_kept_in_the_audit_log_with_who_and_why(desk: Desk) -> None:
    case_id = desk.register("clerk").case_id
    desk.clock.advance(minutes=3)
    with pytest.raises(PermissionDenied):
        acceptance.accept(desk["clerk"], case_id)
    entry = last_audit()
    assert entry.at == (desk.clock.at).isoformat(timespec="seconds")
    assert '"action":"accept"' in entry.detail
    assert f"只有{OFFICE}可以受理投诉" in entry.detail
    audit_ok()
