"""重复投诉: linking a case as a repeat of an earlier one marks both timelines, and each case knows its
place among the complaints on that matter (the header's count)."""

from __future__ import annotations

import pytest

from app import audit
from app.cases import overlays, repeats, views
from app.cases.states import State
from app.errors import TransitionError, ValidationError
from models.cases import Case, CaseLink
from tests.support.desk import Desk

from .conftest import timeline


def test_a_repeat_marks_both_timelines_and_counts(desk: Desk) -> None:
    officer = desk["officer"]
    first = desk.new_case(State.CLOSED)
    desk.clock.advance(days=3)
    second = desk.register("clerk", content="上次答复后问题仍未解决，再次投诉。").case_id
    overlays.link(officer, second, first, "家属对答复不满意", repeat=True)
    first_no, second_no = Case.get_by_id(first).case_no, Case.get_by_id(second).case_no
    assert timeline(second)[-1].summary == f"标记为重复投诉：前案 {first_no}（已销项）"
    assert timeline(first)[-1].summary == f"收到重复投诉 {second_no}"
    assert timeline(first)[-1].note == "家属对答复不满意"
    assert CaseLink.get(CaseLink.case == second).kind == "repeat"
    assert repeats.is_repeat(second) and not repeats.is_repeat(first)
    assert [r.case_id for r in repeats.repeat_case_ids()] == [second]

    later = views.open_case(officer, second).repeat_group
    earlier = views.open_case(officer, first).repeat_group
    assert later is not None and later.text == "重复投诉 第2次（共2次）"
    assert earlier is not None and earlier.text == "已被重复投诉 1 次"
    assert [c.state_label for c in later.cases] == ["已销项", "待受理"]

    desk.clock.advance(days=2)
    third = desk.register("clerk", content="第三次就同一问题来访。").case_id
    overlays.link(officer, third, second, repeat=True)  # linked to the previous repeat: one group
    assert views.open_case(officer, third).repeat_group.text == "重复投诉 第3次（共3次）"
    assert views.open_case(officer, first).repeat_group.text == "已被重复投诉 2 次"
    assert audit.verify().ok


def test_the_earlier_case_must_be_earlier_and_linked_once(desk: Desk) -> None:
    officer = desk["officer"]
    first = desk.register("clerk").case_id
    desk.clock.advance(hours=2)
    second = desk.register("clerk").case_id
    with pytest.raises(ValidationError, match="晚于本案接待"):
        overlays.link(officer, first, second, repeat=True)
    overlays.link(officer, second, first)  # first a plain link …
    overlays.link(officer, second, first, repeat=True)  # … which becomes the repeat link
    assert [link.kind for link in CaseLink.select()] == ["repeat"]
    with pytest.raises(TransitionError, match="已标记为重复投诉"):
        overlays.link(officer, second, first, repeat=True)


def test_a_repeat_linked_at_intake(desk: Desk) -> None:
    first = desk.register("clerk").case_id
    desk.clock.advance(days=1)
    second = desk.register("clerk", repeat_of=[first], link_to=[first]).case_id
    assert [(link.case_id, link.other_id, link.kind) for link in CaseLink.select()] == [(second, first, "repeat")]
    first_no = Case.get_by_id(first).case_no
    assert timeline(second)[1].summary == f"标记为重复投诉：前案 {first_no}（待受理）"
    assert timeline(first)[-1].summary == f"收到重复投诉 {Case.get_by_id(second).case_no}"
    assert audit.verify().ok
