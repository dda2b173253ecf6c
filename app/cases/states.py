"""Case states (kanban columns) and the assignment states, with their Chinese labels."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    REGISTERED = "registered"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    DRAFTING = "drafting"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REPLIED = "replied"
    AWAITING_SIGN_OFF = "awaiting_sign_off"
    CLOSED = "closed"
    REJECTED = "rejected"
    MERGED = "merged"


STATE_LABELS: dict[str, str] = {
    State.REGISTERED: "待受理",
    State.ACCEPTED: "已受理/待转办",
    State.IN_PROGRESS: "科室处理中",
    State.DRAFTING: "拟定答复",
    State.PENDING_APPROVAL: "待审批",
    State.APPROVED: "待答复",
    State.REPLIED: "待回访",
    State.AWAITING_SIGN_OFF: "待销项",
    State.CLOSED: "已销项",
    State.REJECTED: "不予受理",
    State.MERGED: "已合并",
}

BOARD_STATES: tuple[State, ...] = (
    State.REGISTERED,
    State.ACCEPTED,
    State.IN_PROGRESS,
    State.DRAFTING,
    State.PENDING_APPROVAL,
    State.APPROVED,
    State.REPLIED,
    State.AWAITING_SIGN_OFF,
)
FINAL_STATES = frozenset({State.CLOSED, State.REJECTED, State.MERGED})
OPEN_STATES = frozenset(State) - FINAL_STATES
# States whose clock is the reply deadline (before that: acceptance; after: none).
REPLY_CLOCK_STATES = frozenset(
    {State.ACCEPTED, State.IN_PROGRESS, State.DRAFTING, State.PENDING_APPROVAL, State.APPROVED}
)


class AssignmentState(StrEnum):
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    RESPONDED = "responded"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"  # the case was closed or merged before the department replied


ASSIGNMENT_LABELS: dict[str, str] = {
    AssignmentState.SENT: "待签收",
    AssignmentState.ACKNOWLEDGED: "已签收",
    AssignmentState.RESPONDED: "已反馈",
    AssignmentState.RETURNED: "退回",
    AssignmentState.WITHDRAWN: "已撤回",
}
OPEN_ASSIGNMENT_STATES = frozenset({AssignmentState.SENT, AssignmentState.ACKNOWLEDGED})

REPLY_METHODS: dict[str, str] = {
    "in_person": "当面答复",
    "phone": "电话答复",
    "letter": "书面答复",
    "sms": "短信",
    "wechat": "微信",
    "email": "电子邮件",
}
FOLLOWUP_METHODS: dict[str, str] = {
    "phone": "电话",
    "visit": "上门",
    "sms": "短信",
    "wechat": "微信",
    "other": "其他",
}
CLOSE_KINDS: dict[str, str] = {"resolved": "已办结", "unresolvable": "无法处理"}


class ExtensionState(StrEnum):
    """A 延期 request: waiting for the manager, approved (days added) or refused."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


EXTENSION_STATE_LABELS: dict[str, str] = {
    ExtensionState.PENDING: "待审批",
    ExtensionState.APPROVED: "已批准",
    ExtensionState.REFUSED: "不同意",
}
