"""States of a 整改 item and their Chinese labels. 逾期 is not stored: an item still to be done
(待整改 / 整改中) whose due date has passed shows as 逾期 until it is submitted for verification."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from app.policy import Action


class RectState(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    AWAITING_VERIFICATION = "awaiting_verification"
    DONE = "done"
    FAILED = "failed"


STATE_LABELS: dict[str, str] = {
    RectState.PENDING: "待整改",
    RectState.IN_PROGRESS: "整改中",
    RectState.AWAITING_VERIFICATION: "待验证",
    RectState.DONE: "已落实",
    RectState.FAILED: "未落实",
}
OVERDUE_LABEL = "逾期"
RECURRED_LABEL = "整改后复发"
# The department still has to act: the due date runs.
OPEN_STATES = frozenset({RectState.PENDING, RectState.IN_PROGRESS})
FINAL_STATES = frozenset({RectState.DONE, RectState.FAILED})
SOURCES = {"finding": "投诉事项查实", "alert": "统计预警"}


def is_overdue(state: str, due: date, now: datetime) -> bool:
    """Still to be done and past its due date (the due day itself counts until it is over)."""
    return state in OPEN_STATES and due < now.date()


def state_label(state: str, due: date, now: datetime) -> str:
    """The label a list shows: 逾期 for an open item past due, else the stored state's."""
    return OVERDUE_LABEL if is_overdue(state, due, now) else STATE_LABELS[state]


# step → (policy action, states it applies in, Chinese name)
STEP_RULES: dict[str, tuple[Action, frozenset[str], str]] = {
    "start": (Action.RECORD_RECTIFICATION, frozenset({RectState.PENDING}), "开始整改"),
    "record": (Action.RECORD_RECTIFICATION, OPEN_STATES, "登记整改情况"),
    "evidence_file": (
        Action.RECORD_RECTIFICATION,
        OPEN_STATES | {RectState.AWAITING_VERIFICATION},
        "添加整改材料",
    ),
    "submit": (Action.RECORD_RECTIFICATION, OPEN_STATES, "提交验证"),
    "verify": (Action.VERIFY_RECTIFICATION, frozenset({RectState.AWAITING_VERIFICATION}), "验证"),
    "close": (Action.CLOSE_RECTIFICATION, OPEN_STATES | {RectState.AWAITING_VERIFICATION}, "关闭"),
    "print": (Action.PRINT_LETTERS, frozenset(RectState), "打印整改通知单"),
}
