"""The 处理意见 form's 投诉事项认定: each issue's finding and note saved with the draft in one
transaction, the case finding derived from them, the override with its reason; bad input refused in
Chinese with nothing written."""

from __future__ import annotations

import pytest

from app.cases import acceptance, issues, reply
from app.cases.issues import FindingChoice, IssueFinding, IssueInput
from app.cases.states import State
from app.errors import ValidationError
from models.case_record import DraftRevision
from models.cases import Case, FindingOverride
from tests.support.desk import Desk

from .conftest import audit_ok, summaries, timeline

CALL_BELL = IssueInput(summary="夜间呼叫铃无人应答", category="020202")
STOPPED_DRUG = IssueInput(summary="已停用药品仍被计费", category="040101")


def _two_issue_case(desk: Desk) -> tuple[int, int, int]:
    case_id = desk.register("clerk", issues=[CALL_BELL, STOPPED_DRUG]).case_id
    acceptance.accept(desk["officer"], case_id)
    bell, drug = issues.issues_of(case_id)
    return case_id, bell.id, drug.id


def _save(desk: Desk, case_id: int, findings: dict[int, IssueFinding], **extra: object) -> int:
    arguments: dict = {
        "facts": "调取护理记录与收费明细核实",
        "finding": "",
        "resolution": "向投诉人致歉，退还多收费用",
        "base_revision": reply.current_revision(case_id),
        "issue_findings": findings,
    }
    arguments.update(extra)
    return reply.save_draft(desk["officer"], case_id, **arguments)


def test_each_issue_s_finding_and_note_are_saved_with_the_draft(desk: Desk) -> None:
    case_id, bell, drug = _two_issue_case(desk)
    _save(
        desk,
        case_id,
        {
            bell: IssueFinding("upheld", "护理记录显示 40 分钟无人应答"),
            drug: IssueFinding("not_upheld", "医嘱停用后未再计费，系另一药品"),
        },
    )
    first, second = issues.issues_of(case_id)
    assert (first.finding, first.finding_note) == ("upheld", "护理记录显示 40 分钟无人应答")
    assert (second.finding, second.finding_note) == ("not_upheld", "医嘱停用后未再计费，系另一药品")
    case = Case.get_by_id(case_id)
    assert (case.state, case.finding) == (State.DRAFTING, "partly_upheld")
    assert summaries(case_id)[-4:] == [
        "投诉事项1 认定：成立",
        "投诉事项2 认定：不成立",
        "案件结论（由各事项得出）：部分成立",
        "开始拟定处理意见",
    ]
    assert timeline(case_id)[-1].note.startswith("投诉是否成立：部分成立")
    revision = (
        DraftRevision.select()
        .where(DraftRevision.case == case_id)
        .order_by(DraftRevision.number.desc())
        .first()
    )
    assert revision.finding == "partly_upheld"

    # saving the same findings again writes no issue entries, only the new revision
    _save(
        desk, case_id, {bell: IssueFinding("upheld", "护理记录显示 40 分钟无人应答")}, finding="partly_upheld"
    )
    assert summaries(case_id)[-1] == "修改处理意见" and summaries(case_id)[-2] == "开始拟定处理意见"
    reply.submit_for_approval(desk["officer"], case_id)
    audit_ok()


def test_an_undecided_issue_leaves_the_case_finding_open_until_decided(desk: Desk) -> None:
    case_id, bell, drug = _two_issue_case(desk)
    _save(desk, case_id, {bell: IssueFinding("upheld"), drug: IssueFinding("")})
    assert Case.get_by_id(case_id).finding == ""
    with pytest.raises(ValidationError, match="投诉是否成立"):
        reply.submit_for_approval(desk["officer"], case_id)
    _save(desk, case_id, {drug: IssueFinding("undetermined")})
    assert Case.get_by_id(case_id).finding == "partly_upheld"


def test_the_override_with_its_reason_is_saved_with_the_draft_and_can_be_withdrawn(desk: Desk) -> None:
    case_id, bell, drug = _two_issue_case(desk)
    findings = {bell: IssueFinding("upheld"), drug: IssueFinding("not_upheld")}
    before = len(timeline(case_id))
    with pytest.raises(ValidationError, match="改定理由"):
        _save(desk, case_id, findings, override=FindingChoice("upheld", "  "))
    assert len(timeline(case_id)) == before  # nothing written, not even the issue findings
    assert [i.finding for i in issues.issues_of(case_id)] == ["", ""]

    reason = "计费问题系护理执行停药医嘱延误所致，整体成立"
    _save(desk, case_id, findings, override=FindingChoice("upheld", reason))
    finding = issues.case_finding(case_id)
    assert (finding.finding, finding.derived, finding.overridden, finding.override_reason) == (
        "upheld",
        "partly_upheld",
        True,
        reason,
    )
    assert Case.get_by_id(case_id).finding == "upheld"
    assert "改定案件结论为“成立”（各事项得出：部分成立）" in summaries(case_id)

    # the same override again is not recorded again; withdrawing it brings the derived finding back
    _save(desk, case_id, findings, finding="upheld", override=FindingChoice("upheld", reason))
    assert summaries(case_id).count("改定案件结论为“成立”（各事项得出：部分成立）") == 1
    _save(desk, case_id, findings, override=FindingChoice(""))
    assert not FindingOverride.select().where(FindingOverride.case == case_id).exists()
    assert Case.get_by_id(case_id).finding == "partly_upheld"
    assert "取消改定，案件结论（由各事项得出）：部分成立" in summaries(case_id)
    audit_ok()


def test_bad_findings_are_refused_naming_the_issue_and_nothing_is_written(desk: Desk) -> None:
    case_id, bell, drug = _two_issue_case(desk)
    before = len(timeline(case_id))
    with pytest.raises(ValidationError) as refused:
        _save(desk, case_id, {bell: IssueFinding("upheld"), drug: IssueFinding("属实")})
    assert refused.value.field == f"finding_{drug}" and "事项2认定" in str(refused.value)
    with pytest.raises(ValidationError, match="已不在本案中"):
        _save(desk, case_id, {bell + drug + 1000: IssueFinding("upheld")})
    with pytest.raises(ValidationError, match="2 个投诉事项"):  # the form's case finding disagrees
        _save(
            desk, case_id, {bell: IssueFinding("upheld"), drug: IssueFinding("upheld")}, finding="not_upheld"
        )
    assert len(timeline(case_id)) == before
    assert [i.finding for i in issues.issues_of(case_id)] == ["", ""]
    assert Case.get_by_id(case_id).state == State.ACCEPTED
