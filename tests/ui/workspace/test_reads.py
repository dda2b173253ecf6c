"""The small app/ reads the workspace relies on (app.cases.workspace)."""

from __future__ import annotations

import pytest

from app.cases import routing
from app.cases.views import open_case
from app.cases.workspace import amount_in_capitals, officers, printable_documents
from app.errors import PermissionDenied, ValidationError
from tests.support.desk import Desk


def test_officers_for_the_restriction_picker_only_for_those_who_may_restrict(desk: Desk) -> None:
    assert [(o.username, o.display_name) for o in officers(desk["manager"])] == [
        ("liuq", "刘强"),
        ("王小明", "王小明"),
    ]
    with pytest.raises(PermissionDenied, match="只有主任/分管院领导可以设置保密"):
        officers(desk["officer"])


def test_printable_documents_follow_state_policy_and_departments(desk: Desk) -> None:
    case_id = desk.new_case("in_progress")
    first = open_case(desk["officer"], case_id).assignments[0]
    routing.return_assignment(desk["officer"], first.id, "不属于本科室职责")
    kinds = [(p.kind, p.department) for p in printable_documents(desk["officer"], case_id)]
    # the return moved the reply date (one department left): a 延期告知书 can tell the complainant
    assert kinds == [("receipt", ""), ("registration", ""), ("dispatch", "护理部"), ("notice", "")]
    assert [p.kind for p in printable_documents(desk["clerk"], case_id)] == ["receipt", "registration"]
    other = desk.register("officer").case_id
    assert printable_documents(desk["clerk"], other) == []  # intake documents of their own cases only


def test_amount_in_capitals() -> None:
    assert amount_in_capitals("") == ""
    assert amount_in_capitals("¥1,200") == "壹仟贰佰元整"
    with pytest.raises(ValidationError, match="赔偿/退费金额：最多保留两位小数"):
        amount_in_capitals("1.234")
