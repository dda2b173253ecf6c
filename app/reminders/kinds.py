"""What a reminder is: its kind (with the Chinese label and whether it comes back each working day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ReminderKind(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    DEPT_LATE = "dept_late"
    NIGHT_TAKEOVER = "night_takeover"
    APPROVAL = "approval"
    EXTENSION = "extension"
    RECTIFICATION_DUE = "rect_due"
    RECTIFICATION_VERIFY = "rect_verify"
    RECTIFICATION_CLOSE = "rect_close"
    RECURRENCE = "recurrence"
    STALE_BACKUP = "stale_backup"


KIND_LABELS: dict[str, str] = {
    ReminderKind.OVERDUE: "已逾期",
    ReminderKind.DUE_SOON: "即将到期",
    ReminderKind.DEPT_LATE: "科室反馈逾期",
    ReminderKind.NIGHT_TAKEOVER: "夜间登记待接手",
    ReminderKind.APPROVAL: "待审批",
    ReminderKind.EXTENSION: "延期待批",
    ReminderKind.RECTIFICATION_DUE: "整改到期",
    ReminderKind.RECTIFICATION_VERIFY: "整改待验证",
    ReminderKind.RECTIFICATION_CLOSE: "整改待关闭",
    ReminderKind.RECURRENCE: "整改后复发",
    ReminderKind.STALE_BACKUP: "备份过期",
}
# Dismissing one of these hides it for good; every other kind comes back the next working day
# for as long as it still applies.
ONE_OFF_KINDS = frozenset({ReminderKind.RECURRENCE})
# Most urgent first: the order of the list and of the digest.
KIND_ORDER: tuple[ReminderKind, ...] = tuple(ReminderKind)


@dataclass(frozen=True)
class Reminder:
    """One line of a user's reminder list. `key` is stable across refreshes (what 已阅 remembers)."""

    key: str
    kind: ReminderKind
    title: str  # "YH-2026-000123　答复期限已过 2 个工作日"
    detail: str  # category, department or measure: what the line is about
    tone: str  # red / amber / neutral
    case_id: int | None = None
    rectification_id: int | None = None
    due: date | None = None

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def repeats_daily(self) -> bool:
        return self.kind not in ONE_OFF_KINDS
