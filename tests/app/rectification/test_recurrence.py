"""整改后复发: the window's edges, department and category matching, the hooks at 登记 and 转办, and
the manager told by a reminder."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app import settings
from app.cases import routing
from app.cases.states import State
from app.rectification import items
from app.rectification.items import NewItem
from app.reminders import compute
from app.reminders.kinds import ReminderKind
from models.rectification import Rectification, RectificationEvent, Recurrence
from tests.app.cases.conftest import summaries
from tests.support.desk import Desk

CLOSED_AT = datetime(2026, 3, 20, 10, 0)


def done_item(desk: Desk, category: str = "020202", department: str = "nursing") -> int:
    """An item in `department` and `category`, closed as 已落实 on 20 March 2026."""
    case_id = desk.new_case(State.CLOSED, category=category if len(category) == 6 else "020202")
    item_id = items.create(
        desk["officer"],
        NewItem(department=department, measure="落实呼叫应答时限", case_ids=(case_id,), category=category),
    )
    items.record(desk["officer"], item_id, "已培训并纳入护理质控")
    items.submit(desk["officer"], item_id)
    items.verify(desk["officer"], item_id, True, "抽查合格")
    desk.clock.set(CLOSED_AT)
    items.close(desk["manager"], item_id, True)
    return item_id


def register_after(desk: Desk, days: int, **overrides) -> int:
    desk.clock.set(CLOSED_AT + timedelta(days=days))
    return desk.register("clerk", **{"category": "020202", **overrides}).case_id


@pytest.mark.parametrize(("days", "flagged"), [(0, True), (1, True), (180, True), (181, False)])
def test_the_window_counts_180_days_from_the_closure(desk: Desk, days: int, flagged: bool) -> None:
    item_id = done_item(desk)
    case_id = register_after(desk, days)
    assert Rectification.get_by_id(item_id).recurred is flagged
    assert (Recurrence.select().where(Recurrence.case == case_id).count() == 1) is flagged
    line = "整改后复发：护理部整改项 ZG-2026-0001（2026-03-20 已落实）"
    assert (line in summaries(case_id)) is flagged


def test_the_window_is_a_setting(desk: Desk) -> None:
    item_id = done_item(desk)
    settings.update(desk["admin"], {"rectification_recurrence_days": 30})
    register_after(desk, 31)
    assert not Rectification.get_by_id(item_id).recurred
    register_after(desk, 30)
    assert Rectification.get_by_id(item_id).recurred


def test_a_complaint_before_the_closure_or_elsewhere_is_no_recurrence(desk: Desk) -> None:
    item_id = done_item(desk)
    desk.clock.set(CLOSED_AT + timedelta(days=5))
    desk.register("clerk", category="020202", received_at=CLOSED_AT - timedelta(days=2))  # received earlier
    register_after(desk, 6, category="020201")  # same department, another category
    register_after(desk, 7, category="010101")  # another department and category
    assert not Rectification.get_by_id(item_id).recurred
    assert Recurrence.select().count() == 0


def test_an_item_on_a_parent_category_covers_the_categories_under_it(desk: Desk) -> None:
    item_id = done_item(desk, category="0202")
    register_after(desk, 10, category="020201")
    assert Rectification.get_by_id(item_id).recurred


def test_open_or_failed_items_do_not_count(desk: Desk) -> None:
    case_id = desk.new_case(State.CLOSED, category="020202")
    open_item = items.create(desk["officer"], NewItem("nursing", "落实呼叫应答时限", (case_id,)))
    register_after(desk, 3)
    assert not Rectification.get_by_id(open_item).recurred


def test_the_department_a_case_is_sent_to_counts_too(desk: Desk) -> None:
    item_id = done_item(desk, category="010101", department="cardiology")
    case_id = register_after(desk, 20, category="010101")  # default department: 医务部
    assert not Rectification.get_by_id(item_id).recurred
    desk.walk(case_id, State.ACCEPTED)
    routing.assign(desk["officer"], case_id, ["cardiology"], "请核实")
    assert Rectification.get_by_id(item_id).recurred
    assert any(s.startswith("整改后复发：心血管内科整改项") for s in summaries(case_id))
    routing.assign(desk["officer"], case_id, ["nursing"], "请协助核实")
    assert Recurrence.select().count() == 1, "flagged once"
    events = RectificationEvent.select().where(RectificationEvent.action == "recurrence")
    assert [e.summary for e in events] == [f"整改后复发：新投诉 {case_no(case_id)}"]


def case_no(case_id: int) -> str:
    from models.cases import Case

    return Case.get_by_id(case_id).case_no


def test_the_manager_is_told_once(desk: Desk) -> None:
    done_item(desk)
    case_id = register_after(desk, 10)  # Monday 30 March
    desk.clock.set(datetime(2026, 3, 30, 10, 0))
    lines = [r for r in compute.reminder_list(desk["manager"]).items if r.kind == ReminderKind.RECURRENCE]
    assert [(r.case_id, r.tone) for r in lines] == [(case_id, "red")]
    assert "护理部整改后复发（ZG-2026-0001）" in lines[0].title
    assert all(r.kind != ReminderKind.RECURRENCE for r in compute.reminder_list(desk["officer"]).items)
    compute.dismiss(desk["manager"], lines[0].key)
    desk.clock.set(datetime(2026, 3, 31, 10, 0))
    assert all(r.kind != ReminderKind.RECURRENCE for r in compute.reminder_list(desk["manager"]).items)


def test_an_issue_added_later_is_checked_too(desk: Desk) -> None:
    from app.cases import issues
    from app.cases.issues import IssueInput

    item_id = done_item(desk)
    case_id = register_after(desk, 12, category="040101")  # 重复收费: 价格管理
    assert not Rectification.get_by_id(item_id).recurred
    issues.add_issue(desk["officer"], case_id, IssueInput("夜间呼叫无人应答", "020202"))
    assert Rectification.get_by_id(item_id).recurred
    assert "整改后复发：护理部整改项 ZG-2026-0001（2026-03-20 已落实）" in summaries(case_id)
