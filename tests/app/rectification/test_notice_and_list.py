"""The 整改通知单 (read back with pypdf, stored, reprinted as 补打), the list and its filters, a case's
items, and the steps offered to each role."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest

from app.cases.states import State
from app.errors import PermissionDenied
from app.rectification import items, notice, queries
from app.rectification.items import NewItem
from app.rectification.queries import RectFilter
from app.rectification.states import RectState
from models.rectification import Rectification, RectificationDocument
from tests.app.cases.conftest import summaries
from tests.printing.conftest import pdf_text
from tests.support.desk import Desk


def make(desk: Desk, department: str = "nursing", workdays: int = 10, case_id: int | None = None) -> int:
    case_id = case_id or desk.new_case(State.CLOSED, category="020202")
    return items.create(
        desk["officer"],
        NewItem(department, "修订夜间呼叫应答制度，全科培训并考核。", (case_id,), "呼叫铃响应不及时", workdays),
    )


def test_the_notice_reads_back_and_is_stored_and_reprinted(desk: Desk) -> None:
    case_id = desk.new_case(State.CLOSED, category="020202")
    item_id = make(desk, case_id=case_id)
    info, pdf = notice.issue(desk["officer"], item_id)
    text = pdf_text(pdf)
    for expected in (
        "整改通知单",
        "ZG-2026-0001",
        "护理部",
        "10个工作日，2026年3月24日前",
        "修订夜间呼叫应答制度",
        "呼叫铃响应不及时",
        "护理质量/护理服务/呼叫响应不及时（部分成立）",
        "林晓雯",
        "科室整改情况",
    ):
        assert expected in text, expected
    assert "补打" not in text
    stored = RectificationDocument.get_by_id(info.id)
    assert stored.sha256 == hashlib.sha256(pdf).hexdigest() == info.sha256
    assert notice.stored_notice(desk["manager"], info.id) == pdf
    again, reprinted = notice.issue(desk["manager"], item_id)
    assert again.reprint and "补打" in pdf_text(reprinted)
    assert [n.reprint for n in notice.notices(desk["officer"], item_id)] == [False, True]
    lines = [s for s in summaries(case_id) if "整改通知单" in s]
    assert lines == ["整改 ZG-2026-0001（护理部）：打印整改通知单", "整改 ZG-2026-0001（护理部）：补打整改通知单"]
    with pytest.raises(PermissionDenied):
        notice.issue(desk["clerk"], item_id)


def test_the_list_filters_by_department_state_and_overdue(desk: Desk) -> None:
    nursing = make(desk, "nursing", workdays=2)
    cardiology = make(desk, "cardiology", workdays=20)
    items.record(desk["officer"], cardiology, "已组织科室学习")
    desk.clock.set(datetime(2026, 3, 16, 9, 0))  # nursing's item was due Thursday 12 March

    def numbers(**flt) -> list[str]:
        return [r.number for r in queries.item_list(desk["manager"], RectFilter(**flt))]

    assert numbers() == ["ZG-2026-0002", "ZG-2026-0001"]
    assert numbers(department="nursing") == ["ZG-2026-0001"]
    assert numbers(state=RectState.IN_PROGRESS) == ["ZG-2026-0002"]
    assert numbers(overdue_only=True) == ["ZG-2026-0001"]
    assert queries.item_count(desk["manager"], RectFilter(overdue_only=True)) == 1
    row = queries.item_list(desk["officer"], RectFilter(overdue_only=True))[0]
    assert (row.state_label, row.overdue, row.department) == ("逾期", True, "护理部")
    assert [r.number for r in queries.item_list(desk["manager"], before_id=cardiology)] == ["ZG-2026-0001"]
    with pytest.raises(PermissionDenied):
        queries.item_list(desk["clerk"])
    assert Rectification.get_by_id(nursing).state == RectState.PENDING


def test_a_case_shows_its_items(desk: Desk) -> None:
    case_id = desk.new_case(State.CLOSED, category="020202")
    make(desk, case_id=case_id)
    make(desk, "cardiology", case_id=case_id)
    assert [r.number for r in queries.case_items(desk["officer"], case_id)] == ["ZG-2026-0001", "ZG-2026-0002"]
    assert queries.case_items(desk["clerk"], case_id) == []


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("officer", {"start", "record", "evidence_file", "print"}),
        ("manager", {"close", "print"}),
    ],
)
def test_the_steps_offered_follow_role_and_state(desk: Desk, role: str, allowed: set[str]) -> None:
    item_id = make(desk)
    detail = queries.item_detail(desk[role], item_id)
    assert {step for step, why in detail.steps.items() if not why} == allowed
    if role == "officer":
        assert detail.steps["submit"] == "请先登记科室的整改情况"
        assert detail.steps["close"] == "只有主任/分管院领导可以关闭整改项"
    assert detail.cases[0].visible and detail.events[0].summary.startswith("下达整改")
