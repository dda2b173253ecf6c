"""The read side of the role homes and the board: home sections by policy, queue counts that match
their lists, the night-duty handover, receipt counts, board moves and the board's first pages."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.cases import acceptance, board, documents, overlays, queues
from app.cases.board import BOARD_STATES, QUEUE_FILTERS, BoardFilter
from app.cases.rules import RULES
from app.cases.states import State
from app.errors import PermissionDenied
from tests.support.desk import Desk


def test_home_sections_follow_the_policy(desk: Desk) -> None:
    def parts(role: str) -> tuple[bool, bool, bool, bool]:
        s = queues.home_sections(desk[role].user)
        return s.oversight, s.office_work, s.intake_desk, s.night_shift

    assert parts("manager") == (True, False, False, False)
    assert parts("officer") == (False, True, False, False)
    assert parts("clerk") == (False, False, True, False)
    assert parts("night_duty") == (False, False, False, True)
    assert parts("multi") == (False, False, True, True)  # clerk and night duty
    assert parts("officer_admin") == (False, True, False, False)
    assert not queues.home_sections(desk.admin.user).any


def test_every_queue_count_matches_its_list(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 2, 24, 9, 0))
    late = desk.new_case(State.IN_PROGRESS, departments=1)  # reply due 3 March, department 27 February
    desk.clock.set(datetime(2026, 3, 10, 9, 0))
    desk.new_case(State.PENDING_APPROVAL)
    desk.new_case(State.REPLIED)
    desk.new_case(State.AWAITING_SIGN_OFF)
    held = desk.new_case(State.ACCEPTED)
    overlays.hold(desk["officer"], held, "等待投诉人补充材料")
    extended = desk.new_case(State.IN_PROGRESS)
    overlays.request_extension(desk["officer"], extended, 5, "科室需调取外院病历")
    desk.register("clerk", severity="major")
    desk.register("clerk")
    desk.new_case(State.CLOSED)
    for role in ("officer", "manager", "clerk"):
        counts = board.queue_counts(desk[role])
        assert [q.key for q in counts] == list(QUEUE_FILTERS)
        for queue in counts:
            listed = board.case_list(desk[role], queue.flt, limit=500)
            assert queue.count == len(listed) == board.case_count(desk[role], queue.flt), (role, queue.key)
    by_key = {q.key: q.count for q in board.queue_counts(desk["manager"])}
    assert by_key["registered"] == 2 and by_key["escalated"] == 1 and by_key["on_hold"] == 1
    assert by_key["extensions"] == 1 and by_key["pending_approval"] == 1
    assert by_key["dept_late"] >= 1 and by_key["overdue"] >= 1
    assert late in {c.id for c in board.case_list(desk["manager"], QUEUE_FILTERS["dept_late"][1])}
    only = board.queue_counts(desk["manager"], ("overdue", "registered"))
    assert [q.key for q in only] == ["overdue", "registered"]


def test_home_queues_are_the_sections_tiles(desk: Desk) -> None:
    desk.register("clerk")
    assert [q.key for q in queues.home_queues(desk["clerk"])] == ["registered_today", "registered"]
    assert [q.count for q in queues.home_queues(desk["clerk"])] == [1, 1]
    assert [q.key for q in queues.home_queues(desk["night_duty"])] == ["my_shift"]
    assert [q.key for q in queues.home_queues(desk["manager"])] == [
        "pending_approval",
        "awaiting_sign_off",
        "extensions",
        "overdue",
        "escalated",
    ]
    assert queues.home_queues(desk.admin) == []


def test_registered_today_is_the_users_own_and_includes_closed_ones(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 3, 9, 15, 0))
    desk.register("clerk")  # yesterday
    desk.clock.set(datetime(2026, 3, 10, 9, 0))
    rejected = desk.new_case(State.REJECTED)  # by the clerk, today; the office rejected it
    desk.register("clerk2")
    flt = BoardFilter(queue="registered_today", include_final=True)
    assert [c.id for c in board.case_list(desk["clerk"], flt)] == [rejected]


def test_the_night_shift_and_its_handover(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 3, 10, 23, 40))
    major = desk.register("night_duty", channel="phone", severity="major").case_id
    minor = desk.register("night_duty", channel="phone").case_id
    desk.register("clerk")
    shift = board.case_list(desk["night_duty"], BoardFilter(queue="my_shift"))
    assert {c.id for c in shift} == {major, minor}
    summary = queues.handover(desk["night_duty"])
    assert summary.total == 2 and summary.escalated == 1
    assert summary.by_severity == (("major", "重大", 1), ("serious", "重要", 0), ("minor", "一般", 1))
    desk.clock.set(datetime(2026, 3, 11, 8, 30))
    acceptance.accept(desk["officer"], major)
    assert queues.handover(desk["night_duty"]).total == 1  # the office took one over
    assert queues.handover(desk["clerk"]).total == 0


def test_receipt_counts_only_for_visible_cases(desk: Desk) -> None:
    case_id = desk.register("clerk").case_id
    secret = desk.new_case(State.ACCEPTED)
    overlays.restrict(desk["manager"], secret, True, [])
    assert queues.receipt_counts(desk["clerk"], [case_id]) == {case_id: 0}
    documents.issue(desk["clerk"], case_id, "receipt")
    documents.issue(desk["clerk"], case_id, "receipt")
    assert queues.receipt_counts(desk["clerk"], [case_id, secret]) == {case_id: 2}
    assert queues.receipt_counts(desk["clerk"], []) == {}


def test_the_active_work_list_is_ordered_by_urgency(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 2, 24, 9, 0))
    late = desk.new_case(State.ACCEPTED)
    desk.clock.set(datetime(2026, 3, 9, 9, 0))
    green = desk.new_case(State.ACCEPTED)
    held = desk.new_case(State.ACCEPTED)
    overlays.hold(desk["officer"], held, "等待补充材料")
    desk.clock.set(datetime(2026, 3, 10, 9, 0))
    fresh = desk.register("clerk").case_id
    other_officers = desk.register("clerk").case_id
    acceptance.accept(desk["officer2"], other_officers)  # someone else's now: not in the list
    done = desk.new_case(State.CLOSED)
    ids = [c.id for c in board.case_list(desk["officer"], BoardFilter(queue="active"), order="urgency")]
    assert ids == [late, fresh, green, held]
    assert done not in ids
    with pytest.raises(ValueError):
        board.case_list(desk["officer"], order="sideways")


def test_board_moves_name_a_rule_or_say_why_not() -> None:
    assert board.board_move("registered", "accepted") == ("accept", "")
    assert board.board_move("pending_approval", "drafting") == ("return_draft", "")
    rule, why = board.board_move("in_progress", "drafting")
    assert rule == "" and "科室反馈" in why
    assert board.board_move("accepted", "closed") == (
        "",
        "不能把案件从“已受理/待转办”直接移到“已销项”。可以拖到：科室处理中、拟定答复；其他步骤请双击卡片在案件中办理。",
    )  # why not, and what can be done instead
    for (source, target), rule in board.BOARD_MOVES.items():
        assert source in BOARD_STATES and target in BOARD_STATES and source != target
        assert source in RULES[rule].states


def test_the_board_reads_first_pages_of_all_columns_at_once(desk: Desk) -> None:
    for _ in range(3):
        desk.register("clerk")
    desk.new_case(State.IN_PROGRESS)
    columns = board.board(desk["officer"], per_column=2)
    assert [c.state for c in columns] == list(BOARD_STATES)
    registered = columns[0]
    assert registered.total == 3 and len(registered.cards) == 2
    pages = board.column_pages(desk["officer"], "registered", BoardFilter())
    pages.skip(2)
    rest = pages.next_page(2)
    assert len(rest) == 1 and pages.done
    assert {c.id for c in registered.cards} | {c.id for c in rest} == {
        c.id for c in board.case_list(desk["officer"], BoardFilter(states=("registered",)))
    }
    assert columns[2].total == 1 and columns[2].cards[0].departments
    assert board.board(desk["officer"], BoardFilter(severity="major"))[0].total == 0


def test_filter_choices_list_departments_categories_and_officers(desk: Desk) -> None:
    choices = queues.filter_choices(desk["clerk"])
    assert ("cardiology", "心血管内科") in choices.departments
    levels = {c.level for c in choices.categories}
    assert levels == {1, 2, 3}
    assert "林晓雯" in {name for _id, name in choices.officers}
    with pytest.raises(PermissionDenied):
        queues.filter_choices(desk.admin)


def test_todays_prints_are_the_users_own_of_today(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 3, 9, 15, 0))
    old = desk.register("clerk").case_id
    documents.issue(desk["clerk"], old, "receipt")  # yesterday
    desk.clock.set(datetime(2026, 3, 10, 9, 0))
    case_id = desk.register("clerk").case_id
    documents.issue(desk["clerk"], case_id, "receipt")
    desk.clock.advance(minutes=5)
    documents.issue(desk["clerk"], case_id, "receipt")
    documents.issue(desk["clerk2"], desk.register("clerk2").case_id, "receipt")  # someone else's
    records = queues.todays_prints(desk["clerk"])
    assert [(r.case_id, r.title, r.reprint) for r in records] == [
        (case_id, "投诉受理回执", True),
        (case_id, "投诉受理回执", False),
    ]
    assert records[0].issued_at == datetime(2026, 3, 10, 9, 5)
    overlays.restrict(desk["manager"], case_id, True, [])
    assert queues.todays_prints(desk["clerk"]) == []  # a case they no longer see


def test_a_case_due_today_is_due_today_until_the_day_ends(desk: Desk) -> None:
    """After office hours on its due date a case is still 今日到期, not 已逾期; overdue the next day."""
    desk.clock.set(datetime(2026, 3, 9, 9, 0))  # Monday
    registered = desk.register("clerk", channel="letter", complainant_address="建邺区汉中门大街56号")
    case_id = registered.case_id
    assert registered.accept_due == datetime(2026, 3, 10).date()

    def listed(queue: str) -> bool:
        return case_id in {c.id for c in board.case_list(desk["officer"], QUEUE_FILTERS[queue][1], limit=50)}

    desk.clock.set(datetime(2026, 3, 10, 17, 45))  # Tuesday, the due date, after office hours
    assert listed("due_today") and not listed("overdue")
    card = next(c for c in board.case_list(desk["officer"], BoardFilter(), limit=10) if c.id == case_id)
    assert card.deadline is not None and card.deadline.text == "今日到期" and not card.deadline.overdue
    desk.clock.set(datetime(2026, 3, 11, 0, 5))
    assert listed("overdue") and not listed("due_today")


def test_lists_show_complainant_names_to_whom_the_case_shows_them(desk: Desk) -> None:
    """Officer and manager see names in every list; a clerk sees the full name only on their own
    registrations of today (as in the case itself) and never the responsible departments."""
    own_today = desk.register("clerk", complainant_name="张桂兰").case_id
    routed = desk.new_case(State.IN_PROGRESS, by="clerk2", departments=1, complainant_name="李建平")
    by_other = desk.register("clerk2", complainant_name="王秀英").case_id

    def cards(role: str) -> dict[int, board.CaseCard]:
        listed = board.case_list(desk[role], BoardFilter(include_final=True), limit=50)
        return {c.id: c for c in listed}

    for role in ("officer", "manager"):
        seen = cards(role)
        assert (seen[own_today].complainant, seen[routed].complainant) == ("张桂兰", "李建平"), role
        assert seen[routed].departments, role  # the responsible department is handling information
        columns = {c.id: c for column in board.board(desk[role]) for c in column.cards}
        assert columns[routed].complainant == "李建平", role
    clerk = cards("clerk")
    assert clerk[own_today].complainant == "张桂兰"
    assert clerk[routed].complainant == "李**" and clerk[by_other].complainant == "王**"
    assert all(card.departments == "" for card in clerk.values())
    desk.clock.advance(days=1)
    assert cards("clerk")[own_today].complainant == "张**"
