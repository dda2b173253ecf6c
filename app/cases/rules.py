"""Which case actions are possible in which states: the one table the services and the UI share.

A service names its rule (`case_operation(session, case_id, RuleName.ACCEPT)`); the case workspace asks
`availability()` to enable its buttons and to explain, in the tooltip, why one is disabled.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.cases.states import FINAL_STATES, OPEN_STATES, REPLY_CLOCK_STATES, STATE_LABELS, State
from app.policy import ACTION_LABELS, Action, Decision, can

ANY_STATE = frozenset(State)


@dataclass(frozen=True)
class Rule:
    action: Action
    states: frozenset[str]
    allow_on_hold: bool = False
    label: str = ""

    @property
    def title(self) -> str:
        return self.label or ACTION_LABELS[self.action]


class RuleName(StrEnum):
    """The name of each case action: its rule here, its timeline/audit action id, its UI entry."""

    ACCEPT = "accept"
    REJECT = "reject"
    RESOLVE_ON_SPOT = "resolve_on_spot"
    ASSIGN = "assign"
    ACKNOWLEDGE = "acknowledge"
    RESPOND = "respond"
    RETURN = "return"
    DRAFT = "draft"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN_DRAFT = "return_draft"
    REPLY = "reply"
    FOLLOW_UP = "follow_up"
    EXTERNAL_ROUTE = "external_route"
    SIGN_OFF = "sign_off"
    CLOSE_UNRESOLVABLE = "close_unresolvable"
    ARCHIVE = "archive"
    HOLD = "hold"
    RESUME = "resume"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    ESCALATE = "escalate"
    RESTRICT = "restrict"
    MERGE = "merge"
    LINK = "link"
    NOTE = "note"
    ATTACHMENT = "attachment"
    MAJOR_CHECK = "major_check"
    CORRECT = "correct"
    ADD_ISSUE = "add_issue"
    EDIT_ISSUE = "edit_issue"
    REMOVE_ISSUE = "remove_issue"
    ISSUE_FINDING = "issue_finding"
    OVERRIDE_FINDING = "override_finding"


S = State
R = RuleName
# 投诉事项 are edited until the reply goes for approval; findings are recorded while drafting is possible.
ISSUE_EDIT_STATES = frozenset({S.REGISTERED, S.ACCEPTED, S.IN_PROGRESS, S.DRAFTING})
FINDING_STATES = frozenset({S.ACCEPTED, S.IN_PROGRESS, S.DRAFTING})
RULES: dict[str, Rule] = {
    R.ACCEPT: Rule(Action.ACCEPT, frozenset({S.REGISTERED}), label="受理"),
    R.REJECT: Rule(Action.REJECT, frozenset({S.REGISTERED, S.ACCEPTED}), label="不予受理"),
    R.RESOLVE_ON_SPOT: Rule(Action.RESOLVE_ON_SPOT, frozenset({S.REGISTERED}), label="当场解决"),
    R.ASSIGN: Rule(Action.ASSIGN, frozenset({S.ACCEPTED, S.IN_PROGRESS}), label="转办科室"),
    R.ACKNOWLEDGE: Rule(Action.RECORD_DEPARTMENT_REPLY, frozenset({S.IN_PROGRESS}), label="登记签收"),
    R.RESPOND: Rule(Action.RECORD_DEPARTMENT_REPLY, frozenset({S.IN_PROGRESS}), label="登记科室反馈"),
    R.RETURN: Rule(Action.RECORD_DEPARTMENT_REPLY, frozenset({S.IN_PROGRESS}), label="退回改派"),
    R.DRAFT: Rule(Action.DRAFT, frozenset({S.ACCEPTED, S.IN_PROGRESS, S.DRAFTING}), label="拟定处理意见"),
    R.SUBMIT: Rule(Action.SUBMIT, frozenset({S.DRAFTING}), label="提交审批"),
    R.APPROVE: Rule(Action.APPROVE, frozenset({S.PENDING_APPROVAL}), label="审批通过"),
    R.RETURN_DRAFT: Rule(Action.APPROVE, frozenset({S.PENDING_APPROVAL}), label="退回修改"),
    R.REPLY: Rule(Action.RECORD_REPLY, frozenset({S.APPROVED}), label="登记答复"),
    R.FOLLOW_UP: Rule(Action.FOLLOW_UP, frozenset({S.REPLIED}), label="登记回访"),
    R.EXTERNAL_ROUTE: Rule(Action.FOLLOW_UP, ANY_STATE, allow_on_hold=True, label="更新外部途径"),
    R.SIGN_OFF: Rule(Action.SIGN_OFF, frozenset({S.AWAITING_SIGN_OFF}), label="销项"),
    R.CLOSE_UNRESOLVABLE: Rule(
        Action.SIGN_OFF, frozenset(OPEN_STATES - {S.REGISTERED}), allow_on_hold=True, label="按无法处理销项"
    ),
    R.ARCHIVE: Rule(Action.ARCHIVE, frozenset(FINAL_STATES), label="归档"),
    R.HOLD: Rule(Action.HOLD, frozenset(OPEN_STATES), label="暂停（待补充材料）"),
    R.RESUME: Rule(Action.HOLD, frozenset(OPEN_STATES), allow_on_hold=True, label="恢复办理"),
    R.REQUEST_EXTENSION: Rule(Action.REQUEST_EXTENSION, frozenset(REPLY_CLOCK_STATES), label="申请延期"),
    R.DECIDE_EXTENSION: Rule(
        Action.DECIDE_EXTENSION, frozenset(OPEN_STATES), allow_on_hold=True, label="审批延期"
    ),
    R.ESCALATE: Rule(Action.ESCALATE, frozenset(OPEN_STATES), allow_on_hold=True, label="上报重大投诉"),
    R.RESTRICT: Rule(
        Action.RESTRICT, frozenset(ANY_STATE - {S.MERGED}), allow_on_hold=True, label="保密设置"
    ),
    R.MERGE: Rule(Action.MERGE, frozenset(OPEN_STATES), allow_on_hold=True, label="合并重复投诉"),
    R.LINK: Rule(Action.MERGE, ANY_STATE, allow_on_hold=True, label="关联案件"),
    R.NOTE: Rule(Action.ADD_NOTE, ANY_STATE, allow_on_hold=True, label="添加备注"),
    R.ATTACHMENT: Rule(Action.ADD_ATTACHMENT, frozenset(OPEN_STATES), allow_on_hold=True, label="添加附件"),
    # a settlement (和解协议书) or a report may come after 销项: the checklist stays open then
    R.MAJOR_CHECK: Rule(
        Action.MAJOR_CHECK, frozenset(ANY_STATE - {S.MERGED, S.REJECTED}), allow_on_hold=True, label="记录重大投诉事项"
    ),
    # who may correct in which state is the policy's (app.policy `_correction`): every state here
    R.CORRECT: Rule(Action.CORRECT_REGISTRATION, ANY_STATE, allow_on_hold=True, label="更正登记信息"),
    R.ADD_ISSUE: Rule(Action.EDIT_ISSUES, ISSUE_EDIT_STATES, allow_on_hold=True, label="新增投诉事项"),
    R.EDIT_ISSUE: Rule(Action.EDIT_ISSUES, ISSUE_EDIT_STATES, allow_on_hold=True, label="修改投诉事项"),
    R.REMOVE_ISSUE: Rule(Action.EDIT_ISSUES, ISSUE_EDIT_STATES, allow_on_hold=True, label="删除投诉事项"),
    R.ISSUE_FINDING: Rule(Action.RECORD_FINDING, FINDING_STATES, label="认定投诉事项"),
    R.OVERRIDE_FINDING: Rule(
        Action.OVERRIDE_FINDING, FINDING_STATES | {S.PENDING_APPROVAL}, label="改定案件结论"
    ),
}

ON_HOLD_MESSAGE = "案件处于待补充材料（暂停）状态，请先恢复办理"


def state_refusal(rule: Rule, state: str, on_hold: bool) -> str:
    """Why the rule cannot run in this state ("" when it can)."""
    if state not in rule.states:
        return f"案件当前状态为“{STATE_LABELS[state]}”，不能{rule.title}"
    if on_hold and not rule.allow_on_hold:
        return ON_HOLD_MESSAGE
    return ""


def decide(user, name: str, case_facts, on_hold: bool) -> Decision:
    """Policy first (who), then the state table (when)."""
    rule = RULES[name]
    decision = can(user, rule.action, case_facts)
    if not decision:
        return decision
    refusal = state_refusal(rule, case_facts.state, on_hold)
    return Decision(False, refusal) if refusal else decision


def role_may(user, name: str) -> bool:
    """Whether one of the user's roles may ever take the rule's action (on some case, some day):
    what a role can never do is not offered at all, what it cannot do yet is shown disabled."""
    return bool(can(user, RULES[name].action))
