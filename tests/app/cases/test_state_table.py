"""The state table (DESIGN §4): every case action attempted in every state where it is not allowed is
refused with its Chinese reason and writes nothing; the table the UI is offered agrees with the
services; a case on hold refuses the work but not the overlays."""

from collections.abc import Callable
from typing import Any

import pytest

from app.cases import (
    acceptance,
    follow_up,
    issues,
    major,
    overlays,
    reply,
    routing,
    sign_off,
    views,
)
from app.cases.issues import IssueInput
from app.cases.states import STATE_LABELS, State
from app.errors import TransitionError
from models.cases import Assignment, Case
from tests.support.desk import Desk

from .conftest import (
    LEGAL,
    ON_HOLD_ALLOWED,
    audit_count,
    audit_ok,
    case_data,
    first_issue,
    pending_extension,
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
    "decide_extension": lambda d, c: overlays.decide_extension(d["manager"], pending_extension(c), True),
    "escalate": lambda d, c: overlays.escalate(d["officer"], c, "上报"),
    "major_check": lambda d, c: major.tick(d["officer"], c, "leadership"),
    "merge": lambda d, c: overlays.merge(d["officer"], c, d.spare),
    "attachment": lambda d, c: overlays.add_attachment(d["officer"], c, "a.pdf", b"%PDF"),
    "restrict": lambda d, c: overlays.restrict(d["manager"], c, True),
    "add_issue": lambda d, c: issues.add_issue(d["officer"], c, IssueInput(summary="另一事项")),
    "edit_issue": lambda d, c: issues.edit_issue(d["officer"], first_issue(c), IssueInput(summary="改")),
    "remove_issue": lambda d, c: issues.remove_issue(d["officer"], first_issue(c), "误登"),
    "issue_finding": lambda d, c: issues.set_finding(d["officer"], first_issue(c), "upheld"),
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
