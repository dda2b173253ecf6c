"""整改 items: every state change by role, the rules of each step, due dates in working days over a
holiday, timeline and audit on every covered case, and nothing written when a step is refused."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.cases.states import State
from app.errors import PermissionDenied, TransitionError, ValidationError
from app.rectification import items
from app.rectification.items import NewItem, RectificationConflict
from app.rectification.states import RectState
from models.audit import AuditEntry
from models.cases import CaseEvent
from models.rectification import Rectification, RectificationAttachment, RectificationEvent
from tests.app.cases.conftest import summaries
from tests.support.desk import Desk

MEASURE = "完善门诊叫号系统故障时的人工叫号预案，组织护士站全员培训。"


def new_item(desk: Desk, role: str = "officer", cases: tuple[int, ...] | None = None, **overrides) -> int:
    if cases is None:
        cases = (desk.new_case(State.CLOSED, category="020202"),)
    values = {"department": "nursing", "measure": MEASURE, "case_ids": cases, "problem": "呼叫响应不及时"}
    values.update(overrides)
    return items.create(desk[role], NewItem(**values))


def item(item_id: int) -> Rectification:
    return Rectification.get_by_id(item_id)


def test_the_office_records_and_verifies_and_the_manager_closes(desk: Desk) -> None:
    first = desk.new_case(State.CLOSED, category="020202")
    second = desk.new_case(State.PENDING_APPROVAL, category="020202")
    item_id = new_item(desk, cases=(first, second))
    row = item(item_id)
    assert (row.number, row.state, row.department.code, row.category.code) == (
        "ZG-2026-0001",
        RectState.PENDING,
        "nursing",
        "020202",
    )
    assert row.due == date(2026, 3, 24)  # 10 working days after Tue 10 March

    items.start(desk["officer"], item_id, expected_version=1)
    items.record(desk["officer"], item_id, "已修订《门诊叫号系统故障应急预案》，3月12日培训护士 26 人。")
    items.add_evidence_file(desk["officer"], item_id, "培训签到表.pdf", b"%PDF-1.4 sign-in")
    items.submit(desk["officer"], item_id)
    assert item(item_id).state == RectState.AWAITING_VERIFICATION
    with pytest.raises(PermissionDenied, match="只有医患沟通办公室专员可以验证整改"):
        items.verify(desk["manager"], item_id, True, "")
    with pytest.raises(PermissionDenied, match="只有主任/分管院领导可以关闭整改项"):
        items.close(desk["officer"], item_id, True)
    with pytest.raises(TransitionError, match="尚未经办公室验证"):
        items.close(desk["manager"], item_id, True)
    items.verify(desk["officer"], item_id, True, "现场抽查叫号预案，护士站知晓")
    items.close(desk["manager"], item_id, True, "同意")
    row = item(item_id)
    assert (row.state, row.verified_by.username, row.closed_by.username) == (
        RectState.DONE,
        "linxw",
        "chenlx",
    )

    steps = [
        e.summary for e in RectificationEvent.select().where(RectificationEvent.rectification == item_id)
    ]
    assert steps[0].startswith("下达整改，期限 10 个工作日") and steps[-1] == "确认整改已落实"
    assert len(steps) == 7
    for case_id in (first, second):
        lines = [s for s in summaries(case_id) if s.startswith("整改 ZG-2026-0001（护理部）")]
        assert len(lines) == 7, lines
    audited = [a.action for a in AuditEntry.select().where(AuditEntry.target == "ZG-2026-0001")]
    assert audited == [
        "rectification.create",
        "rectification.start",
        "rectification.record",
        "rectification.evidence_file",
        "rectification.submit",
        "rectification.verify",
        "rectification.close",
    ]
    assert RectificationAttachment.get().sha256


@pytest.mark.parametrize("role", ["clerk", "night_duty", "admin"])
def test_roles_outside_the_office_may_not_create(desk: Desk, role: str) -> None:
    case_id = desk.new_case(State.CLOSED)
    before = Rectification.select().count()
    with pytest.raises(PermissionDenied):
        new_item(desk, role, cases=(case_id,))
    assert Rectification.select().count() == before
    assert AuditEntry.select().order_by(AuditEntry.seq.desc()).first().action == "denied"


def test_manager_may_create_and_only_the_office_records(desk: Desk) -> None:
    item_id = new_item(desk, "manager")
    for step in (
        lambda: items.start(desk["manager"], item_id),
        lambda: items.record(desk["manager"], item_id, "已整改"),
        lambda: items.submit(desk["manager"], item_id),
    ):
        with pytest.raises(PermissionDenied, match="只有医患沟通办公室专员可以登记整改情况"):
            step()
    with pytest.raises(PermissionDenied):
        items.start(desk["clerk"], item_id)
    assert item(item_id).state == RectState.PENDING


def test_only_upheld_findings_or_a_managers_alert(desk: Desk) -> None:
    no_finding = desk.new_case(State.ACCEPTED)
    with pytest.raises(ValidationError, match="未认定成立或部分成立"):
        new_item(desk, cases=(no_finding,))
    assert Rectification.select().count() == 0
    other = desk.new_case(State.ACCEPTED)
    with pytest.raises(PermissionDenied):
        new_item(desk, "officer", cases=(no_finding, other), source="alert")
    item_id = new_item(desk, "manager", cases=(no_finding, other), source="alert", category="02")
    assert item(item_id).source == "alert" and item(item_id).category.code == "02"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"measure": "  "}, "measure"),
        ({"department": "nowhere"}, "department"),
        ({"due_workdays": 0}, "due_workdays"),
        ({"due_workdays": "十"}, "due_workdays"),
        ({"case_ids": ()}, "case_ids"),
        ({"category": "999999"}, "category"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(desk: Desk, overrides: dict, field: str) -> None:
    case_id = desk.new_case(State.CLOSED)
    events = CaseEvent.select().where(CaseEvent.case == case_id).count()
    values = {"cases": (case_id,), **overrides}
    if "case_ids" in values:
        values["cases"] = values.pop("case_ids")
    with pytest.raises(ValidationError) as caught:
        new_item(desk, **values)
    assert caught.value.field == field
    assert Rectification.select().count() == 0
    assert CaseEvent.select().where(CaseEvent.case == case_id).count() == events


def test_due_date_counts_working_days_over_national_day(desk: Desk) -> None:
    case_id = desk.new_case(State.CLOSED)
    desk.clock.set(datetime(2026, 9, 30, 10, 0))  # Wednesday before the 国庆 holiday (1–7 October)
    item_id = new_item(desk, cases=(case_id,), due_workdays=3)
    # 8 and 9 October, then Saturday 10 October, a 调休 working day
    assert (item(item_id).due, item(item_id).due_provisional) == (date(2026, 10, 10), False)


def test_not_verified_goes_back_with_a_reason_and_not_done_needs_one(desk: Desk) -> None:
    item_id = new_item(desk)
    items.record(desk["officer"], item_id, "已口头提醒")
    assert item(item_id).state == RectState.IN_PROGRESS  # recording starts the work
    with pytest.raises(TransitionError):
        items.verify(desk["officer"], item_id, True, "")  # not submitted yet
    items.submit(desk["officer"], item_id)
    with pytest.raises(ValidationError, match="验证意见"):
        items.verify(desk["officer"], item_id, False, "")
    items.verify(desk["officer"], item_id, False, "未见培训记录，请补充")
    assert (item(item_id).state, item(item_id).verification_note) == (
        RectState.IN_PROGRESS,
        "未见培训记录，请补充",
    )
    with pytest.raises(ValidationError, match="未落实原因"):
        items.close(desk["manager"], item_id, False, "")
    items.close(desk["manager"], item_id, False, "科室人员调整，措施未执行")
    assert item(item_id).state == RectState.FAILED
    with pytest.raises(TransitionError, match="整改项未落实，不能开始整改"):
        items.start(desk["officer"], item_id)


def test_submitting_needs_the_departments_account(desk: Desk) -> None:
    item_id = new_item(desk)
    with pytest.raises(ValidationError, match="请先登记科室的整改情况"):
        items.submit(desk["officer"], item_id)
    assert item(item_id).state == RectState.PENDING


def test_a_stale_version_is_a_conflict(desk: Desk) -> None:
    item_id = new_item(desk)
    items.start(desk["officer"], item_id, expected_version=1)
    with pytest.raises(RectificationConflict, match="该整改项已被 林晓雯"):
        items.record(desk["officer2"], item_id, "已整改", expected_version=1)


def test_reminders_follow_the_item(desk: Desk) -> None:
    from app.reminders import compute
    from app.reminders.kinds import ReminderKind

    def lines(role: str) -> list[tuple[str, str]]:
        return [
            (r.kind, r.tone) for r in compute.reminder_list(desk[role]).items if r.rectification_id == item_id
        ]

    item_id = new_item(desk, due_workdays=2)  # due Thursday 12 March
    assert lines("officer") == []
    desk.clock.set(datetime(2026, 3, 11, 9, 0))
    assert lines("officer") == [(ReminderKind.RECTIFICATION_DUE, "amber")]
    desk.clock.set(datetime(2026, 3, 13, 9, 0))
    assert lines("officer") == [(ReminderKind.RECTIFICATION_DUE, "red")]
    assert lines("manager") == []
    items.record(desk["officer"], item_id, "已整改")
    items.submit(desk["officer"], item_id)
    assert lines("officer") == [(ReminderKind.RECTIFICATION_VERIFY, "neutral")]
    items.verify(desk["officer"], item_id, True, "")
    assert (lines("officer"), lines("manager")) == ([], [(ReminderKind.RECTIFICATION_CLOSE, "neutral")])


def test_an_item_from_an_issue_takes_its_department_and_category(desk: Desk) -> None:
    from app.cases import issues
    from app.cases.issues import IssueInput

    case_id = desk.new_case(State.IN_PROGRESS, category="020202")
    billing = issues.add_issue(desk["officer"], case_id, IssueInput("药费重复收取", "040101"))
    first = issues.issues_of(case_id)[0]
    issues.set_finding(desk["officer"], first.id, "upheld", "呼叫铃记录显示 25 分钟无人应答")
    issues.set_finding(desk["officer"], billing, "not_upheld", "核对账单无误")
    item_id = items.create(
        desk["officer"], NewItem(department="", measure=MEASURE, case_ids=(case_id,), issue_id=first.id)
    )
    row = item(item_id)
    assert (row.department.code, row.category.code, row.issue.id) == ("nursing", "020202", first.id)
    with pytest.raises(ValidationError, match="事项2未认定成立或部分成立"):
        items.create(desk["officer"], NewItem("", MEASURE, (case_id,), issue_id=billing))
    other = desk.new_case(State.CLOSED)
    with pytest.raises(ValidationError, match="所选事项不属于涉及的案件"):
        items.create(desk["officer"], NewItem("", MEASURE, (other,), issue_id=first.id))
