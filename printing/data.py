"""Plain, frozen inputs of the documents. app/ fills them; nothing here knows about the database.

Optional text fields accept None or "" alike; the renderers print "—" or leave the row out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from printing.money import rmb_upper
from printing.texts import OTHER_ROUTES, REJECTION_REASONS, REJECTION_RULES

FINDINGS = ("成立", "部分成立", "不成立", "无法认定")
SATISFACTION_LEVELS = ("满意", "基本满意", "不满意")
FOLLOW_UP_METHODS = ("电话", "上门", "短信", "微信", "其他")
_QUERY_CODE = re.compile(r"\d{6}")


def _require_choice(value: str, choices: Sequence[str], label: str) -> None:
    """Raise ValueError (in Chinese) unless `value` is one of `choices`."""
    if value not in choices:
        raise ValueError(f"{label}必须是 {' / '.join(choices)} 之一，收到：{value!r}")


@dataclass(frozen=True)
class Letterhead:
    """The hospital's letterhead as configured by the admin (logo and seal as PNG bytes)."""

    hospital_name: str
    department_name: str = "医患沟通办公室"
    address: str = ""
    complaint_phone: str = ""
    night_duty_phone: str = ""
    contact_line: str = ""
    logo_png: bytes | None = field(default=None, repr=False)
    seal_png: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True, kw_only=True)
class ReceiptData:
    """受理回执: handed to the complainant when the complaint is accepted."""

    case_no: str
    query_code: str
    received_at: datetime
    channel: str
    complainant_name: str
    summary: str
    expected_reply_date: date
    expected_reply_provisional: bool = False
    workdays: int = 5
    handler_name: str | None = None
    # A night-duty (总值班) intake: when the office will take it over (next working day, office hours).
    office_accepts_on: date | None = None
    office_opens_at: str = "08:00"
    issues: Sequence[IssueLine] = ()  # listed when there are several
    issued_at: datetime

    def __post_init__(self) -> None:
        if not _QUERY_CODE.fullmatch(self.query_code):
            raise ValueError("查询码必须是 6 位数字")
        if self.workdays < 0:
            raise ValueError("工作日数不能为负数")


@dataclass(frozen=True, kw_only=True)
class RegistrationData:
    """投诉登记表: every intake field, signed by the complainant."""

    case_no: str
    received_at: datetime
    channel: str
    complainant_name: str
    complainant_relation: str | None = None
    complainant_phone: str | None = None
    complainant_id_number: str | None = None
    complainant_address: str | None = None
    patient_name: str | None = None
    patient_record_no: str | None = None
    visit_department: str | None = None
    visit_date: date | None = None
    category_path: str | None = None
    severity: str | None = None
    narrative: str = ""
    demands: str | None = None
    registered_by: str | None = None
    issues: Sequence[IssueLine] = ()  # listed when there are several
    issued_at: datetime


@dataclass(frozen=True, kw_only=True)
class IssueLine:
    """One 投诉事项 as a document lists it: "事项1：…", the questions put to the department about
    it (转办单, 登记表), its finding and the office's note on it (处理结果告知书), its category and
    department (登记表, 受理回执)."""

    heading: str
    questions: Sequence[str] = ()
    finding: str | None = None
    note: str = ""
    category: str = ""  # its category path (登记表, 受理回执)
    department: str = ""  # its responsible department, "" while not yet known

    def __post_init__(self) -> None:
        if self.finding is not None:
            _require_choice(self.finding, FINDINGS, "事项认定")


@dataclass(frozen=True, kw_only=True)
class DispatchData:
    """转办单: the case sent to a department, with its reply deadline and questions."""

    case_no: str
    department: str
    sent_at: datetime
    deadline: date
    deadline_provisional: bool = False
    narrative: str = ""
    questions: Sequence[str] = ()
    officer_name: str | None = None
    officer_phone: str | None = None
    complainant_name: str | None = None
    patient_name: str | None = None
    category_path: str | None = None
    severity: str | None = None
    issues: Sequence[IssueLine] = ()  # the issues this department is asked about
    issued_at: datetime


