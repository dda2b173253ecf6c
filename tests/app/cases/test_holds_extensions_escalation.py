"""Beside the lifecycle: 暂停 pausing the clock, 延期 requested and decided, 上报 of a major case and its
report clock, restriction, repeated re-routing, and a department's return without re-routing."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.cases import (
    acceptance,
    intake,
    overlays,
    reply,
    routing,
    search,
    views,
    visibility,
)
from app.cases.states import State
from app.deadlines.case_clocks import case_status
from app.errors import PermissionDenied, TransitionError, ValidationError
from models.cases import Assignment, Case
from tests.support.desk import Desk

from .conftest import audit_ok, summaries, timeline


def _case(case_id: int) -> Case:
    return Case.get_by_id(case_id)


def _visible_ids(desk: Desk, role: str) -> set[int]:
    return {c.id for c in visibility.visible(desk[role].user, Case.select(Case.id))}


def test_hold_pauses_the_clock_and_moves_the_reply_due_date(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.register().case_id
    acceptance.accept(officer, case_id)
    assert _case(case_id).reply_due == date(2026, 3, 17)

    desk.clock.set(datetime(2026, 3, 11, 10, 0))  # Wednesday
    overlays.hold(officer, case_id, "等待患者提供门诊病历复印件")
    case = _case(case_id)
    assert case.on_hold and case.hold_since == datetime(2026, 3, 11, 10, 0)
    assert summaries(case_id)[-1] == "暂停办理（待补充材料），时限暂停计算"

    # While on hold, the clock is frozen at the start of the hold and work is refused.
    desk.clock.set(datetime(2026, 3, 16, 9, 0))  # the next Monday
    status = case_status(case, desk.clock.at)
    assert status is not None and status.paused
    assert status.workdays_left == 4  # as on Wednesday: Thu, Fri, Mon, Tue
    assert status.text == "已暂停（待补充材料），累计暂停 3 个工作日"
    with pytest.raises(TransitionError, match="案件处于待补充材料（暂停）状态，请先恢复办理"):
        routing.assign(officer, case_id, ["cardiology"])
    with pytest.raises(TransitionError, match="案件处于待补充材料（暂停）状态"):
        overlays.hold(officer, case_id, "再次暂停")

    # Resumed on Monday 16 March 10:00: Thu 12, Fri 13, Mon 16 were on hold → due 17 → 20 March.
    desk.clock.set(datetime(2026, 3, 16, 10, 0))
    overlays.resume(officer, case_id, "材料已补齐")
    case = _case(case_id)
    assert not case.on_hold and case.hold_since is None
    assert case.paused_workdays == 3
    assert case.reply_due == date(2026, 3, 20)
    assert summaries(case_id)[-2:] == [
        "恢复办理，暂停 3 个工作日，时限相应顺延",
        "答复期限调整为 2026-03-20：待补充材料期间暂停计算，答复期限相应顺延",
    ]
    with pytest.raises(TransitionError, match="案件没有暂停"):
        overlays.resume(officer, case_id)

    # Two departments later: 10 working days + 3 paused from 10 March = 27 March.
    routing.assign(officer, case_id, ["cardiology", "nursing"])
    assert _case(case_id).reply_due == date(2026, 3, 27)
    audit_ok()


def test_extension_request_and_decision(desk: Desk) -> None:
    officer, manager = desk["officer"], desk["manager"]
    case_id = desk.new_case(State.IN_PROGRESS, departments=1)
    assert _case(case_id).reply_due == date(2026, 3, 17)
    with pytest.raises(ValidationError, match="延期天数：应为 1 至 30 个工作日"):
        overlays.request_extension(officer, case_id, 0, "需要鉴定")
    ext = overlays.request_extension(officer, case_id, 5, "需等待病理会诊结果")
    assert summaries(case_id)[-1] == "申请延期 5 个工作日"
    with pytest.raises(TransitionError, match="已有一项延期申请待审批"):
        overlays.request_extension(officer, case_id, 2, "再申请")
    with pytest.raises(PermissionDenied, match="只有主任/分管院领导可以审批延期"):
        overlays.decide_extension(officer, ext, True)
    assert _case(case_id).reply_due == date(2026, 3, 17)

    overlays.decide_extension(manager, ext, True, "同意")
    case = _case(case_id)
    assert case.extension_workdays == 5
    assert case.reply_due == date(2026, 3, 24)  # 17 March + 5 working days
    assert summaries(case_id)[-1] == "批准延期 5 个工作日，答复期限顺延至 2026-03-24"
    with pytest.raises(TransitionError, match="该延期申请已审批"):
        overlays.decide_extension(manager, ext, False, "撤回")

    # A second request refused: the due date stays; a refusal needs a reason.
    ext2 = overlays.request_extension(officer, case_id, 3, "仍需补充材料")
    with pytest.raises(ValidationError, match="审批意见：不能为空"):
        overlays.decide_extension(manager, ext2, False)
    overlays.decide_extension(manager, ext2, False, "时限已足够")
    assert _case(case_id).reply_due == date(2026, 3, 24)
    assert summaries(case_id)[-1] == "不同意延期"
    assert [(e.workdays, e.state) for e in views.open_case(manager, case_id).extensions] == [
        (5, "approved"),
        (3, "refused"),
    ]
    audit_ok()


def test_escalating_a_major_case_starts_the_twelve_hour_report_clock(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.register(severity="serious").case_id
    assert _case(case_id).escalated_at is None
    desk.clock.set(datetime(2026, 3, 10, 20, 0))
    overlays.escalate(officer, case_id, "患者家属聚集，媒体已到场")
    case = _case(case_id)
    assert case.escalated_at == datetime(2026, 3, 10, 20, 0)
    assert case.severity == "major"
    assert summaries(case_id)[-1] == "按重大投诉上报院领导"
    with pytest.raises(TransitionError, match="该案件已上报"):
        overlays.escalate(officer, case_id, "再次上报")

    report = views.open_case(officer, case_id).external_report
    assert (report.colour, report.text) == ("green", "剩余 12 小时")
    desk.clock.set(datetime(2026, 3, 11, 6, 30))
    report = views.open_case(officer, case_id).external_report
    assert (report.colour, report.text) == ("amber", "剩余 1 小时 30 分钟")
    desk.clock.set(datetime(2026, 3, 11, 9, 0))
    report = views.open_case(officer, case_id).external_report
    assert (report.colour, report.text, report.overdue) == ("red", "已逾期 1 小时", True)
    # The intake roles do not see the handling clock.
    assert views.open_case(desk["clerk"], case_id).external_report is None


def test_a_major_complaint_is_escalated_at_registration(desk: Desk) -> None:
    reg = desk.register("clerk", severity="major")
    case = _case(reg.case_id)
    assert case.escalated_at == desk.clock.at
    assert summaries(reg.case_id) == ["登记投诉（来访）", "重大投诉，已即时上报院领导"]
    report = views.open_case(desk["manager"], reg.case_id).external_report
    assert report.text == "剩余 12 小时"


def test_restricted_case_is_visible_only_to_managers_and_named_officers(desk: Desk) -> None:
    manager = desk["manager"]
    reg = desk.register(
        "clerk", content="举报某科室医生收受红包，要求保密处理。", complainant_phone="13700007777"
    )
    case_id = reg.case_id
    with pytest.raises(ValidationError, match="赵敏 不是办公室专员"):
        overlays.restrict(manager, case_id, True, ["zhaomin"])
    with pytest.raises(PermissionDenied, match="只有主任/分管院领导可以设置保密"):
        overlays.restrict(desk["officer"], case_id, True, ["wangzq"])
    overlays.restrict(manager, case_id, True, ["wangzq"])
    assert summaries(case_id)[-1] == "设为保密案件"
    assert timeline(case_id)[-1].note == "可查看：王志强"

    for role in ("manager", "officer2"):
        assert views.open_case(desk[role], case_id).restricted
        assert case_id in _visible_ids(desk, role)
        assert search.search(desk[role], "收受红包") == [case_id]
    assert search.search(desk["officer2"], "13700007777") == [case_id]
    for role in ("officer", "clerk", "clerk2", "night_duty", "multi", "officer_admin", "admin"):
        with pytest.raises(PermissionDenied, match="^受限案件：无权查看$"):
            views.open_case(desk[role], case_id)
        assert case_id not in _visible_ids(desk, role), role
        assert search.search(desk[role], "收受红包") == [], role
        assert search.search(desk[role], "红包") == [], role
        assert search.search(desk[role], "13700007777") == [], role
        if role != "admin":
            assert intake.find_duplicates(desk[role], phone="13700007777") == [], role

    # The named officer accepts it and works it; lifting the restriction opens it again.
    acceptance.accept(desk["officer2"], case_id)
    overlays.restrict(manager, case_id, False)
    assert summaries(case_id)[-1] == "取消保密"
    assert case_id in _visible_ids(desk, "officer")
    assert views.open_case(desk["clerk"], case_id).case_no == reg.case_no
    audit_ok()


def test_more_than_three_reroutes_flag_the_case(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.new_case(State.IN_PROGRESS, departments=1)
    chain = ["nursing", "radiology", "pharmacy", "laboratory"]
    for count, target in enumerate(chain, start=1):
        current = Assignment.get((Assignment.case == case_id) & (Assignment.state == "sent"))
        routing.return_assignment(officer, current.id, "不属于本科室职责", reroute_to=[target])
        case = _case(case_id)
        assert case.reroute_count == count
        assert case.flagged == (count > 3)
        assert case.reply_due == date(2026, 3, 17)  # still one responsible department
    assert "已退回改派 4 次，提请主任关注" in summaries(case_id)
    assert summaries(case_id)[-1] == "转办至 检验科，科室反馈期限 2026-03-13"
    assert views.open_case(desk["manager"], case_id).flagged
    states = [a.state for a in Assignment.select().where(Assignment.case == case_id).order_by(Assignment.id)]
    assert states == ["returned"] * 4 + ["sent"]
    audit_ok()


def test_returning_the_only_assignment_without_reroute_keeps_the_case_in_progress(desk: Desk) -> None:
    officer = desk["officer"]
    case_id = desk.new_case(State.IN_PROGRESS, departments=2)
    first = Assignment.select().where(Assignment.case == case_id).order_by(Assignment.id).first()
    routing.return_assignment(officer, first.id, "不是本科室")
    case = _case(case_id)
    assert case.state == State.IN_PROGRESS
    assert case.reply_due == date(2026, 3, 17)  # one department left: back to 5 working days
    with pytest.raises(TransitionError, match="该转办已反馈或已退回"):
        routing.respond(officer, first.id, "迟到的反馈")
    with pytest.raises(TransitionError, match="还有 1 个科室未反馈，收到全部反馈后才能拟定答复"):
        reply.save_draft(officer, case_id, facts="a", finding="upheld", resolution="b", base_revision=0)