@dataclass(frozen=True, kw_only=True)
class RejectionData:
    """不予受理告知书: why the complaint is not accepted, the rule, and the other routes."""

    case_no: str
    complainant_name: str
    received_at: datetime
    reason: str
    rule_text: str
    note: str | None = None
    other_routes: str = OTHER_ROUTES
    issued_at: datetime

    @classmethod
    def for_reason(cls, code: str, **fields: Any) -> RejectionData:
        """Fill `reason` and `rule_text` from a reason code of REJECTION_REASONS."""
        if code not in REJECTION_REASONS:
            raise ValueError(f"未知的不予受理理由代码：{code!r}")
        return cls(reason=REJECTION_REASONS[code], rule_text=REJECTION_RULES[code], **fields)


@dataclass(frozen=True, kw_only=True)
class ResultData:
    """处理结果告知书: findings, resolution, compensation, rectification and dispute routes."""

    case_no: str
    complainant_name: str
    received_at: datetime
    facts: str
    finding: str
    resolution: str
    refund_amount: Decimal | None = None  # 退费
    compensation_amount: Decimal | None = None  # 赔偿
    rectification: Sequence[str] = ()
    issues: Sequence[IssueLine] = ()  # answered one by one when there are several
    issued_at: datetime

    def __post_init__(self) -> None:
        _require_choice(self.finding, FINDINGS, "投诉是否成立")
        for amount in (self.refund_amount, self.compensation_amount):
            if amount is not None:
                rmb_upper(amount)  # raises on negative or sub-fen amounts


@dataclass(frozen=True, kw_only=True)
class FollowUpData:
    """回访记录: how the complainant was contacted after the reply and how satisfied they were."""

    case_no: str
    complainant_name: str
    contact: str | None = None
    method: str
    followed_at: datetime
    satisfaction: str
    remarks: str | None = None
    officer_name: str | None = None
    # External dispute routes the complainant took: (route, status, outcome), e.g. ("人民调解", "进行中", "")
    routes: Sequence[tuple[str, str, str]] = ()
    issued_at: datetime

    def __post_init__(self) -> None:
        _require_choice(self.method, FOLLOW_UP_METHODS, "回访方式")
        _require_choice(self.satisfaction, SATISFACTION_LEVELS, "满意度")


@dataclass(frozen=True, kw_only=True)
class NoticeData:
    """延期/告知书: the reply date promised earlier has moved; the new date and why."""

    case_no: str
    complainant_name: str
    received_at: datetime
    previous_date: date
    new_date: date
    new_date_provisional: bool = False
    reason: str
    note: str | None = None
    issued_at: datetime

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("告知书必须写明答复期限调整的原因")


@dataclass(frozen=True, kw_only=True)
class RecoverySheetData:
    """数据库恢复密钥单: printed once at setup and locked away."""

    hospital_name: str
    database_name: str
    created_at: datetime
    created_by: str
    recovery_key: str


@dataclass(frozen=True, kw_only=True)
class RectificationNoticeData:
    """整改通知单: a corrective action sent to the department that owns it."""

    case_no: str  # the item's number (ZG-2026-0001), printed where a case number would be
    department: str
    measure: str
    due: date
    due_workdays: int
    due_provisional: bool = False
    problem: str = ""
    cases: Sequence[str] = ()  # "YH-2026-000123　护理服务 / 呼叫响应不及时（部分成立）"
    officer_name: str | None = None
    officer_phone: str | None = None
    issued_at: datetime


@dataclass(frozen=True)
class HandoverRow:
    """One case on a 交班单."""

    case_no: str
    received_at: datetime
    channel: str
    complainant: str
    severity: str  # 一般 / 重要 / 重大
    summary: str
    escalated: bool = False
    accept_due: date | None = None


@dataclass(frozen=True, kw_only=True)
class HandoverData:
    """交班单: the night-duty officer's cases handed to the office, most urgent first."""

    number: str  # 交班单号, printed where a case number would be
    handed_by: str
    cases: Sequence[HandoverRow]
    note: str = ""
    issued_at: datetime


DocumentData = (
    ReceiptData
    | RegistrationData
    | DispatchData
    | RejectionData
    | ResultData
    | FollowUpData
    | NoticeData
    | RecoverySheetData
    | RectificationNoticeData
    | HandoverData
)
